"""The credit check's customer picker fills the order's currency: a sales manager who picked
a customer billed in euros had to type "EUR" into an empty box, or the check counted the
order in whatever they typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from conftest import SCREENSHOTS
from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user("selma", Role.SALES)


@pytest.fixture
def customers(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    seller: User,
) -> tuple[Counterparty, Counterparty]:
    """Two customers of `seller`: one whose latest invoice is in euros (an older one in lei),
    one with no document yet."""
    billed = make_counterparty(name="Picker Euro SRL", external_id="PK-EUR", sales_manager=seller)
    make_document(billed, "100.00", date=date(2026, 1, 5), currency="RON")
    make_document(billed, "200.00", date=date(2026, 3, 5), currency="EUR")
    new = make_counterparty(name="Picker New SRL", external_id="PK-NEW", sales_manager=seller)
    return billed, new


@pytest.mark.django_db
def test_each_customer_offered_says_the_currency_its_orders_are_in(
    client: Any, seller: User, customers: tuple[Counterparty, Counterparty]
) -> None:
    client.force_login(seller)
    found = client.get(reverse("credit:customers") + "?q=picker").json()["results"]
    assert [(r["external_id"], r["currency"]) for r in found] == [
        ("PK-EUR", "EUR"),  # its latest invoice's
        ("PK-NEW", customers[1].company.currency),  # nothing billed yet: the company's
    ]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_picking_a_customer_fills_the_currency_box_unless_typed(
    installation_data: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    seller: User,
    customers: tuple[Counterparty, Counterparty],
) -> None:
    page = sign_in(chromium, seller, language="ru")
    page.goto(live_server.url + reverse("credit:check"))
    box = page.locator("input[name=counterparty]")
    box.press_sequentially("Picker", delay=30)
    page.locator("#customer-options option").nth(1).wait_for(state="attached")
    # Picking an option from the list puts its external id in the box and fires "change".
    box.fill("PK-EUR")
    box.dispatch_event("change")
    assert page.locator("input[name=currency]").input_value() == "EUR"
    assert page.locator("output.picked-customer").inner_text() == "Picker Euro SRL"
    page.screenshot(path=str(SCREENSHOTS / "credit-picker-currency-ru.png"))
    # A currency the seller typed is theirs: picking another customer leaves it.
    page.fill("input[name=currency]", "USD")
    box.fill("PK-NEW")
    box.dispatch_event("change")
    assert page.locator("input[name=currency]").input_value() == "USD"
