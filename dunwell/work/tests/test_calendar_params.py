"""The calendar's ?date= is a real date in a plausible range; a bad one gets a 400 page with the
reason, never a 500 (issue 9, item 6)."""

from __future__ import annotations

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
