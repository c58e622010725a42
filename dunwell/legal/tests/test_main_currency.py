"""The main currency of a debtor owing in several currencies (the legal case's, the statement's
first) is the one worth the most in the company's currency at the rates in force, not the
largest figure: 100,000 UAH (about 2,300 EUR) is less than 5,000 EUR. Without a rate for a
currency the figures are compared as they are, as before."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.interest.fx import forget_rates
from dunwell.interest.models import RateSeries, RateValue
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty, Document
from dunwell.legal import selectors, services
from dunwell.legal.models import LegalCase
from dunwell.money import Rate, RateTable, largest_currency

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 2)
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def frozen_and_fresh_rates() -> Iterator[None]:
    forget_rates()
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=UTC), tick=False):
        yield
    forget_rates()


def rate(code: str, value: str) -> None:
    series = RateSeries.objects.get_or_create(
        code=f"fx_{code}", defaults={"name": code, "update_cycle_days": 7}
    )[0]
    RateValue.objects.create(series=series, effective_from=date(2026, 5, 29), value=Decimal(value))


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> Counterparty:
    """A Ukrainian debtor of a company in lei: 100,000 UAH and 5,000 EUR overdue; no exchange
    rates but those a test writes."""
    RateValue.objects.filter(series__code__startswith="fx_").delete()
    cp = make_counterparty(name="ТОВ «Поділля»", country="UA", language="uk", collector=collector)
    make_document(cp, "100000.00", currency="UAH", due_date=DUE)
    make_document(cp, "5000.00", currency="EUR", due_date=DUE)
    return cp


def open_case_for_a_task(cp: Counterparty, lawyer: User) -> LegalCase:
    task = ladder.create_manual_task(
        counterparty=cp,
        assignee=lawyer,
        action="pretension",
        due_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        title="pretension",
        user=lawyer,
        documents=list(Document.objects.filter(counterparty=cp)),
    )
    # as the daily run writes a task over documents in two currencies
    Task.objects.filter(pk=task.pk).update(
        currency="", amount=0, amounts={"UAH": "100000.00", "EUR": "5000.00"}
    )
    LegalCase.objects.all().delete()
    (case_id,) = services.open_cases_for_tasks([task.pk])
    return LegalCase.objects.get(pk=case_id)


def test_the_case_is_in_the_currency_worth_most_at_the_rates_in_force(
    debtor: Counterparty, lawyer: User
) -> None:
    rate("eur_ron", "5.0")
    rate("eur_uah", "44.0")  # 100,000 UAH = 2,272.73 EUR
    assert selectors.currency_for(debtor) == "EUR"
    assert selectors.currencies_for(debtor) == ["EUR", "UAH"]
    case = open_case_for_a_task(debtor, lawyer)
    assert case.currency == "EUR"
    lawyer.language = "uk"
    lawyer.save(update_fields=["language"])
    client = Client()
    client.force_login(lawyer)
    page = client.get(reverse("legal:case", args=[case.pk])).content.decode()
    assert "0,00\xa0EUR" in page.split("</table>")[0]  # the claim's rows are in euros


def test_without_a_rate_the_largest_figure_is_kept(debtor: Counterparty, lawyer: User) -> None:
    rate("eur_ron", "5.0")  # nothing links the hryvnia to the leu
    assert selectors.currency_for(debtor) == "UAH"
    assert open_case_for_a_task(debtor, lawyer).currency == "UAH"


def test_largest_currency_compares_in_the_home_currency() -> None:
    table = RateTable(as_of=TODAY)
    amounts = {"UAH": Decimal("100000"), "EUR": Decimal("5000")}
    assert largest_currency(amounts, "RON", None) == "UAH"
    assert largest_currency(amounts, "RON", table) == "UAH"  # no rates: as the figures are
    table.add(Rate("EUR", "RON", Decimal("5"), TODAY))
    table.add(Rate("EUR", "UAH", Decimal("44"), TODAY))
    assert largest_currency(amounts, "RON", table) == "EUR"
    assert largest_currency(
        {"UAH": Decimal("300000")} | {"EUR": Decimal("5000")}, "RON", table
    ) == ("UAH")
