"""The KPI dashboard and its XLSX export: what the user reads, in two languages, and who may
open them (finance, supervisor, director, admin; collectors are refused)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty, Document


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
    make_document(team, "1234.50", date=date(2026, 3, 1), due_date=date(2026, 3, 20))
    make_document(elsewhere, "98765.00", date=date(2026, 2, 1), due_date=date(2026, 3, 1))


def get(client: Client, user: User | None, name: str = "insight:metrics", **extra: Any) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name), **extra)


def test_anonymous_is_sent_to_login(client: Client) -> None:
    for name in ("insight:metrics", "insight:metrics_export"):
        response = get(client, None, name)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["collector", "teammate", "outsider"])
@pytest.mark.parametrize("name", ["insight:metrics", "insight:metrics_export"])
def test_collectors_are_refused_even_for_their_own_debtors(
    client: Client, ledger: None, who: str, name: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    assert get(client, user, name).status_code == 403


def test_the_director_reads_every_figure_in_english(
    client: Client, ledger: None, director: User
) -> None:
    response = get(client, director)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Collection KPIs as of 31.03.2026" in html
    assert "Best possible DSO" in html
    assert "99,999.50" in html  # both debtors, one currency
    assert "Roll rates, %" in html and "Recovery odds" in html
    assert "Paid within 365 days" in html
    assert 'id="dso-chart"' in html and "metrics-chart-data" in html


def test_the_page_reads_in_russian(client: Client, ledger: None, director: User) -> None:
    director.language = "ru"
    director.save()
    html = get(client, director, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Показатели взыскания на 31.03.2026" in html
    assert "Наилучший возможный DSO" in html
    assert "Коэффициенты перехода, %" in html
    assert "Оплачено в течение 30 дней" in html
    # a manager is pointed at the headings' explanations, not at a file of the source tree
    assert "Наведите указатель на заголовок (DSO, ADD, CEI)" in html
    assert "docs/" not in html


def test_the_day_figures_say_they_are_days(client: Client, ledger: None, director: User) -> None:
    """DSO, simple DSO, best possible DSO and ADD stood as bare numbers under their headings:
    only the chart below said "DSO, дней"."""
    director.language = "ru"
    director.save()
    html = get(client, director, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    head = html.split('id="kpi-summary"', 1)[1].split("</thead>", 1)[0]
    assert head.count('<small class="muted">дней</small>') == 4


def test_a_supervisor_sees_only_the_team(client: Client, ledger: None, supervisor: User) -> None:
    html = get(client, supervisor).content.decode()
    assert "1,234.50" in html
    assert "98,765.00" not in html and "99,999.50" not in html


def test_finance_sees_everything(
    client: Client, ledger: None, make_user: Callable[..., User]
) -> None:
    html = get(client, make_user("fiona", Role.FINANCE)).content.decode()
    assert "99,999.50" in html


def test_a_bad_date_is_named_and_answered_400(client: Client, ledger: None, director: User) -> None:
    response = get(client, director, data={"as_of": "2026-02-30"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert get(client, director, "insight:metrics_export", data={"as_of": "x"}).status_code == 400


def test_the_export_has_the_trend_roll_rates_recovery_and_collectors(
    client: Client, ledger: None, supervisor: User
) -> None:
    response = get(client, supervisor, "insight:metrics_export", data={"as_of": "2026-03-31"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Key figures", "KPIs", "Roll rates", "Recovery odds", "Collectors"]
    rows = list(book["KPIs"].iter_rows(values_only=True))
    # the date as the page writes it ("Collection KPIs as of 31.03.2026"), not ISO
    assert rows[0] == ("Collection KPIs as of 31.03.2026",)
    assert rows[1][:4] == ("Currency", "Group", "Period end", "Receivables")
    last = rows[-1]
    # the period's end is a date, the receivables an amount (the team's debtor only)
    assert last[:4] == ("RON", None, datetime(2026, 3, 31), 1234.5)
    assert len(rows) == 2 + 12
    cells = list(load_workbook(io.BytesIO(response.content))["KPIs"].iter_rows())[-1]
    assert [c.number_format for c in cells[2:5]] == ["dd.mm.yyyy", "#,##0.00", "#,##0.00"]
    assert cells[5].number_format == "#,##0.0"  # DSO, one place
    roll = list(book["Roll rates"].iter_rows(values_only=True))
    assert roll[1][3] == datetime(2025, 4, 30)  # month-ends as dates


@pytest.mark.parametrize(
    ("language", "kpis", "collectors"),
    [
        (
            "en",
            "Collection KPIs as of 31.03.2026",
            "Collector results from 01.03.2026 to 31.03.2026",
        ),
        (
            "ru",
            "Показатели взыскания на 31.03.2026",
            "Результаты взыскателей с 01.03.2026 по 31.03.2026",
        ),
        (
            "ro",
            "Indicatorii recuperării la 31.03.2026",
            "Rezultatele recuperatorilor între 01.03.2026 și 31.03.2026",
        ),
    ],
)
def test_every_sheet_of_the_export_says_when_it_was_taken(
    client: Client, ledger: None, director: User, language: str, kpis: str, collectors: str
) -> None:
    """The roll rates, recovery odds and collectors' sheets began with their headings: the
    collectors' figures (a month's) did not say which month, as the page does above them."""
    User.objects.filter(pk=director.pk).update(language=language)
    response = get(client, director, "insight:metrics_export", data={"as_of": "2026-03-31"})
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    # The first sheet, the key figures of the period and the one before, names both in words.
    titles = [next(sheet.iter_rows(values_only=True))[0] for sheet in book.worksheets[1:]]
    assert titles == [kpis, kpis, kpis, collectors]
    heads = [list(sheet.iter_rows(values_only=True))[1][0] for sheet in book.worksheets[1:]]
    assert heads[0] == heads[1] == heads[2] != heads[3]  # Currency × 3, then Collector


def test_the_page_opens_on_the_latest_month_end(client: Client, director: User) -> None:
    """Not on today: a month cut short on the 1st gives a CEI and roll rates of a single day."""
    with time_machine.travel("2026-04-01 09:00:00+00:00", tick=False):
        text = get(client, director).content.decode()
    assert "Collection KPIs as of 31.03.2026" in text


@pytest.mark.parametrize("query", [{}, {"by": "collector"}])
def test_the_date_field_shows_the_month_end_the_page_is_taken_as_of(
    client: Client, director: User, query: dict[str, str]
) -> None:
    with time_machine.travel("2026-04-01 09:00:00+00:00", tick=False):
        text = get(client, director, data=query).content.decode()
    assert "Collection KPIs as of 31.03.2026" in text
    assert 'name="as_of" value="2026-03-31"' in text


@pytest.fixture
def two_currencies(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    euro = make_counterparty(collector=collector, name="Euro Debtor GmbH")
    leu = make_counterparty(collector=collector, name="Leu Debtor SRL")
    make_document(euro, "500.00", date=date(2026, 1, 10), due_date=date(2026, 2, 9), currency="EUR")
    make_document(leu, "700.00", date=date(2026, 1, 10), due_date=date(2026, 2, 9), currency="RON")


@pytest.mark.parametrize(
    ("lang", "eur", "ron", "shown"),
    [
        ("en", "Roll rates and recovery odds, EUR", "Roll rates and recovery odds, RON",
         "Roll rates and recovery odds below are for EUR. Other currencies:"),
        ("ro", "Rate de trecere și șanse de recuperare, EUR",
         "Rate de trecere și șanse de recuperare, RON",
         "Ratele de trecere și șansele de recuperare de mai jos sunt pentru EUR. Alte monede:"),
    ],
)  # fmt: skip
def test_every_currency_has_its_roll_rates_and_recovery_odds(
    client: Client, two_currencies: None, director: User, lang: str, eur: str, ron: str, shown: str
) -> None:
    """All currencies showed the roll rates and recovery odds of the first only, under a bare
    "EUR" heading, with no word that the others exist."""
    director.language = lang
    director.save(update_fields=["language"])
    html = get(client, director).content.decode()
    assert html.count('class="data roll-rates"') == 2
    assert html.count('class="data recovery"') == 2
    assert eur in html and ron in html
    # Grouped by segment, a block per group and currency: the page says which currency it
    # shows and links to the other.
    html = get(client, director, data={"by": "segment"}).content.decode()
    assert shown in html
    assert ron not in html
    assert "?by=segment&amp;currency=RON" in html


@pytest.mark.parametrize(("language", "point"), [("ru", ","), ("en", ".")])
def test_the_recovery_odds_read_as_the_language_writes_percents(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
    language: str,
    point: str,
) -> None:
    """'54,4%' in Russian and '54.4%' in English, as the debtor card and the calculator write
    a percent (the |percent filter); the page wrote '54,4 %', the sign apart from its number."""
    from dunwell.ledger.services import add_payment

    debtor = make_counterparty(name="Slow Payer SRL")
    for n, (due, paid) in enumerate([(date(2025, 11, 20), date(2026, 1, 10)),
                                     (date(2025, 12, 20), date(2026, 3, 5))]):  # fmt: skip
        doc = make_document(debtor, "300.00", date=due - timedelta(days=30), due_date=due)
        add_payment(
            debtor.company, debtor, paid, Decimal("100"), doc.currency, f"P{n}", document=doc
        )
    director.language = language
    director.save()
    html = get(client, director, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    table = html[html.index('class="data recovery"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)<br>', table)
    shares = [c for c in cells if c != "—"]
    assert shares, cells
    # One decimal in every cell, so that a column does not mix "18%" and "24,8%".
    assert all(re.fullmatch(rf"\d+\{point}\d%", c) for c in shares), shares


def test_the_page_says_how_dso_and_cei_are_computed_and_over_which_days(
    client: Client, ledger: None, director: User
) -> None:
    """The key figures stood as bare numbers under headings whose hints named no formula and
    no period: a director could not tell which sales a DSO of 107 divides by, nor which month
    a CEI is of."""
    html = get(client, director).content.decode()
    formulas = html.split('id="kpi-formulas"', 1)[1].split("</div>", 1)[0]
    assert (
        "Simple DSO = receivables on 31.03.2026 ÷ credit sales from 01.01.2026 to 31.03.2026"
        " × 90 days." in formulas
    )
    assert "Best possible DSO = not yet due on 31.03.2026" in formulas
    assert "ADD = simple DSO − best possible DSO" in formulas
    assert (
        "CEI, % = (receivables on 28.02.2026 + credit sales from 01.03.2026 to 31.03.2026"
        " − receivables on 31.03.2026) ÷ (receivables on 28.02.2026 + the same credit sales"
        " − not yet due on 31.03.2026) × 100" in formulas
    )
    assert "DSO (count-back): the receivables on 31.03.2026" in formulas


def test_the_formulas_read_in_romanian(client: Client, ledger: None, director: User) -> None:
    director.language = "ro"
    director.save()
    html = get(client, director, HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    formulas = html.split('id="kpi-formulas"', 1)[1].split("</div>", 1)[0]
    assert "Cum se calculează indicatorii principali" in formulas
    assert "01.01.2026" in formulas and "90 de zile" in formulas


def test_the_recovery_odds_name_the_month_ends_they_rest_on(
    client: Client, ledger: None, director: User
) -> None:
    """The note said "past month-ends (24 months)" whatever the ledger held: a ledger begun
    in February read as two years of history, and a 365-day column with nothing to measure
    yet did not say why it was empty."""
    html = get(client, director).content.decode()
    table = html.split('class="data recovery"', 1)[1].split("</thead>", 1)[0]
    cells = re.findall(r'<th class="num"><small class="muted">([^<]*)</small></th>', table)
    assert cells == ["28.02.2026 to 28.02.2026", "none yet", "none yet", "none yet"]
    assert "Month-ends measured" in table


def test_the_exported_recovery_odds_name_the_month_ends_as_the_page_does(
    client: Client, ledger: None, director: User
) -> None:
    """The page names the month-ends under each column; the sheet gave the shares alone."""
    response = get(client, director, "insight:metrics_export")
    rows = list(
        load_workbook(io.BytesIO(response.content), read_only=True)["Recovery odds"].iter_rows(
            values_only=True
        )
    )
    assert rows[-1] == (
        "RON",
        None,
        "Month-ends measured",
        "28.02.2026 to 28.02.2026",
        None,
        "none yet",
        None,
        "none yet",
        None,
        "none yet",
    )
