"""Reads for the task pages: which page a task opens, and what its page shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_skip_task, can_work_task, is_manager, visible_people
from dunwell.ladder.holds import Hold, PromiseCover, promise_covers, task_holds
from dunwell.ladder.models import Action, Promise, Task, TaskStatus
from dunwell.ladder.selectors import awaiting_approval, visible_tasks
from dunwell.ledger.models import Document
from dunwell.money import Amounts
from dunwell.money_l10n import money_text
from dunwell.work.models import CallActivity, Notification, TaskAttachment
from dunwell.work.selectors import with_amounts
from dunwell.work.services import WRITTEN_ACTIONS, notify_key, notify_recipients

LEGAL_ACTIONS = frozenset({Action.PRETENSION, Action.HAND_TO_LAWYER, Action.COURT_FILING})


def legal_case_url(task_id: int) -> str:
    """The legal case of a legal task (the legal app's `case_for_task`), or "" while that
    page does not exist."""
    try:
        return reverse("legal:case_for_task", args=[task_id])
    except NoReverseMatch:
        return ""


def kind_of(action: str) -> str:
    """Which page a task of this action is done on: call, written, stop, notify, legal or
    generic."""
    if action == Action.CALL:
        return "call"
    if action in WRITTEN_ACTIONS:
        return "written"
    if action == Action.STOP_SHIPMENTS:
        return "stop"
    if action == Action.NOTIFY_SUPERVISOR:
        return "notify"
    if action in LEGAL_ACTIONS:
        return "legal"
    return "generic"


def task_url(task_id: int, counterparty_id: int, action: str, is_open: bool) -> str:
    """The page a task opens from "My day", the calendar and the debtor card: an open call the
    call card, an open legal step its legal case; anything else, and every closed task (what
    was done, by whom and when), its own task page."""
    kind = kind_of(action)
    if kind == "call" and is_open:
        return reverse("work:call", args=[counterparty_id]) + f"?task={task_id}"
    if kind == "legal" and is_open:
        return legal_case_url(task_id) or reverse("work:task", args=[task_id])
    return reverse("work:task", args=[task_id])


def dispute_url(task: Task) -> str:
    """The card at the dispute a dispute's task is about (its settler's task, or the overdue
    escalation: keyed by the dispute, `ladder.nightly`), or "" for any other task."""
    from dunwell.ladder.nightly import dispute_key, settle_key

    if task.action != Action.REVIEW_DISPUTE:
        return ""
    for prefix in (settle_key(0)[:-1], dispute_key(0)[:-1]):
        number = task.key.removeprefix(prefix)
        if number != task.key and number.isdigit():
            return reverse("work:debtor", args=[task.counterparty_id]) + f"#dispute-{number}"
    return ""


@dataclass(frozen=True)
class ClosingCall:
    """The call that closed a call task, as its page tells it."""

    activity: CallActivity
    summary: str  # "Call: promise to pay 1 500,00 RON by 20.03.2026 (Ana Pop)", reader's words
    promise: Promise | None  # the promise it took, with its status now


@dataclass
class TaskPage:
    task: Task
    kind: str
    documents: list[Document]
    totals: list[tuple[str, Decimal]]  # (currency, open amount): never added across currencies
    hold: Hold | None
    can_work: bool
    can_skip: bool
    # The debtor's whole debt beside the task's own documents (a letter's page listed 175 433
    # of the 432 056 MDL overdue the card and My day showed, and did not say it was a part).
    debtor_overdue: Amounts | None = None
    debtor_open: Amounts | None = None
    recipients: list[User] = field(default_factory=list)
    notified: list[Notification] = field(default_factory=list)
    attachments: list[TaskAttachment] = field(default_factory=list)
    legal_url: str = ""
    promises: list[str] = field(default_factory=list)  # `promise_notes` of the task
    closed: str = ""  # a closed task: who closed it and when (`closed_text`)
    call: ClosingCall | None = None  # a closed call task: the call that closed it


def visible_task(user: User, task_id: int) -> Task:
    """The task if `user` sees its debtor, else 404 (never reveal that it exists)."""
    try:
        return (
            visible_tasks(user)
            .select_related(
                "counterparty__company",
                "counterparty__collector__supervisor",
                "counterparty__sales_manager",
                "assignee",
                "step",
                "done_by",
                "approver",
            )
            .get(pk=task_id)
        )
    except Task.DoesNotExist:
        raise Http404 from None


def task_page(user: User, task: Task, today: date) -> TaskPage:
    documents = list(task.documents.select_related("contract").order_by("due_date"))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for doc in documents:
        totals[doc.currency] += doc.open_amount
    kind = kind_of(task.action)
    debtor = with_amounts([task.counterparty], today)[0]
    page = TaskPage(
        task=task,
        kind=kind,
        documents=documents,
        totals=sorted(totals.items()),
        hold=task_holds(Task.objects.filter(pk=task.pk), today).get(task.pk)
        if task.is_open
        else None,
        debtor_overdue=debtor.overdue,  # type: ignore[attr-defined]
        debtor_open=debtor.total_due,  # type: ignore[attr-defined]
        can_work=task.is_open and can_work_task(user, task),
        can_skip=task.is_open and can_skip_task(user, task),
        attachments=list(TaskAttachment.objects.filter(task=task).select_related("uploaded_by")),
        legal_url=legal_case_url(task.pk) if kind == "legal" else "",
        promises=promise_notes(promise_covers(task.counterparty_id, today), task)
        if task.is_open
        else [],
    )
    if not task.is_open:
        page.closed = closed_text(task)
        if kind == "call":
            page.call = closing_call(task)
    if kind == "notify":
        page.recipients = notify_recipients(task.counterparty)
        page.notified = list(
            Notification.objects.filter(key=notify_key(task)).select_related("recipient")
        )
    return page


def closed_text(task: Task) -> str:
    """Who closed the task and when, in the reader's language: "Done by Ana Pop on 10.03.2026
    09:00." (the run closes a paid task by itself; a rejected step was closed by its approver)."""
    if task.status == TaskStatus.REJECTED:
        who, at = task.approver, task.decided_at
    else:
        who, at = task.done_by, task.done_at
    values = {
        "who": str(who) if who is not None else "—",
        "when": date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT") if at else "—",
    }
    if task.status == TaskStatus.DONE:
        if who is None:
            return gettext("Done on %(when)s.") % values
        return gettext("Done by %(who)s on %(when)s.") % values
    if task.status == TaskStatus.SKIPPED:
        if who is None:  # the nightly retry skips a missed call-back and makes a new one
            return gettext("Skipped on %(when)s.") % values
        return gettext("Skipped by %(who)s on %(when)s.") % values
    if task.status == TaskStatus.REJECTED:
        return gettext("Rejected by %(who)s on %(when)s.") % values
    if task.status == TaskStatus.CANCELLED_PAID:
        return gettext("Closed on %(when)s: its documents were paid.") % values
    return ""


def closing_call(task: Task) -> ClosingCall | None:
    """The call whose outcome closed `task`, with its words and the promise it took. A call
    keeps the task it closed (`closed_task`); one recorded before it did is the call its closer
    recorded on the debtor as the task was closed (the same transaction: within the minute)."""
    from dunwell.work.timeline_texts import call_summary

    calls = CallActivity.objects.filter(counterparty_id=task.counterparty_id).select_related(
        "contact"
    )
    activity = calls.filter(data__closed_task=task.pk).first()
    if activity is None and task.done_at is not None and task.done_by_id is not None:
        near = calls.filter(
            user_id=task.done_by_id,
            at__gte=task.done_at - timedelta(minutes=1),
            at__lte=task.done_at + timedelta(minutes=1),
        )
        # A call that closed another task closed this one only when it settled it too (the
        # debtor's other calls due that day, `settled_tasks`).
        done_at = task.done_at
        activity = min(
            (
                call
                for call in near
                if "closed_task" not in (call.data or {})
                or task.pk in (call.data or {}).get("settled_tasks", ())
            ),
            key=lambda call: abs(call.at - done_at),
            default=None,
        )
    if activity is None:
        return None
    promise_id = (activity.data or {}).get("promise")
    promise = Promise.objects.filter(pk=promise_id).first() if promise_id else None
    return ClosingCall(activity, call_summary(activity) or activity.get_outcome_display(), promise)


def on_hold(user: User, now: Any, person: User | None = None) -> list[tuple[Task, Hold, str]]:
    """The open tasks on hold today of the people `user` may see (their own; a supervisor's
    team's too; everyone's for those who see all), or of `person` among them, with their hold
    and the page they open."""
    from dunwell.ladder.models import OPEN_STATUSES

    today = timezone.localdate(now)
    people: QuerySet[User] = visible_people(user)
    if person is not None:
        people = people.filter(pk=person.pk)
    qs = Task.objects.filter(assignee__in=people.values("pk"), status__in=OPEN_STATUSES)
    holds = task_holds(qs, today)
    tasks = Task.objects.filter(pk__in=list(holds)).select_related("counterparty", "assignee")
    return [
        (t, holds[t.pk], task_url(t.pk, t.counterparty_id, t.action, t.is_open))
        for t in tasks.order_by("due_at", "pk")[:500]
    ]


def has_work_today(user: User, now: datetime) -> bool:
    """Whether `user` has an open task due by the end of their day (today's or overdue): what
    "My day" lists, holds aside. Decides where signing in lands (`dunwell.views.home`)."""
    from dunwell.ladder.models import OPEN_STATUSES

    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    if Task.objects.filter(assignee=user, status__in=OPEN_STATUSES, due_at__lt=end).exists():
        return True
    # A step waiting for this user's decision is their work too: a director with approvals
    # weeks past their day landed on the KPIs, and My day told them "Nothing left for today".
    return is_manager(user) and awaiting_approval(user).filter(due_at__lt=end).exists()


@dataclass(frozen=True)
class ApprovalsWaiting:
    """Steps waiting for a decision this user takes (the Approvals page), and how many of
    them are past their day."""

    count: int = 0
    late: int = 0


def approvals_waiting(user: User, now: datetime) -> ApprovalsWaiting:
    """What My day tells an approver beside their own tasks. Only supervisors, the director and
    administrators decide steps (`visibility.is_manager`); others are spared the query."""
    if not is_manager(user):
        return ApprovalsWaiting()
    got = (
        awaiting_approval(user)
        .order_by()
        .aggregate(count=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    )
    return ApprovalsWaiting(count=got["count"], late=got["late"])


# --- promises to pay, as the collector acting on the debtor reads them ----------------------


def promise_notes(covers: list[PromiseCover], task: Task | None) -> list[str]:
    """One line per promise: what, by when, how many of the debtor's overdue documents it
    covers and, for a ladder task that names documents, whether it is about the others."""
    notes = []
    for cover in covers:
        values: dict[str, Any] = {
            "amount": money_text(cover.amount),
            "date": date_format(cover.promised_date, "SHORT_DATE_FORMAT"),
            "covered": len(cover.covers & cover.overdue),
            "count": len(cover.overdue),
        }
        if not cover.overdue:
            notes.append(gettext("Promise: %(amount)s by %(date)s.") % values)
            continue
        named = task.document_ids if task is not None and task.step_id is not None else []
        wanted = [d for d in named or [] if d in cover.overdue or d in cover.covers]
        held = [d for d in wanted if d in cover.covers]
        n = values["count"]
        if not wanted:
            text = ngettext(
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue document.",
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "documents.",
                n,
            )
        elif not held:
            text = ngettext(
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "document; this task is about the others.",
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "documents; this task is about the others.",
                n,
            )
        elif len(held) == len(wanted):
            text = ngettext(
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "document; this task waits for it.",
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "documents; this task waits for it.",
                n,
            )
        else:
            text = ngettext(
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "document; this task also names documents it does not cover.",
                "Promise: %(amount)s by %(date)s covers %(covered)s of %(count)s overdue "
                "documents; this task also names documents it does not cover.",
                n,
            )
        notes.append(text % values)
    return notes
