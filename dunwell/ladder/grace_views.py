"""The grace page of a debtor: management grants, extends and ends a grace; the director
approves the ones that need approval. Thin: forms validate, `graces` services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.grace_rules import can_approve_grace, can_manage_grace
from dunwell.accounts.models import User
from dunwell.accounts.visibility import visible_counterparties
from dunwell.ladder import graces
from dunwell.ladder.grace_forms import DecideForm, EndGraceForm, GraceForm
from dunwell.ladder.models import GraceRequest


@login_required
def grace_page(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    counterparty = get_object_or_404(
        visible_counterparties(user).select_related("segment"), pk=counterparty_id
    )
    may_manage = can_manage_grace(user, counterparty.pk)
    may_approve = can_approve_grace(user, counterparty.pk)
    if not (may_manage or may_approve):
        raise PermissionDenied
    today = timezone.localdate()
    data = graces.overview(counterparty, today)
    post = request.POST if request.method == "POST" else None
    action = post.get("action", "") if post is not None else ""
    form = GraceForm(
        post if action in ("grant", "extend") else None,
        currencies=data["open_amounts"],
        initial={"until": data["grace"].until if data["grace"] else None},
    )
    end_form = EndGraceForm(post if action == "end" else None)
    decide_form = DecideForm(post if action in ("approve", "reject") else None)
    if post is not None:
        try:
            done = _act(request, user, counterparty, data, action, form, end_form, decide_form)
        except graces.GraceError as exc:
            target = {"end_reason": end_form, "comment": decide_form}.get(exc.field or "", form)
            if exc.field and exc.field in target.fields:
                target.add_error(exc.field, str(exc.message))
            else:
                messages.error(request, str(exc.message))
            done = False
        if done:
            return redirect("ladder:grace", counterparty_id=counterparty.pk)
    return render(
        request,
        "ladder/grace.html",
        {
            "cp": counterparty,
            "form": form,
            "end_form": end_form,
            "decide_form": decide_form,
            "can_manage": may_manage,
            "can_approve": may_approve,
            "max_days": graces.max_days(),
            "key_customer": counterparty.segment.code in graces.KEY_SEGMENTS,
            **data,
        },
    )


def _act(
    request: HttpRequest,
    user: User,
    counterparty: object,
    data: dict[str, object],
    action: str,
    form: GraceForm,
    end_form: EndGraceForm,
    decide_form: DecideForm,
) -> bool:
    """Carry out one posted action; True when it succeeded (then the page redirects)."""
    grace = data["grace"]
    if action in ("grant", "extend"):
        if not form.is_valid():
            return False
        fields = {
            "until": form.cleaned_data["until"],
            "reason": form.cleaned_data["reason"],
            "user": user,
            "limits": form.limits(),
        }
        if action == "extend" and grace is not None:
            result = graces.extend_grace(grace, **fields)  # type: ignore[arg-type]
        else:
            result = graces.grant_grace(counterparty=counterparty, **fields)  # type: ignore[arg-type]
        if isinstance(result, GraceRequest):
            messages.info(request, _("The request waits for the director's approval."))
        else:
            messages.success(request, _("The grace is saved."))
        return True
    if action == "end" and grace is not None:
        if not end_form.is_valid():
            return False
        graces.end_grace(grace, user=user, reason=end_form.cleaned_data["end_reason"])  # type: ignore[arg-type]
        messages.success(request, _("The grace has ended; the ladder resumes."))
        return True
    if action in ("approve", "reject"):
        if not decide_form.is_valid():
            return False
        pending = get_object_or_404(
            GraceRequest, pk=request.POST.get("request"), counterparty=counterparty
        )
        graces.decide_request(
            pending,
            user=user,
            approve=action == "approve",
            comment=decide_form.cleaned_data["comment"],
        )
        messages.success(request, _("Approved.") if action == "approve" else _("Rejected."))
        return True
    raise PermissionDenied


@login_required
def grace_requests(request: HttpRequest) -> HttpResponse:
    """The director's list of graces waiting for approval."""
    user = request.user
    assert isinstance(user, User)
    return render(
        request, "ladder/grace_requests.html", {"requests": graces.pending_requests(user)}
    )
