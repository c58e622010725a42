"""A week of the cash forecast opened: the documents, instalments, promises and deals behind
its figure, why each is expected then, their totals equal to the week's figure to the cent, and
who may open it (as the forecast page: finance, supervisors over their team, directors)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role, User
from dunwell.insight import forecast_math as fm
from dunwell.insight.forecast import Method, Part, forecast, week_items
from dunwell.ladder.models import Promise
from dunwell.ledger.deals import ensure_default_stages
from dunwell.ledger.models import (
    Company,
    Contract,
    ContractInstalment,
    Counterparty,
    Deal,
    DealStage,
    Document,
)

pytestmark = pytest.mark.django_db

T = date(2026, 3, 31)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Contract],
    pay: Callable[..., object],
    collector: User,
    outsider: User,
) -> dict[str, Any]:
    """Two debtors (one of the collector's team, one elsewhere) with open invoices, an overdue
    one spread by the late-payment curve, a promise at the kept rate, a contract's schedule and
    two deals at odd probabilities: cents that round."""
    team = make_counterparty(collector=collector, name="Team Debtor SRL")
    other = make_counterparty(collector=outsider, name="Elsewhere SRL")
    for cp in (team, other):
        first = make_document(cp, "100.00", date=date(2025, 12, 1), due_date=date(2026, 1, 10))
        pay(first, "100.00", date(2026, 1, 18))  # 8 days late: the average delay
        old = make_document(cp, "1000.00", date=date(2025, 11, 1), due_date=date(2026, 1, 15))
        pay(old, "333.33", date(2026, 2, 3))  # the late curve's first week
    invoice = make_document(
        team, "1234.57", number="INV-7", date=date(2026, 3, 1), due_date=date(2026, 4, 2)
    )
    make_document(team, "10.01", number="INV-8", date=date(2026, 3, 2), due_date=date(2026, 4, 2))
    make_document(other, "98765.43", date=date(2026, 3, 1), due_date=date(2026, 4, 3))
    make_document(other, "200.03", date=date(2026, 2, 10), due_date=date(2026, 3, 11))
    contract = make_contract(team, number="K-12")
    ContractInstalment.objects.create(
        contract=contract, due_date=date(2026, 4, 1), amount=Decimal("777.77")
    )
    Promise.objects.create(
        counterparty=other,
        amount=Decimal("1.15"),
        currency="RON",
        promised_date=date(2026, 4, 6),
        recorded_at=datetime(2026, 3, 30, 10, tzinfo=UTC),
        status="active",
    )
    ensure_default_stages([company.pk])
    proposal = DealStage.objects.get(company=company, code="proposal")
    for n, probability in enumerate((33, 67)):
        Deal.objects.create(
            company=company,
            counterparty=team,
            external_id=f"D{n}",
            name=f"Pumps {n}",
            amount=Decimal("100.01"),
            currency="RON",
            stage=proposal,
            probability=probability,
            stage_entered_on=date(2026, 3, 1),
            expected_close=date(2026, 3, 28),
            payment_days=1,
        )
    return {"team": team, "invoice": invoice}


def test_the_items_of_every_week_add_up_to_the_weeks_figure_to_the_cent(
    ledger: dict[str, Any],
) -> None:
    report = forecast(T, method=Method.HISTORY, band=False)
    (ron,) = report.currencies
    seen = set()
    for number, row in enumerate(ron.weeks, 1):
        items = week_items(T, None, Method.HISTORY, fm.weeks(T)[number - 1], "RON")
        for part in Part:
            assert sum(i.cents for i in items if i.part == part) == row.parts[part], (number, part)
        seen |= {i.part for i in items}
    assert seen == set(Part)  # every part had something to add up


def test_finance_opens_a_week_from_the_forecast_page(
    client: Client, ledger: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("fiona", Role.FINANCE))
    page = client.get(reverse("insight:forecast"), {"currency": "RON"}).content.decode()
    link = f"{reverse('insight:forecast_week')}?as_of=2026-03-31&amp;currency=RON&amp;week=2"
    assert link in page
    response = client.get(
        reverse("insight:forecast_week"), {"as_of": "2026-03-31", "currency": "RON", "week": "2"}
    )
    html = response.content.decode()
    week = response.context
    # 02.04 + 8 days = 10.04 (week 2: 08.04–14.04).
    assert "Week 08.04–14.04.2026, RON" in html
    assert "Team Debtor SRL" in html and "Invoice INV-7" in html
    assert "1,234.57 RON" in html
    assert "Due 02.04.2026 plus the customer&#x27;s average delay of 8 days." in html
    table = forecast(T, method=Method.HISTORY, band=False).currencies[0].weeks[1]
    assert week["total"] == Decimal(table.total) / 100
    amounts = [row["amount"] for row in week["items"]]
    assert amounts == sorted(amounts, reverse=True)  # the largest first


def test_the_week_reads_in_russian_with_the_deal_and_its_probability(
    client: Client, ledger: dict[str, Any], director: User
) -> None:
    director.language = "ru"
    director.save()
    client.force_login(director)

    def week(number: int) -> str:
        return client.get(
            reverse("insight:forecast_week"),
            {"as_of": "2026-03-31", "currency": "RON", "week": str(number)},
            HTTP_ACCEPT_LANGUAGE="ru",
        ).content.decode()

    # Closing 28.03, already past: from 01.04, + 1 day of terms + 8 days of delay = 10.04.
    second = week(2)
    assert "Сделка Pumps 1" in second
    assert "учтено по вероятности сделки 67%" in second
    first = week(1)
    assert "Обещание оплатить до 06.04.2026" in first
    assert "учтено по доле выполненных обещаний: 50%" in first


def test_a_supervisor_opens_only_the_teams_items_and_collectors_are_refused(
    client: Client, ledger: dict[str, Any], supervisor: User, collector: User
) -> None:
    query = {"as_of": "2026-03-31", "currency": "RON", "week": "2"}
    client.force_login(supervisor)
    html = client.get(reverse("insight:forecast_week"), query).content.decode()
    assert "Team Debtor SRL" in html and "Elsewhere SRL" not in html
    client.force_login(collector)
    for name in ("insight:forecast_week", "insight:forecast_week_export"):
        assert client.get(reverse(name), query).status_code == 403


def test_the_weeks_export_lists_its_items_and_total(
    client: Client, ledger: dict[str, Any], director: User
) -> None:
    client.force_login(director)
    response = client.get(
        reverse("insight:forecast_week_export"),
        {"as_of": "2026-03-31", "currency": "RON", "week": "2"},
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert any(r[0] == "Team Debtor SRL" and r[1] == "Invoice INV-7" for r in rows)
    assert rows[-1][2] == "Forecast" and rows[-1][5] == "RON"
    week = forecast(T, method=Method.HISTORY, band=False).currencies[0].weeks[1]
    assert Decimal(str(rows[-1][4])) == Decimal(week.total) / 100


def test_a_week_out_of_range_is_answered_400(client: Client, director: User) -> None:
    client.force_login(director)
    response = client.get(reverse("insight:forecast_week"), {"currency": "RON", "week": "14"})
    assert response.status_code == 400


def test_the_week_page_lists_the_largest_items_and_counts_the_rest_the_export_keeps_all(
    client: Client, ledger: dict[str, Any], director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dunwell.insight import forecast_views

    monkeypatch.setattr(forecast_views, "WEEK_PAGE_ITEMS", 2)
    client.force_login(director)
    query = {"as_of": "2026-03-31", "currency": "RON", "week": "2"}
    export = client.get(reverse("insight:forecast_week_export"), query)
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    every = [Decimal(str(r[4])) for r in rows if r[1] and r[3] and r[0] != "Debtor"]
    assert len(every) > 3  # the export keeps every item
    response = client.get(reverse("insight:forecast_week"), query)
    html = response.content.decode()
    assert [row["amount"] for row in response.context["items"]] == every[:2]  # the largest
    rest = sum(every[2:], Decimal(0))
    assert f"and {len(every) - 2} more items ({rest:,.2f}\xa0RON in total)" in html
    assert "all of them are in the Excel export" in html
    # the parts' totals stay those of every item
    table = forecast(T, method=Method.HISTORY, band=False).currencies[0].weeks[1]
    assert response.context["total"] == Decimal(table.total) / 100
    assert sum(every, Decimal(0)) == Decimal(table.total) / 100


def test_a_short_week_has_no_more_line(
    client: Client, ledger: dict[str, Any], director: User
) -> None:
    client.force_login(director)
    query = {"as_of": "2026-03-31", "currency": "RON", "week": "2"}
    html = client.get(reverse("insight:forecast_week"), query).content.decode()
    assert "more item" not in html


# --- a month opened as a week is --------------------------------------------------------------


def test_the_items_of_every_month_add_up_to_the_months_figure_to_the_cent(
    ledger: dict[str, Any],
) -> None:
    report = forecast(T, method=Method.HISTORY, band=False)
    (ron,) = report.currencies
    for number, row in enumerate(ron.months, 1):
        items = week_items(T, None, Method.HISTORY, fm.months(T)[number - 1], "RON")
        for part in Part:
            assert sum(i.cents for i in items if i.part == part) == row.parts[part], (number, part)


def test_finance_opens_a_month_from_the_forecast_page_in_romanian(
    client: Client, ledger: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("fiona", Role.FINANCE, language="ro"))
    page = client.get(reverse("insight:forecast"), {"currency": "RON"}).content.decode()
    link = f"{reverse('insight:forecast_week')}?as_of=2026-03-31&amp;currency=RON&amp;month=1"
    assert link in page  # April 2026: as of 31.03 nothing of March is left
    assert "Deschideți o săptămână sau o lună" in page
    response = client.get(
        reverse("insight:forecast_week"), {"as_of": "2026-03-31", "currency": "RON", "month": "1"}
    )
    html = response.content.decode()
    assert "Luna 04.2026, RON" in html
    assert "Team Debtor SRL" in html and "INV-7" in html
    april = forecast(T, method=Method.HISTORY, band=False).currencies[0].months[0]
    assert response.context["total"] == Decimal(april.total) / 100
    export = client.get(
        reverse("insight:forecast_week_export"),
        {"as_of": "2026-03-31", "currency": "RON", "month": "1"},
    )
    assert "month-1-RON.xlsx" in export["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Prognoza încasărilor la 31.03.2026, luna 04.2026"
    assert Decimal(str(rows[-1][4])) == Decimal(april.total) / 100


def test_a_month_and_a_week_together_or_neither_are_refused_with_the_reason(
    client: Client, director: User
) -> None:
    client.force_login(director)
    url = reverse("insight:forecast_week")
    for query in ({"currency": "RON", "week": "2", "month": "1"}, {"currency": "RON"}):
        response = client.get(url, query)
        assert response.status_code == 400
        assert "Choose one week or one month of the forecast." in response.content.decode()
    assert client.get(url, {"currency": "RON", "month": "13"}).status_code == 400
