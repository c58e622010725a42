"""`timestamptz` read by psycopg's C loader (dunwell/pgtypes.py) gives what Django's own loader
gives: the same instant, aware, in UTC; and Django keeps it for every cursor it opens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, models
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django.utils import timezone

from dunwell.ledger.models import TimelineEntry
from dunwell.pgtypes import TIMESTAMPTZ_OID, FastTzLoader

pytestmark = pytest.mark.django_db

# Text as PostgreSQL receives it: offsets east and west, fractions, the era's ends, DST days.
VALUES = [
    "2026-12-03 15:04:05.123456+00",
    "2026-03-29 01:30:00+02",
    "2026-10-25 03:59:59.999999+03",
    "1969-12-31 23:59:59.5-05:30",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2000-02-29 12:00:00+14",
    "1900-01-01 00:00:00+05:53:28",
]


class DjangosLoader(BaseTzLoader):
    """Django's own loader, as Django registers it for a connection in UTC."""

    timezone = UTC


@contextmanager
def _cursor_reading_with(loader: type | None) -> Iterator[Any]:
    """A cursor whose connection reads `timestamptz` with `loader` (None: as set), put back
    afterwards."""
    connection.ensure_connection()
    raw = connection.connection
    before = raw.adapters.get_loader(TIMESTAMPTZ_OID, 0)
    if loader is not None:
        raw.adapters.register_loader(TIMESTAMPTZ_OID, loader)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        raw.adapters.register_loader(TIMESTAMPTZ_OID, before)


def _read(loader: type | None) -> list[datetime]:
    """The VALUES read back through a cursor reading with `loader` (None: as set)."""
    with _cursor_reading_with(loader) as cursor:
        cursor.execute(
            "SELECT v::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY u(v, n) ORDER BY n",
            [VALUES],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders")
def test_each_connection_reads_timestamptz_with_the_fast_loader() -> None:
    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0) is FastTzLoader
    with connection.cursor() as cursor:
        # Django's create_cursor keeps the connection's loader when its time zone matches:
        # the cursor reads with it too (a mismatch would register Django's loader there).
        assert cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, 0) is FastTzLoader


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders")
def test_values_equal_djangos_loader() -> None:
    fast = _read(None)
    django = _read(DjangosLoader)
    assert fast == django
    assert [d.isoformat() for d in fast] == [d.isoformat() for d in django]
    assert all(d.tzinfo is UTC for d in fast)
    assert fast[0] == datetime(2026, 12, 3, 15, 4, 5, 123456, tzinfo=UTC)
    assert fast[1] == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert fast[3] == datetime(1970, 1, 1, 5, 29, 59, 500000, tzinfo=UTC)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders")
def test_infinity_is_refused_as_djangos_loader_refuses_it() -> None:
    errors = []
    for loader in (None, DjangosLoader):
        with _cursor_reading_with(loader) as cursor:
            cursor.execute("SELECT 'infinity'::timestamptz")
            with pytest.raises(Exception) as caught:
                cursor.fetchall()
            errors.append(type(caught.value))
    assert errors[0] is errors[1]


def test_model_datetimes_come_back_aware_and_equal(
    make_counterparty: Callable[..., models.Model],
) -> None:
    """Through the ORM, on either database: what is written is read back, aware in UTC."""
    moment = timezone.make_aware(datetime(2026, 12, 3, 10, 11, 12, 131415), UTC)
    entry = TimelineEntry.objects.create(
        counterparty=make_counterparty(), kind="note", summary="x", at=moment
    )
    read = TimelineEntry.objects.get(pk=entry.pk).at
    assert read == moment
    assert read.utcoffset().total_seconds() == 0
