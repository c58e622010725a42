"""What the workspace reads from the pressure scale (the ladder app): promises, disputes,
agreements, the current step and open tasks of one counterparty."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dunwell.ledger.models import Counterparty


@dataclass
class LadderFacts:
    policy: str = ""
    step: str = ""
    paused_until: date | None = None
    promises: list[Any] = field(default_factory=list)
    disputes: list[Any] = field(default_factory=list)
    agreements: list[Any] = field(default_factory=list)
    open_tasks: list[Any] = field(default_factory=list)
    disputed_documents: set[int] = field(default_factory=set)
    broken_promises: int = 0
    resolved_dispute_since_last_call: bool = False


def facts_for(counterparty: Counterparty, today: date) -> LadderFacts:
    return LadderFacts()


def record_promise(
    by: Any, counterparty: Counterparty, on: date, amount: Any, who: str, task_id: int | None
) -> int | None:
    return None


def register_dispute(
    by: Any, counterparty: Counterparty, reason: str, amount: Any, documents: Any, note: str
) -> int | None:
    return None


def create_call_back_task(
    by: Any, counterparty: Counterparty, at: Any, title: str, assignee: Any = None
) -> int | None:
    return None


def complete_task(by: Any, counterparty: Counterparty, task_id: int, outcome: str) -> None:
    return None


def promise_times(counterparty: Counterparty, since: Any) -> tuple[list[Any], list[Any]]:
    return [], []


def move_open_tasks(counterparty: Counterparty, old: Any, new: Any) -> int:
    return 0


def agreement_form(request: Any, counterparty: Counterparty) -> Any:
    return None


def task_events(user: Any, start: Any, end: Any) -> list[Any]:
    return []
