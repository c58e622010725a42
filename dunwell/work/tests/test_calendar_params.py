"""The calendar's ?date= is a real date in a plausible range; a bad one gets a 400 page with the
reason, never a 500 (issue 9, item 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("date=2026-02-30", "Enter a valid date."),
        ("date=9999-12-31", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("date=0001-01-01", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("view=day&date=0001-01-03", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("view=month", "Select a valid choice."),
    ],
)
def test_a_bad_calendar_address_gets_a_400_page_with_the_reason(
    query: str, reason: str, collector: User
) -> None:
    response = client_for(collector).get(f"{reverse('work:calendar')}?{query}")
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_the_edges_of_the_range_still_show_the_calendar(collector: User) -> None:
    client = client_for(collector)
    for query in ("date=1900-01-01", "date=2100-12-31&view=day", "date=2026-03-10"):
        assert client.get(f"{reverse('work:calendar')}?{query}").status_code == 200


@pytest.mark.django_db
def test_a_task_shows_its_whole_window_in_the_readers_time(
    collector: User, make_counterparty: Any
) -> None:
    """The calendar puts a task at the start of its window and the lists show its due time
    (the window's end); the calendar shows both ends, so the two pages agree."""
    from dunwell.ladder.models import Task

    debtor = make_counterparty(collector=collector)
    collector.time_zone = "Europe/Bucharest"
    collector.save(update_fields=["time_zone"])
    Task.objects.create(
        counterparty=debtor, assignee=collector, action="call", title="Call Ekaterinburg",
        key="cal-window", due_at=datetime(2026, 3, 10, 6, 0, tzinfo=UTC),
        window_start=datetime(2026, 3, 10, 5, 0, tzinfo=UTC),
        window_end=datetime(2026, 3, 10, 6, 0, tzinfo=UTC),
    )  # fmt: skip
    page = client_for(collector).get(f"{reverse('work:calendar')}?date=2026-03-10&view=day")
    assert "<small>07:00–08:00</small> " in page.content.decode()
