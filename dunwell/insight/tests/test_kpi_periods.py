"""The KPI page over a month, a quarter, a year to date or a chosen range, beside the period
before it: the figures are those of the chosen period, computed by hand here."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import User
from dunwell.insight import kpi
from dunwell.insight.metrics import metrics
from dunwell.ledger.models import Counterparty, Document

END = date(2026, 9, 30)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-10-05 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Any],
) -> Counterparty:
    """A: 1000 of June, paid in July. B: 2000 of August, 500 paid in September. C: 600 of
    September, not yet due on 30.09. D: 400 of April, never paid."""
    debtor = make_counterparty(name="Quarter Debtor SRL")
    a = make_document(debtor, "1000.00", date=date(2026, 6, 10), due_date=date(2026, 7, 10))
    pay(a, "1000.00", date(2026, 7, 20))
    b = make_document(debtor, "2000.00", date=date(2026, 8, 5), due_date=date(2026, 9, 4))
    pay(b, "500.00", date(2026, 9, 10))
    make_document(debtor, "600.00", date=date(2026, 9, 10), due_date=date(2026, 10, 10))
    make_document(debtor, "400.00", date=date(2026, 4, 1), due_date=date(2026, 5, 1))
    return debtor


def figures(kind: str) -> Any:
    report = metrics(END, period=kpi.Period.ending(kind, END))
    (now,) = report.figures.values()
    return now, next(iter(report.previous.values()), None)


def test_the_quarter_has_its_own_cei_and_the_month_keeps_its_own(ledger: Counterparty) -> None:
    month, previous_month = figures(kpi.MONTH)
    quarter, previous_quarter = figures(kpi.QUARTER)
    # September: opening on 31.08 = B 2000 + D 400; sales C 600; closing B 1500 + C 600 + D 400;
    # not yet due C 600.
    assert (month.opening, month.sales, month.receivables, month.current) == (
        240_000,
        60_000,
        250_000,
        60_000,
    )
    assert month.cei == D(2400 + 600 - 2500) / (2400 + 600 - 600) * 100
    # The quarter: opening on 30.06 = A 1000 + D 400; sales B 2000 + C 600.
    assert (quarter.opening, quarter.sales) == (140_000, 260_000)
    assert quarter.cei == D(1400 + 2600 - 2500) / (1400 + 2600 - 600) * 100
    assert quarter.cei != month.cei
    # Simple DSO: the quarter's 92 days (a month's DSO takes the same three months).
    assert quarter.simple_dso == D(2500) / 2600 * 92
    assert quarter.best_dso == D(600) / 2600 * 92
    # Count-back on 30.09: September's 600 over 30 days, then 1900 of August's 2000.
    assert quarter.dso == 30 + D(1900) / 2000 * 31
    # The quarter before (1.04-30.06): nothing open on 31.03, A and D sold, nothing collected.
    assert (previous_quarter.opening, previous_quarter.sales) == (0, 140_000)
    assert previous_quarter.cei == 0
    # August: opening on 31.07 = D 400, sales B 2000, nothing collected.
    assert previous_month.cei == 0


def test_the_year_to_date_divides_by_its_273_days(ledger: Counterparty) -> None:
    year, before = figures(kpi.YEAR)
    assert year.sales == 400_000
    assert year.simple_dso == D(2500) / 4000 * 273
    assert year.cei == D(0 + 4000 - 2500) / (4000 - 600) * 100
    assert before is None  # 1.01-30.09.2025: nothing sold, nothing open


def test_previous_periods() -> None:
    quarter = kpi.Period.ending(kpi.QUARTER, END)
    assert (quarter.start, quarter.days) == (date(2026, 7, 1), 92)
    assert quarter.previous() == kpi.Period(kpi.QUARTER, date(2026, 4, 1), date(2026, 6, 30))
    custom = kpi.Period(kpi.CUSTOM, date(2026, 9, 11), date(2026, 9, 20))
    assert custom.previous() == kpi.Period(kpi.CUSTOM, date(2026, 9, 1), date(2026, 9, 10))
    year = kpi.Period.ending(kpi.YEAR, END)
    assert year.previous() == kpi.Period(kpi.YEAR, date(2025, 1, 1), date(2025, 9, 30))


def page(client: Client, user: User, **query: str) -> Any:
    client.force_login(user)
    return client.get(reverse("insight:metrics"), query)


def test_the_page_names_the_quarter_and_its_days(
    client: Client, ledger: Counterparty, director: User
) -> None:
    response = page(client, director, period="quarter")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Key figures over 1 July – 30 September 2026" in html
    assert "compared with 1 April – 30 June 2026" in html
    assert "× 92 days" in html
    assert "from 01.07.2026 to 30.09.2026" in html
    # The quarter's CEI (44.1) and, under it, the quarter before's (0.0); not September's 20.8.
    table = html[html.index('id="kpi-summary"') : html.index('id="kpi-formulas"')]
    assert '44.1<br><small class="muted">0.0</small>' in table
    assert "20.8" not in table


def test_the_page_reads_the_period_in_russian(
    client: Client, ledger: Counterparty, director: User
) -> None:
    director.language = "ru"
    director.save()
    html = page(client, director, period="custom", start="2026-09-01", end="2026-09-30")
    text = html.content.decode()
    assert "1 сентября – 30 сентября 2026" in text
    assert "Квартал" in text


def test_a_custom_range_names_the_bad_field(client: Client, director: User) -> None:
    response = page(client, director, period="custom", start="2026-09-20", end="2026-09-10")
    assert response.status_code == 400
    assert "From must be on or before To." in response.content.decode()
    response = page(client, director, period="custom", start="2026-09-20", end="2026-10-10")
    assert response.status_code == 400
    assert "To cannot be after today, 05.10.2026." in response.content.decode()
    response = page(client, director, period="custom", end="2026-09-10")
    assert response.status_code == 400
    assert "Enter the first and the last day of the period." in response.content.decode()


def test_the_export_has_the_period_and_the_one_before(
    client: Client, ledger: Counterparty, director: User
) -> None:
    client.force_login(director)
    response = client.get(reverse("insight:metrics_export"), {"period": "quarter"})
    assert response.status_code == 200
    assert "kpis-2026-07-01-2026-09-30.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Key figures"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Collection KPIs, 1 July – 30 September 2026"
    assert rows[1][0] == "Previous period: 1 April – 30 June 2026"
    head, row = rows[2], rows[3]
    values = dict(zip(head, row, strict=True))
    assert values["CEI, %, 1 July – 30 September 2026"] == pytest.approx(44.1)
    assert values["CEI, %, 1 April – 30 June 2026"] == 0
    assert values["Receivables, 1 July – 30 September 2026"] == pytest.approx(2500)
