"""The deals page in a real browser at a laptop's and a phone's width: a sales manager sees a
stuck deal flagged, moves it to the next stage and its days on the stage restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import Role, User
from dunwell.ledger.deals import ensure_default_stages
from dunwell.ledger.models import Company, Counterparty, Deal, DealStage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_seller_sees_a_stuck_deal_and_moves_it_on(
    width: int,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    company: Company,
    make_user: Callable[..., User],
    make_counterparty: Callable[..., Counterparty],
) -> None:
    seller = make_user("sam", Role.SALES)
    customer = make_counterparty(sales_manager=seller, name="Stuck Customer SRL")
    ensure_default_stages([company.pk])
    proposal = DealStage.objects.get(company=company, code="proposal")
    negotiation = DealStage.objects.get(company=company, code="negotiation")
    today = timezone.localdate()
    deal = Deal.objects.create(
        company=company,
        counterparty=customer,
        external_id="B1",
        name="Boilers",
        amount=Decimal("12500.00"),
        currency="RON",
        stage=proposal,
        stage_entered_on=today - timedelta(days=40),
        expected_close=today + timedelta(days=20),
        owner=seller,
    )
    page = sign_in(chromium, seller, width=width, language="ru")
    page.goto(f"{live_server.url}/pipeline/")
    row = page.locator("table#deals tbody tr").first
    assert "застряла" in row.inner_text() and "40 дней" in row.inner_text()
    wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= inner
    page.screenshot(path=str(SCREENSHOTS / f"pipeline-ru-{width}.png"), full_page=True)
    page.click("text=Boilers")
    page.select_option("select[name=stage]", str(negotiation.pk))
    with page.expect_navigation():
        page.click("form:has(select[name=stage]) button[type=submit]")
    assert "Переговоры, 0 дней на этапе" in page.locator("main").inner_text()
    deal.refresh_from_db()
    assert deal.stage == negotiation and deal.stage_entered_on == today
