"""Credit pages: the check for sales managers, the written rules (edit, PDF, acknowledge),
approvals, and the debtor card's credit panel with its actions. Thin: forms check input, a
service or selector does the work, `accounts.visibility` says who may."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    LIMIT_REQUEST_FILERS,
    can_chair,
    can_decide_credit,
    can_edit_credit_rules,
    can_file_limit_request,
    can_record_negotiation,
    can_run_committee,
    can_see_committee_meeting,
    can_see_counterparty,
    can_see_limit_request,
    can_vote,
    can_withdraw_limit_request,
    must_acknowledge_credit_rules,
    visible_counterparties,
)
from dunwell.credit import committee as committee_services
from dunwell.credit import minutes as minutes_print
from dunwell.credit import selectors, services
from dunwell.credit.exposure import COMPONENTS
from dunwell.credit.forms import (
    CheckForm,
    CommitteeDecisionForm,
    DecisionForm,
    ExceptionForm,
    LiftForm,
    LimitForm,
    LimitRequestForm,
    MeetingForm,
    NegotiationForm,
    RuleSetForm,
    VoteForm,
)
from dunwell.credit.models import (
    Channel,
    CommitteeMeeting,
    CreditApprovalRequest,
    CreditCheck,
    CreditRuleSet,
    LimitRequest,
    MeetingStatus,
    Negotiation,
    RequestKind,
    RequestStatus,
)
from dunwell.credit.reasons import as_messages, component_label, exposure_line_label
from dunwell.credit.reasons import message as reason_message
from dunwell.credit.rules import (
    LIMIT_COMPONENTS,
    LimitInForce,
    current_rule_sets,
    limit_in_force,
    rule_history,
    rules_in_force,
)
from dunwell.forms import query_id
from dunwell.ledger.models import Counterparty
from dunwell.money import Money
from dunwell.money_l10n import money_text


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
    key = request.GET.get("counterparty", "")[:64]
    initial = {"counterparty": key}
    if key and request.method != "POST":
        # The customer's currency, or the form asked for one the user had to look up.
        initial["currency"] = selectors.order_currency(user, key)
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
            "exception_form": _exception_form(result.check) if result else None,
            "unread_rules": services.pending_rule_sets(user)
            if must_acknowledge_credit_rules(user)
            else [],
        },
        status=422 if request.method == "POST" and result is None else 200,
    )


def _exception_form(row: CreditCheck) -> ExceptionForm | None:
    """The form asking for an exception to the stop of shipments, filled with the checked
    order: only under an answer the stop denied, and not while one for the order waits."""
    if not services.denied_by_the_stop(row) or any(
        r.get("code") == "exception_pending" for r in row.reasons
    ):
        return None
    return ExceptionForm(
        initial={"order": row.order_ref, "amount": row.amount, "currency": row.currency}
    )


@login_required
def ask_exception(request: HttpRequest, pk: int) -> HttpResponse:
    """Who ran a check the stop of shipments denied asks to let that one order through."""
    user = _user(request)
    row = get_object_or_404(CreditCheck.objects.select_related("counterparty"), pk=pk)
    if row.user_id != user.pk or not can_see_counterparty(user, row.counterparty_id):
        raise PermissionDenied
    form = ExceptionForm(
        request.POST or None,
        initial={"order": row.order_ref, "amount": row.amount, "currency": row.currency},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asked = services.ask_stop_exception(
                row,
                user,
                order_ref=data["order"],
                amount=Money(data["amount"], data["currency"]),
                reason=data["reason"],
            )
        except services.CreditError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            messages.success(
                request,
                _("Your request was sent to the credit controllers and the director."),
            )
            return redirect("credit:approval", pk=asked.pk)
    return render(
        request,
        "credit/exception.html",
        {"check": row, "reasons": as_messages(row.reasons), "form": form},
        status=422 if request.method == "POST" else 200,
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
    ids = [i for i in map(query_id, request.POST.getlist("rule_set")) if i is not None]
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
    # Who asked for an exception to the stop does not decide on it (services.decide_approval).
    own_exception = decider and item.is_stop_exception and item.requested_by_id == user.pk
    # Whoever asked sees the answer; the deciders see and decide.
    if not decider and not (
        item.requested_by_id == user.pk and can_see_counterparty(user, item.counterparty_id)
    ):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, exception=item.is_stop_exception)
    if request.method == "POST":
        if not decider or own_exception:
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
            "exposure": _exposure_lines(item.credit_check),
            "form": form,
            "decider": decider and not own_exception,
            "own_exception": own_exception,
            "in_force": item.in_force(timezone.localdate()),
            "negotiation": getattr(item, "negotiation", None),
            "can_negotiate": can_record_negotiation(user, item.counterparty_id),
            "negotiation_form": _negotiation_form(getattr(item, "negotiation", None)),
            "negotiation_url": reverse("credit:approval_negotiation", args=[item.pk]),
        },
        status=422 if request.method == "POST" else 200,
    )


class ExposureLine(NamedTuple):
    """A line of the approval page's exposure table: `part` of the line above it, or, on the
    total with the order, `against` the limit it is decided on ("limit … exceeded by …")."""

    label: str
    amount: Money
    part: bool = False
    against: str = ""
    over: bool = False


def _exposure_lines(check: CreditCheck) -> list[ExposureLine]:
    """The exposure a check saw (its stored snapshot), then the order asked about and the
    total with it against the limit, so that the lines explain the excess the reasons name:
    overdue long is a part of overdue (not added twice), unapplied credit is subtracted, and
    the order counts on top of the total. The total with the order is the line the decider
    decides on: it carries the limit beside it."""
    exposure = check.exposure
    currency = exposure.get("currency")
    if not currency:
        return []
    lines: list[ExposureLine] = []
    components = exposure.get("components") or {}
    # In the exposure's own order: PostgreSQL's jsonb keeps an object's keys in its own order
    # (shorter first), which put "overdue" above "open, not yet due".
    rank = {name: place for place, name in enumerate(COMPONENTS)}
    ordered = sorted(components, key=lambda name: (rank.get(name, len(rank)), name))
    for name in ordered:
        value = components[name]
        amount = Decimal(value.get("amount", "0"))
        if not amount:
            continue
        if name == "overdue_beyond":
            label = exposure_line_label(name, exposure.get("beyond_days"))
            lines.append(ExposureLine(label, Money(amount, currency), part=True))
        elif name == "unapplied":
            lines.append(ExposureLine(component_label(name), Money(-amount, currency)))
        else:
            lines.append(ExposureLine(component_label(name), Money(amount, currency)))
    total = Decimal(exposure["total"])
    lines.append(ExposureLine(component_label("total"), Money(total, currency)))
    # The order in the limit's currency, as the check counted it: the limit reasons store the
    # limit and the excess (or the total with the order), so the difference is exact even
    # where the rate used is not in the snapshot.
    for reason in check.reasons:
        params = reason.get("params") or {}
        if reason.get("code") == "limit_exceeded":
            limit = Decimal(params["limit"]["amount"])
            with_order = limit + Decimal(params["excess"]["amount"])
        elif reason.get("code") == "within_limit":
            limit = Decimal(params["limit"]["amount"])
            with_order = Decimal(params["exposure"]["amount"])
        else:
            continue
        asked = Money(check.amount, check.currency)
        label = _("this order")
        if check.currency != currency:
            label = _("this order (%(amount)s)") % {"amount": money_text(asked)}
        lines.append(ExposureLine(label, Money(with_order - total, currency)))
        over = with_order > limit
        if over:
            against = reason_message("limit_exceeded", params)
        else:
            against = _("within the limit %(limit)s") % {
                "limit": money_text(Money(limit, currency))
            }
        lines.append(
            ExposureLine(
                _("total with this order"), Money(with_order, currency), against=against, over=over
            )
        )
        break
    return lines


@login_required
def panel(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """The debtor card's credit panel (loaded by htmx into the card)."""
    user = _user(request)
    counterparty = _counterparty(user, counterparty_id)
    decision = selectors.last_committee_decision(counterparty)
    return render(
        request,
        "credit/_panel.html",
        {
            "cp": counterparty,
            "panel": selectors.panel(counterparty, timezone.localdate()),
            "decider": can_decide_credit(user),
            "lift_form": LiftForm(),
            "committee_decision": decision,
            "minutes_visible": decision is not None
            and decision.meeting is not None
            and can_see_committee_meeting(user, decision.meeting),
            "can_request": can_file_limit_request(user, counterparty.pk),
        },
    )


def _limit_initial(
    counterparty: Counterparty, in_force: LimitInForce | None, today: date
) -> dict[str, Any]:
    """The limit form starts from the customer's own limit in force, so that a change of one
    amount (or of the review date) keeps the others instead of blanking them."""
    initial: dict[str, Any] = {"currency": counterparty.company.currency, "valid_from": today}
    row = in_force.row if in_force is not None else None
    if row is not None:
        initial["currency"] = row.currency
        initial["review_on"] = row.review_on
        for name in ("total", *LIMIT_COMPONENTS):
            initial[name] = getattr(row, name)
    return initial


@login_required
def limit(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _counterparty(user, counterparty_id)
    if not can_decide_credit(user):
        raise PermissionDenied
    today = timezone.localdate()
    in_force = limit_in_force(counterparty, today, rules_in_force(counterparty.segment_id, today))
    form = LimitForm(request.POST or None, initial=_limit_initial(counterparty, in_force, today))
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
            # What a check compares with today: the debtor's own limit or the rules' default
            # (a debtor without a row of its own has an empty history, not no limit).
            "in_force": in_force,
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
    # Back to the page the form was on (a limit request's file), else the debtor card.
    back = request.POST.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("work:debtor", counterparty.pk)


# --- the credit committee (issue 13, items 5 and 6) -------------------------------------------


def _form_problems(request: HttpRequest, form: Any) -> None:
    """Each error of a posted form as a message naming its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _limit_request(user: User, pk: int) -> LimitRequest:
    item = get_object_or_404(
        LimitRequest.objects.select_related(
            "counterparty", "counterparty__company", "meeting", "meeting__chair", "filed_by"
        ),
        pk=pk,
    )
    if not can_see_limit_request(user, item):
        raise Http404
    return item


def _meeting(user: User, pk: int) -> CommitteeMeeting:
    meeting = get_object_or_404(CommitteeMeeting.objects.select_related("chair"), pk=pk)
    if not can_see_committee_meeting(user, meeting):
        raise Http404
    return meeting


@login_required
def committee(request: HttpRequest) -> HttpResponse:
    """The committee's page: meetings, requests waiting for an agenda, one's own requests."""
    user = _user(request)
    runner = can_run_committee(user)
    meetings = list(selectors.meetings_for(user)[:100])
    mine = list(selectors.requests_filed_by(user)[:100])
    if not (runner or meetings or mine or user.role in LIMIT_REQUEST_FILERS):
        raise PermissionDenied
    return render(
        request,
        "credit/committee.html",
        {
            "meetings": meetings,
            "waiting": list(selectors.waiting_requests()[:500]) if runner else [],
            "mine": mine,
            "runner": runner,
        },
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """A sales manager files a request for a new or changed limit or term."""
    user = _user(request)
    counterparty_id = query_id(
        request.GET.get("counterparty") or request.POST.get("counterparty_id") or ""
    )
    if counterparty_id is None:
        raise Http404
    counterparty = _counterparty(user, counterparty_id)
    if not can_file_limit_request(user, counterparty.pk):
        raise PermissionDenied
    current = selectors.panel(counterparty, timezone.localdate()).limit
    form = LimitRequestForm(
        request.POST or None,
        initial={
            "currency": current.currency if current else counterparty.company.currency,
            "kind": RequestKind.CHANGE_LIMIT if current else RequestKind.NEW_LIMIT,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = committee_services.file_limit_request(
                user,
                counterparty,
                kind=data["kind"],
                currency=data["currency"],
                requested_limit=data["requested_limit"],
                requested_term_days=data["requested_term_days"],
                justification=data["justification"],
                order_ref=data["order_ref"],
            )
        except services.CreditError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            messages.success(request, _("The request is filed for the credit committee."))
            return redirect("credit:request", filed.pk)
    return render(
        request,
        "credit/request_new.html",
        {"cp": counterparty, "form": form, "current": current},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A limit request with the customer's file, the votes and the chair's decision."""
    user = _user(request)
    item = _limit_request(user, pk)
    meeting = item.meeting
    on_open_agenda = (
        item.status == RequestStatus.ON_AGENDA
        and meeting is not None
        and meeting.status == MeetingStatus.PLANNED
    )
    today = timezone.localdate()
    votes = list(item.votes.select_related("member").order_by("voted_at"))
    mine = next((v for v in votes if v.member_id == user.pk), None)
    decide_form = CommitteeDecisionForm(
        initial={
            "limit": item.requested_limit,
            "term_days": item.requested_term_days,
            "review_on": (meeting.day if meeting else today) + relativedelta(years=1),
        }
    )
    negotiation = getattr(item, "negotiation", None)
    return render(
        request,
        "credit/request.html",
        {
            "item": item,
            "cp": item.counterparty,
            "file": selectors.customer_file(item.counterparty, today),
            "votes": votes,
            "can_vote": on_open_agenda and meeting is not None and can_vote(user, meeting),
            "vote_form": VoteForm(initial={"vote": mine.vote, "comment": mine.comment})
            if mine
            else VoteForm(),
            "can_decide": on_open_agenda and meeting is not None and can_chair(user, meeting),
            "decide_form": decide_form,
            "can_withdraw": item.is_open and can_withdraw_limit_request(user, item),
            "meeting_visible": meeting is not None and can_see_committee_meeting(user, meeting),
            "negotiation": negotiation,
            "can_negotiate": can_record_negotiation(user, item.counterparty_id),
            "negotiation_form": _negotiation_form(negotiation),
            "negotiation_url": reverse("credit:request_negotiation", args=[item.pk]),
            # The file's credit panel is the card's: who may lift the stop gets the form.
            "decider": can_decide_credit(user),
            "lift_form": LiftForm(),
        },
    )


def _negotiation_form(negotiation: Negotiation | None) -> NegotiationForm:
    if negotiation is None:
        return NegotiationForm()
    return NegotiationForm(
        initial={
            "agreed_term_days": negotiation.agreed_term_days,
            "agreed_schedule": negotiation.agreed_schedule,
            "notes": negotiation.notes,
            "call": negotiation.call_id,
        }
    )


@login_required
@require_POST
def request_vote(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _limit_request(user, pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        _form_problems(request, form)
    else:
        try:
            committee_services.cast_vote(
                user, item, form.cleaned_data["vote"], form.cleaned_data["comment"]
            )
        except services.CreditError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your vote is recorded."))
    return redirect("credit:request", item.pk)


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _limit_request(user, pk)
    form = CommitteeDecisionForm(request.POST)
    if not form.is_valid():
        _form_problems(request, form)
        return redirect("credit:request", item.pk)
    data = form.cleaned_data
    try:
        committee_services.decide_limit_request(
            user,
            item,
            committee_services.CommitteeDecision(
                limit=data["limit"],
                term_days=data["term_days"],
                review_on=data["review_on"],
                conditions=data["conditions"],
            ),
        )
    except services.CreditError as exc:
        messages.error(request, str(exc))
        return redirect("credit:request", item.pk)
    messages.success(request, _("Decided: the new limit applies."))
    assert item.meeting_id is not None
    return redirect("credit:meeting", item.meeting_id)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _limit_request(user, pk)
    try:
        committee_services.withdraw_limit_request(user, item)
    except services.CreditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("credit:request", item.pk)


@login_required
@require_POST
def request_take_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _limit_request(user, pk)
    meeting_id = item.meeting_id
    try:
        committee_services.take_off_agenda(user, item)
    except services.CreditError as exc:
        messages.error(request, str(exc))
        return redirect("credit:request", item.pk)
    messages.success(request, _("Taken off the agenda."))
    return redirect("credit:meeting", meeting_id)


def _save_negotiation(
    request: HttpRequest,
    user: User,
    *,
    limit_request: LimitRequest | None = None,
    approval_request: CreditApprovalRequest | None = None,
) -> None:
    form = NegotiationForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_problems(request, form)
        return
    data = form.cleaned_data
    try:
        committee_services.record_negotiation(
            user,
            limit_request=limit_request,
            approval_request=approval_request,
            agreed_term_days=data["agreed_term_days"],
            agreed_schedule=data["agreed_schedule"],
            notes=data["notes"],
            recording=data["recording"] or None,
            call_id=data["call"],
        )
    except services.CreditError as exc:
        label = form.fields[exc.field].label if exc.field in form.fields else ""
        messages.error(request, f"{label}: {exc}" if label else str(exc))
    else:
        messages.success(request, _("The negotiation is recorded."))


@login_required
@require_POST
def request_negotiation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _limit_request(user, pk)
    if not can_record_negotiation(user, item.counterparty_id):
        raise PermissionDenied
    _save_negotiation(request, user, limit_request=item)
    return redirect("credit:request", item.pk)


@login_required
@require_POST
def approval_negotiation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(CreditApprovalRequest.objects.select_related("counterparty"), pk=pk)
    if not can_see_counterparty(user, item.counterparty_id):
        raise Http404
    if not (
        can_record_negotiation(user, item.counterparty_id)
        and (item.requested_by_id == user.pk or can_decide_credit(user))
    ):
        raise PermissionDenied
    _save_negotiation(request, user, approval_request=item)
    return redirect("credit:approval", item.pk)


@login_required
def negotiation_recording(request: HttpRequest, pk: int) -> FileResponse:
    """The negotiation's uploaded recording for the HTML5 player: whoever sees the customer
    and the request it belongs to."""
    user = _user(request)
    row = get_object_or_404(
        Negotiation.objects.select_related(
            "limit_request", "limit_request__meeting", "approval_request"
        ),
        pk=pk,
    )
    if not can_see_counterparty(user, row.counterparty_id):
        raise Http404
    if row.limit_request is not None and not can_see_limit_request(user, row.limit_request):
        raise Http404
    if (
        row.approval_request is not None
        and row.approval_request.requested_by_id != user.pk
        and not can_decide_credit(user)
    ):
        raise Http404
    if not row.recording:
        raise Http404
    suffix = "." + (row.recording.name or "").rsplit(".", 1)[-1].lower()
    kind = committee_services.RECORDING_TYPES.get(suffix, "application/octet-stream")
    return FileResponse(row.recording.open("rb"), content_type=kind)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_run_committee(user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, initial={"day": timezone.localdate(), "chair": user})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = committee_services.plan_meeting(
                user,
                day=data["day"],
                chair=data["chair"],
                members=data["members"],
                place=data["place"],
            )
        except services.CreditError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("credit:meeting", meeting.pk)
    return render(
        request,
        "credit/meeting_new.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: members, the agenda with votes and decisions, the requests that may join it,
    the minutes."""
    user = _user(request)
    item = _meeting(user, pk)
    planned = item.status == MeetingStatus.PLANNED
    sets_agenda = planned and (can_run_committee(user) or can_chair(user, item))
    return render(
        request,
        "credit/meeting.html",
        {
            "meeting": item,
            "members": list(item.members.order_by("last_name", "username")),
            "agenda": selectors.agenda(item),
            "waiting": list(selectors.waiting_requests()[:500]) if sets_agenda else [],
            "sets_agenda": sets_agenda,
            "is_chair": planned and can_chair(user, item),
            "planned": planned,
        },
    )


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _meeting(user, pk)
    ids = [i for i in map(query_id, request.POST.getlist("request")) if i is not None]
    if not ids:
        messages.error(request, _("Tick the requests to put on the agenda."))
        return redirect("credit:meeting", item.pk)
    try:
        added = committee_services.put_on_agenda(user, item, ids)
    except services.CreditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext("%(n)d request put on the agenda.", "%(n)d requests put on the agenda.", added)
            % {"n": added},
        )
    return redirect("credit:meeting", item.pk)


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _meeting(user, pk)
    try:
        back = committee_services.close_meeting(user, item)
    except services.CreditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The meeting is closed."))
        if back:
            messages.info(
                request,
                ngettext(
                    "%(n)d request not decided went back to the waiting requests.",
                    "%(n)d requests not decided went back to the waiting requests.",
                    back,
                )
                % {"n": back},
            )
    return redirect("credit:meeting", item.pk)


@login_required
def minutes(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The minutes as PDF or DOCX, in the chair's language."""
    user = _user(request)
    item = _meeting(user, pk)
    if fmt == "pdf":
        body, kind = minutes_print.render_pdf(item), "application/pdf"
    elif fmt == "docx":
        body = minutes_print.render_docx(item)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    name = f"credit-committee-{item.day:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def customers(request: HttpRequest) -> JsonResponse:
    """The check page's customer picker (`selectors.customer_options`)."""
    user = _user(request)
    text = (request.GET.get("q") or "").strip()[:100]
    if len(text) < 2:
        return JsonResponse({"results": []})
    return JsonResponse({"results": selectors.customer_options(user, text)})
