"""Where higher apps hook into the pressure scale.

The ladder sits below the legal app and must not import it, yet its legal steps (pretension,
hand to the lawyer, court filing) open and advance the debtor's legal case. The legal app
appends its handlers here in `LegalConfig.ready()`; the ladder calls `legal_task_created` /
`legal_task_done` explicitly where those things happen, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dunwell.accounts.models import User
    from dunwell.ladder.models import Task

# Called with the ids of live (not awaiting approval) tasks with a legal action just created
# or approved, the user who did it (None for the daily run), and `written_now`: the tasks were
# written in this transaction from documents it read, so each document they name exists.
on_legal_task_created: list[Callable[..., object]] = []
# Called with a legal task completed from the ladder (the calendar, "My day").
on_legal_task_done: list[Callable[[Task, User | None], object]] = []
# Called with the key of the notices that asked for something now done (a grace request the
# director decided): the workspace marks them read for every recipient, so they stop waiting
# among the unread ones.
on_notices_settled: list[Callable[[str], object]] = []


def legal_task_created(
    task_ids: Sequence[int], user: User | None = None, *, written_now: bool = False
) -> None:
    if not task_ids:
        return
    for handler in on_legal_task_created:
        handler(task_ids, user, written_now=written_now)


def legal_task_done(task: Task, user: User | None) -> None:
    for handler in on_legal_task_done:
        handler(task, user)


def notices_settled(key: str) -> None:
    for handler in on_notices_settled:
        handler(key)
