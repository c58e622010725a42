"""The debtor card's payment history and a pinned note in a real browser, on a laptop
(1280 px) and a phone (390 px): the collector pins a note and reads who paid what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty, Document
from dunwell.ledger.services import add_payment
from dunwell.work.models import Note
from dunwell.work.tests.test_browser import chromium_page, log_in, seed_data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paying_debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> Counterparty:
    cp = make_counterparty(collector=collector, name="Paying Customer SRL")
    first = make_document(cp, "1500.00", due_date=date(2026, 2, 4), number="INV-100")
    make_document(cp, "700.00", due_date=date(2026, 2, 20), number="INV-101")
    make_document(cp, "300.00", currency="EUR", due_date=date(2026, 2, 1), number="INV-102")
    Contact.objects.create(counterparty=cp, name="Ana Pop", phone="+40721000000")
    company = cp.company
    add_payment(company, cp, date(2026, 2, 14), Decimal("1500.00"), "RON", "P1", document=first)
    add_payment(company, cp, date(2026, 2, 25), Decimal("400.00"), "RON", "P2")
    add_payment(company, cp, date(2026, 3, 2), Decimal("300.00"), "EUR", "P3")
    return cp


@pytest.mark.parametrize("width", [1280, 390])
def test_the_collector_pins_a_note_and_reads_the_payment_history(
    chromium_page: Any,  # noqa: F811
    live_server: Any,
    paying_debtor: Counterparty,
    collector: User,
    width: int,
) -> None:
    page = chromium_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, collector)
    page.goto(f"{live_server.url}/work/debtors/{paying_debtor.pk}/")
    page.fill("#note-text", "Pays only after the 25th; ask for Ana.")
    page.check("#note-form input[name=pinned]")
    page.click("#note-form button")
    page.wait_for_selector("#pinned-notes")
    assert Note.objects.get().pinned
    pinned = page.locator("#pinned-notes")
    assert "Pays only after the 25th; ask for Ana." in pinned.inner_text()
    # pinned above the actions, where the collector looks first. Both measured in one script,
    # in page coordinates: the page may still be scrolling to the anchor it came back to, and
    # two separate measurements then see two scroll positions (a CI run failed that way).
    pinned_top, actions_top = page.evaluate(
        "() => ['#pinned-notes', '#open-call'].map("
        "s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)"
    )
    assert pinned_top < actions_top

    history = page.locator("#payment-history")
    rows = history.locator("tbody tr")
    assert rows.count() == 3
    assert "02.03.2026" in rows.nth(0).inner_text()  # newest first
    assert "INV-102" in rows.nth(0).inner_text()
    assert "INV-101" in rows.nth(1).inner_text() and "INV-100" in rows.nth(2).inner_text()
    assert "INV-100" in page.inner_text("#payment-history")
    assert "02.03.2026" in page.inner_text("#last-payment")
    assert "Plain average" in page.inner_text("#days-late-help")
    history.scroll_into_view_if_needed()
    for element in (pinned, history):
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (width, box)
    shot = SCREENSHOTS / f"debtor-card-payments-note-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
