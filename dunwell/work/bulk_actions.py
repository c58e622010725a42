"""Bulk actions (issue 16, item 3): reassign selected debtors, approve or reject selected steps,
complete or skip selected tasks.

Each item goes through the SAME service as the single action (work.services), so each debtor's
timeline gets the entry the single action writes. A batch is all or nothing: it is first
planned (every item checked with the single action's permission rule — one refusal refuses the
whole batch, naming the item), then run in one transaction; if a service refuses an item while
running (a task closed meanwhile), the transaction rolls back everything done so far and the
message names that item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_collect,
    can_decide_approval,
    can_reassign_debtors,
    can_skip_task,
    can_work_task,
    visible_counterparties,
)
from dunwell.ladder.models import OPEN_STATUSES, Task, TaskStatus
from dunwell.ladder.selectors import visible_tasks
from dunwell.ledger.models import Counterparty
from dunwell.work import services
from dunwell.work.errors import WorkError
from dunwell.work.task_queries import kind_of

# A batch is what a person selects on pages of 50-500 rows; more is refused, not truncated.
BULK_MAX = 500
TASK_ACTIONS = ("approve", "reject", "complete", "skip")


class BulkRefused(WorkError):
    """The whole batch is refused; `problems` names each item that cannot be done."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "")
        self.problems = problems


@dataclass
class PlanRow:
    counterparty: Counterparty
    text: str


@dataclass
class Plan:
    """What a batch will do, for the confirmation page: one sentence, a row per item, and the
    problems that refuse it (empty when it may run)."""

    summary: str
    rows: list[PlanRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _named(name: str, reason: Any) -> str:
    return _("%(item)s: %(reason)s") % {"item": name, "reason": reason}


def _check_size(ids: list[int]) -> list[str]:
    if not ids:
        return [_("Select at least one row.")]
    if len(ids) > BULK_MAX:
        return [_("Select at most %(max)d rows at a time.") % {"max": BULK_MAX}]
    return []


# --- reassign debtors ------------------------------------------------------------------------


def plan_reassign(by: User, ids: Iterable[int], to_user: User) -> Plan:
    """Reassigning the selected debtors to `to_user`: the rules of `reassign_counterparty`,
    checked for every debtor before anything changes."""
    wanted = list(dict.fromkeys(ids))
    problems = _check_size(wanted)
    if not can_reassign_debtors(by):
        problems.append(_("Only a supervisor or the director reassigns debtors."))
    if not can_collect(to_user):
        problems.append(_("Only a collector or the director can be made responsible."))
    elif not by.sees_all and to_user.supervisor_id != by.pk and to_user.pk != by.pk:
        problems.append(_("You can reassign only to members of your team."))
    found = {
        cp.pk: cp
        for cp in visible_counterparties(by)
        .filter(pk__in=wanted[: BULK_MAX + 1])
        .select_related("collector")
    }
    rows: list[PlanRow] = []
    for pk in wanted[: BULK_MAX + 1]:
        cp = found.get(pk)
        if cp is None:
            # Never name a debtor the user may not see: only the number they sent.
            problems.append(_("Debtor no. %(id)d is not one you may see.") % {"id": pk})
            continue
        if cp.collector_id == to_user.pk:
            problems.append(
                _named(cp.name, _("This person is already responsible for the debtor."))
            )
        # A debtor nobody collects says so: "from —" read as a name left out.
        if cp.collector is None:
            rows.append(PlanRow(cp, _("assigned to nobody until now")))
        else:
            rows.append(PlanRow(cp, _("from %(old)s") % {"old": cp.collector}))
    olds = {row.counterparty.collector_id for row in rows}
    count = len(rows)
    if len(olds) == 1 and rows and None not in olds:
        summary = ngettext(
            "Reassign %(count)d debtor from %(old)s to %(new)s.",
            "Reassign %(count)d debtors from %(old)s to %(new)s.",
            count,
        ) % {"count": count, "old": rows[0].counterparty.collector, "new": to_user}
    else:
        summary = ngettext(
            "Reassign %(count)d debtor to %(new)s.",
            "Reassign %(count)d debtors to %(new)s.",
            count,
        ) % {"count": count, "new": to_user}
    return Plan(summary, rows, problems)


def reassign_debtors(by: User, ids: Iterable[int], to_user: User, reason: str = "") -> int:
    """Reassign every selected debtor to `to_user`, or none of them."""
    plan = plan_reassign(by, ids, to_user)
    if not plan.ok:
        raise BulkRefused(plan.problems or [_("Select at least one row.")])
    with transaction.atomic():
        for row in plan.rows:
            try:
                services.reassign_counterparty(by, row.counterparty, to_user, reason)
            except WorkError as exc:
                raise BulkRefused([_named(row.counterparty.name, exc.message)]) from exc
    return len(plan.rows)


# --- approve, reject, complete, skip tasks ---------------------------------------------------


def _task_problem(by: User, task: Task, action: str) -> str:
    """Why `by` may not do `action` on `task` (the single action's rule), or ""."""
    if task.status not in OPEN_STATUSES:
        return _("This task is already closed.")
    if action in ("approve", "reject"):
        if task.status != TaskStatus.AWAITING_APPROVAL:
            return _("This task does not need approval.")
        if not can_decide_approval(by, task):
            return _("You cannot decide on this task.")
        return ""
    if task.status == TaskStatus.AWAITING_APPROVAL:
        return _("This task is waiting for approval.")
    if action == "skip":
        if not can_skip_task(by, task):
            return _("Only a supervisor or the director can skip a task.")
        return ""
    if not can_work_task(by, task):
        return _("Only the person the task is given to, or their manager, can do it.")
    if task.action in services.WRITTEN_ACTIONS:
        return _("A letter is done on its own page, with the file that was sent.")
    return ""


def _task_summary(action: str, count: int) -> str:
    if action == "approve":
        text = ngettext("Approve %(count)d step.", "Approve %(count)d steps.", count)
    elif action == "reject":
        text = ngettext("Reject %(count)d step.", "Reject %(count)d steps.", count)
    elif action == "complete":
        text = ngettext(
            "Mark %(count)d task done with the note below.",
            "Mark %(count)d tasks done with the note below.",
            count,
        )
    else:
        text = ngettext(
            "Skip %(count)d task with the reason below.",
            "Skip %(count)d tasks with the reason below.",
            count,
        )
    return text % {"count": count}


def plan_tasks(by: User, ids: Iterable[int], action: str) -> tuple[Plan, list[Task]]:
    """Doing `action` on the selected tasks: every task checked with the single action's
    rule before anything changes."""
    if action not in TASK_ACTIONS:
        raise ValueError(action)
    wanted = list(dict.fromkeys(ids))
    problems = _check_size(wanted)
    found = {
        t.pk: t
        for t in visible_tasks(by)
        .filter(pk__in=wanted[: BULK_MAX + 1])
        .select_related("counterparty__collector", "assignee", "step")
    }
    rows: list[PlanRow] = []
    tasks: list[Task] = []
    for pk in wanted[: BULK_MAX + 1]:
        task = found.get(pk)
        if task is None:
            problems.append(_("Task no. %(id)d is not one you may see.") % {"id": pk})
            continue
        problem = _task_problem(by, task, action)
        if problem:
            problems.append(_named(task.localized_title, problem))
        rows.append(PlanRow(task.counterparty, task.localized_title))
        tasks.append(task)
    return Plan(_task_summary(action, len(rows)), rows, problems), tasks


def _do_task(by: User, task: Task, action: str, note: str, ask_again_on: date | None) -> None:
    """The single action's service for `task` (the same call the task and approval pages
    make)."""
    if action == "approve":
        services.approve(by, task, note)
    elif action == "reject":
        services.reject(by, task, note, ask_again_on)
    elif action == "skip":
        services.skip_task(by, task, note)
    else:
        kind = kind_of(task.action)
        if kind == "stop":
            services.confirm_shipments_stopped(by, task, note)
        elif kind == "notify":
            services.complete_notify_task(by, task, note)
        else:
            services.complete_task_with_note(by, task, note)


def note_problem(action: str, note: str) -> str:
    """The note each action needs (the single actions ask the same), or ""."""
    if action == "approve" or note.strip():
        return ""
    if action == "reject":
        return _("Comment: say why the steps are rejected.")
    if action == "skip":
        return _("Reason: say why the tasks are skipped.")
    return _("Note: write what was done.")


def run_tasks(
    by: User, ids: Iterable[int], action: str, note: str, ask_again_on: date | None = None
) -> int:
    """Do `action` on every selected task, or on none of them; a rejection with `ask_again_on`
    refuses every step until that day (the morning run asks again then)."""
    plan, tasks = plan_tasks(by, ids, action)
    problems = list(plan.problems)
    if note_problem(action, note):
        problems.append(note_problem(action, note))
    if problems or not tasks:
        raise BulkRefused(problems or [_("Select at least one row.")])
    with transaction.atomic():
        for task in tasks:
            try:
                _do_task(by, task, action, note, ask_again_on)
            except WorkError as exc:
                raise BulkRefused([_named(task.localized_title, exc.message)]) from exc
    return len(tasks)


def open_tasks_for_bulk(
    by: User,
    now: datetime,
    *,
    assignee: User | None = None,
    due: str = "",
    status: str = TaskStatus.OPEN,
) -> QuerySet[Task]:
    """The open tasks a user can act on in bulk: their own, and for a manager those of the
    debtors they see (their team's), by due time; of one `assignee` if given; `due` "today"
    keeps those due by the end of today, "past" those past their time (as the team page
    counts them). Steps waiting for approval (`status`) are decided on the approvals page, not
    done here: the page only counts them, as the team page's figures include them."""
    qs = visible_tasks(by).filter(status=status)
    if not services.is_manager(by):
        qs = qs.filter(Q(assignee=by))
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if due == "past":
        qs = qs.filter(due_at__lt=now)
    elif due == "today":
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        qs = qs.filter(due_at__lt=start + timedelta(days=1))
    return qs.select_related("counterparty", "assignee", "step").order_by("due_at", "pk")
