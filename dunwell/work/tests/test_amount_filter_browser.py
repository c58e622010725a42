"""My day's "overdue at least" filter at a phone's 390 px: it was a placeholder only, cut to
"Прострочено щонайменше, у валюті орга…", the one place saying which currency is meant. Now a
label above the field reads whole, naming the currency; at 1366 px it stands beside the field."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Company
from tests.fit import cut_placeholder, cut_text

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LABEL = {
    "uk": "Прострочено щонайменше, RON",
    "ru": "Просрочено не менее, RON",
    "ro": "Restant cel puțin, RON",
    "en": "Overdue at least, RON",
}


@pytest.mark.parametrize(("width", "language"), [(390, "uk"), (390, "ru"), (1366, "ro")])
def test_the_amount_filter_reads_whole(
    installation_data: None,
    live_server: Any,
    company: Company,
    collector: User,
    chromium: Any,
    sign_in: Any,
    width: int,
    language: str,
) -> None:
    page = sign_in(chromium, collector, width=width, language=language)
    page.goto(live_server.url + "/work/day/")
    label = page.locator("label.amount-filter")
    assert " ".join(label.inner_text().split()) == LABEL[language]
    problems = [cut_text(page, "label.amount-filter")]
    box = page.locator("input[name=min_amount]")
    assert box.is_visible()
    if box.get_attribute("placeholder"):  # a placeholder beside the label must fit too
        problems.append(cut_placeholder(page, "input[name=min_amount]"))
    # The label names the field for a screen reader too.
    assert page.get_by_label(LABEL[language]).get_attribute("name") == "min_amount"
    box.fill("1 000")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    assert "min_amount=1+000" in page.url
    page.screenshot(path=str(SCREENSHOTS / f"amount-filter-{width}-{language}.png"))
    assert not [p for p in problems if p], problems
