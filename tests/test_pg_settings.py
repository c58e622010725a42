"""`dunwell.bulk.pg_settings`: PostgreSQL settings for a block of statements, back to what they
were afterwards, also inside an outer transaction (where a local setting would otherwise last
until that transaction ends)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dunwell.bulk import pg_settings

pytestmark = pytest.mark.django_db


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_settings_hold_inside_the_block_and_come_back_inside_an_outer_transaction() -> None:
    # The test itself runs in a transaction, as a run nested in a caller's would.
    assert connection.in_atomic_block
    with (
        connection.cursor() as cursor,
        pg_settings(cursor, enable_hashjoin="off", parallel_tuple_cost="0"),
    ):
        assert (setting("enable_hashjoin"), setting("parallel_tuple_cost")) == ("off", "0")
    assert (setting("enable_hashjoin"), setting("parallel_tuple_cost")) == ("on", "0.1")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_settings_come_back_after_an_error_inside_the_block() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_mergejoin = on")
    with (
        pytest.raises(DatabaseError),
        connection.cursor() as cursor,
        pg_settings(cursor, enable_mergejoin="off"),
    ):
        cursor.execute("SELECT 1 / 0")
    assert setting("enable_mergejoin") == "on"


def test_on_any_database_the_block_is_one_transaction() -> None:
    with connection.cursor() as cursor, pg_settings(cursor, enable_hashjoin="off"):
        assert transaction.get_connection().in_atomic_block
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
