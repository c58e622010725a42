"""Credit pages: the check for sales managers, the written rules (edit, PDF, acknowledge),
approvals, and the debtor card's credit panel with its actions. Thin: forms check input, a
service or selector does the work, `accounts.visibility` says who may."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_decide_credit,
    can_edit_credit_rules,
    can_see_counterparty,
    must_acknowledge_credit_rules,
    visible_counterparties,
)
from dunwell.credit import selectors, services
from dunwell.credit.forms import CheckForm, DecisionForm, LiftForm, LimitForm, RuleSetForm
from dunwell.credit.models import Channel, CreditApprovalRequest, CreditRuleSet
from dunwell.credit.reasons import as_messages, component_label
from dunwell.credit.rules import current_rule_sets, rule_history
from dunwell.ledger.models import Counterparty
from dunwell.money import Money


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _counterparty(user: User, counterparty_id: int) -> Counterparty:
    found = (
        visible_counterparties(user)
        .select_related("company", "segment")
        .filter(pk=counterparty_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def check_page(request: HttpRequest) -> HttpResponse:
    """A sales manager asks before promising an order: allow, deny or needs approval, why."""
    user = _user(request)
    # The card's panel links here with the customer filled in.
    initial = {"counterparty": request.GET.get("counterparty", "")[:64]}
    form = CheckForm(request.POST or None, initial=initial)
    result = None
    counterparty = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            counterparty = selectors.find_counterparty(user, data["counterparty"])
            result = services.check(
                counterparty,
                Money(data["amount"], data["currency"]),
                data["order"],
                user,
                channel=Channel.PAGE,
            )
        except selectors.NotFound as exc:
            form.add_error("counterparty", str(exc))
        except services.CreditError as exc:
            form.add_error(exc.field or None, str(exc))
    return render(
        request,
        "credit/check.html",
        {
            "form": form,
            "result": result,
            "counterparty": counterparty,
            "reasons": as_messages(result.check.reasons) if result else [],
            "unread_rules": services.pending_rule_sets(user)
            if must_acknowledge_credit_rules(user)
            else [],
        },
        status=422 if request.method == "POST" and result is None else 200,
    )


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    return render(
        request,
        "credit/rules.html",
        {
            "current": current_rule_sets(today),
            "history": rule_history()[:200],
            "pending": services.pending_rule_sets(user, today)
            if must_acknowledge_credit_rules(user)
            else [],
            "can_edit": can_edit_credit_rules(user),
        },
    )


def _rule_form(request: HttpRequest, base: CreditRuleSet | None) -> HttpResponse:
    user = _user(request)
    if not can_edit_credit_rules(user):
        raise PermissionDenied
    initial = {}
    if base is not None:
        initial = {name: getattr(base, name) for name in services.RULE_FIELDS}
        initial["segment"] = base.segment_id
        initial["effective_from"] = timezone.localdate()
    form = RuleSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rules = services.save_rule_set(user, data["segment"], data)
        except services.CreditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Version %(n)d of the credit rules saved.") % {"n": rules.version}
            )
            return redirect("credit:rules")
    return render(
        request,
        "credit/rule_edit.html",
        {"form": form, "base": base},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A change of the rules: a new version starting from this one's values."""
    if not can_edit_credit_rules(_user(request)):
        raise PermissionDenied
    return _rule_form(request, get_object_or_404(CreditRuleSet, pk=pk))


@login_required
def rules_pdf(request: HttpRequest) -> HttpResponse:
    """The rules in force as a printable PDF in the reader's language."""
    language = translation.get_language() or "en"
    html = render_to_string(
        "credit/rules_pdf.html",
        {
            "current": current_rule_sets(timezone.localdate()),
            "today": timezone.localdate(),
            "language": language,
        },
        request=request,
    )
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # heavy: imported only when printing

    pdf = bytes(HTML(string=html).write_pdf())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-rules-{language}.pdf"'
    return response


@login_required
@require_POST
def acknowledge(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not must_acknowledge_credit_rules(user):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("rule_set") if v.isdigit()]
    pending = {r.pk for r in services.pending_rule_sets(user)}
    done = services.acknowledge_rules(user, [pk for pk in ids if pk in pending])
    if done:
        messages.success(request, _("Thank you: the credit rules are acknowledged."))
    return redirect("credit:rules")


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_decide_credit(user):
        raise PermissionDenied
    return render(
        request,
        "credit/approvals.html",
        {
            "pending": selectors.pending_approvals()[:500],
            "decided": selectors.recent_decisions()[:50],
        },
    )


@login_required
def approval(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(
        CreditApprovalRequest.objects.select_related(
            "counterparty", "requested_by", "decided_by", "credit_check"
        ),
        pk=pk,
    )
    decider = can_decide_credit(user)
    # Whoever asked sees the answer; the deciders see and decide.
    if not decider and not (
        item.requested_by_id == user.pk and can_see_counterparty(user, item.counterparty_id)
    ):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not decider:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide_approval(
                    item,
                    user,
                    approve=data["decision"] == "approve",
                    reason=data["reason"],
                    expires_on=data["expires_on"] if data["decision"] == "approve" else None,
                )
            except services.CreditError as exc:
                form.add_error(exc.field or None, str(exc))
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("credit:approvals")
    return render(
        request,
        "credit/approval.html",
        {
            "item": item,
            # What stood in the way (not the information that came with it).
            "reasons": as_messages([r for r in item.reasons if r.get("effect")] or item.reasons),
            "exposure": _exposure_lines(item.credit_check.exposure),
            "form": form,
            "decider": decider,
            "in_force": item.in_force(timezone.localdate()),
        },
        status=422 if request.method == "POST" else 200,
    )


def _exposure_lines(exposure: dict[str, Any]) -> list[tuple[str, Money]]:
    """The exposure a check saw (its stored snapshot), as label and amount."""
    currency = exposure.get("currency")
    if not currency:
        return []
    lines = [
        (component_label(name), Money(Decimal(value["amount"]), currency))
        for name, value in (exposure.get("components") or {}).items()
        if Decimal(value.get("amount", "0"))
    ]
    lines.append((component_label("total"), Money(Decimal(exposure["total"]), currency)))
    return lines


@login_required
def panel(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """The debtor card's credit panel (loaded by htmx into the card)."""
    user = _user(request)
    counterparty = _counterparty(user, counterparty_id)
    return render(
        request,
        "credit/_panel.html",
        {
            "cp": counterparty,
            "panel": selectors.panel(counterparty, timezone.localdate()),
            "decider": can_decide_credit(user),
            "lift_form": LiftForm(),
        },
    )


@login_required
def limit(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _counterparty(user, counterparty_id)
    if not can_decide_credit(user):
        raise PermissionDenied
    form = LimitForm(
        request.POST or None,
        initial={"currency": counterparty.company.currency, "valid_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_limit(
                counterparty,
                user,
                currency=data["currency"],
                total=data["total"],
                valid_from=data["valid_from"],
                review_on=data["review_on"],
                reason=data["reason"],
                components={
                    name: data[name]
                    for name in ("open_not_due", "overdue", "orders_confirmed", "orders_shipped")
                },
            )
        except services.CreditError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            messages.success(request, _("Credit limit saved."))
            return redirect("work:debtor", counterparty.pk)
    return render(
        request,
        "credit/limit.html",
        {
            "cp": counterparty,
            "form": form,
            "history": counterparty.credit_limits.order_by("-valid_from", "-id")[:50],
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def lift_stop(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _counterparty(user, counterparty_id)
    if not can_decide_credit(user):
        raise PermissionDenied
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for lifting stop-shipments."))
    else:
        try:
            services.lift_stop_shipments(counterparty, user, form.cleaned_data["reason"])
        except services.CreditError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Shipments may go again."))
    return redirect("work:debtor", counterparty.pk)
