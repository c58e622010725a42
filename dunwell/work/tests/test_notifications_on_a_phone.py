"""The notifications page at a phone's width: its table had no column headings, so it stayed
a three-column table at 390 px and the moment and the kind were squeezed into a few letters a
line ("07.", "12.", "202", "6," … and "E-mai", "l", "pri", "mit" in Romanian). Each
notification is now a card with its date, kind and text labelled, each readable on its line."""

from __future__ import annotations

from typing import Any

import pytest

from dunwell.work.models import Notification
from dunwell.work.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LABEL = "(el) => getComputedStyle(el, '::before').content"


@pytest.mark.parametrize(
    ("language", "kind", "date_label"), [("ro", "E-mail primit", "Data"), ("ru", None, "Дата")]
)
def test_each_notification_reads_as_a_card_on_a_phone(
    installation_data: None,
    live_server: Any,
    collector: Any,
    chromium: Any,
    sign_in: Any,
    language: str,
    kind: str | None,
    date_label: str,
) -> None:
    # as the demo's: a long text with an address that does not break
    text = "accountant@cp000005.example.md — Contestație factura nr. FCT-27, EuroPrut SA"
    notify(collector, Notification.Kind.MAIL_RECEIVED, text)
    page = sign_in(chromium, collector, width=390, language=language)
    page.goto(live_server.url + "/work/notifications/")
    row = page.locator("table.data tbody tr").first
    when, what = row.locator("td").nth(0), row.locator("td").nth(1)
    # the moment and the kind each on one line, as wide as the card
    line = when.locator("small").evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight)")
    assert when.locator("small").bounding_box()["height"] < 1.5 * line
    badge = what.locator(".badge")
    assert badge.bounding_box()["height"] < 1.5 * line + 12
    if kind:
        assert badge.inner_text() == kind
    assert row.bounding_box()["width"] > 300
    assert date_label in when.evaluate(LABEL)
