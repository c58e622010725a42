"""The ladder's business events for integrations (dunwell.outbox): what a webhook receiver gets
in `data`. Called inside the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dunwell.ladder.models import Dispute, Promise, PromiseStatus, Task
from dunwell.money import quantize
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit_many

TASK_FIELDS = (
    "id",
    "counterparty_id",
    "counterparty__company_id",
    "action",
    "title",
    "status",
    "assignee__username",
    "due_at",
    "amounts",
    "result",
    "done_at",
    "done_by__username",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _task_event(row: Any) -> dict[str, Any]:
    return {
        "counterparty_id": row["counterparty_id"],
        "company_id": row["counterparty__company_id"],
        "data": {
            "task": row["id"],
            "action": row["action"],
            "title": row["title"],
            "status": row["status"],
            "assignee": row["assignee__username"],
            "due_at": _iso(row["due_at"]),
            # Per currency, as the task holds them: {"RON": "1200.00", ...}.
            "amounts": row["amounts"] or {},
            "result": row["result"],
            "done_at": _iso(row["done_at"]),
            "done_by": row["done_by__username"],
        },
    }


def tasks_created(task_ids: Iterable[int]) -> None:
    ids = sorted(task_ids)
    for start in range(0, len(ids), 5000):
        rows = Task.objects.filter(pk__in=ids[start : start + 5000]).order_by("id")
        emit_many(EventKind.TASK_CREATED, [_task_event(r) for r in rows.values(*TASK_FIELDS)])


def task_completed(task: Task) -> None:
    rows = Task.objects.filter(pk=task.pk).values(*TASK_FIELDS)
    emit_many(EventKind.TASK_COMPLETED, [_task_event(r) for r in rows])


def _promise_event(row: Any) -> dict[str, Any]:
    return {
        "counterparty_id": row["counterparty_id"],
        "company_id": row["counterparty__company_id"],
        "data": {
            "promise": row["id"],
            "amount": str(quantize(row["amount"])),
            "currency": row["currency"],
            "promised_date": row["promised_date"].isoformat(),
            "status": row["status"],
        },
    }


PROMISE_STATUS = {
    EventKind.PROMISE_MADE: PromiseStatus.ACTIVE,
    EventKind.PROMISE_KEPT: PromiseStatus.KEPT,
    EventKind.PROMISE_BROKEN: PromiseStatus.BROKEN,
}


def promises(kind: EventKind, promise_ids: Iterable[int]) -> None:
    """One event per promise now in the status the event names."""
    ids = list(promise_ids)
    if not ids:
        return
    rows = Promise.objects.filter(pk__in=ids, status=PROMISE_STATUS[kind]).order_by("id")
    emit_many(
        kind,
        [
            _promise_event(r)
            for r in rows.values(
                "id",
                "counterparty_id",
                "counterparty__company_id",
                "amount",
                "currency",
                "promised_date",
                "status",
            )
        ],
    )


def dispute(kind: EventKind, dispute: Dispute) -> None:
    emit_many(
        kind,
        [
            {
                "counterparty_id": dispute.counterparty_id,
                "company_id": dispute.counterparty.company_id,
                "data": {
                    "dispute": dispute.pk,
                    "reason": dispute.reason,
                    "amount": str(quantize(dispute.amount)),
                    "currency": dispute.currency,
                    "status": dispute.status,
                    "resolution": dispute.resolution,
                },
            }
        ],
    )
