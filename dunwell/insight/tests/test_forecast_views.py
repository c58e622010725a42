"""The cash forecast page and its XLSX export: what the user reads in two languages, the chart's
data, and who may open them (finance, supervisor, director, admin; collectors are refused)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    outsider: User,
) -> None:
    team = make_counterparty(collector=collector, name="Team Debtor SRL")
    elsewhere = make_counterparty(collector=outsider, name="Elsewhere SRL")
    make_document(team, "1234.50", date=date(2026, 3, 1), due_date=date(2026, 4, 2))
    make_document(elsewhere, "98765.00", date=date(2026, 3, 1), due_date=date(2026, 4, 3))


def get(client: Client, user: User | None, name: str = "insight:forecast", **extra: Any) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name), **extra)


def test_anonymous_is_sent_to_login(client: Client) -> None:
    for name in ("insight:forecast", "insight:forecast_export"):
        response = get(client, None, name)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["collector", "teammate", "outsider"])
@pytest.mark.parametrize("name", ["insight:forecast", "insight:forecast_export"])
def test_collectors_are_refused_even_for_their_own_debtors(
    client: Client, ledger: None, who: str, name: str, request: pytest.FixtureRequest
) -> None:
    assert get(client, request.getfixturevalue(who), name).status_code == 403


def test_the_director_reads_the_forecast_and_the_chart_data_in_english(
    client: Client, ledger: None, director: User
) -> None:
    response = get(client, director)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cash forecast as of 31.03.2026" in html
    assert "Next 13 weeks, RON" in html and "Next 12 months, RON" in html
    assert "Open receivables" in html and "Pipeline deals" in html
    assert "99,999.50" in html  # both invoices in the first week (01.04–07.04)
    chart = response.context["chart"]
    assert len(chart["labels"]) == 26 and chart["parts"][0]["data"][13] == 99999.5
    assert 'id="forecast-chart"' in html


@pytest.mark.parametrize("query", [{}, {"currency": "RON"}])
def test_the_date_field_shows_the_day_the_forecast_is_taken_as_of(
    client: Client, ledger: None, director: User, query: dict[str, str]
) -> None:
    html = get(client, director, data=query).content.decode()
    assert 'name="as_of" value="2026-03-31"' in html


@pytest.mark.parametrize("language", ["ru", "uk", "ro"])
@pytest.mark.parametrize("query", [{}, {"currency": "RON"}])
def test_the_date_field_shows_the_day_in_every_language(
    client: Client, ledger: None, director: User, language: str, query: dict[str, str]
) -> None:
    """A Russian or Romanian director opened the forecast on an empty "По состоянию на" field:
    the widget wrote the day as 31.03.2026, which <input type="date"> does not take."""
    User.objects.filter(pk=director.pk).update(language=language)
    html = get(client, director, data=query).content.decode()
    assert 'name="as_of" value="2026-03-31"' in html


def test_the_page_reads_in_russian(client: Client, ledger: None, director: User) -> None:
    director.language = "ru"
    director.save()
    html = get(client, director, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Прогноз поступлений на 31.03.2026" in html
    assert "Открытая дебиторская задолженность" in html
    assert "Следующие 13 недель, RON" in html
    assert "Суммы в разных валютах никогда не складываются." in html
    assert "docs/" not in html  # no file of the source tree for a manager to look up


def test_the_page_shows_a_promise_at_the_kept_rate_to_the_exact_cent_in_romanian(
    client: Client, make_counterparty: Callable[..., Counterparty], director: User
) -> None:
    from decimal import Decimal

    from django.utils import timezone

    from dunwell.ladder.models import Promise

    debtor = make_counterparty(name="Cent SRL")
    for amount, day in (("1.15", 6), ("0.70", 7)):  # at the default kept rate of 50 %
        Promise.objects.create(
            counterparty=debtor,
            amount=Decimal(amount),
            currency="RON",
            promised_date=date(2026, 4, day),
            recorded_at=timezone.now(),
            status="active",
        )
    director.language = "ro"
    director.save()
    response = get(client, director, HTTP_ACCEPT_LANGUAGE="ro")
    week = response.context["tables"][0]["weeks"][0]
    # 0.575 → 0.58 and 0.35: the promises part and the total are 0.93, not 0.92.
    assert week["parts"][2] == Decimal("0.58") + Decimal("0.35") == week["total"]
    assert "0,93" in response.content.decode()


def test_a_supervisor_forecasts_only_the_team(
    client: Client, ledger: None, supervisor: User
) -> None:
    html = get(client, supervisor).content.decode()
    assert "1,234.50" in html
    assert "98,765.00" not in html and "99,999.50" not in html


def test_finance_sees_everything(
    client: Client, ledger: None, make_user: Callable[..., User]
) -> None:
    assert "99,999.50" in get(client, make_user("fiona", Role.FINANCE)).content.decode()


def test_a_bad_date_is_named_and_answered_400(client: Client, ledger: None, director: User) -> None:
    response = get(client, director, data={"as_of": "2026-02-30"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert get(client, director, "insight:forecast_export", data={"as_of": "x"}).status_code == 400


def test_the_export_has_weeks_and_months_per_currency(
    client: Client, ledger: None, supervisor: User
) -> None:
    response = get(client, supervisor, "insight:forecast_export")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Weeks", "Months"]
    rows = list(book["Weeks"].iter_rows(values_only=True))
    assert rows[0] == ("Cash forecast as of 31.03.2026",)  # as the page writes the date
    assert rows[1][:4] == ("Currency", "Period start", "Period end", "Open receivables")
    # the period as dates (a reader sorts and filters by them), the team's debtor only
    assert rows[2][:4] == ("RON", datetime(2026, 4, 1), datetime(2026, 4, 7), 1234.5)
    cells = next(book["Months"].iter_rows(min_row=3, max_row=3))
    assert [c.value for c in cells[:3]] == ["RON", datetime(2026, 4, 1), datetime(2026, 4, 30)]
    assert cells[1].number_format == cells[2].number_format == "dd.mm.yyyy"
    assert len(rows) == 2 + 13
    assert len(list(book["Months"].iter_rows(values_only=True))) == 2 + 12


@pytest.mark.parametrize("language", ["en", "uk"])
def test_a_first_month_already_under_way_is_named_by_its_days(
    client: Client, ledger: None, director: User, language: str
) -> None:
    """Taken on 15.03, the first month's row holds 16.03–31.03 only: labelled "03.2026" a
    finance reader took it for the whole of March, the receipts of 1–15 March included."""
    User.objects.filter(pk=director.pk).update(language=language)
    with time_machine.travel("2026-03-15 09:00:00+00:00", tick=False):
        response = get(client, director)
    months = response.context["tables"][0]["months"]
    assert [m["label"] for m in months[:2]] == ["16.03–31.03.2026", "04.2026"]
    html = response.content.decode()
    # The month's row heading opens the month (its label is the link's text).
    assert ">16.03–31.03.2026</a></th>" in html and ">03.2026</a></th>" not in html


def test_the_export_holds_the_currency_the_reader_chose(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    """A reader of the MDL forecast who clicked "Export to Excel" got five currencies, EUR
    first; the aging and KPI exports keep the chosen currency."""
    debtor = make_counterparty(name="Two Currencies SRL")
    make_document(debtor, "100.00", date=date(2026, 3, 1), due_date=date(2026, 4, 2))
    make_document(
        debtor, "250.00", currency="EUR", date=date(2026, 3, 1), due_date=date(2026, 4, 2)
    )

    def currencies(**data: str) -> list[set[object]]:
        response = get(client, director, "insight:forecast_export", data=data)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return [
            {row[0] for row in book[name].iter_rows(min_row=3, values_only=True)}
            for name in book.sheetnames
        ]

    assert currencies(currency="ron") == [{"RON"}, {"RON"}]
    assert currencies() == [{"EUR", "RON"}, {"EUR", "RON"}]
    # a currency the forecast has nothing in: the whole forecast, not an empty file
    assert currencies(currency="USD") == [{"EUR", "RON"}, {"EUR", "RON"}]


@pytest.mark.parametrize(
    ("lang", "received", "so_far", "until"),
    [("ro", "300,00", "până la 31.03 inclusiv", "Încasat până la"),
     ("ru", "300,00", "по 31.03 включительно", "Поступило по")],
)  # fmt: skip
def test_the_week_holding_today_shows_what_was_received_so_far(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Any],
    director: User,
    lang: str,
    received: str,
    so_far: str,
    until: str,
) -> None:
    """Taken as of 27.03 and read on 31.03, the week 28.03–03.04 said "Încasat —" though four
    of its days had passed and 300.00 RON came in on them."""
    debtor = make_counterparty(name="Early Payer SRL")
    invoice = make_document(debtor, "1000.00", date=date(2026, 3, 1), due_date=date(2026, 3, 25))
    pay(invoice, "100.00", date(2026, 3, 27))  # the as-of day: before the week
    pay(invoice, "120.00", date(2026, 3, 28))
    pay(invoice, "180.00", date(2026, 3, 31))
    director.language = lang
    director.save(update_fields=["language"])
    response = get(client, director, data={"as_of": "2026-03-27", "currency": "RON"})
    html = response.content.decode()
    week = response.context["tables"][0]["weeks"][0]
    assert (week["start"], week["end"]) == (date(2026, 3, 28), date(2026, 4, 3))
    assert f"{received}<br><small" in html.replace("\xa0", " ")
    assert so_far in html
    assert response.context["tables"][0]["weeks"][1]["actual"] is None  # not begun
    book = load_workbook(
        io.BytesIO(
            get(client, director, "insight:forecast_export", data={"as_of": "2026-03-27"}).content
        ),
        read_only=True,
    )
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][-1] == until
    assert rows[2][-2:] == (300, datetime(2026, 3, 31))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "обещания и соглашения учтены в размере 50%."),  # was "50 %", "%" on a line alone
        ("en", "promises and agreements count at 50%."),
    ],
)
def test_the_kept_rate_reads_as_the_language_writes_percents(
    client: Client, ledger: None, director: User, language: str, said: str
) -> None:
    director.language = language
    director.save()
    assert said in get(client, director, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_page_says_where_instalments_and_deals_come_from(
    client: Client, ledger: None, director: User
) -> None:
    """The note under the title explained the open receivables, the promises and the band, but
    not the two other columns: a director read "Pipeline deals 4 979,26" with nothing saying it
    is weighted by the deals' probability, nor when a deal is expected to pay."""
    html = get(client, director).content.decode()
    assert (
        "Contract instalments are the contracts' payment schedules not yet invoiced, on"
        " their due dates plus the customer's average delay." in html
    )
    assert (
        f'Pipeline deals are the open deals of the <a href="{reverse("pipeline:deals")}">sales'
        " pipeline</a> weighted by their probability" in html
    )
    assert "on the expected close date plus the deal's payment terms" in html


def test_where_the_deals_come_from_reads_in_ukrainian(
    client: Client, ledger: None, director: User
) -> None:
    director.language = "uk"
    director.save()
    html = get(client, director, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "ще не виставлені до оплати платежі з графіків договорів" in html
    assert "зважені на їхню ймовірність" in html
