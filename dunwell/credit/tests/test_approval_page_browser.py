"""The approval page as the director sees it in a browser: the "Negociere" / "Переговоры"
heading sat directly under the "Înregistrați decizia" button (it read as part of the decision's
form); the credit menu wrapped at 390 px into two rows 2rem apart (read as two menus); and the
total with the order was a plain row. Now the negotiation stands apart from the button, the
menu's rows are a line apart, and the total with the order is bold with the limit in its row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.credit.models import CreditApprovalRequest
from dunwell.credit.services import check
from dunwell.ledger.models import Counterparty
from dunwell.money import Money

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const box = (el) => el.getBoundingClientRect();
  const button = document.querySelector('form.stack > button');
  const heading = document.querySelector('section.negotiation > h2');
  const links = [...document.querySelectorAll('main > nav a')].map(a => box(a));
  const tops = [...new Set(links.map(r => Math.round(r.top)))].sort((a, b) => a - b);
  const rows = tops.map(t => links.filter(r => Math.round(r.top) === t));
  const row = document.querySelector('table.credit-exposure tr.decisive');
  return {
    under_button: box(heading).top - box(button).bottom,
    menu_rows: rows.length,
    // from the bottom of a row's links (their padding in) to the top of the next row's
    menu_gaps: rows.slice(1).map((r, i) => Math.min(...r.map(x => x.top))
                                           - Math.max(...rows[i].map(x => x.bottom))),
    decisive: row ? row.innerText : '',
    decisive_weight: row ? [...row.children].map(c => parseInt(getComputedStyle(c).fontWeight))
                         : [],
    other_weight: parseInt(getComputedStyle(
      document.querySelector('table.credit-exposure tr:not(.decisive) td')).fontWeight),
  };
}"""


@pytest.mark.parametrize(
    ("language", "total", "against"),
    [
        ("ro", "total cu această comandă", "limita de 1.000,00\xa0RON depășită cu 4.300,00\xa0RON"),
        ("ru", "итого с этим заказом", "лимит 1\xa0000,00\xa0RON превышен на 4\xa0300,00\xa0RON"),
    ],
)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_approval_page_sets_its_parts_apart(
    installation_data: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    sales: User,
    director: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    language: str,
    total: str,
    against: str,
    width: int,
) -> None:
    rules()
    cp = make_counterparty(sales_manager=sales, name="TehnoTrade SRL")
    limit(cp, "1000")
    make_document(cp, "300.00", due_date=date(2030, 4, 1))
    check(cp, Money(Decimal("5000"), "RON"), "ZK-7", sales)
    item = CreditApprovalRequest.objects.get()
    page = sign_in(chromium, director, width=width, language=language)
    page.goto(f"{live_server.url}/credit/approvals/{item.pk}/")
    page.wait_for_selector("section.negotiation")
    found = page.evaluate(MEASURE)
    page.screenshot(
        path=str(SCREENSHOTS / f"credit-approval-{language}-{width}.png"), full_page=True
    )
    # the negotiation is a section of its own, not the decision form's next field
    assert found["under_button"] >= 24, found  # was 0
    # the menu's rows (two at 390 px) a line apart, not two menus
    if width == 390:
        assert found["menu_rows"] == 2, found
    assert all(gap <= 4 for gap in found["menu_gaps"]), found  # was 15 px
    # the line decided on: bold, the limit in the same row
    lines = found["decisive"].replace("\t", "\n").split("\n")
    assert [line.strip() for line in lines if line.strip()] == [
        total,
        {"ru": "5\xa0300,00\xa0RON", "ro": "5.300,00\xa0RON"}[language],
        against,
    ], found
    assert (
        found["decisive_weight"]
        and min(found["decisive_weight"]) >= 600
        and found["other_weight"] < 600
    ), found
