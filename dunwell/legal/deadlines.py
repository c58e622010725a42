"""Put a legal case's deadlines into the lawyer's calendar as ladder tasks.

The ladder owns tasks; this module is the one place the legal app creates them. The response
deadline of a pretension is a "prepare court filing" task (unanswered by then, the lawsuit is
next); a hearing is a "meeting" task at the hearing's time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dunwell.ladder.models import Action
from dunwell.ladder.services import create_manual_task
from dunwell.legal.models import DeadlineKind

if TYPE_CHECKING:
    from dunwell.accounts.models import User
    from dunwell.legal.models import CaseDeadline, LegalCase

TASK_ACTIONS = {
    DeadlineKind.RESPONSE: Action.COURT_FILING,
    DeadlineKind.HEARING: Action.MEETING,
    DeadlineKind.OTHER: Action.LETTER,
}


def schedule_task(case: LegalCase, deadline: CaseDeadline, user: User | None) -> int:
    """Create the ladder task for `deadline` (assigned to the case's lawyer) and return its id."""
    task = create_manual_task(
        counterparty=case.counterparty,
        assignee=case.lawyer or user or case.counterparty.collector,
        action=TASK_ACTIONS[DeadlineKind(deadline.kind)],
        due_at=deadline.due_at,
        title=deadline.title[:255],
        user=user,
    )
    return int(task.pk)
