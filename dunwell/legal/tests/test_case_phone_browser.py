"""A legal case on a phone (390 px, headless Chromium): its pressure-scale tasks and its history
were four- and three-column tables squeezed to the screen, breaking the day and the lawyer's name
inside the words ("23.1 / 1.20 / 26 / 10:0 / 0", "La / ura / Lu / pu"); each row is a card of
lines now, as the debtor card's tables are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from dunwell.ladder.services import create_manual_task
from dunwell.ledger.models import Segment
from dunwell.legal import services

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def segments() -> None:
    for code, name in (("key", "Key customer"), ("standard", "Standard"), ("new", "New")):
        Segment.objects.get_or_create(code=code, defaults={"name": name})


def test_a_cases_tasks_and_history_read_whole_on_a_phone(
    segments: None, live_server: Any, debtor: Any, lawyer: Any, chromium: Any, sign_in: Any
) -> None:
    due = timezone.now() - timedelta(days=3)
    create_manual_task(
        counterparty=debtor,
        assignee=lawyer,
        action="court_filing",
        due_at=due,
        title="Prepare the lawsuit",
        user=None,
        documents=list(debtor.documents.all()),
    )
    case = services.open_case(debtor, lawyer)
    page = sign_in(chromium, "lena", width=390, language="uk")
    page.goto(live_server.url + f"/legal/cases/{case.pk}/")
    with timezone.override(lawyer.time_zone):
        shown = date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT")
    date_cell = page.locator("#case-tasks tbody tr:first-child td").first
    assert date_cell.inner_text().strip() == shown
    # the day and time on one line of the row's card, not broken inside the numbers
    assert date_cell.bounding_box()["height"] < 40, date_cell.bounding_box()
    for cell in page.locator("#case-tasks tbody tr:first-child td, #case-history td").all():
        box = cell.bounding_box()
        assert box["width"] > 300, (cell.inner_text(), box)
