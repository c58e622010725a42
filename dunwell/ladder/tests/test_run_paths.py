"""The daily run's two ways of deciding documents end in the same state: on PostgreSQL a batch
is decided in the database once per distinct key (`_document_batch_sql`), elsewhere row by row
in Python (`_document_batch`). Checked on PostgreSQL by running the same days both ways, with
debtors whose steps come before the due date in two calendars and debtors with two call steps
on one day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection

from dunwell.accounts.models import User
from dunwell.ladder import engine
from dunwell.ladder.models import DocumentProgress, Task
from dunwell.ledger.models import Counterparty, Document, NonWorkingDay, Segment, TimelineEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path: PostgreSQL"),
]
START = date(2026, 4, 24)


def state() -> tuple[list[Any], list[Any]]:
    tasks = sorted(
        (t.key, t.step_id, t.action, t.assignee_id, t.window_start, sorted(t.document_ids),
         t.amounts, t.status)
        for t in Task.objects.all()
    )  # fmt: skip
    progress = sorted(
        DocumentProgress.objects.values_list(
            "document_id", "step_order", "reached_on", "next_due_on"
        )
    )
    return tasks, progress


def days() -> list[date]:
    return [START + timedelta(days=n) for n in range(22)]


def test_the_sql_path_and_the_row_by_row_path_decide_alike(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new = Segment.objects.get(code="new")
    ro = make_counterparty(collector=collector, segment=new)
    md = make_counterparty(collector=collector, segment=new, country="MD")
    NonWorkingDay.objects.create(company=ro.company, day=date(2026, 5, 6))
    for n in range(12):  # due 27 April .. 8 May: reminders around 1 May and the closed day
        make_document(ro, "100.00", due_date=date(2026, 4, 27) + timedelta(days=n))
        make_document(md, "200.00", due_date=date(2026, 4, 27) + timedelta(days=n), currency="EUR")
    standard = make_counterparty(collector=collector)
    for n in range(0, 8, 2):  # documents two days apart: two call steps on one day
        make_document(standard, "300.00", due_date=START - timedelta(days=n))
    for on in days():
        engine.run(on)
    sql = state()
    assert sql[0] and sql[1]
    Task.objects.all().delete()
    DocumentProgress.objects.all().delete()
    TimelineEntry.objects.all().delete()
    monkeypatch.setattr(engine, "_is_postgres", lambda: False)
    for on in days():
        engine.run(on)
    assert state() == sql
