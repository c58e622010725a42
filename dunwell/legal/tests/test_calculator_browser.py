"""The interest calculator in headless Chromium at 390 and 1280 px: "up to" is today, picking a
debtor fills its documents before any calculation, and namesakes are told apart."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.ledger.models import Counterparty

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_picking_a_debtor_lists_its_documents_at_once(
    installation_data: None,
    live_server: Any,
    debtor: Counterparty,
    make_counterparty: Any,
    collector: Any,
    width: int,
    chromium: Any,
    sign_in: Any,
) -> None:
    make_counterparty(name=debtor.name, tax_id="RO999", address="Iași, Str. Lungă 3",
                      collector=collector)  # fmt: skip
    page = sign_in(chromium, "colin", width=width)
    page.goto(live_server.url + "/legal/calculator/")
    assert page.input_value("input[name=to]") == timezone.localdate().isoformat()
    labels = page.locator("select[name=counterparty] option").all_inner_texts()
    assert "Șantierul Nord SRL (RO123, Cluj)" in labels
    assert "Șantierul Nord SRL (RO999, Iași)" in labels
    assert page.locator("select[name=documents] option").count() == 0
    page.select_option("select[name=counterparty]", label="Șantierul Nord SRL (RO123, Cluj)")
    page.wait_for_selector("select[name=documents] option")
    documents = page.locator("select[name=documents] option").all_inner_texts()
    page.screenshot(path=str(SCREENSHOTS / f"calculator-{width}.png"), full_page=True)
    assert page.locator("#result").count() == 0  # nothing was calculated
    assert len(documents) == 2
    assert any("INV-1" in text for text in documents)
    assert any("INV-2" in text for text in documents)
