"""Credit control services (issue 13): the credit check, approvals and overrides, lifting
stop-shipments, new versions of the rules, their acknowledgement, and limits.

Each service runs in one transaction and writes its timeline entry in it; webhooks go through
the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_decide_credit,
    can_edit_credit_rules,
    can_see_counterparty,
    credit_approvers_kept,
    credit_rule_readers,
)
from dunwell.credit.exposure import Exposure, amounts_from, exposure_query
from dunwell.credit.exposure import convert as convert_exposure
from dunwell.credit.history import Facts, facts_from, history_query
from dunwell.credit.models import (
    ApprovalKind,
    ApprovalStatus,
    BreachAction,
    Channel,
    CreditApprovalRequest,
    CreditCheck,
    CreditLimit,
    CreditRuleSet,
    Decision,
    LimitSource,
    RuleAcknowledgement,
)
from dunwell.credit.reasons import Reason, money
from dunwell.credit.rules import (
    LimitInForce,
    current_rule_sets,
    limit_from,
    limit_query,
    rules_in_force,
)
from dunwell.interest.fx import rates_on
from dunwell.ledger.models import Counterparty, Segment, TimelineEntry
from dunwell.locks import exclusive
from dunwell.money import Money, RateTable, quantize
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit
from dunwell.rawrows import (
    Query,
    as_instances,
    fetch_each,
    insert_row,
    insert_rows,
    insert_together,
    reserve_ids,
    select_one,
    select_query,
)
from dunwell.work.models import Notification
from dunwell.work.services import notices_for, notify, notify_each

# Without written rules, a breach asks for approval and the exposure's "overdue long" starts
# after this many days.
DEFAULT_BEYOND_DAYS = 30
_APPROVAL_REQUEST = CreditCheck._meta.get_field("approval_request")
_DECIDED_BY = CreditApprovalRequest._meta.get_field("decided_by")


class CreditError(ValueError):
    """A credit action cannot be done as asked; the message is translated, `field` names the
    input at fault."""

    def __init__(self, message: StrOrPromise, field: str = "") -> None:
        super().__init__(str(message))
        self.field = field


@dataclass(frozen=True)
class Evaluation:
    decision: str
    reasons: list[Reason]
    exposure: Exposure
    rules: CreditRuleSet | None
    limit: LimitInForce | None
    approval: CreditApprovalRequest | None  # the request of this order, if any
    stop: bool  # the rules say: stop the customer's shipments


@dataclass(frozen=True)
class CheckResult:
    check: CreditCheck
    evaluation: Evaluation

    @property
    def decision(self) -> str:
        return self.check.decision


def _timeline(
    counterparty_id: int, actor: User | None, kind: str, summary: str, **data: Any
) -> None:
    TimelineEntry.objects.create(
        counterparty_id=counterparty_id,
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        kind=f"credit.{kind}",
        summary=summary,
        data=data,
    )


def _stop_info(counterparty: Counterparty) -> dict[str, str]:
    """When and by what the debtor's shipments were stopped (its last such timeline entry)."""
    entry = (
        TimelineEntry.objects.filter(
            counterparty=counterparty,
            kind__in=["ladder.shipments_stopped", "credit.shipments_stopped"],
        )
        .order_by("-at")
        .values_list("at", "kind")
        .first()
    )
    if entry is None:
        return {}
    at, kind = entry
    return {"on": timezone.localdate(at).isoformat(), "by": kind.split(".")[0]}


def _legal_info(counterparty: Counterparty) -> dict[str, str]:
    """Which legal case stands in the way: its stage, since when, and the court's case number
    and court once the lawsuit is filed (one query, only for a debtor on the legal track).
    Empty when the debtor is on the legal track without a case in progress."""
    from dunwell.legal.models import FINAL_STAGES, LegalCase

    case = (
        LegalCase.objects.filter(counterparty_id=counterparty.pk)
        .exclude(stage__in=FINAL_STAGES)
        .values("stage", "opened_at", "case_number", "court")
        .first()
    )
    if case is None:
        return {}
    info = {"stage": case["stage"], "since": timezone.localdate(case["opened_at"]).isoformat()}
    if case["case_number"]:
        info["case_number"] = case["case_number"]
        if case["court"]:
            info["court"] = case["court"]
    return info


def _rule_reasons(
    counterparty: Counterparty, rules: CreditRuleSet, on: date, effect: str, facts: Facts
) -> list[Reason]:
    reasons: list[Reason] = []
    if rules.no_open_legal_case and counterparty.legal:
        reasons.append(Reason("legal_case_open", _legal_info(counterparty), effect))
    if rules.max_days_overdue is not None:
        allowed = rules.max_days_overdue
        if facts.oldest_overdue is not None:
            number, due = facts.oldest_overdue
            reasons.append(
                Reason(
                    "overdue_too_long",
                    {"number": number, "days": (on - due).days, "allowed": allowed},
                    effect,
                )
            )
        if facts.worst_late is not None:
            number, due, paid_on = facts.worst_late
            reasons.append(
                Reason(
                    "paid_late",
                    {
                        "number": number,
                        "days": (paid_on - due).days,
                        "paid_on": paid_on.isoformat(),
                        "allowed": allowed,
                    },
                    effect,
                )
            )
    if rules.max_broken_promises is not None:
        broken = facts.broken
        if broken > rules.max_broken_promises:
            reasons.append(
                Reason(
                    "promises_broken",
                    {
                        "n": broken,
                        "days": rules.broken_promises_days,
                        "allowed": rules.max_broken_promises,
                    },
                    effect,
                )
            )
    if rules.min_relationship_days or rules.new_customer_prepayment_percent:
        first = facts.first_date
        age = max((on - first).days, 0) if first else 0
        if age < rules.min_relationship_days:
            reasons.append(
                Reason(
                    "relationship_too_short",
                    {"days": age, "min": rules.min_relationship_days},
                    effect,
                )
            )
        if age < rules.new_customer_days and rules.new_customer_prepayment_percent > 0:
            percent = rules.new_customer_prepayment_percent.normalize()
            reasons.append(
                Reason("prepayment_required", {"days": age, "percent": f"{percent:f}"}, effect)
            )
    return reasons


def _limit_reasons(
    limit: LimitInForce, exposure: Exposure, amount: Money, effect: str
) -> list[Reason]:
    currency = limit.currency
    reasons: list[Reason] = []
    new_total = exposure.total + amount
    if limit.total is not None:
        if new_total.amount > limit.total:
            reasons.append(
                Reason(
                    "limit_exceeded",
                    {
                        "limit": money(limit.total, currency),
                        "excess": money(new_total.amount - limit.total, currency),
                    },
                    effect,
                )
            )
        else:
            reasons.append(
                Reason(
                    "within_limit",
                    {
                        "exposure": money(new_total.amount, currency),
                        "limit": money(limit.total, currency),
                    },
                )
            )
    for name, cap in limit.components.items():
        value = exposure.converted[name].amount
        if name == "orders_confirmed":
            value += amount.amount  # the order asked about is a confirmed order
        if value > cap:
            reasons.append(
                Reason(
                    "component_limit_exceeded",
                    {
                        "component": name,
                        "limit": money(cap, currency),
                        "excess": money(value - cap, currency),
                    },
                    effect,
                )
            )
    return reasons


def _order_converted(amount: Money, converted: Money, rates: RateTable) -> Reason:
    """How an order in another currency than the limit's was counted: the sales manager
    reads the amount the limit was compared with and the day of the rate it rests on."""
    found = rates.rate(amount.currency, converted.currency)
    return Reason(
        "order_converted",
        {
            "order": money(amount.amount, amount.currency),
            "converted": money(converted.amount, converted.currency),
            "rate_on": found[1].isoformat() if found is not None else "",
        },
    )


def evaluate(counterparty: Counterparty, amount: Money, order_ref: str, on: date) -> Evaluation:
    """The answer to a credit check, without writing anything: indexed reads in plain SQL
    (the limit, the exposure, the history's facts, the order's approval request), sent in one
    round trip on PostgreSQL; one more for who decided an approval or a stop-shipments' date
    when there is one. The rules in force and the day's rates are kept a few seconds."""
    rules = rules_in_force(counterparty.segment_id, on)
    beyond = rules.overdue_beyond_days if rules is not None else DEFAULT_BEYOND_DAYS
    queries = [limit_query(counterparty.pk, on), exposure_query([counterparty.pk], on, beyond)]
    if order_ref:
        queries.append(_approval_query(counterparty.pk, order_ref))
    history = history_query(counterparty, rules, on)
    if history is not None:
        queries.append(history)
    found = fetch_each(queries)
    limit_rows, exposure_rows = found[0], found[1]
    approval = _approval_from(found[2]) if order_ref else None
    history_rows = found[-1] if history is not None else None
    limit = limit_from(limit_rows, rules)
    if limit is not None:
        currency = limit.currency
    elif rules is not None:
        currency = rules.limit_currency
    else:
        currency = counterparty.company.currency
    breach = rules.breach_action if rules is not None else BreachAction.NEEDS_APPROVAL
    effect = Decision.NEEDS_APPROVAL if breach == BreachAction.NEEDS_APPROVAL else Decision.DENY
    rates = rates_on(on)
    native = amounts_from(exposure_rows, [counterparty.pk])[counterparty.pk]
    exposure = convert_exposure(counterparty.pk, native, currency, rates, on, beyond)
    converted = rates.convert(amount, currency) if amount else Money(amount.amount, currency)
    reasons: list[Reason] = []
    if counterparty.stop_shipments:
        reasons.append(Reason("stop_shipments", _stop_info(counterparty), Decision.DENY))
    missing = set(exposure.missing_rates) | ({amount.currency} if converted is None else set())
    if missing and limit is not None:  # without a limit there is nothing to convert to
        reasons.append(
            Reason(
                "fx_rate_missing",
                {"currencies": sorted(missing), "to": currency, "on": on.isoformat()},
                Decision.NEEDS_APPROVAL,
            )
        )
    if rules is None:
        reasons.append(Reason("no_rules", {}, Decision.NEEDS_APPROVAL))
    if limit is None:
        reasons.append(Reason("no_limit", {}, Decision.NEEDS_APPROVAL))
    elif converted is not None:
        if amount.currency != currency:
            reasons.append(_order_converted(amount, converted, rates))
        reasons += _limit_reasons(limit, exposure, converted, effect)
    facts = facts_from(history_rows) if history_rows is not None else Facts()
    if rules is not None:
        reasons += _rule_reasons(counterparty, rules, on, effect, facts)
    if approval is not None:
        reasons = _apply_approval(approval, amount, on, reasons)
    decision = Decision.ALLOW
    if any(r.effect == Decision.DENY for r in reasons):
        decision = Decision.DENY
    elif any(r.effect == Decision.NEEDS_APPROVAL for r in reasons):
        decision = Decision.NEEDS_APPROVAL
    stop = breach == BreachAction.STOP_SHIPMENTS and any(
        r.effect == Decision.DENY and r.code not in _NOT_A_BREACH for r in reasons
    )
    return Evaluation(decision, reasons, exposure, rules, limit, approval, stop)


# Denials that are no breach of the rules: they never stop shipments themselves.
_NOT_A_BREACH = frozenset({"stop_shipments", "approval_rejected", "exception_refused"})


def _approval_query(counterparty_id: int, order_ref: str) -> Query:
    """The statement that reads the order's latest approval request (`_approval_from`)."""
    return select_query(
        CreditApprovalRequest,
        "counterparty_id = %s AND order_ref = %s ORDER BY requested_at DESC, id DESC",
        [counterparty_id, order_ref],
        1,
    )


def _approval_from(rows: Sequence[Sequence[Any]]) -> CreditApprovalRequest | None:
    """The order's approval request from the rows of `_approval_query`, and who decided it
    (one more read, once decided)."""
    found = as_instances(CreditApprovalRequest, rows)
    approval = found[0] if found else None
    if approval is not None:
        decider = None
        if approval.decided_by_id is not None:
            decider = select_one(User, "id = %s", [approval.decided_by_id])
        _DECIDED_BY.set_cached_value(approval, decider)
    return approval


def _apply_approval(
    approval: CreditApprovalRequest, amount: Money, on: date, reasons: list[Reason]
) -> list[Reason]:
    """An approval in force for this order (and at most its amount) lets the rules' breaches
    pass (a stop-shipments is lifted apart, with its own reason); a rejection denies."""
    who = str(approval.decided_by) if approval.decided_by else ""
    covers = approval.currency == amount.currency and amount.amount <= approval.amount
    if approval.is_stop_exception:
        return _apply_exception(approval, who, covers, on, reasons)
    if approval.in_force(on) and covers:
        passed = [
            r if r.code == "stop_shipments" else Reason(r.code, r.params, "") for r in reasons
        ]
        until = approval.expires_on.isoformat() if approval.expires_on else ""
        return [
            *passed,
            Reason("approved", {"by": who, "until": until, "reason": approval.decision_reason}),
        ]
    if approval.status == ApprovalStatus.REJECTED and covers:
        return [
            *reasons,
            Reason(
                "approval_rejected", {"by": who, "reason": approval.decision_reason}, Decision.DENY
            ),
        ]
    if approval.status == ApprovalStatus.PENDING:
        return [*reasons, Reason("approval_pending", {})]
    return reasons


def _apply_exception(
    approval: CreditApprovalRequest, who: str, covers: bool, on: date, reasons: list[Reason]
) -> list[Reason]:
    """An exception to the stop in force for this order (and at most its amount) lets it
    through the stop and the rules alike: the approver saw the check's reasons. Refused, the
    order is denied with the refusal; still waiting or expired, the stop answers as it is."""
    if approval.in_force(on) and covers:
        passed = [Reason(r.code, r.params, "") for r in reasons]
        decided = timezone.localdate(approval.decided_at) if approval.decided_at else on
        return [
            *passed,
            Reason(
                "stop_exception",
                {
                    "request": approval.pk,
                    "by": who,
                    "by_username": approval.decided_by.username if approval.decided_by else "",
                    "on": decided.isoformat(),
                    "until": approval.expires_on.isoformat() if approval.expires_on else "",
                    "reason": approval.decision_reason,
                    "amount": money(approval.amount, approval.currency),
                },
            ),
        ]
    if approval.status == ApprovalStatus.REJECTED and covers:
        return [
            *reasons,
            Reason(
                "exception_refused", {"by": who, "reason": approval.decision_reason}, Decision.DENY
            ),
        ]
    if approval.status == ApprovalStatus.PENDING:
        return [*reasons, Reason("exception_pending", {})]
    if approval.status == ApprovalStatus.APPROVED and approval.expires_on is not None and covers:
        return [*reasons, Reason("exception_expired", {"until": approval.expires_on.isoformat()})]
    return reasons


def check(
    counterparty: Counterparty,
    amount: Money,
    order_ref: str,
    user: User | None,
    *,
    on: date | None = None,
    channel: str = Channel.API,
) -> CheckResult:
    """Check an order of `amount` for `counterparty` against the rules and the limit; the
    answer is logged (CreditCheck). `needs_approval` files a request for the credit controllers
    and the director; a breach under "stop shipments" rules stops the customer's shipments."""
    if amount.amount <= 0:
        raise CreditError(gettext_lazy("The amount must be greater than zero."), "amount")
    day = on or timezone.localdate()
    order_ref = (order_ref or "").strip()[:64]
    # The reads need no transaction of their own: each statement reads committed rows, inside
    # a transaction or not (READ COMMITTED), so two round trips (BEGIN, COMMIT) are saved when
    # the log row is all there is to write: its INSERT commits by itself.
    result = evaluate(counterparty, amount, order_ref, day)
    row = CreditCheck(
        counterparty=counterparty,
        user=user if user is not None and user.pk else None,
        channel=channel,
        order_ref=order_ref,
        amount=amount.amount,
        currency=amount.currency,
        checked_on=day,
        decision=result.decision,
        reasons=[r.as_json() for r in result.reasons],
        exposure=result.exposure.as_json(),
        rule_set=result.rules,
        created_at=timezone.now(),
    )
    request = result.decision == Decision.NEEDS_APPROVAL and not (
        result.approval is not None and result.approval.status == ApprovalStatus.PENDING
    )
    stop = result.stop and not counterparty.stop_shipments
    if not request and not stop:
        insert_row(row)  # the log row: one INSERT, no ORM compiler (the check's hot path)
        # A check logged just now has no approval request: answering needs no query.
        _APPROVAL_REQUEST.set_cached_value(row, None)
        return CheckResult(row, result)
    ids = reserve_ids(CreditCheck, CreditApprovalRequest) if request and not stop else None
    if ids is not None:
        # PostgreSQL: the log row, the request and the approvers' notices in one statement
        # (two round trips with the keys' reservation, instead of five in a transaction).
        row.pk = ids[0]
        approval = _approval_request(row, user, ids[1])
        notices = _approval_notices(approval)
        insert_together(
            [row],
            [approval],
            [_requested_entry(approval)],
            notices,
            skip_conflicts=[Notification],
        )
        return CheckResult(row, result)
    with transaction.atomic():
        insert_row(row)
        if request:
            approval = _approval_request(row, user)
            insert_row(approval)  # on the check's path: one INSERT, no ORM compiler
            insert_row(_requested_entry(approval))
            insert_rows(_approval_notices(approval), skip_conflicts=True)
        else:
            _APPROVAL_REQUEST.set_cached_value(row, None)
        if stop:
            _stop_shipments(counterparty, user, row)
    return CheckResult(row, result)


def _approval_request(
    row: CreditCheck, user: User | None, pk: int | None = None
) -> CreditApprovalRequest:
    """The (unsaved) request for a credit decision on the order of the check `row`."""
    return CreditApprovalRequest(
        pk=pk,
        credit_check=row,
        counterparty=row.counterparty,
        order_ref=row.order_ref,
        amount=row.amount,
        currency=row.currency,
        reasons=row.reasons,
        requested_by=user if user is not None and user.pk else None,
        requested_at=row.created_at,
    )


def _requested_entry(request: CreditApprovalRequest) -> TimelineEntry:
    """The (unsaved) timeline entry of `request`: the debtor's timeline shows the order sent
    for a credit decision before the decision that answers it."""
    order = request.order_ref or f"#{request.credit_check_id}"
    amount = money(request.amount, request.currency)
    return TimelineEntry(
        counterparty_id=request.counterparty_id,
        at=request.requested_at,
        actor=request.requested_by,
        kind="credit.approval_requested",
        summary=f"Order {order} of {request.amount} {request.currency} waits for a credit decision",
        data={"request": request.pk, "order": order, "amount": amount},
    )


def _approval_notices(request: CreditApprovalRequest) -> list[Notification]:
    """The (unsaved) notices that tell the credit controllers and the director, each in their
    language, that `request` (saved or with its key reserved) waits for them."""
    row = request.credit_check
    return notices_for(
        credit_approvers_kept(),
        "credit_approval",
        gettext_lazy("Order %(order)s of %(name)s waits for a credit decision."),
        counterparty=row.counterparty,
        url=reverse("credit:approval", kwargs={"pk": request.pk}),
        key=f"credit-approval:{request.pk}",
        params={"order": row.order_ref or f"#{row.pk}", "name": row.counterparty.name},
    )


def _stop_shipments(counterparty: Counterparty, user: User | None, row: CreditCheck) -> None:
    Counterparty.objects.filter(pk=counterparty.pk).update(
        stop_shipments=True, updated_at=timezone.now()
    )
    counterparty.stop_shipments = True
    _timeline(
        counterparty.pk,
        user,
        "shipments_stopped",
        f"Shipments stopped by the credit rules (check #{row.pk})",
        check=row.pk,
    )
    emit(
        EventKind.STOP_SHIPMENT_CHANGED,
        counterparty_id=counterparty.pk,
        company_id=counterparty.company_id,
        stop_shipments=True,
        credit_check=row.pk,
    )


def denied_by_the_stop(row: CreditCheck) -> bool:
    """Whether the check `row` was denied because the customer's shipments are stopped (what
    an exception to the stop is asked for)."""
    return row.decision == Decision.DENY and any(
        r.get("code") == "stop_shipments" and r.get("effect") == Decision.DENY for r in row.reasons
    )


def ask_stop_exception(
    row: CreditCheck, user: User, *, order_ref: str, amount: Money, reason: str
) -> CreditApprovalRequest:
    """Ask the credit controllers and the director to let one order through the stop of the
    customer's shipments that denied the check `row` (the customer paid today and the bank
    statement is not in yet, a prepaid order): a request with the order, its amount and why,
    on the debtor's timeline, and a notice to each of them. The stop itself stays."""
    counterparty = row.counterparty
    if not can_see_counterparty(user, counterparty.pk):
        raise CreditError(gettext_lazy("You do not see this customer."))
    if not denied_by_the_stop(row):
        raise CreditError(gettext_lazy("This check was not denied by a stop of shipments."))
    if not counterparty.stop_shipments:
        raise CreditError(gettext_lazy("Shipments to this customer are not stopped."))
    order_ref = order_ref.strip()[:64]
    if not order_ref:
        raise CreditError(
            gettext_lazy("Give the order's reference: an exception is for one order."), "order"
        )
    if amount.amount <= 0:
        raise CreditError(gettext_lazy("The amount must be greater than zero."), "amount")
    reason = reason.strip()
    if not reason:
        raise CreditError(
            gettext_lazy("Say why this order may go despite the stop of shipments."), "reason"
        )
    with transaction.atomic():
        if CreditApprovalRequest.objects.filter(credit_check=row).exists():
            raise CreditError(gettext_lazy("A decision on this check was already asked."))
        if CreditApprovalRequest.objects.filter(
            counterparty=counterparty, order_ref=order_ref, status=ApprovalStatus.PENDING
        ).exists():
            raise CreditError(
                gettext_lazy("A request for this order is already waiting for a decision."),
                "order",
            )
        request = CreditApprovalRequest.objects.create(
            credit_check=row,
            counterparty=counterparty,
            kind=ApprovalKind.STOP_EXCEPTION,
            order_ref=order_ref,
            amount=quantize(amount.amount),
            currency=amount.currency,
            reasons=row.reasons,
            request_reason=reason,
            requested_by=user,
            requested_at=timezone.now(),
        )
        _timeline(
            counterparty.pk,
            user,
            "exception_requested",
            f"{user} asks for an exception to the stop of shipments for order {order_ref}"
            f" of {request.amount} {request.currency}: {reason}",
            request=request.pk,
            order=order_ref,
            amount=money(request.amount, request.currency),
            reason=reason,
            by_name=str(user),
        )
        notify_each(
            [u for u in credit_approvers_kept() if u.pk != user.pk],
            "credit_approval",
            gettext_lazy(
                "%(who)s asks to let order %(order)s of %(name)s through the stop of shipments."
            ),
            counterparty=counterparty,
            url=reverse("credit:approval", kwargs={"pk": request.pk}),
            key=f"credit-exception:{request.pk}",
            params={"who": str(user), "order": order_ref, "name": counterparty.name},
        )
    return request


def exception_expiry(decided_on: date) -> date:
    """The last day an exception to the stop holds when its approver names none: the end of
    the day after the approval (time for the order to leave the warehouse, not a new limit)."""
    return decided_on + timedelta(days=1)


def decide_approval(
    request: CreditApprovalRequest,
    user: User,
    *,
    approve: bool,
    reason: str,
    expires_on: date | None,
) -> CreditApprovalRequest:
    """Approve (until `expires_on`) or reject an order waiting for a credit decision; the ERP
    learns it by polling the check or by the `credit.decided` webhook."""
    if not can_decide_credit(user):
        raise CreditError(gettext_lazy("Only a credit controller or the director decides."))
    exception = request.is_stop_exception
    if exception and request.requested_by_id == user.pk:
        # Four eyes: who asks to pass the stop does not also release the order.
        raise CreditError(gettext_lazy("Someone else decides on an exception you asked for."))
    reason = reason.strip()
    if not reason:
        raise CreditError(gettext_lazy("Give the reason of the decision."), "reason")
    today = timezone.localdate()
    if approve and expires_on is None and exception:
        expires_on = exception_expiry(today)
    if approve and expires_on is None:
        raise CreditError(gettext_lazy("Give the day the approval holds until."), "expires_on")
    if expires_on is not None and expires_on < today:
        raise CreditError(gettext_lazy("The approval cannot end in the past."), "expires_on")
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    now = timezone.now()
    with transaction.atomic():
        # Claimed with a conditional update: two deciders at once cannot both decide.
        changed = CreditApprovalRequest.objects.filter(
            pk=request.pk, status=ApprovalStatus.PENDING
        ).update(
            status=status,
            decided_by=user,
            decided_at=now,
            decision_reason=reason,
            expires_on=expires_on if approve else None,
        )
        if changed != 1:
            raise CreditError(gettext_lazy("This request was already decided."))
        request.refresh_from_db()
        _timeline(
            request.counterparty_id,
            user,
            "exception_decided" if exception else "approval_decided",
            f"{'Exception to the stop for order' if exception else 'Order'}"
            f" {request.order_ref or request.credit_check_id} {status} by {user}: {reason}",
            request=request.pk,
            status=status,
            expires_on=expires_on.isoformat() if approve and expires_on else None,
            order=request.order_ref or f"#{request.credit_check_id}",
            amount=money(request.amount, request.currency),
            reason=reason,
            by_name=str(user),
        )
        emit(
            EventKind.CREDIT_DECIDED,
            counterparty_id=request.counterparty_id,
            company_id=request.counterparty.company_id,
            request=request.pk,
            check=request.credit_check_id,
            order=request.order_ref,
            amount=str(request.amount),
            currency=request.currency,
            status=status,
            reason=reason,
            expires_on=request.expires_on.isoformat() if request.expires_on else None,
            by=user.username,
            kind=request.kind,
        )
        if request.requested_by is not None and request.requested_by != user:
            notify(
                request.requested_by,
                "credit_approval",
                gettext_lazy("Order %(order)s of %(name)s: %(status)s."),
                counterparty=request.counterparty,
                url=reverse("credit:approval", kwargs={"pk": request.pk}),
                params={
                    "order": request.order_ref or f"#{request.credit_check_id}",
                    "name": request.counterparty.name,
                    # the label itself (lazy), translated into each language of the notice
                    "status": ApprovalStatus(request.status).label,
                },
            )
    return request


def lift_stop_shipments(counterparty: Counterparty, user: User, reason: str) -> None:
    """Let the customer's shipments go again: a credit controller or the director, with a
    reason, written on the timeline."""
    if not can_decide_credit(user):
        raise CreditError(
            gettext_lazy("Only a credit controller or the director may lift stop-shipments.")
        )
    reason = reason.strip()
    if not reason:
        raise CreditError(gettext_lazy("Give the reason for lifting stop-shipments."), "reason")
    with transaction.atomic():
        changed = Counterparty.objects.filter(pk=counterparty.pk, stop_shipments=True).update(
            stop_shipments=False, updated_at=timezone.now()
        )
        if changed != 1:
            raise CreditError(gettext_lazy("Shipments to this customer are not stopped."))
        counterparty.stop_shipments = False
        _timeline(
            counterparty.pk,
            user,
            "shipments_resumed",
            f"Shipments resumed by {user}: {reason}",
            reason=reason,
            by=user.pk,
            by_name=str(user),
        )
        emit(
            EventKind.STOP_SHIPMENT_CHANGED,
            counterparty_id=counterparty.pk,
            company_id=counterparty.company_id,
            stop_shipments=False,
            by=user.username,
            reason=reason,
        )


def set_limit(
    counterparty: Counterparty,
    user: User | None,
    *,
    currency: str,
    total: Decimal | None,
    valid_from: date,
    reason: str,
    components: Mapping[str, Decimal | None] | None = None,
    review_on: date | None = None,
    term_days: int | None = None,
    source: str = LimitSource.MANUAL,
) -> CreditLimit:
    """A new limit row from `valid_from` (earlier rows stay: the limit's history). A credit
    committee's decision calls this with source "committee" (credit/committee.py)."""
    if user is not None and source == LimitSource.MANUAL and not can_decide_credit(user):
        raise CreditError(gettext_lazy("Only a credit controller or the director sets limits."))
    if not reason.strip():
        raise CreditError(gettext_lazy("Give the reason for the limit."), "reason")
    values = dict(components or {})
    for name, value in [("total", total), *values.items()]:
        if value is not None and value < 0:
            raise CreditError(gettext_lazy("A limit cannot be negative."), name)
    # A row without any amount limits nothing: the customer would get unlimited credit (and a
    # blank limit form, saved to change only the review date, once did just that).
    if total is None and all(value is None for value in values.values()):
        raise CreditError(
            gettext_lazy("Give the total limit or a limit on one of its parts."), "total"
        )
    with transaction.atomic():
        row = CreditLimit.objects.create(
            counterparty=counterparty,
            currency=currency,
            total=quantize(total) if total is not None else None,
            valid_from=valid_from,
            review_on=review_on,
            term_days=term_days,
            source=source,
            reason=reason.strip(),
            set_by=user if user is not None and user.pk else None,
            set_at=timezone.now(),
            **{k: (quantize(v) if v is not None else None) for k, v in values.items()},
        )
        _timeline(
            counterparty.pk,
            user,
            "limit_set",
            f"Credit limit {total} {currency} from {valid_from:%d.%m.%Y}: {reason}",
            limit=row.pk,
            total=str(row.total) if row.total is not None else None,
            currency=currency,
            valid_from=valid_from.isoformat(),
            reason=row.reason,
            source=source,
            term_days=term_days,
        )
    return row


RULE_FIELDS = (
    "effective_from",
    "min_relationship_days",
    "history_months",
    "max_days_overdue",
    "no_open_legal_case",
    "max_broken_promises",
    "broken_promises_days",
    "overdue_beyond_days",
    "default_limit",
    "limit_currency",
    "default_term_days",
    "new_customer_days",
    "new_customer_prepayment_percent",
    "breach_action",
    "notes",
)


def save_rule_set(user: User, segment: Segment | None, values: Mapping[str, Any]) -> CreditRuleSet:
    """A new version of a segment's (or the default) credit rules; the sales managers are asked
    to acknowledge it."""
    if not can_edit_credit_rules(user):
        raise CreditError(gettext_lazy("Only the director or an administrator edits the rules."))
    # One writer of a scope's versions at a time (two editors saving at once get 2 and 3).
    scope = f"credit-rules-{segment.pk if segment is not None else 'default'}"
    with exclusive(scope, wait=True), transaction.atomic():
        last = CreditRuleSet.objects.filter(segment=segment).aggregate(v=Max("version"))["v"]
        rules = CreditRuleSet.objects.create(
            segment=segment,
            version=(last or 0) + 1,
            created_by=user,
            created_at=timezone.now(),
            **{name: values[name] for name in RULE_FIELDS if name in values},
        )
        url = reverse("credit:rules")
        for reader in credit_rule_readers():
            notify(
                reader,
                "other",
                gettext_lazy("New credit rules (%(rules)s): read and acknowledge them."),
                url=url,
                key=f"credit-rules:{rules.pk}",
                params={"rules": str(rules)},
            )
    return rules


def pending_rule_sets(user: User, on: date | None = None) -> list[CreditRuleSet]:
    """The versions in force that `user` has not acknowledged yet."""
    current = current_rule_sets(on or timezone.localdate())
    done = set(
        RuleAcknowledgement.objects.filter(
            user=user, rule_set__in=[r.pk for r in current]
        ).values_list("rule_set_id", flat=True)
    )
    return [r for r in current if r.pk not in done]


def acknowledge_rules(user: User, rule_set_ids: list[int]) -> int:
    """Record that `user` read these versions; returns how many were new."""
    now = timezone.now()
    with transaction.atomic():
        known = set(
            RuleAcknowledgement.objects.filter(user=user, rule_set_id__in=rule_set_ids).values_list(
                "rule_set_id", flat=True
            )
        )
        new = [
            RuleAcknowledgement(rule_set_id=pk, user=user, acknowledged_at=now)
            for pk in CreditRuleSet.objects.filter(pk__in=rule_set_ids).values_list("pk", flat=True)
            if pk not in known
        ]
        RuleAcknowledgement.objects.bulk_create(new)
    return len(new)


def remind_unacknowledged() -> int:
    """The daily reminder to every sales manager with rules in force not yet acknowledged
    (one notification a day per user; the worker's periodic job)."""
    today = timezone.localdate()
    sent = 0
    url = reverse("credit:rules")
    for reader in credit_rule_readers():
        pending = pending_rule_sets(reader, today)
        if not pending:
            continue
        created = notify(
            reader,
            "other",
            gettext_lazy("Reminder: acknowledge the credit rules (%(rules)s)."),
            url=url,
            key=f"credit-rules-reminder:{today.isoformat()}",
            params={"rules": ", ".join(str(r) for r in pending)},
        )
        sent += created is not None
    return sent


def decision_label(decision: str) -> str:
    return str(Decision(decision).label) if decision in Decision.values else decision
