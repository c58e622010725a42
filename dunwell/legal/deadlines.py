"""Put a legal case's deadlines into the lawyer's calendar as ladder tasks.

The ladder owns tasks; this module is the one place the legal app calls it, so the legal
records work (and are tested) on their own and the tasks appear once the ladder is installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dunwell.accounts.models import User
    from dunwell.legal.models import CaseDeadline, LegalCase

TASK_ACTION = "legal_deadline"


def schedule_task(case: LegalCase, deadline: CaseDeadline, user: User | None) -> int | None:
    """Create the ladder task for `deadline`; its id, or None when the ladder is absent."""
    try:
        from dunwell.ladder.services import create_manual_task  # type: ignore[attr-defined]
    except ImportError:
        return None
    assignee = case.lawyer or user or case.counterparty.collector
    task = create_manual_task(
        case.counterparty, assignee, TASK_ACTION, deadline.due_at, deadline.title, user
    )
    return int(task.pk)
