"""The credit panel in the debtor card and the lift of stop-shipments, in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import Role, User
from dunwell.credit.models import CreditRuleSet
from dunwell.credit.services import set_limit
from dunwell.ledger.models import Counterparty, TimelineEntry

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_card_loads_the_panel_and_a_controller_lifts_stop_shipments(
    installation_data: None,
    live_server: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    make_user: Callable[..., User],
    chromium: Any,
    width: int,
) -> None:
    controller = make_user("carla", Role.CREDIT_CONTROLLER)
    cp = make_counterparty(name="Panel Debtor SRL", stop_shipments=True)
    CreditRuleSet.objects.create(
        version=1, effective_from=date(2026, 1, 1), limit_currency="RON",
        created_at=timezone.now(),
    )  # fmt: skip
    set_limit(
        cp, controller, currency="RON", total=Decimal("1000"), valid_from=date(2026, 1, 1),
        reason="test",
    )  # fmt: skip
    make_document(cp, "1500.00", due_date=timezone.localdate())
    browser = chromium
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "carla")
    page.fill("input[name=password]", "pw-carla")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/work/debtors/{cp.pk}/")
    page.wait_for_selector("#credit-panel table.credit-panel")
    panel = page.locator("#credit-panel").inner_text()
    page.locator("#credit-panel").screenshot(path=str(SCREENSHOTS / f"credit-panel-{width}.png"))
    page.fill("#credit-panel input[name=reason]", "paid the overdue invoice")
    page.click("#credit-panel form button")
    page.wait_for_load_state()
    page.wait_for_selector("#credit-panel table.credit-panel")
    after = page.locator("#credit-panel").inner_text()
    browser.close()
    assert "1,500.00" in panel and "150% of the limit" in panel
    assert "Shipments stopped" in panel
    assert "No stop on shipments" in after
    cp.refresh_from_db()
    assert not cp.stop_shipments
    assert TimelineEntry.objects.filter(counterparty=cp, kind="credit.shipments_resumed").exists()
