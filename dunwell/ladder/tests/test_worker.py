"""The worker's scheduling step: each company's morning run starts at DUNWELL_RUN_HOUR in the
company's own time zone, once per day per company."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from dunwell.ladder.models import DailyRun, Task
from dunwell.ladder.tasks import company_mornings, schedule_morning_runs
from dunwell.ledger.models import Company, Counterparty, Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_east(company: Company) -> Company:
    return Company.objects.create(
        name="Vostok LLC", code="vostok", country="RU", currency="RUB",
        time_zone="Asia/Vladivostok", calendar_country="RU",
    )  # fmt: skip


def test_each_company_runs_at_its_own_morning_hour(company: Company, far_east: Company) -> None:
    # 03:00 UTC: 13:00 in Vladivostok, 05:00 in Bucharest
    assert company_mornings(datetime(2026, 3, 5, 3, tzinfo=UTC), 6) == [
        (far_east.pk, date(2026, 3, 5))
    ]
    # 04:00 UTC: 06:00 in Bucharest
    assert company_mornings(datetime(2026, 3, 5, 4, tzinfo=UTC), 6) == [
        (company.pk, date(2026, 3, 5)),
        (far_east.pk, date(2026, 3, 5)),
    ]
    # 20:30 UTC: already the 6th in Vladivostok (06:30), still the 5th in Bucharest
    assert company_mornings(datetime(2026, 3, 5, 20, 30, tzinfo=UTC), 6) == [
        (company.pk, date(2026, 3, 5)),
        (far_east.pk, date(2026, 3, 6)),
    ]


def test_the_morning_run_is_enqueued_once_per_day_per_company(
    company: Company,
    far_east: Company,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_document(make_counterparty(), due_date=date(2026, 3, 2))
    early = datetime(2026, 3, 5, 3, tzinfo=UTC)
    with time_machine.travel(early, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert schedule_morning_runs(early, 6) == [(far_east.pk, date(2026, 3, 5))]
        assert schedule_morning_runs(early, 6) == []
    later = datetime(2026, 3, 5, 4, 1, tzinfo=UTC)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert schedule_morning_runs(later, 6) == [(company.pk, date(2026, 3, 5))]
        assert schedule_morning_runs(later, 6) == []
    runs = list(DailyRun.objects.order_by("company_id").values_list("company_id", "as_of"))
    assert runs == [(company.pk, date(2026, 3, 5)), (far_east.pk, date(2026, 3, 5))]
    assert all(r.finished_at is not None for r in DailyRun.objects.all())
    assert Task.objects.count() == 1  # the second run of the same day created nothing twice
