"""The call card's quick outcomes on a phone, in headless Chromium at 390 px: "No answer |
Refused | Abusive — end the call" wrapped into two uneven rows (in Russian 201 and 160 px, then
one the whole width). Now the first two share their row in equal halves and the third spans it
under them; at 1280 px the three stay one row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BUTTONS = ".outcome-quick [role=group] button"


def _boxes(page: Any) -> list[dict[str, float]]:
    return [button.bounding_box() for button in page.locator(BUTTONS).all()]


@pytest.mark.parametrize("language", ["ru", "ro", "uk"])
def test_the_quick_outcomes_wrap_evenly_on_a_phone(
    installation_data: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    debtor: Counterparty,
    collector: User,
    language: str,
) -> None:
    page = sign_in(chromium, collector, width=390, language=language)
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/call/")
    no_answer, refused, abusive = _boxes(page)
    assert abs(no_answer["y"] - refused["y"]) < 1  # side by side
    assert abs(no_answer["width"] - refused["width"]) < 2, (no_answer, refused)  # in halves
    assert abs(no_answer["height"] - refused["height"]) < 1
    assert abusive["y"] >= no_answer["y"] + no_answer["height"] - 2  # under them
    row = refused["x"] + refused["width"] - no_answer["x"]
    assert abs(abusive["width"] - row) < 2, (abusive, row)  # across both
    assert no_answer["height"] < 60, no_answer  # each word on one line
    assert refused["x"] + refused["width"] <= 390
    page.locator(BUTTONS).first.locator("xpath=..").screenshot(
        path=str(SCREENSHOTS / f"call-outcomes-{language}-390.png")
    )


def test_the_quick_outcomes_are_one_row_on_a_computer(
    installation_data: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    debtor: Counterparty,
    collector: User,
) -> None:
    page = sign_in(chromium, collector, width=1280, language="ru")
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/call/")
    boxes = _boxes(page)
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
