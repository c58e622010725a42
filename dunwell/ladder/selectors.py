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


def punctuality(user: User, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per assignee: ladder tasks due in the period, how many were done, and how many inside
    their window (DESIGN §1.2: the ladder is applied punctually)."""
    in_window = Q(
        status=TaskStatus.DONE, done_at__gte=F("window_start"), done_at__lte=F("window_end")
    )
    rows = (
        visible_tasks(user)
        .filter(step__isnull=False, due_at__gte=since, due_at__lt=until, assignee__isnull=False)
        .exclude(status__in=[TaskStatus.CANCELLED_PAID, TaskStatus.REJECTED])
        .values("assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            on_time=Count("id", filter=in_window),
        )
        .order_by("assignee__username")
    )
    result = []
    for row in rows:
        name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
        result.append(
            {
                "assignee": name or row["assignee__username"],
                "total": row["total"],
                "done": row["done"],
                "on_time": row["on_time"],
                "share": round(100 * row["on_time"] / row["total"]) if row["total"] else 0,
            }
        )
    return result
