"""The ladder's business events for integrations (dunwell.outbox): what a webhook receiver gets
in `data`. Called inside the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dunwell.bulk import is_postgres
from dunwell.ladder.models import Dispute, Promise, PromiseStatus, Task
from dunwell.lookups import int_array
from dunwell.money import quantize
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit_many, emit_select

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


def _iso_sql(column: str) -> str:
    """`column` (a timestamptz) as `_iso` writes it: UTC, microseconds only when not zero."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"""to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') """
        f"|| CASE WHEN date_part('microseconds', {utc})::bigint %% 1000000 <> 0 "
        f"THEN to_char({utc}, '.US') ELSE '' END || '+00:00' END"
    )


# The same event as `_task_event`, built by the database from the task rows.
TASK_EVENT_SQL = f"""
SELECT c.company_id, t.counterparty_id, jsonb_build_object(
  'task', t.id, 'action', t.action, 'title', t.title, 'status', t.status,
  'assignee', u.username, 'due_at', {_iso_sql("t.due_at")},
  'amounts', COALESCE(t.amounts, '{{}}'::jsonb), 'result', t.result,
  'done_at', {_iso_sql("t.done_at")}, 'done_by', d.username)
FROM ladder_task t
JOIN ledger_counterparty c ON c.id = t.counterparty_id
LEFT JOIN accounts_user u ON u.id = t.assignee_id
LEFT JOIN accounts_user d ON d.id = t.done_by_id
WHERE t.id = ANY(%s::bigint[])
ORDER BY t.id
"""  # noqa: S608 - fixed text


def tasks_created(task_ids: Iterable[int]) -> None:
    ids = sorted(task_ids)
    if ids and is_postgres():
        # The daily run creates 140,000 tasks at 1M documents: their events are made by the
        # database from the rows just written (ladder/tests/test_events.py: the same events).
        emit_select(EventKind.TASK_CREATED, TASK_EVENT_SQL, [int_array(ids)])
        return
    for start in range(0, len(ids), 5000):
        rows = Task.objects.filter(pk__any=ids[start : start + 5000]).order_by("id")
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
