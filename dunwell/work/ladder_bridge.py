"""The workspace's one door to the pressure scale (the ladder app): it reads promises,
disputes, agreements, the current step and tasks, and calls the ladder's services, turning a
LadderError into the workspace's WorkError. Keeping it in one module means the views never
depend on the ladder's internals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, Max, Q, Sum, Value, When, prefetch_related_objects
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import can_resolve_dispute, can_set_debtor_scale, can_work_task
from dunwell.compiled import Reusable
from dunwell.ladder import holds
from dunwell.ladder import services as ladder
from dunwell.ladder.editor import when_text
from dunwell.ladder.forms import DebtorScaleForm
from dunwell.ladder.holds import Hold
from dunwell.ladder.models import (
    OPEN_STATUSES,
    Action,
    Agreement,
    AgreementStatus,
    CounterpartyPolicy,
    Dispute,
    DisputeStatus,
    DocumentProgress,
    InstalmentStatus,
    PolicyStep,
    Promise,
    PromiseStatus,
    SegmentPolicy,
    Task,
    TaskStatus,
)
from dunwell.ladder.upcoming import scale_of
from dunwell.ledger.models import Counterparty, Document
from dunwell.work.errors import WorkError
from dunwell.workdays import WorkCalendar

# A promise's state in its own words: the bare "active" is also Django's user flag, whose
# masculine "activ"/"активний" won over the promise's ("Victor Ceban activ").
PROMISE_STATUS = {
    "active": pgettext_lazy("promise status", "active"),
    "kept": pgettext_lazy("promise status", "kept"),
    "broken": pgettext_lazy("promise status", "broken"),
    "cancelled": pgettext_lazy("promise status", "cancelled"),
}

STATUS_CSS = {
    "active": "warn",
    "kept": "good",
    "broken": "bad",
    "open": "warn",
    "resolved": "good",
    "rejected": "",
    "pending": "",
    "paid": "good",
    "missed": "bad",
    "completed": "good",
}
DISPUTE_DAYS = 5  # working days the responsible person has to settle a claim


@dataclass
class LadderFacts:
    policy: str = ""
    policy_why: str = ""  # its segment's scale, or the debtor's own
    policy_description: str = ""  # what the scale does, as its editor wrote it
    step: str = ""
    paused_until: date | None = None
    pause: Hold | None = None  # what pauses the whole ladder: grace, agreement or promise
    # (task, its hold or None, the page it opens) for each open task on the card
    open_task_rows: list[tuple[Task, Hold | None, str]] = field(default_factory=list)
    promises: list[dict[str, Any]] = field(default_factory=list)
    disputes: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    open_tasks: list[Task] = field(default_factory=list)
    disputed_documents: set[int] = field(default_factory=set)
    broken_promises: int = 0
    # A dispute settled or rejected since the last call: the customer has not heard the
    # decision from us yet (the dispute's "since_last_call").
    resolved_dispute_since_last_call: bool = False


# The card's reads of one counterparty, their SQL built once per process (dunwell.compiled).
_OWN_POLICY = Reusable(
    lambda cp: (
        CounterpartyPolicy.objects.filter(counterparty_id=cp)
        .select_related("policy")
        .order_by("pk")[:1]
    ),
    int,
)
_SEGMENT_POLICY = Reusable(
    lambda segment: (
        SegmentPolicy.objects.filter(segment_id=segment).select_related("policy").order_by("pk")[:1]
    ),
    int,
)
_STEP = Reusable(
    lambda policy, order: PolicyStep.objects.filter(policy_id=policy, order=order).order_by("pk")[
        :1
    ],
    int,
    int,
)
_PROGRESS = Reusable(  # the furthest step the counterparty's documents reached
    lambda cp: (
        DocumentProgress.objects.filter(document__counterparty_id=cp)
        .values("counterparty_id")
        .annotate(step=Max("step_order"), policy=Max("policy_id"))
        .order_by()
    ),
    int,
)
_PROMISES = Reusable(
    lambda cp: Promise.objects.filter(counterparty_id=cp).order_by("-recorded_at")[:20], int
)
DISPUTES_ON_CARD = 20  # the newest; beside them every one still open or accepted in part
# The disputes the card lists: every one still open and every one accepted in part (its
# accepted part may await the credit note), whatever their age, so the Disputes page's link
# to one always finds it, and the newest others.
_DISPUTES = Reusable(
    lambda cp: (
        Dispute.objects.filter(counterparty_id=cp)
        .filter(
            Q(status=DisputeStatus.OPEN)
            | Q(status=DisputeStatus.RESOLVED, accepted_amount__gt=0)
            | Q(
                pk__in=Dispute.objects.filter(counterparty_id=cp)
                .order_by("-registered_at")
                .values("pk")[:DISPUTES_ON_CARD]
            )
        )
        .select_related("responsible", "resolved_by")
        .order_by("-registered_at")
    ),
    int,
)
# The debtor's agreements the card lists: the running ones first, then the newest.
_AGREEMENTS = Reusable(
    lambda cp: Agreement.objects.filter(counterparty_id=cp).order_by(
        Case(When(status=AgreementStatus.ACTIVE, then=Value(0)), default=Value(1)),
        "-signed_on",
        "-pk",
    )[:5],
    int,
)
_OPEN_TASKS = Reusable(
    lambda cp: (
        Task.objects.filter(counterparty_id=cp, status__in=OPEN_STATUSES)
        .select_related("assignee", "step", "counterparty")
        .order_by("due_at")[:20]
    ),
    int,
)


# The debtor's open tasks that have a step (those a hold can keep), for `holds.task_holds`.
_HOLDABLE = Reusable(
    lambda cp: (
        Task.objects.filter(counterparty_id=cp, status__in=OPEN_STATUSES, step__isnull=False)
        .values("id", "counterparty_id")
        .order_by()
    ),
    int,
)


def policy_name(counterparty: Counterparty) -> tuple[int | None, str]:
    policy_id, name, _why, _description = policy_and_why(counterparty)
    return policy_id, name


def policy_and_why(counterparty: Counterparty) -> tuple[int | None, str, str, str]:
    """The debtor's pressure scale (id, name), why it applies (its segment's, or its own) and
    what the scale does (its description), in the reader's language (DESIGN §1.4: the strategy
    follows the segment; a new customer's stricter ladder says so where it is shown)."""
    segment_id = counterparty.segment_id
    policy, own = scale_of(
        _OWN_POLICY(counterparty.pk),
        lambda: _SEGMENT_POLICY(segment_id) if segment_id is not None else [],
    )
    if policy is None:
        return None, "", "", ""
    why = (
        gettext("This debtor's own scale, not its segment's.")
        if own
        else gettext("The scale of the segment “%(segment)s”.") % {"segment": counterparty.segment}
    )
    if not policy.active:
        # The run skips a debtor whose scale is switched off (`scale_of`): the card named the
        # scale as if it worked.
        why += " " + gettext("It is switched off: the daily run takes no step for this debtor.")
    return policy.pk, policy.localized_name, why, policy.localized_description


def card_reads(counterparty: Counterparty, today: date) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """The reads `facts_for` makes of every counterparty, to send together (dunwell.compiled)."""
    cp = counterparty.pk
    reads: list[tuple[Reusable, tuple[Any, ...]]] = [
        (read, (cp,))
        for read in (_OWN_POLICY, _PROGRESS, _PROMISES, _DISPUTES, _AGREEMENTS, _OPEN_TASKS)
    ]
    reads += [(holds.GRACES_OF, ([cp], today)), (holds.AGREEMENTS_OF, ([cp],))]
    # `holds.task_holds`: the tasks a hold can keep, then (read unless a grace or an
    # agreement holds the debtor whole) its promises and disputes.
    reads += [(_HOLDABLE, (cp,))]
    reads += [(holds.ACTIVE_PROMISES_OF, ([cp],)), (holds.OPEN_DISPUTES_OF, ([cp],))]
    if counterparty.segment_id is not None:  # read when the debtor has no policy of its own
        reads.append((_SEGMENT_POLICY, (counterparty.segment_id,)))
    return reads


def facts_for(counterparty: Counterparty, today: date, window_days: int = 60) -> LadderFacts:
    facts = LadderFacts()
    policy_id, facts.policy, facts.policy_why, facts.policy_description = policy_and_why(
        counterparty
    )
    reached = _PROGRESS(counterparty.pk)
    progress = reached[0] if reached else {"step": None, "policy": None}
    step_policy: int | None = progress["policy"] or policy_id
    if progress["step"] and step_policy is not None:
        step = next(iter(_STEP(step_policy, progress["step"])), None)
        # Named with when it fires ("Stop shipments · 10 days after the due date"), as the
        # policies page says it: the step's order (10, 20 … 70) told a collector nothing.
        facts.step = (
            f"{step.localized_name} · {when_text(step.trigger, step.days, step.event)}"
            if step
            else str(progress["step"])
        )
    since = timezone.now() - timedelta(days=window_days)
    promises = _PROMISES(counterparty.pk)
    for p in promises:
        facts.promises.append(
            {
                "due_on": p.promised_date,
                "amount": p.amount,
                "currency": p.currency,
                "who": p.promised_by,
                "status": PROMISE_STATUS.get(p.status) or p.get_status_display(),
                "css": STATUS_CSS.get(p.status, ""),
            }
        )
        if p.status == PromiseStatus.ACTIVE:
            until = p.promised_date + timedelta(days=p.grace_days)
            facts.paused_until = max(facts.paused_until or until, until)
        if p.status == PromiseStatus.BROKEN and (p.resolved_at or p.recorded_at) >= since:
            facts.broken_promises += 1
    # Grace and an active agreement pause the whole ladder (ladder.holds decides).
    whole = holds.counterparty_holds([counterparty.pk], today)
    pause = whole.get(counterparty.pk)
    if pause is not None and pause.reason == holds.GRACE and pause.until is not None:
        facts.paused_until = max(facts.paused_until or pause.until, pause.until)
    disputes = _DISPUTES(counterparty.pk)
    prefetch_related_objects(disputes, "documents")
    last_call = None
    if any(d.status != DisputeStatus.OPEN and d.resolved_at is not None for d in disputes):
        from dunwell.work.models import CallActivity

        last_call = (
            CallActivity.objects.filter(counterparty=counterparty).aggregate(at=Max("at")).get("at")
        )
    from dunwell.work.services import dispute_reason_label

    for d in disputes:
        # Settled or rejected since the last call (a rejected claim is closed as surely as a
        # settled one): the collector tells the decision before asking for a date (§1.7).
        news = (
            d.status != DisputeStatus.OPEN
            and d.resolved_at is not None
            and (last_call is None or d.resolved_at > last_call)
        )
        facts.disputes.append(
            {
                # what is disputed, in the words written down, and how it was settled: the
                # card shows the claims the customer raised and how they were resolved (§1.1)
                "documents": sorted(doc.number for doc in d.documents.all()),
                "description": d.description,
                "resolution": d.resolution,
                "resolved_by": d.resolved_by,
                "id": d.pk,
                "open": d.status == DisputeStatus.OPEN,
                "responsible_id": d.responsible_id,
                # the word the call form and the notices use
                "reason": dispute_reason_label(d.reason),
                "rejected": d.status == DisputeStatus.REJECTED,
                "since_last_call": news,
                "amount": d.amount,
                "currency": d.currency,
                "deadline": d.deadline,
                "assignee": d.responsible,
                "status": d.get_status_display(),
                "css": STATUS_CSS.get(d.status, ""),
                "resolved_at": d.resolved_at,
                "accepted": d.accepted_amount if d.status == DisputeStatus.RESOLVED else None,
                # the accepted part still held, awaiting the credit note (`holds`)
                "awaiting_credit": False,
            }
        )
        if d.status == DisputeStatus.OPEN:
            facts.disputed_documents.update(doc.pk for doc in d.documents.all())
        facts.resolved_dispute_since_last_call |= news
    if any(d["accepted"] for d in facts.disputes):  # rare: two reads only then
        waiting = holds.accepted_still_held([counterparty.pk])
        for entry in facts.disputes:
            entry["awaiting_credit"] = entry["id"] in waiting
    agreements = _AGREEMENTS(counterparty.pk)
    prefetch_related_objects(agreements, "instalments")
    for a in agreements:
        facts.agreements.append(
            {
                "id": a.pk,
                "signed_on": a.signed_on,
                "total": a.total,
                "currency": a.currency,
                "status": a.get_status_display(),
                "active": a.status == AgreementStatus.ACTIVE,
                # what the schedule still asks for: its instalments not yet paid
                "to_pay": sum(
                    (i.amount for i in a.instalments.all() if i.status != InstalmentStatus.PAID),
                    Decimal(0),
                ),
                "good_relations_until": a.good_relations_until,
                "instalments": [
                    {
                        "due_on": i.due_date,
                        "amount": i.amount,
                        "status": i.get_status_display(),
                        "css": STATUS_CSS.get(i.status, ""),
                    }
                    for i in a.instalments.all()
                ],
            }
        )
    open_tasks = Task.objects.filter(counterparty=counterparty, status__in=OPEN_STATUSES)
    facts.open_tasks = _OPEN_TASKS(counterparty.pk)
    holdable = [(r["id"], r["counterparty_id"]) for r in _HOLDABLE(counterparty.pk)]
    task_holds = holds.task_holds(open_tasks, today, whole, rows=holdable)
    facts.pause = pause
    if facts.pause is None and facts.paused_until is not None:
        facts.pause = holds.Hold(holds.PROMISE, facts.paused_until)
    if facts.pause is not None and facts.pause.until is not None:
        facts.paused_until = facts.pause.until
    from dunwell.work.task_queries import task_url

    facts.open_task_rows = [
        (t, task_holds.get(t.pk), task_url(t.pk, t.counterparty_id, t.action, t.is_open))
        for t in facts.open_tasks
    ]
    return facts


def _documents(counterparty: Counterparty, ids: Sequence[int]) -> list[Document]:
    return list(Document.objects.filter(counterparty=counterparty, pk__in=ids))


def record_promise(
    by: User,
    counterparty: Counterparty,
    on: date,
    amount: Decimal,
    currency: str | None,
    who: str,
    now: datetime | None = None,
) -> Promise:
    try:
        promise = ladder.record_promise(
            now=now,
            counterparty=counterparty,
            amount=amount,
            currency=currency,
            promised_date=on,
            user=by,
            promised_by=who,
            promised_by_contact=who,
        )
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc
    return promise


def dispute_route(counterparty: Counterparty, reason: str) -> User | None:
    """Who fixes the claim: goods and price go to the sales manager who sold them; missing
    documents and anything else to the collector's supervisor; failing both, the collector."""
    collector = counterparty.collector
    supervisor = collector.supervisor if collector else None
    if reason in ("quality", "quantity", "price") and counterparty.sales_manager is not None:
        return counterparty.sales_manager
    return supervisor or counterparty.sales_manager or collector


def may_hold_disputed(facts: LadderFacts) -> bool:
    """Whether a dispute holds part of the debtor's debt, by the disputes the card already
    read (every open one and every one accepted in part among them): one of them open or
    awaiting its credit note. False spares the pages the reads of laying disputes over the
    documents."""
    return any(d["open"] or d["awaiting_credit"] for d in facts.disputes)


def register_dispute(
    by: User,
    counterparty: Counterparty,
    reason: str,
    amount: Decimal | None,
    currency: str | None,
    document_ids: Sequence[int],
    note: str,
    channel: str = "",
) -> int:
    docs = _documents(counterparty, document_ids)
    try:
        currency = ladder.currency_of(counterparty, docs, currency)
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc
    # What can be disputed: what the chosen documents still owe, else all that is open in
    # that currency. No amount given: all of it; more than that is refused (a slip of a digit
    # held 100,000 RON out of escalation against a 789.15 RON invoice).
    owed = sum((d.open_amount for d in docs), Decimal("0")) if docs else Decimal("0")
    if not docs:
        owed = Document.objects.filter(
            counterparty=counterparty, currency=currency, open_amount__gt=0
        ).aggregate(s=Sum("open_amount"))["s"] or Decimal("0")
    if amount is None or amount <= 0:
        amount = owed
    elif amount > owed:
        from dunwell.money import Money
        from dunwell.money_l10n import money_text

        raise WorkError(
            (
                _(
                    "The disputed amount, %(amount)s, is more than the chosen documents "
                    "still owe: %(owed)s."
                )
                if docs
                else _(
                    "The disputed amount, %(amount)s, is more than the debtor owes in "
                    "%(currency)s: %(owed)s."
                )
            )
            % {
                "amount": money_text(Money(amount, currency)),
                "owed": money_text(Money(owed, currency)),
                "currency": currency,
            }
        )
    responsible = dispute_route(counterparty, reason)
    calendar = WorkCalendar(counterparty.company.calendar_country)
    deadline = calendar.add_working_days(timezone.localdate(), DISPUTE_DAYS)
    try:
        dispute = ladder.register_dispute(
            counterparty=counterparty,
            reason=reason,
            amount=amount,
            currency=currency,
            user=by,
            documents=docs,
            description=note,
            responsible=responsible,
            deadline=deadline,
            channel=channel,
        )
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc
    if responsible is not None and responsible.pk != by.pk:
        from django.urls import reverse

        from dunwell.money import Money
        from dunwell.work.models import Notification
        from dunwell.work.services import DISPUTE_REASONS, notify

        # What is disputed and how much, and the word the card uses: "Claim from X" read, in
        # Russian and Ukrainian, as the pretension letter ("Претензия") of the legal track.
        # The documents and the customer's words too: the settler starts from the notice,
        # without opening the card to learn what is disputed.
        parts: list[StrOrPromise] = [
            _("Dispute with %(debtor)s: %(reason)s, %(amount)s; settle it by %(deadline)s.")
        ]
        if docs:
            parts.append(_("Documents: %(documents)s."))
        if note.strip():
            parts.append(_("Note: %(note)s"))
        notify(
            responsible,
            Notification.Kind.DISPUTE,
            format_lazy(" ".join("{}" for _part in parts), *parts),
            counterparty,
            reverse("work:debtor", args=[counterparty.pk]),
            params={
                "debtor": counterparty.name,
                "reason": DISPUTE_REASONS.get(reason, reason),
                "amount": Money(amount, currency),
                "deadline": deadline,
                "documents": ", ".join(sorted(d.number for d in docs)),
                "note": note.strip(),
            },
        )
    return dispute.pk


def create_call_back_task(
    by: User | None,
    counterparty: Counterparty,
    at: datetime,
    title: str,
    assignee: User | None = None,
) -> int:
    try:
        task = ladder.create_manual_task(
            counterparty=counterparty,
            assignee=assignee or counterparty.collector or by,
            action=Action.CALL,
            due_at=at,
            title=title,
            user=by,
        )
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc
    return task.pk


def complete_task(by: User, counterparty: Counterparty, task_id: int, outcome: str) -> bool:
    """Close the debtor's task with a call's outcome; False when it was closed already."""
    from dunwell.work.models import outcome_result

    task = Task.objects.filter(pk=task_id, counterparty=counterparty).first()
    if task is None:
        raise WorkError(_("This task belongs to another debtor."))
    if not can_work_task(by, task):
        raise WorkError(_("Only the person the task is given to, or their manager, can do it."))
    if not task.is_open:
        return False  # done already (a double click): the outcome is still recorded
    try:
        ladder.complete_task(
            task, user=by, result=outcome_result(outcome), result_code=f"call.{outcome}"
        )
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc
    return True


def due_call_tasks(
    counterparty: Counterparty, task_id: int | None, by: User, before: datetime
) -> list[int]:
    """The debtor's other open call tasks due before `before` (the end of the caller's day),
    given to the same person as the task `task_id` (the caller's own when there is none)."""
    assignee_id = (
        Task.objects.filter(pk=task_id, counterparty=counterparty)
        .values_list("assignee_id", flat=True)
        .first()
        if task_id
        else None
    ) or by.pk
    return list(
        Task.objects.filter(
            counterparty=counterparty,
            assignee_id=assignee_id,
            action=Action.CALL,
            status=TaskStatus.OPEN,
            due_at__lt=before,
        )
        .exclude(pk=task_id or 0)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def promise_times(
    counterparty: Counterparty, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """(when promises were recorded, when promises were found broken) since `since`."""
    rows = Promise.objects.filter(counterparty=counterparty).filter(
        Q(recorded_at__gte=since) | Q(resolved_at__gte=since)
    )
    made = [p.recorded_at for p in rows if p.recorded_at >= since]
    broken = [p.resolved_at or p.recorded_at for p in rows if p.status == PromiseStatus.BROKEN]
    return made, broken


def broken_promise_makers(counterparty: Counterparty, since: datetime, until: datetime) -> set[str]:
    """Who made the promises found broken between `since` and `until`, as recorded (a name)."""
    rows = (
        Promise.objects.filter(counterparty=counterparty, status=PromiseStatus.BROKEN)
        .filter(
            Q(resolved_at__gte=since, resolved_at__lte=until)
            | Q(resolved_at__isnull=True, recorded_at__gte=since, recorded_at__lte=until)
        )
        .values_list("promised_by", "promised_by_contact")
    )
    return {name for pair in rows for name in pair if name}


def move_open_tasks(counterparty: Counterparty, old: User | None, new: User) -> int:
    """Open tasks of the previous collector follow the debtor to the new one. (The ladder has
    no reassignment service yet: a thin, set-based update.)"""
    qs = Task.objects.filter(counterparty=counterparty, status__in=OPEN_STATUSES)
    qs = qs.filter(assignee=old) if old is not None else qs.filter(assignee__isnull=True)
    return qs.update(assignee=new)


def task_events(user: User, start: datetime, end: datetime) -> list[Any]:
    tasks = Task.objects.filter(assignee=user, due_at__gte=start, due_at__lt=end).select_related(
        "counterparty", "step"
    )
    return [
        task_event(task)
        for task in tasks.exclude(status__in=["cancelled_paid", "rejected", "skipped"])
    ]


def task_event(task: Task) -> Any:
    """A task as the calendar shows it: in its time window, titled with its debtor."""
    from dunwell.work.calendar import CalendarEvent
    from dunwell.work.task_queries import task_url

    ends = task.window_end or task.due_at + timedelta(minutes=30)
    # A step's task names its debtor in its title, as a legal deadline's does; a call-back's
    # or a retry's (stored in English, read in the reader's language) does not.
    title = task.localized_title
    if task.counterparty.name not in title:
        title = f"{title} — {task.counterparty.name}"
    return CalendarEvent(
        uid=f"task-{task.pk}@dunwell",
        starts=task.window_start or task.due_at,
        ends=ends,
        title=title,
        url=task_url(task.pk, task.counterparty_id, task.action, task.is_open),
        kind="task",
        done=task.status == "done",
    )


def approvers_for(task: Task) -> list[User]:
    if not task.approval_role:
        return list(User.objects.filter(is_active=True, role=Role.ADMIN))
    return list(User.objects.filter(is_active=True, role=task.approval_role))


def create_agreement(
    by: User,
    counterparty: Counterparty,
    signed_on: date,
    instalments: Sequence[tuple[date, Decimal]],
    good_relations_until: date | None,
    notes: str,
    currency: str | None = None,
) -> int:
    try:
        agreement = ladder.create_agreement(
            counterparty=counterparty,
            currency=currency,
            signed_on=signed_on,
            instalments=instalments,
            user=by,
            good_relations_until=good_relations_until,
            notes=notes,
        )
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc
    return agreement.pk


@transaction.atomic
def resolve_dispute(
    by: User,
    counterparty: Counterparty,
    dispute_id: int,
    resolution: str,
    rejected: bool,
    accepted: Decimal | None = None,
) -> None:
    """Close a claim. The ladder's "dispute resolved" step then puts the call "ask for the
    payment date" into the collector's day at the next run. `accepted`: the part of a settled
    claim the company agreed to drop (a credit note will come), in the dispute's currency; it
    stays held out of escalation until the ledger credits it (`ladder.holds`), the rest
    returns to escalation."""
    dispute = Dispute.objects.filter(pk=dispute_id, counterparty=counterparty).first()
    if dispute is None:
        raise WorkError(_("This dispute belongs to another debtor."))
    if not can_resolve_dispute(by, dispute):
        raise WorkError(
            _("Only the person the dispute is routed to, or their manager, can resolve it.")
        )
    if not resolution.strip():
        raise WorkError(_("Write how the dispute was settled."))
    if accepted is not None and accepted > 0 and not rejected:
        if accepted > dispute.amount:
            from dunwell.money import Money
            from dunwell.money_l10n import money_text

            raise WorkError(
                _("The accepted amount, %(accepted)s, is more than the disputed %(amount)s.")
                % {
                    "accepted": money_text(Money(accepted, dispute.currency)),
                    "amount": money_text(Money(dispute.amount, dispute.currency)),
                }
            )
        # Set before the ladder closes it, so its re-check already holds the accepted part.
        Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPEN).update(
            accepted_amount=accepted,
            accepted_billed=holds.billed_now(
                counterparty.pk,
                dispute.currency,
                list(dispute.documents.values_list("pk", flat=True)),
            ),
        )
    try:
        ladder.resolve_dispute(dispute, user=by, resolution=resolution, rejected=rejected)
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc


@dataclass
class ScaleControl:
    """The card's form for management to set this debtor's own pressure scale (DESIGN §1.4);
    the segment itself comes from the accounting system."""

    form: DebtorScaleForm
    segment: str


def scale_control(user: User, counterparty: Counterparty) -> ScaleControl | None:
    """The form with the debtor's own scale chosen ("" when it follows its segment's), for a
    user who may set it (`can_set_debtor_scale`); None for anyone else."""
    if not can_set_debtor_scale(user):
        return None
    own = next(iter(_OWN_POLICY(counterparty.pk)), None)
    form = DebtorScaleForm(initial={"policy": str(own.policy_id) if own else ""})
    segment = counterparty.segment.localized_name if counterparty.segment_id else "—"
    return ScaleControl(form=form, segment=segment)
