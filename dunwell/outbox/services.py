"""Emitting events: call `emit` (one) or `emit_many` (a batch job's many) inside the
transaction that makes the change. Listeners (the webhooks app) hear about them after commit.

An event is written only when some consumer wants its kind (`add_demand`; the webhooks app
answers whether a subscription lists it). The webhooks deliver an event only to subscriptions
that existed when it occurred, so an event nobody lists would only be marked dispatched and
deleted later: the daily run wrote 140,000 `task.created` rows at 1M documents for nobody
(1.4 s of its statements, bench/RESULTS.md, thirty-seventh part)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dunwell import bulk
from dunwell.outbox.models import Event, EventKind

# Called once after the commit of a transaction that emitted events (e.g. to wake the sender).
Listener = Callable[[], object]
LISTENERS: list[Listener] = []


def add_listener(listener: Listener) -> None:
    if listener not in LISTENERS:
        LISTENERS.append(listener)


# Asked before writing events of a kind: does a consumer want them? With none registered
# (the webhooks app not installed), every event is written.
Demand = Callable[[str], bool]
DEMANDS: list[Demand] = []


def add_demand(demand: Demand) -> None:
    if demand not in DEMANDS:
        DEMANDS.append(demand)


def wanted(kind: EventKind | str) -> bool:
    return not DEMANDS or any(demand(str(kind)) for demand in DEMANDS)


def _notify() -> None:
    for listener in LISTENERS:
        listener()


def emit(
    kind: EventKind | str,
    /,
    *,
    counterparty_id: int | None = None,
    company_id: int | None = None,
    at: datetime | None = None,
    **data: Any,
) -> None:
    emit_many(
        kind,
        [{"counterparty_id": counterparty_id, "company_id": company_id, "data": data}],
        at=at,
    )


def emit_many(
    kind: EventKind | str, events: Iterable[Mapping[str, Any]], *, at: datetime | None = None
) -> None:
    """Events of one kind, each {"counterparty_id", "company_id", "data"} (ids may be None)."""
    if not wanted(kind):
        return
    when = at or timezone.now()
    rows = [
        {
            "kind": str(kind),
            "occurred_at": when,
            "counterparty_id": e.get("counterparty_id"),
            "company_id": e.get("company_id"),
            "data": dict(e.get("data") or {}),
        }
        for e in events
    ]
    if not rows:
        return
    if len(rows) == 1:
        Event.objects.create(**rows[0])
    else:
        bulk.insert_objects(Event, rows)
    if LISTENERS:
        _notify_after_commit()


def emit_select(
    kind: EventKind | str, select: str, params: list[Any], *, at: datetime | None = None
) -> int:
    """Events of one kind made by the database (PostgreSQL): `select` yields rows of
    (company_id, counterparty_id, data as jsonb), in the order the events take their ids.
    For a batch job's many events, whose data is already in its tables: no row goes through
    Python. Returns how many were emitted."""
    if not wanted(kind):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} "  # noqa: S608 - our names; `select` is ours
            "(kind, occurred_at, company_id, counterparty_id, data, dispatched) "
            f"SELECT %s, %s, e.* , false FROM ({select}) e",
            [str(kind), at or timezone.now(), *params],
        )
        count = cursor.rowcount
    if count and LISTENERS:
        _notify_after_commit()
    return count


def _notify_after_commit() -> None:
    """Once per transaction, however many events it emits."""
    connection = transaction.get_connection()
    if any(entry[1] is _notify for entry in connection.run_on_commit):
        return
    transaction.on_commit(_notify)
