"""At a phone's width a table's rows become labelled cards ("Priority: 89"); a row that is one
message across the whole table ("Nothing left for today") read "Priority: Nothing left for
today", the first column's name before it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = "(el) => getComputedStyle(el, '::before').content"


def test_the_empty_days_message_has_no_column_name_before_it_on_a_phone(
    installation_data: None, live_server: Any, collector: Any, chromium: Any, sign_in: Any
) -> None:
    page = sign_in(chromium, collector, width=390, language="ro")
    page.goto(live_server.url + "/work/day/")
    message = page.locator("#day-empty")
    assert "Nimic rămas pentru azi" in message.inner_text()
    assert message.evaluate(BEFORE) in ("none", "normal")
