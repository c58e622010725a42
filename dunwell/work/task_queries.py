"""Reads for the task pages: which page a task opens, and what its page shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_skip_task, can_work_task
from dunwell.ladder.holds import Hold, task_holds
from dunwell.ladder.models import Action, Task
from dunwell.ladder.selectors import visible_tasks
from dunwell.ledger.models import Document
from dunwell.work.models import Notification, TaskAttachment
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


def task_url(task_id: int, counterparty_id: int, action: str) -> str:
    """The page a task opens from "My day", the calendar and the debtor card."""
    kind = kind_of(action)
    if kind == "call":
        return reverse("work:call", args=[counterparty_id]) + f"?task={task_id}"
    if kind == "legal":
        return legal_case_url(task_id) or reverse("work:task", args=[task_id])
    return reverse("work:task", args=[task_id])


@dataclass
class TaskPage:
    task: Task
    kind: str
    documents: list[Document]
    totals: list[tuple[str, Decimal]]  # (currency, open amount): never added across currencies
    hold: Hold | None
    can_work: bool
    can_skip: bool
    recipients: list[User] = field(default_factory=list)
    notified: list[Notification] = field(default_factory=list)
    attachments: list[TaskAttachment] = field(default_factory=list)
    legal_url: str = ""


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
    page = TaskPage(
        task=task,
        kind=kind,
        documents=documents,
        totals=sorted(totals.items()),
        hold=task_holds(Task.objects.filter(pk=task.pk), today).get(task.pk)
        if task.is_open
        else None,
        can_work=task.is_open and can_work_task(user, task),
        can_skip=task.is_open and can_skip_task(user, task),
        attachments=list(TaskAttachment.objects.filter(task=task).select_related("uploaded_by")),
        legal_url=legal_case_url(task.pk) if kind == "legal" else "",
    )
    if kind == "notify":
        page.recipients = notify_recipients(task.counterparty)
        page.notified = list(
            Notification.objects.filter(key=notify_key(task)).select_related("recipient")
        )
    return page


def on_hold(user: User, now: Any) -> list[tuple[Task, Hold, str]]:
    """My open tasks that are on hold today, with their hold and the page they open."""
    from django.utils import timezone

    from dunwell.ladder.models import OPEN_STATUSES

    today = timezone.localdate(now)
    qs = Task.objects.filter(assignee=user, status__in=OPEN_STATUSES)
    holds = task_holds(qs, today)
    tasks = Task.objects.filter(pk__in=list(holds)).select_related("counterparty")
    return [
        (t, holds[t.pk], task_url(t.pk, t.counterparty_id, t.action))
        for t in tasks.order_by("due_at")[:500]
    ]


def has_work_today(user: User, now: datetime) -> bool:
    """Whether `user` has an open task due by the end of their day (today's or overdue): what
    "My day" lists, holds aside. Decides where signing in lands (`dunwell.views.home`)."""
    from dunwell.ladder.models import OPEN_STATUSES

    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    return Task.objects.filter(assignee=user, status__in=OPEN_STATUSES, due_at__lt=end).exists()
