"""The global search in headless Chromium at a phone's and a laptop's width: "/" reaches the
header box from any page, a phone number as the debtor said it finds the contact, and the
result opens the debtor's card; the results page does not scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.ledger.models import Contact, Counterparty

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_slash_search_by_phone_opens_the_debtors_card(
    installation_data: None,
    live_server: Any,
    collector: Any,
    teammate: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    width: int,
    chromium: Any,
    sign_in: Any,
) -> None:
    cp = make_counterparty(collector=collector, name="Lumina Textile SRL", tax_id="RO7766554")
    make_document(cp, "1250.50", number="FV-884211")
    Contact.objects.create(counterparty=cp, name="Ilinca Barbu", phone="+40721234567")
    other = make_counterparty(collector=teammate, name="Lumina Steel SA")
    Contact.objects.create(counterparty=other, name="Petru Steel", phone="+40721234567")
    page = sign_in(chromium, "colin", width=width)
    page.goto(live_server.url + "/work/debtors/")
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "topsearch-q"
    page.keyboard.type("0721 234 567")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/?q=" in page.url
    contacts = page.locator("#search-contacts").inner_text()
    assert "Ilinca Barbu" in contacts and "Lumina Textile SRL" in contacts
    assert "Petru Steel" not in page.content()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.screenshot(path=str(SCREENSHOTS / f"search-{width}.png"), full_page=True)
    # On the results page "/" selects the page's own box.
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-page-q"
    page.locator("#search-contacts a", has_text="Ilinca Barbu").click()
    page.wait_for_url(f"**/work/debtors/{cp.pk}/**")
    assert "Lumina Textile SRL" in page.locator("h1").inner_text()
    assert overflow <= 0
