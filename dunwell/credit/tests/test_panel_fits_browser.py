"""The debtor card's credit panel stays inside its card: in Russian, 'Итого риск' beside a bold
21 399 191,81 RUB ran 30 px past the card's right edge at 1366 px (the card a fifth of the
page wide), in Ukrainian 'Разом ризик' 3 px; now an amount that leaves its label no room goes
under the label, as a long label wraps."""

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
from dunwell.ledger.models import Counterparty, Order

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The card's content box and the panel's table, and the total line's words.
MEASURE = """() => {
  const card = document.querySelector('#credit-panel');
  const style = getComputedStyle(card);
  const box = card.getBoundingClientRect();
  const right = box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
  const rows = [...card.querySelectorAll('table.credit-panel tr')];
  return {
    right: right,
    rows: rows.map(r => [r.innerText, r.getBoundingClientRect().right,
                         Math.max(...[...r.children].map(c => c.getBoundingClientRect().right))]),
  };
}"""


@pytest.mark.parametrize(
    ("language", "total"), [("ru", "Итого риск"), ("uk", "Разом ризик")]
)  # fmt: skip
@pytest.mark.parametrize("width", [1366, 390])
def test_the_total_exposure_stays_inside_the_card(
    installation_data: None,
    live_server: Any,
    company: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    make_user: Callable[..., User],
    chromium: Any,
    language: str,
    total: str,
    width: int,
) -> None:
    controller = make_user("carla", Role.CREDIT_CONTROLLER, language=language)
    cp = make_counterparty(name="АО «СнабВолга»")
    CreditRuleSet.objects.create(
        version=1, effective_from=date(2026, 1, 1), limit_currency="RUB",
        created_at=timezone.now(),
    )  # fmt: skip
    set_limit(
        cp, controller, currency="RUB", total=Decimal("11400000"), valid_from=date(2026, 1, 1),
        reason="committee",
    )  # fmt: skip
    today = timezone.localdate()
    make_document(cp, "8191140.71", currency="RUB", due_date=date(2030, 1, 1))
    make_document(cp, "13167142.01", currency="RUB", due_date=today)
    Order.objects.create(
        company=company, counterparty=cp, external_id="O1", number="ZK-1", date=today,
        amount=Decimal("40909.09"), currency="RUB", status="confirmed",
    )  # fmt: skip
    browser = chromium
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "carla")
    page.fill("input[name=password]", "pw-carla")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/work/debtors/{cp.pk}/")
    page.wait_for_selector("#credit-panel table.credit-panel")
    found = page.evaluate(MEASURE)
    page.locator("#credit-panel").screenshot(
        path=str(SCREENSHOTS / f"credit-panel-fits-{language}-{width}.png")
    )
    browser.close()
    lines = {text.split("\t")[0].split("\n")[0]: (row, cell) for text, row, cell in found["rows"]}
    assert total in lines, lines
    assert any("21\xa0399\xa0191,81\xa0RUB" in text for text, _, _ in found["rows"])
    for label, (row, cell) in lines.items():
        # half a pixel for rounding
        assert max(row, cell) <= found["right"] + 0.5, (label, row, cell, found["right"])
