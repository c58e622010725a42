"""Disputes outside the call card (DESIGN §1.7): registering a claim that came by e-mail,
letter or at a meeting on the debtor card, and the open disputes for whoever follows them up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_register_dispute
from dunwell.forms import query_id
from dunwell.ledger.models import Document
from dunwell.money import Money
from dunwell.money_l10n import money_text
from dunwell.work import ladder_bridge, selectors, services
from dunwell.work.disputes import SORTS, awaiting_credit, open_disputes
from dunwell.work.forms import DisputeForm
from dunwell.work.services import DISPUTE_REASONS
from dunwell.work.views import _debt_currencies, _dispute_recorded


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def register_dispute(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """A claim that came by e-mail, letter or at a meeting, without logging a call that did not
    happen: the same routing, notice and hold as a call's dispute outcome."""
    user = _user(request)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    if not can_register_dispute(user, counterparty.pk):
        raise PermissionDenied
    header = selectors.debtor_header(counterparty, timezone.localdate())
    open_documents = Document.objects.filter(counterparty=counterparty, open_amount__gt=0).order_by(
        "due_date", "number"
    )
    documents = [
        (d.pk, f"{d.number} · " + money_text(Money(d.open_amount, d.currency)))
        for d in open_documents
    ]
    currencies = _debt_currencies(counterparty, header.total_due)
    form = DisputeForm(
        request.POST or None,
        documents=documents,
        currencies=currencies,
        initial={"channel": "email"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                dispute_id = ladder_bridge.register_dispute(
                    user,
                    counterparty,
                    data["reason"],
                    data["amount"],
                    data["currency"],
                    tuple(data["documents"]),
                    data["note"],
                    channel=data["channel"],
                )
            except services.WorkError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _dispute_recorded(dispute_id))
                return redirect(
                    reverse("work:debtor", args=[counterparty.pk]) + f"#dispute-{dispute_id}"
                )
        status = 400
    return render(
        request,
        "work/dispute_new.html",
        {"cp": counterparty, "form": form},
        status=status,
    )


@login_required
def disputes(request: HttpRequest) -> HttpResponse:
    """The open disputes the user follows up (DESIGN §1.7): who settles each and by when, the
    overdue ones marked; narrowed to one settler or one reason, sorted by deadline or age."""
    user = _user(request)
    owner = query_id(request.GET.get("owner", ""))
    reason = request.GET.get("reason", "")
    if reason not in DISPUTE_REASONS:
        reason = ""
    sort = request.GET.get("sort", "deadline")
    if sort not in SORTS:
        sort = "deadline"
    found = open_disputes(user, owner=owner, reason=reason, sort=sort)
    rows = [
        {"row": row, "age": ngettext("%(n)s day", "%(n)s days", row.age_days) % {"n": row.age_days}}
        for row in found.rows
    ]
    return render(
        request,
        "work/disputes.html",
        {
            "rows": rows,
            "totals": found.totals,
            "owners": found.owners,
            "owner": owner,
            "reasons": list(DISPUTE_REASONS.items()),
            "reason": reason,
            "sort": sort,
            "overdue": sum(1 for row in found.rows if row.overdue),
            "awaiting": awaiting_credit(user),
        },
    )
