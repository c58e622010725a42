"""Reports read from the replica when one is configured (dunwell/dbrouting.py, docs/scaling.md).

The `replica` alias is added for the test only. By default it is a second connection to the
test database (what Django's TEST MIRROR gives a replica in tests). With
DUNWELL_TEST_REPLICA_URL (CI: a PostgreSQL hot standby streaming from the test server, made by
.ci/run) it is the real standby, and the test first waits until the standby has replayed the
rows the test wrote on the primary.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

import dj_database_url
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.test.utils import CaptureQueriesContext

from dunwell.dbrouting import REPLICA, reading_reports, report_alias, report_connection
from dunwell.insight.metrics import collector_results, metrics
from dunwell.insight.selectors import aging
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

AS_OF = date(2026, 3, 31)
STANDBY_URL = os.environ.get("DUNWELL_TEST_REPLICA_URL", "")


def _wait_for_standby() -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the standby did not replay up to {target} in 30 s")
            time.sleep(0.05)


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The `replica` alias for this module's tests, added before their database access is
    set up so that they may use it (`databases="__all__"`). A mirror in Django's sense: the
    test teardown does not flush it (a hot standby is read-only)."""
    settings = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    if STANDBY_URL:
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            pytest.skip("the standby mirrors the PostgreSQL test server")
        standby = dj_database_url.parse(STANDBY_URL)
        # The same (test) database, on the standby's server.
        settings.update(HOST=standby["HOST"], PORT=standby["PORT"])
    connections.settings[REPLICA] = settings
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@contextmanager
def no_replica() -> Iterator[None]:
    """As if no replica were configured."""
    settings = connections.settings.pop(REPLICA)
    try:
        yield
    finally:
        connections.settings[REPLICA] = settings


def replica_current() -> None:
    """Wait, on the real standby, until it has replayed what the test wrote."""
    if STANDBY_URL:
        _wait_for_standby()


@pytest.fixture
def ledger(
    installation_data: None,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: Any,
) -> Counterparty:
    cp = make_counterparty(collector=collector)
    for amount, overdue in [(100, -3), (200, 30), (400, 90)]:
        due = AS_OF - timedelta(days=overdue)
        make_document(cp, str(amount), date=due - timedelta(days=30), due_date=due)
    return cp


def _sql(context: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"] for q in context.captured_queries)


def test_the_aging_report_reads_the_replica_and_answers_the_same(
    ledger: Counterparty,
) -> None:
    with no_replica():
        on_primary = aging(AS_OF, today=AS_OF)
    replica_current()
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as standby,
    ):
        on_replica = aging(AS_OF, today=AS_OF)
    assert "ledger_document" in _sql(standby)
    assert "ledger_document" not in _sql(primary)
    assert on_replica.totals == on_primary.totals
    assert on_replica.totals == {"RON": [D(100), D(200), D(0), D(400), D(0), D(0)]}
    assert [(r.key, r.total_cents) for r in on_replica.rows] == [(ledger.pk, 70000)]
    if STANDBY_URL:
        with report_connection().cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (False,)  # outside a report: the primary
        with reading_reports(), report_connection().cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)  # inside: the hot standby


def test_the_kpis_and_the_collectors_results_read_the_replica(
    ledger: Counterparty,
) -> None:
    with no_replica():
        expected = (repr(metrics(AS_OF)), repr(collector_results(AS_OF)))
    replica_current()
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as standby,
    ):
        report = metrics(AS_OF)
        results = collector_results(AS_OF)
    assert "ledger_document" in _sql(standby) and "ledger_payment" in _sql(standby)
    assert "ledger_document" not in _sql(primary) and "ledger_payment" not in _sql(primary)
    assert (repr(report), repr(results)) == expected
    assert report.as_of == AS_OF


def test_writes_and_the_other_reads_stay_on_the_primary(
    ledger: Counterparty,
) -> None:
    replica_current()
    assert report_alias() == DEFAULT_DB_ALIAS
    assert router.db_for_read(Document) == DEFAULT_DB_ALIAS
    with reading_reports() as alias:
        assert alias == REPLICA
        assert router.db_for_read(Document) == REPLICA
        assert router.db_for_write(Document) == DEFAULT_DB_ALIAS
        with CaptureQueriesContext(connections[REPLICA]) as standby:
            Counterparty.objects.filter(pk=ledger.pk).update(name="Renamed SRL")
        assert standby.captured_queries == []
    assert Counterparty.objects.get(pk=ledger.pk).name == "Renamed SRL"
    assert not router.allow_migrate(REPLICA, "ledger")


def test_without_a_replica_reports_read_the_primary(ledger: Counterparty) -> None:
    with no_replica(), reading_reports() as alias:
        assert alias == DEFAULT_DB_ALIAS
        assert router.db_for_read(Document) == DEFAULT_DB_ALIAS
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
            assert aging(AS_OF, today=AS_OF).total("RON") == 700
        assert "ledger_document" in _sql(primary)
