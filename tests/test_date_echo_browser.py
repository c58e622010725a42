"""A date typed in a date field is read back under it in the user's language, with its weekday
(date_echo.js): Chromium shows the field itself in the browser's locale, so under a Russian
page an English browser showed "03/20/2026", and nothing said which day or weekday that was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Counterparty

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROMISED = "#promise-form input[name=promised_on]"
ECHO = "#promise-form output.date-echo"


@pytest.fixture
def call(
    installation_data: None,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
) -> str:
    """The call card of a debtor of `collector` with one overdue invoice and a call to make."""
    debtor = make_counterparty(collector=collector)
    make_document(debtor, "1500.00", due_date=date(2026, 2, 4))
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(hours=1),
        title="Call",
        user=None,
    )
    return f"/work/debtors/{debtor.pk}/call/"


@pytest.mark.parametrize(
    ("language", "width", "friday", "saturday"),
    [
        ("ru", 390, "пятница, 20 марта 2026 г.", "суббота, 21 марта 2026 г."),
        ("ro", 1280, "vineri, 20 martie 2026", "sâmbătă, 21 martie 2026"),
        ("uk", 390, "пʼятниця, 20 березня 2026 р.", "субота, 21 березня 2026 р."),
        ("en", 1280, "Friday, 20 March 2026", "Saturday, 21 March 2026"),
    ],
)
def test_the_promised_date_is_read_back_in_the_users_language_with_its_weekday(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    call: str,
    collector: User,
    language: str,
    width: int,
    friday: str,
    saturday: str,
) -> None:
    # The browser speaks American English whatever the user's language, as a collector's may.
    page = sign_in(chromium, collector, width=width, language=language, locale="en-US")
    page.goto(live_server.url + call)
    assert page.get_attribute("html", "lang") == language
    assert not page.locator(ECHO).is_visible()  # an empty field says nothing
    page.fill(PROMISED, "2026-03-20")
    assert page.inner_text(ECHO) == friday
    page.screenshot(path=str(SCREENSHOTS / f"date-echo-{language}-{width}.png"), full_page=True)
    page.fill(PROMISED, "2026-03-21")  # the echo follows a change
    assert page.inner_text(ECHO) == saturday
    page.fill(PROMISED, "")
    assert not page.locator(ECHO).is_visible()


def test_a_date_field_added_later_echoes_too(
    chromium: Any, sign_in: Callable[..., Any], live_server: Any, call: str, collector: User
) -> None:
    """A field that htmx (or any script) adds after the page loaded is read back as well."""
    page = sign_in(chromium, collector, language="ru")
    page.goto(live_server.url + call)
    page.evaluate(
        """() => {
          const label = document.createElement("label");
          label.innerHTML = 'Срок <input type="date" name="later">';
          document.querySelector("main").append(label);
        }"""
    )
    page.fill("input[name=later]", "2026-12-06")
    echo = page.inner_text("input[name=later] + output.date-echo")
    assert echo == "воскресенье, 6 декабря 2026 г."
