"""State changes of the pressure scale, one function per user action.

Each runs in one transaction and writes a `TimelineEntry` in it. They raise `LadderError` (a
translatable message) for anything the user can correct. Signatures are documented in
docs/pressure-scale.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import (
    can_decide_approval,
    can_see_counterparty,
    can_set_debtor_scale,
    can_skip_task,
)
from dunwell.ladder import events, hooks, nightly
from dunwell.ladder.models import (
    DISPUTE_REJECTED,
    DISPUTE_SETTLED,
    OPEN_STATUSES,
    SETTLE_DISPUTE,
    SHIPMENTS_STOPPED,
    Action,
    Agreement,
    AgreementInstalment,
    CounterpartyPolicy,
    Dispute,
    DisputeReason,
    DisputeStatus,
    DocumentProgress,
    Event,
    Grace,
    LadderEvent,
    Policy,
    PolicyStep,
    Promise,
    PromiseStatus,
    SegmentPolicy,
    Task,
    TaskStatus,
)
from dunwell.ledger.models import Counterparty, Document, Segment, TimelineEntry
from dunwell.money import is_currency_code
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit

DEFAULT_PRETENSION_DAYS = 30
# Actions that put the counterparty on the legal track (lawyers see legal counterparties).
LEGAL_ACTIONS = frozenset({Action.PRETENSION, Action.HAND_TO_LAWYER, Action.COURT_FILING})


class LadderError(Exception):
    """A pressure-scale action that cannot be done; the message is translatable."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


def write_timeline(
    counterparty_id: int,
    actor: User | None,
    kind: str,
    summary: str,
    *,
    moment: datetime | None = None,
    **data: Any,
) -> None:
    """One "ladder.<kind>" entry on the debtor's timeline (in the caller's transaction), at
    `moment` (default now)."""
    TimelineEntry.objects.create(
        counterparty_id=counterparty_id,
        at=moment or timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        kind=f"ladder.{kind}",
        summary=summary,
        data=data,
    )


def _documents_of(counterparty: Counterparty, documents: Iterable[Document]) -> list[Document]:
    docs = list(documents)
    for doc in docs:
        if doc.counterparty_id != counterparty.pk:
            raise LadderError(_("A document belongs to another counterparty."))
    return docs


def currency_of(
    counterparty: Counterparty, documents: Sequence[Document], currency: str | None
) -> str:
    """The currency of a promise, dispute or agreement: the documents' own, else the one the
    user chose, else the only currency the debtor owes in. Never guessed when the debtor owes
    in several: amounts of different currencies are never mixed."""
    named = sorted({d.currency for d in documents})
    if len(named) > 1:
        raise LadderError(
            _("The chosen documents are in several currencies (%(list)s): one per currency.")
            % {"list": ", ".join(named)}
        )
    if currency:
        if not is_currency_code(currency):
            raise LadderError(_("Unknown currency %(code)s.") % {"code": currency})
        if named and currency != named[0]:
            raise LadderError(
                _("The chosen documents are in %(docs)s, not in %(given)s.")
                % {"docs": named[0], "given": currency}
            )
        return currency
    if named:
        return named[0]
    owed = sorted(
        set(
            Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
            .values_list("currency", flat=True)
            .distinct()
        )
    )
    if len(owed) > 1:
        raise LadderError(
            _("The debtor owes in several currencies (%(list)s): choose one.")
            % {"list": ", ".join(owed)}
        )
    return owed[0] if owed else counterparty.company.currency


def recheck(counterparty_id: int, on: date) -> None:
    """Make the daily run look at the counterparty's documents again on `on`."""
    DocumentProgress.objects.filter(document__counterparty_id=counterparty_id).update(
        next_due_on=on
    )


def apply_task_effects(task: Task) -> None:
    """What a ladder task does to the counterparty once it is live (created without approval,
    or approved): a legal step puts the debtor on the legal track. (Shipments are stopped
    only when someone confirms it on the stop-shipments task: `confirm_shipments_stopped`.)"""
    if task.action in LEGAL_ACTIONS:
        Counterparty.objects.filter(pk=task.counterparty_id).update(legal=True)


# --- promises, disputes, agreements ---------------------------------------------------------


@transaction.atomic
def record_promise(
    *,
    counterparty: Counterparty,
    amount: Decimal,
    promised_date: date,
    user: User | None,
    documents: Iterable[Document] = (),
    currency: str | None = None,
    promised_by: str = "",
    promised_by_contact: str = "",
    grace_days: int = 0,
    now: datetime | None = None,
) -> Promise:
    """A promise to pay `amount` by `promised_date`: the ladder pauses for that amount until
    the date plus `grace_days`. `now`: when it was recorded (the call's moment)."""
    if amount <= 0:
        raise LadderError(_("The promised amount must be positive."))
    docs = _documents_of(counterparty, documents)
    if grace_days < 0:
        raise LadderError(_("Grace days must not be negative."))
    promise = Promise.objects.create(
        counterparty=counterparty,
        amount=amount,
        currency=currency_of(counterparty, docs, currency),
        promised_date=promised_date,
        promised_by=promised_by,
        promised_by_contact=promised_by_contact,
        recorded_by=user,
        recorded_at=now or timezone.now(),
        grace_days=grace_days,
    )
    if docs:
        promise.documents.set(docs)
    write_timeline(
        counterparty.pk,
        user,
        "promise_recorded",
        f"Promise to pay {amount} {promise.currency} by {promised_date:%d.%m.%Y}",
        moment=promise.recorded_at,
        promise=promise.pk,
        amount=str(amount),
        currency=promise.currency,
        promised_date=promised_date.isoformat(),
        promised_by=promised_by,
    )
    events.promises(EventKind.PROMISE_MADE, [promise.pk])
    return promise


@transaction.atomic
def cancel_promise(promise: Promise, *, user: User | None) -> Promise:
    """Withdraw a promise recorded by mistake: the ladder resumes at the next run."""
    if promise.status != PromiseStatus.ACTIVE:
        raise LadderError(_("Only an active promise can be cancelled."))
    promise.status = PromiseStatus.CANCELLED
    promise.resolved_at = timezone.now()
    promise.save(update_fields=["status", "resolved_at"])
    recheck(promise.counterparty_id, timezone.localdate())
    write_timeline(
        promise.counterparty_id, user, "promise_cancelled", "Promise cancelled", promise=promise.pk
    )
    return promise


@transaction.atomic
def register_dispute(
    *,
    counterparty: Counterparty,
    reason: str,
    amount: Decimal,
    user: User | None,
    documents: Iterable[Document] = (),
    currency: str | None = None,
    description: str = "",
    responsible: User | None = None,
    deadline: date | None = None,
    channel: str = "",
) -> Dispute:
    """Register a claim; the disputed amount is held out of escalation while it is open.
    `channel`: how the claim came when it was not on a call ("email", "letter", "meeting"),
    kept on the timeline entry."""
    if reason not in DisputeReason.values:
        raise LadderError(_("Unknown dispute reason."))
    if amount <= 0:
        raise LadderError(_("The disputed amount must be positive."))
    docs = _documents_of(counterparty, documents)
    dispute = Dispute.objects.create(
        counterparty=counterparty,
        reason=reason,
        amount=amount,
        currency=currency_of(counterparty, docs, currency),
        description=description,
        responsible=responsible,
        deadline=deadline,
        registered_by=user,
        registered_at=timezone.now(),
    )
    if docs:
        dispute.documents.set(docs)
    if responsible is not None and deadline is not None:
        _settle_task(dispute, counterparty, responsible, deadline, docs)
    data: dict[str, Any] = {"dispute": dispute.pk, "reason": reason, "amount": str(amount)}
    if channel:
        data["channel"] = channel
    write_timeline(
        counterparty.pk,
        user,
        "dispute_registered",
        f"Dispute ({reason}) for {amount} {dispute.currency}",
        **data,
    )
    events.dispute(EventKind.DISPUTE_OPENED, dispute)
    return dispute


# The settler's task's details, as the notice they get words them (`work.ladder_bridge`).
SETTLE_INSTRUCTIONS = _("Disputed: %(reason)s, %(amount)s; settle it by %(deadline)s.")


def _settle_task(
    dispute: Dispute,
    counterparty: Counterparty,
    responsible: User,
    deadline: date,
    docs: Sequence[Document],
) -> Task:
    """The settler's task, due on the dispute's deadline from the moment it is routed (the
    nightly run escalates it to their supervisor once the deadline has passed). Its title is
    stored in English and read in each reader's language; its details in the settler's."""
    from django.utils import translation

    from dunwell.ladder.decide import task_window
    from dunwell.money import Money
    from dunwell.money_l10n import money_text

    begins, ends = task_window(deadline, None, None, counterparty.time_zone)
    with translation.override(responsible.language or None):
        instructions = str(SETTLE_INSTRUCTIONS) % {
            "reason": dispute.get_reason_display(),
            "amount": money_text(Money(dispute.amount, dispute.currency)),
            "deadline": formats.date_format(deadline, "SHORT_DATE_FORMAT"),
        }
    if dispute.description.strip():
        instructions += "\n" + dispute.description.strip()
    task = Task.objects.create(
        counterparty=counterparty,
        assignee=responsible,
        action=Action.REVIEW_DISPUTE,
        title=(SETTLE_DISPUTE % {"debtor": counterparty.name})[:255],
        instructions=instructions,
        due_at=ends,
        window_start=begins,
        window_end=ends,
        amount=dispute.amount,
        currency=dispute.currency,
        key=nightly.settle_key(dispute.pk),
        document_ids=[doc.pk for doc in docs],
    )
    events.tasks_created([task.pk])
    return task


def _close_dispute_tasks(dispute: Dispute, user: User | None) -> None:
    """The dispute's settle task and its overdue escalation are done once it is decided."""
    keys = [nightly.settle_key(dispute.pk), nightly.dispute_key(dispute.pk)]
    result = DISPUTE_REJECTED if dispute.status == DisputeStatus.REJECTED else DISPUTE_SETTLED
    for task in Task.objects.select_for_update().filter(key__in=keys, status__in=OPEN_STATUSES):
        task.status = TaskStatus.DONE
        task.result = result
        task.done_at = dispute.resolved_at
        task.done_by = user
        task.save(update_fields=["status", "result", "done_at", "done_by"])
        events.task_completed(task)


@transaction.atomic
def resolve_dispute(
    dispute: Dispute, *, user: User | None, resolution: str, rejected: bool = False
) -> Dispute:
    """Close a dispute. The disputed amount returns to the ladder, and the policy's
    "dispute resolved" step fires at the next run (ask again for a payment date)."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise LadderError(_("This dispute is already closed."))
    today = timezone.localdate()
    dispute.status = DisputeStatus.REJECTED if rejected else DisputeStatus.RESOLVED
    dispute.resolution = resolution
    dispute.resolved_at = timezone.now()
    dispute.resolved_by = user
    dispute.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])
    _close_dispute_tasks(dispute, user)
    LadderEvent.objects.get_or_create(
        key=f"dispute_resolved:{dispute.pk}",
        defaults={
            "counterparty_id": dispute.counterparty_id,
            "kind": Event.DISPUTE_RESOLVED,
            "occurred_on": today,
            "data": {"dispute": dispute.pk},
        },
    )
    recheck(dispute.counterparty_id, today)
    write_timeline(
        dispute.counterparty_id,
        user,
        "dispute_resolved",
        f"Dispute {dispute.get_status_display()}: {resolution}",
        dispute=dispute.pk,
        status=dispute.status,
    )
    events.dispute(EventKind.DISPUTE_RESOLVED, dispute)
    return dispute


@transaction.atomic
def create_agreement(
    *,
    counterparty: Counterparty,
    signed_on: date,
    instalments: Sequence[tuple[date, Decimal]],
    user: User | None,
    good_relations_until: date | None = None,
    currency: str | None = None,
    notes: str = "",
) -> Agreement:
    """A signed repayment schedule; a missed instalment fires the "instalment missed" step."""
    if not instalments:
        raise LadderError(_("A repayment schedule needs at least one instalment."))
    if any(amount <= 0 for _day, amount in instalments):
        raise LadderError(_("Every instalment must be positive."))
    total = sum((amount for _day, amount in instalments), Decimal("0"))
    agreement = Agreement.objects.create(
        counterparty=counterparty,
        signed_on=signed_on,
        total=total,
        currency=currency_of(counterparty, [], currency),
        good_relations_until=good_relations_until,
        notes=notes,
        created_by=user,
    )
    AgreementInstalment.objects.bulk_create(
        AgreementInstalment(agreement=agreement, due_date=day, amount=amount)
        for day, amount in sorted(instalments)
    )
    write_timeline(
        counterparty.pk,
        user,
        "agreement_created",
        f"Repayment agreement of {signed_on:%d.%m.%Y}: {total} {agreement.currency} "
        f"in {len(instalments)} instalments",
        agreement=agreement.pk,
    )
    return agreement


# --- tasks -----------------------------------------------------------------------------------


@transaction.atomic
def create_manual_task(
    *,
    counterparty: Counterparty,
    assignee: User | None,
    action: str,
    due_at: datetime,
    title: str,
    user: User | None,
    instructions: str = "",
    documents: Iterable[Document] = (),
    window_minutes: int = 30,
) -> Task:
    """A task made by hand, e.g. a call-back in 30 minutes after an abusive call."""
    if action not in Action.values:
        raise LadderError(_("Unknown action."))
    if timezone.is_naive(due_at):
        raise LadderError(_("The due time must carry a time zone."))
    docs = _documents_of(counterparty, documents)
    task = Task.objects.create(
        counterparty=counterparty,
        assignee=assignee,
        action=action,
        title=title,
        instructions=instructions,
        due_at=due_at,
        window_start=due_at,
        window_end=due_at + timedelta(minutes=window_minutes),
        key=f"manual:{uuid.uuid4().hex}",
        document_ids=[doc.pk for doc in docs],
    )
    write_timeline(
        counterparty.pk,
        user,
        "task_created",
        title,
        task=task.pk,
        action=action,
        due_at=due_at.isoformat(),
    )
    events.tasks_created([task.pk])
    return task


def _lock_open(task: Task) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status not in OPEN_STATUSES:
        raise LadderError(_("This task is already closed."))
    return locked


def _pretension_days(task: Task) -> int:
    """The claim period of the task's documents: the shortest of their contracts' periods (a
    document without a contract counts the default), so the ladder's deadline never outlasts
    the one the letter states."""
    periods = set(task.documents.values_list("contract__pretension_days", flat=True))
    days = [int(p) if p else DEFAULT_PRETENSION_DAYS for p in periods]
    return min(days) if days else DEFAULT_PRETENSION_DAYS


@transaction.atomic
def complete_task(
    task: Task,
    *,
    user: User,
    result: str,
    deadline: date | None = None,
    notify: bool = True,
    result_code: str = "",
) -> Task:
    """Mark a task done with its result. A pretension starts the debtor's claim period (the
    contract's, 30 days by default, or `deadline` when the legal case set it): when it passes,
    the "pretension deadline passed" step fires. A legal step also goes onto the debtor's legal
    case (the handlers in `hooks.on_legal_task_done`) unless `notify` is off, which is how the
    case itself closes the tasks it has just done. `result_code` names a result another app
    words (`timeline_texts.RESULT_LABELS`), so the timeline shows it in the reader's language."""
    task = _lock_open(task)
    if task.status == TaskStatus.AWAITING_APPROVAL:
        raise LadderError(_("This task is waiting for approval."))
    now = timezone.now()
    task.status = TaskStatus.DONE
    task.result = result
    task.done_at = now
    task.done_by = user
    fields = ["status", "result", "done_at", "done_by"]
    if task.action == Action.PRETENSION:
        task.deadline = deadline or timezone.localdate(now) + timedelta(days=_pretension_days(task))
        fields.append("deadline")
    task.save(update_fields=fields)
    if notify and task.action in LEGAL_ACTIONS:
        hooks.legal_task_done(task, user)
    write_timeline(
        task.counterparty_id,
        user,
        "task_done",
        f"{task.title}: {result}",
        task=task.pk,
        action=task.action,
        result=result,
        result_code=result_code,
        deadline=task.deadline.isoformat() if task.deadline else None,
    )
    events.task_completed(task)
    return task


@transaction.atomic
def confirm_shipments_stopped(task: Task, *, user: User, note: str = "") -> Task:
    """The stop-shipments step was applied: the counterparty's shipments are stopped from now
    on; who confirmed it and when are on the timeline, and the task is done."""
    if task.action != Action.STOP_SHIPMENTS:
        raise LadderError(_("This is not a stop-shipments task."))
    task = complete_task(task, user=user, result=note or SHIPMENTS_STOPPED)
    Counterparty.objects.filter(pk=task.counterparty_id).update(
        stop_shipments=True, updated_at=task.done_at
    )
    assert task.done_at is not None
    when = timezone.localtime(task.done_at)
    write_timeline(
        task.counterparty_id,
        user,
        "shipments_stopped",
        f"Shipments stopped, confirmed by {user} on {when:%d.%m.%Y %H:%M}"
        + (f": {note}" if note else ""),
        task=task.pk,
        by=user.pk,
        at=task.done_at.isoformat(),
        note=note,
    )
    emit(
        EventKind.STOP_SHIPMENT_CHANGED,
        counterparty_id=task.counterparty_id,
        company_id=task.counterparty.company_id,
        stop_shipments=True,
        task=task.pk,
        by=user.username,
    )
    return task


def complete_open_tasks(
    counterparty_id: int,
    actions: Iterable[str],
    *,
    user: User,
    result: str,
    deadline: date | None = None,
) -> list[Task]:
    """Close the counterparty's open tasks of `actions` that were done elsewhere (the legal
    case recorded the step): each is marked done by `user`, with a timeline entry."""
    tasks = Task.objects.filter(
        counterparty_id=counterparty_id, action__in=list(actions), status=TaskStatus.OPEN
    ).order_by("id")
    return [
        complete_task(task, user=user, result=result, deadline=deadline, notify=False)
        for task in tasks
    ]


@transaction.atomic
def skip_task(task: Task, *, user: User, reason: str) -> Task:
    """Close a task without doing it; the reason is required and kept. Only managers skip,
    and only tasks of the debtors they see (a supervisor: their team's)."""
    if not can_skip_task(user, task):
        raise LadderError(_("Only a supervisor or the director can skip a task."))
    if not reason.strip():
        raise LadderError(_("Say why the task is skipped."))
    task = _lock_open(task)
    task.status = TaskStatus.SKIPPED
    task.skip_reason = reason
    task.done_at = timezone.now()
    task.done_by = user
    task.save(update_fields=["status", "skip_reason", "done_at", "done_by"])
    write_timeline(
        task.counterparty_id,
        user,
        "task_skipped",
        f"{task.title}: {reason}",
        task=task.pk,
        reason=reason,
    )
    return task


def can_approve(user: User, task: Task) -> bool:
    """The step's approval role decides, on the debtors it sees (a supervisor: their team's)."""
    return can_decide_approval(user, task)


def _decide(
    task: Task, user: User, comment: str, approve: bool, ask_again_on: date | None = None
) -> Task:
    task = _lock_open(task)
    if task.status != TaskStatus.AWAITING_APPROVAL:
        raise LadderError(_("This task does not need approval."))
    if not can_approve(user, task):
        raise LadderError(_("You cannot decide on this task."))
    task.status = TaskStatus.OPEN if approve else TaskStatus.REJECTED
    task.approver = user
    task.decided_at = timezone.now()
    task.approval_comment = comment
    task.ask_again_on = None if approve else ask_again_on
    task.save(
        update_fields=["status", "approver", "decided_at", "approval_comment", "ask_again_on"]
    )
    if approve:
        apply_task_effects(task)
        if task.action in LEGAL_ACTIONS:
            hooks.legal_task_created([task.pk], user)
    write_timeline(
        task.counterparty_id,
        user,
        "task_approved" if approve else "task_rejected",
        f"{task.title}: {'approved' if approve else 'rejected'}. {comment}".strip(),
        task=task.pk,
        comment=comment,
        ask_again_on=task.ask_again_on.isoformat() if task.ask_again_on else None,
    )
    _tell_decision(task, user, comment, approve)
    return task


STEP_APPROVED_NOTICE = _("%(who)s approved the step “%(step)s” for %(debtor)s.")
STEP_APPROVED_WITH_COMMENT_NOTICE = _(
    "%(who)s approved the step “%(step)s” for %(debtor)s: %(comment)s"
)
STEP_REFUSED_NOTICE = _("%(who)s refused the step “%(step)s” for %(debtor)s: %(comment)s")
STEP_REFUSED_UNTIL_NOTICE = _(
    "%(who)s refused the step “%(step)s” for %(debtor)s until %(date)s, when it is asked "
    "again if still unpaid: %(comment)s"
)


def _tell_decision(task: Task, user: User, comment: str, approve: bool) -> None:
    """The step's assignee (a lawyer whose list it now joins, or not) and the debtor's
    collector learn the approver's decision and why, each in their language; the decider is
    not told their own decision. Without this a refusal changed nothing anyone was shown."""
    counterparty = Counterparty.objects.only("name", "collector_id").get(pk=task.counterparty_id)
    recipients = {task.assignee_id, counterparty.collector_id} - {None, user.pk}
    if approve:
        message = STEP_APPROVED_WITH_COMMENT_NOTICE if comment.strip() else STEP_APPROVED_NOTICE
    else:
        message = STEP_REFUSED_UNTIL_NOTICE if task.ask_again_on else STEP_REFUSED_NOTICE
    step = lazy(lambda: task.title_beside_debtor, str)()
    params = {"who": str(user), "step": step, "debtor": counterparty.name, "comment": comment}
    if task.ask_again_on:
        params["date"] = f"{task.ask_again_on:%d.%m.%Y}"
    for recipient_id in sorted(r for r in recipients if r is not None):
        nightly.notify(
            recipient_id, "decision", message, params, counterparty.pk, f"task_decision:{task.pk}"
        )


@transaction.atomic
def approve_task(task: Task, *, user: User, comment: str = "") -> Task:
    """Approve a step that needs approval (e.g. legal steps for key customers: director)."""
    return _decide(task, user, comment, approve=True)


@transaction.atomic
def check_ask_again_on(day: date | None) -> None:
    """The one rule for a refusal's day to ask again: after today (the forms say it on their
    field before anything is decided; `reject_task` enforces it)."""
    if day is not None and day <= timezone.localdate():
        raise LadderError(_("The day to ask again must be after today."))


def reject_task(task: Task, *, user: User, comment: str, ask_again_on: date | None = None) -> Task:
    """Refuse a step; with `ask_again_on`, refuse it until that day: the morning run asks the
    approver again then, while its documents still owe (`nightly.ask_again_refused_steps`)."""
    if not comment.strip():
        raise LadderError(_("Say why the step is rejected."))
    check_ask_again_on(ask_again_on)
    return _decide(task, user, comment, approve=False, ask_again_on=ask_again_on)


# --- grace and policy assignment -------------------------------------------------------------


@transaction.atomic
def set_grace(*, counterparty: Counterparty, until: date, reason: str, user: User) -> Grace:
    """Management forgives the delay until `until`: no ladder step fires before the day after.
    Only supervisors, the director and admins may grant it."""
    if not (user.is_superuser or user.role in {Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN}):
        raise LadderError(_("Only management can grant a grace period."))
    if not reason.strip():
        raise LadderError(_("A grace period needs a reason."))
    grace = Grace.objects.create(
        counterparty=counterparty,
        until=until,
        reason=reason,
        approved_by=user,
        approved_at=timezone.now(),
    )
    recheck(counterparty.pk, timezone.localdate())
    write_timeline(
        counterparty.pk,
        user,
        "grace_granted",
        f"Grace granted until {until:%d.%m.%Y}: {reason}",
        grace=grace.pk,
        until=until.isoformat(),
        limits={},
        approved_by=user.pk,
        reason=reason,
    )
    return grace


# The debtor's collector learns who changed its scale, to which, and why (in their language).
SCALE_SET_NOTICE = _("%(who)s put %(debtor)s on its own pressure scale “%(scale)s”: %(reason)s")
SCALE_CLEARED_NOTICE = _(
    "%(who)s put %(debtor)s back on the pressure scale of its segment “%(segment)s”: %(reason)s"
)


@transaction.atomic
def assign_policy(
    *, counterparty: Counterparty, policy: Policy | None, user: User | None, reason: str = ""
) -> CounterpartyPolicy | None:
    """Give one counterparty its own policy (None: back to its segment's policy), and why.
    Management sets it (DESIGN §1.4: a key customer's strategy is set explicitly); the segment
    itself comes from the accounting import and is not changed here. The debtor's collector is
    told, unless they made the change."""
    if user is not None and not (
        can_set_debtor_scale(user) and can_see_counterparty(user, counterparty.pk)
    ):
        raise LadderError(
            _("Only supervisors, the director and admins set a debtor's pressure scale.")
        )
    current = (
        CounterpartyPolicy.objects.filter(counterparty=counterparty)
        .values_list("policy_id", flat=True)
        .first()
    )
    if current == (policy.pk if policy else None):
        raise LadderError(_("The debtor is already on this scale."))
    if policy is not None and not policy.active:
        raise LadderError(_("This scale is not active."))
    if policy is None:
        CounterpartyPolicy.objects.filter(counterparty=counterparty).delete()
        override = None
    else:
        override, _created = CounterpartyPolicy.objects.update_or_create(
            counterparty=counterparty, defaults={"policy": policy, "assigned_by": user}
        )
    recheck(counterparty.pk, timezone.localdate())
    name = policy.name if policy else "segment default"
    write_timeline(
        counterparty.pk,
        user,
        "policy_assigned",
        f"Pressure scale: {name}: {reason}" if reason.strip() else f"Pressure scale: {name}",
        policy=policy.pk if policy else None,
        reason=reason,
    )
    _tell_scale_changed(counterparty, policy, user, reason)
    return override


def _tell_scale_changed(
    counterparty: Counterparty, policy: Policy | None, user: User | None, reason: str
) -> None:
    collector_id = counterparty.collector_id
    if user is None or collector_id is None or collector_id == user.pk:
        return
    why = reason.strip() or "—"  # the demo's and other callers' changes without a reason
    params: dict[str, Any] = {"who": str(user), "debtor": counterparty.name, "reason": why}
    if policy is not None:
        message = SCALE_SET_NOTICE
        params["scale"] = lazy(lambda: policy.localized_name, str)()
    else:
        message = SCALE_CLEARED_NOTICE
        segment = Segment.objects.filter(pk=counterparty.segment_id).first()
        params["segment"] = lazy(lambda: segment.localized_name if segment else "—", str)()
    # every change is its own notice: the key only keeps a retried call from repeating it
    key = f"debtor_scale:{counterparty.pk}:{uuid.uuid4().hex}"
    nightly.notify(collector_id, "other", message, params, counterparty.pk, key)


@transaction.atomic
def assign_segment_policy(*, segment: Segment, policy: Policy) -> SegmentPolicy:
    """Attach a policy to a segment; its counterparties are re-examined at the next run."""
    link, _created = SegmentPolicy.objects.update_or_create(
        segment=segment, defaults={"policy": policy}
    )
    DocumentProgress.objects.filter(document__counterparty__segment=segment).update(
        next_due_on=timezone.localdate()
    )
    return link


def policy_changed(policy: Policy) -> None:
    """After a policy's steps change, every document on it is re-examined at the next run."""
    DocumentProgress.objects.filter(policy=policy).update(next_due_on=timezone.localdate())


@transaction.atomic
def save_policy(policy_form: Any, step_formset: Any, *, user: User) -> Policy:
    """Save a policy and its steps from the editor (validated forms); documents on it are
    re-examined at the next run."""
    if not (user.is_superuser or user.role in EDITOR_ROLES):
        raise LadderError(_("Only supervisors, the director and admins edit the pressure scale."))
    with transaction.atomic():
        policy: Policy = policy_form.save()
        step_formset.instance = policy
        # Steps moved in the editor swap their orders; (policy, order) is unique and the form
        # set saves one row at a time, so the moved rows step aside first (the form set has
        # already checked that the new orders do not repeat).
        moved = [
            f.instance.pk
            for f in step_formset.initial_forms
            if f.instance.pk and ("order" in f.changed_data or f in step_formset.deleted_forms)
        ]
        if moved:
            PolicyStep.objects.filter(pk__in=moved).update(order=F("order") + ORDER_ASIDE)
        step_formset.save()
    policy_changed(policy)
    return policy


ORDER_ASIDE = 1_000_000


EDITOR_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})


def can_edit_policies(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in EDITOR_ROLES))
