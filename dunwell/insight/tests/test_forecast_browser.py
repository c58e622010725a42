"""The cash forecast page in a real browser: the chart is drawn (Chart.js: receipts, the
forecast's parts, the band), in English and Russian, at a laptop's and a phone's width, and
the page never scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document
from dunwell.ledger.services import add_payment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]

HEADINGS = {
    "en": "Cash forecast as of 31.03.2026",
    "ru": "Прогноз поступлений на 31.03.2026",
}


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> None:
    """Two customers with a year of invoices paid some days late, and open invoices due over
    the next weeks (and two already overdue)."""
    for n, delay in ((1, 5), (2, 20)):
        cp = make_counterparty(name=f"Forecast Customer {n} SRL")
        for k in range(16):
            issued = date(2025, 3, 10) + timedelta(days=24 * k)
            due = issued + timedelta(days=30)
            doc = make_document(cp, f"{1000 + 150 * k}.00", date=issued, due_date=due)
            paid = due + timedelta(days=delay + k % 4)
            if paid <= date(2026, 3, 31):
                add_payment(
                    cp.company, cp, paid, doc.amount, doc.currency, f"P{n}-{k}", document=doc
                )


def no_sideways_scroll(page: Any) -> None:
    wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"{page.url} is {wide}px wide in a {inner}px window"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_forecast_chart_is_drawn_in_english_and_russian(
    width: int,
    ledger: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    director: User,
) -> None:
    for language, heading in HEADINGS.items():
        page = sign_in(chromium, director, width=width, language=language)
        page.goto(f"{live_server.url}/reports/forecast/?as_of=2026-03-31")
        assert page.locator("h1").inner_text() == heading
        page.wait_for_function("document.getElementById('forecast-chart').dataset.drawn === '1'")
        drawn = page.evaluate(
            "(() => { const c = Chart.getChart(document.getElementById('forecast-chart'));"
            " return c.data.datasets.map(d => d.data.filter(v => v !== null && v > 0).length); })()"
        )
        # Four stacked parts, low, high, received: the receivables part and the receipts of
        # the weeks before the as-of day have values.
        assert len(drawn) == 7 and drawn[0] > 0 and drawn[-1] > 0
        assert page.locator("table.forecast-weeks tbody tr").count() == 13
        no_sideways_scroll(page)
        page.screenshot(path=str(SCREENSHOTS / f"forecast-{language}-{width}.png"), full_page=True)
        page.close()


def test_a_forecast_weeks_bar_opens_the_week(
    ledger: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    director: User,
) -> None:
    """The chart's bars were pictures only: finance reads the tallest week on the chart and
    then had to find its row in the table to open it."""
    page = sign_in(chromium, director, width=1280, language="ru")
    page.goto(f"{live_server.url}/reports/forecast/?as_of=2026-03-31")
    page.wait_for_function("document.getElementById('forecast-chart').dataset.drawn === '1'")
    # The tallest bar of the receivables part among the forecast's weeks, where it is drawn.
    x, y, index = page.evaluate(
        "(() => { const c = Chart.getChart(document.getElementById('forecast-chart'));"
        " const values = c.data.datasets[0].data;"
        " let best = -1;"
        " values.forEach((v, i) => {"
        "   if (v !== null && (best < 0 || v > values[best])) best = i; });"
        " const bar = c.getDatasetMeta(0).data[best];"
        " return [bar.x, (bar.y + bar.base) / 2, best]; })()"
    )
    box = page.locator("#forecast-chart").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/reports/forecast/week/**")
    assert page.locator("h1").inner_text().startswith("Неделя ")
    assert f"week={index - 12}" in page.url  # 13 weeks of receipts before the forecast's
