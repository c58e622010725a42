"""Reports read from a replica when there is one (docs/scaling.md).

Set `DUNWELL_REPLICA_URL` to a PostgreSQL hot standby of the main database and the reports
(aging, the KPI dashboard, the cash forecast, and their exports) read from it; everything else,
and every write, stays on the primary. A report tolerates the replica's lag (seconds): it reads
the ledger as imported a moment ago. The pages a collector works on read their own writes, so
they never leave the primary.

The reports' code runs inside `reading_reports()`: their raw SQL takes `report_connection()`,
and the router sends their ORM reads (labels, users, companies) to the same database, so one
report reads one database. Without a replica both are the primary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

REPLICA = "replica"

_in_report: ContextVar[bool] = ContextVar("dunwell_in_report", default=False)


def has_replica() -> bool:
    return REPLICA in connections.settings


def report_alias() -> str:
    """The database a report reads: the replica inside `reading_reports()` when configured."""
    return REPLICA if _in_report.get() and has_replica() else DEFAULT_DB_ALIAS


def report_connection() -> BaseDatabaseWrapper:
    return connections[report_alias()]


@contextmanager
def reading_reports() -> Iterator[str]:
    """Run a report's reads on the replica (if any); yields the alias they use."""
    token = _in_report.set(True)
    try:
        yield report_alias()
    finally:
        _in_report.reset(token)


P = ParamSpec("P")
R = TypeVar("R")


def on_report_database(function: Callable[P, R]) -> Callable[P, R]:
    """Run a report's entry point inside `reading_reports()`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_reports():
            return function(*args, **kwargs)

    return wrapper


class ReportRouter:
    """ORM reads inside `reading_reports()` go to the replica; writes, migrations and every
    other read go to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if report_alias() == REPLICA else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
