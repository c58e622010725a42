"""Reads for the pressure-scale pages: few queries, plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import counterparty_filter
from dunwell.ladder.models import OPEN_STATUSES, Task, TaskStatus


def visible_tasks(user: User) -> QuerySet[Task]:
    return Task.objects.filter(counterparty_filter(user, "counterparty__"))


def awaiting_approval(user: User) -> QuerySet[Task]:
    """Tasks waiting for a decision this user's role can take, on the debtors the user sees
    (a supervisor: their team's; the director and finance: all) — the set form of
    `visibility.can_decide_approval`."""
    qs = visible_tasks(user).filter(status=TaskStatus.AWAITING_APPROVAL)
    if not (user.is_superuser or user.role == Role.ADMIN):
        qs = qs.filter(approval_role=user.role)
    # pk breaks ties: a page boundary between steps due at the same minute is stable
    return qs.select_related("counterparty", "assignee", "step").order_by("due_at", "pk")


def overdue_tasks(user: User, now: datetime) -> QuerySet[Task]:
    """Open tasks whose time has passed, for the supervisor's eye."""
    return (
        visible_tasks(user)
        .filter(status__in=OPEN_STATUSES, due_at__lt=now)
        .select_related("counterparty", "assignee", "step")
        .order_by("due_at")
    )


def _punctuality_counts(
    tasks: QuerySet[Task], since: datetime, until: datetime, *per: str
) -> QuerySet[Task, dict[str, Any]]:
    """The punctuality rule, one home for the punctuality page and the team page: of the ladder
    tasks due in [since, until) (those cancelled because the debt was paid, and rejected ones,
    asked nothing of anyone), how many were done, and how many inside their window (DESIGN
    §1.2: the ladder is applied punctually). A task left undone counts as not on time. One
    row per assignee, with the fields `per` names (the assignee's id at least)."""
    in_window = Q(
        status=TaskStatus.DONE, done_at__gte=F("window_start"), done_at__lte=F("window_end")
    )
    due = Q(step__isnull=False, due_at__gte=since, due_at__lt=until, assignee__isnull=False)
    return (
        tasks.filter(due)
        .exclude(status__in=[TaskStatus.CANCELLED_PAID, TaskStatus.REJECTED])
        .values("assignee_id", *per)
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            on_time=Count("id", filter=in_window),
        )
    )


def punctuality_counts(
    tasks: QuerySet[Task], since: datetime, until: datetime, known_by: datetime
) -> dict[int, tuple[int, int, int]]:
    """Per assignee id, (tasks due, done inside their window, done after it by `known_by`),
    by `_punctuality_counts`' rule over `tasks`: the KPI page's collector results read it, so
    its punctuality is the punctuality page's and the team page's."""
    late = Q(status=TaskStatus.DONE, done_at__gt=F("window_end"), done_at__lt=known_by)
    rows = (
        _punctuality_counts(tasks, since, until).annotate(late=Count("id", filter=late)).order_by()
    )
    return {row["assignee_id"]: (row["total"], row["on_time"], row["late"]) for row in rows}


def punctuality_share(on_time: int, total: int) -> int | None:
    """On time as a whole percentage of the tasks due; None when none was due."""
    return round(100 * on_time / total) if total else None


def punctuality_by_assignee(
    user: User, assignee_ids: list[int], since: datetime, until: datetime
) -> dict[int, tuple[int, int]]:
    """Per assignee id, (tasks due, done inside their window), as the punctuality page counts
    them for `user`: the team page reads its column from here."""
    rows = _punctuality_counts(
        visible_tasks(user).filter(assignee_id__in=assignee_ids), since, until
    ).order_by()
    return {row["assignee_id"]: (row["total"], row["on_time"]) for row in rows}


def punctuality(user: User, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per assignee: ladder tasks due in the period, how many were done, and how many inside
    their window (`_punctuality_counts`)."""
    rows = _punctuality_counts(
        visible_tasks(user),
        since,
        until,
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    ).order_by("assignee__username")
    result = []
    for row in rows:
        name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
        result.append(
            {
                "assignee": name or row["assignee__username"],
                "total": row["total"],
                "done": row["done"],
                "on_time": row["on_time"],
                "share": punctuality_share(row["on_time"], row["total"]) or 0,
            }
        )
    return result
