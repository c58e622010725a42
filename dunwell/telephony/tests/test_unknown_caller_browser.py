"""The unknown caller's page's search bar in headless Chromium: its label stood inside the
joined bar as a pill-ended part of it, and at 390 px the button stood one letter a line
("C/ă/u/t/a/ț/i"). The label is above the bar; the words and the button are one joined row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dunwell.telephony.models import Call, Direction

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "language"), [(390, "ro"), (390, "uk"), (1366, "ro")])
def test_the_find_the_debtor_bar_is_a_label_over_one_joined_row(
    installation_data: None,
    live_server: Any,
    collector: Any,
    chromium: Any,
    sign_in: Any,
    width: int,
    language: str,
) -> None:
    call = Call.objects.create(provider="zadarma", provider_call_id="u-1",
                               direction=Direction.INBOUND, external_number="+40219999999",
                               agent=collector, started_at=datetime.now(UTC))  # fmt: skip
    page = sign_in(chromium, collector, width=width, language=language)
    page.goto(f"{live_server.url}/telephony/calls/{call.pk}/unknown/")
    label = page.locator("label[for=q]").bounding_box()
    words = page.locator("main form[role=search] input[name=q]").bounding_box()
    button = page.locator("main form[role=search] button[type=submit]")
    box = button.bounding_box()
    line = button.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert label["y"] + label["height"] <= words["y"] + 1, (label, words)  # above the bar
    assert abs(words["y"] - box["y"]) < 2, (words, box)  # one row
    assert abs(box["x"] - (words["x"] + words["width"])) < 2, (words, box)  # joined
    assert box["height"] < 2 * line + 8, box  # the button's word on one line
    assert box["x"] + box["width"] <= width, box
