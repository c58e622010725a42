"""The aging selector: buckets, historic as-of, grouping, currencies, visibility."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dunwell.accounts.models import Role, User
from dunwell.insight.models import AgingBuckets
from dunwell.insight.selectors import AgingReport, GroupBy, aging
from dunwell.ledger.models import Company, Counterparty, Document, Payment, Segment

AS_OF = date(2026, 3, 31)
D = Decimal


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def amounts(report: AgingReport, currency: str = "RON") -> list[Decimal]:
    return report.totals.get(currency, [])


@pytest.fixture
def spread(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> Counterparty:
    """One document in each default bucket: 100 current, 200 at 1–30 ... 600 at 180+."""
    cp = make_counterparty()
    for amount, overdue in [(100, -3), (200, 30), (300, 31), (400, 90), (500, 180), (600, 181)]:
        make_document(cp, str(amount), date=days_ago(overdue + 30), due_date=days_ago(overdue))
    return cp


def test_each_document_lands_in_its_bucket_by_days_past_due(spread: Counterparty) -> None:
    report = aging(AS_OF, today=AS_OF)
    assert amounts(report) == [
        D("100.00"),
        D("200.00"),
        D("300.00"),
        D("400.00"),
        D("500.00"),
        D("600.00"),
    ]
    assert report.total("RON") == D("2100.00")
    assert report.documents["RON"] == 6
    [row] = report.rows
    assert row.key == spread.pk
    assert row.label == f"{spread.name} ({spread.external_id})"


def test_bucket_edges_can_be_overridden_and_saved(spread: Counterparty) -> None:
    assert amounts(aging(AS_OF, edges=(60,), today=AS_OF)) == [D(100), D(500), D(1500)]
    AgingBuckets.objects.create(edges="30, 180")
    assert amounts(aging(AS_OF, today=AS_OF)) == [D(100), D(200), D(1200), D(600)]


def test_a_document_paid_later_is_open_on_an_earlier_date(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
) -> None:
    cp = make_counterparty()
    doc = make_document(cp, "1000.00", date=date(2026, 1, 5), due_date=date(2026, 2, 4))
    pay(doc, "400.00", date(2026, 2, 20))
    pay(doc, "600.00", date(2026, 3, 10))
    doc.refresh_from_db()
    assert doc.open_amount == 0

    assert aging(date(2026, 3, 31), today=date(2026, 3, 31)).rows == []  # fast path: paid
    assert aging(date(2026, 3, 31), today=date(2026, 4, 30)).rows == []  # historic: paid
    before_any = aging(date(2026, 2, 10), today=date(2026, 3, 31))
    assert amounts(before_any) == [D(0), D("1000.00"), D(0), D(0), D(0), D(0)]
    after_first = aging(date(2026, 3, 1), today=date(2026, 3, 31))
    assert amounts(after_first) == [D(0), D("600.00"), D(0), D(0), D(0), D(0)]
    on_the_last_day = aging(date(2026, 3, 10), today=date(2026, 3, 31))
    assert on_the_last_day.rows == []
    # Before the document existed it owed nothing.
    assert aging(date(2026, 1, 4), today=date(2026, 3, 31)).rows == []


def test_historic_path_equals_the_fast_path_for_today(
    spread: Counterparty, make_document: Callable[..., Document], pay: Callable[..., Payment]
) -> None:
    doc = make_document(spread, "70.00", date=days_ago(50), due_date=days_ago(40))
    pay(doc, "25.00", days_ago(5))
    fast = aging(AS_OF, today=AS_OF)
    historic = aging(AS_OF, today=AS_OF + timedelta(days=1))
    assert fast.totals == historic.totals
    assert amounts(fast)[2] == D("345.00")  # 300 + 45 still open at 31–60


def test_currencies_are_never_added_together(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., object],
) -> None:
    cp = make_counterparty()
    make_document(cp, "100.00", due_date=days_ago(10))
    make_document(cp, "7.00", currency="EUR", due_date=days_ago(10))
    report = aging(AS_OF, GroupBy.COUNTERPARTY, today=AS_OF)
    assert report.currencies == ["EUR", "RON"]
    assert report.total("EUR") == D("7.00")
    assert report.total("RON") == D("100.00")
    assert sorted((r.currency, r.total) for r in report.rows) == [
        ("EUR", D("7.00")),
        ("RON", D("100.00")),
    ]
    only_eur = aging(AS_OF, currency="EUR", today=AS_OF)
    assert only_eur.currencies == ["EUR"]


def test_grouping_by_collector_segment_company_and_currency(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    teammate: User,
    company: Company,
) -> None:
    key = Segment.objects.get(code="key")
    a = make_counterparty(collector=collector, segment=key)
    b = make_counterparty(collector=teammate)
    c = make_counterparty()
    make_document(a, "10.00", due_date=days_ago(5))
    make_document(a, "20.00", due_date=days_ago(45))
    make_document(b, "30.00", due_date=days_ago(5))
    make_document(c, "40.00", due_date=days_ago(5))

    by_collector = {r.label: r.total for r in aging(AS_OF, "collector", today=AS_OF).rows}
    assert by_collector == {
        str(collector): D("30.00"),
        str(teammate): D("30.00"),
        "Not assigned": D("40.00"),
    }
    by_segment = {r.label: r.total for r in aging(AS_OF, "segment", today=AS_OF).rows}
    assert by_segment == {key.name: D("30.00"), "Standard": D("70.00")}
    by_company = aging(AS_OF, "company", today=AS_OF).rows
    assert [(r.key, r.label, r.total) for r in by_company] == [
        (company.pk, company.name, D("100.00"))
    ]
    by_currency = aging(AS_OF, "currency", today=AS_OF).rows
    assert [(r.label, r.documents) for r in by_currency] == [("RON", 4)]
    by_counterparty = aging(AS_OF, today=AS_OF).rows
    assert [r.key for r in by_counterparty] == [c.pk, a.pk, b.pk]  # largest debt first


def test_visibility_collector_teammate_outsider_director(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    teammate: User,
    outsider: User,
    supervisor: User,
    director: User,
) -> None:
    mine = make_counterparty(collector=collector)
    theirs = make_counterparty(collector=teammate)
    make_document(mine, "10.00", due_date=days_ago(5))
    make_document(theirs, "20.00", due_date=days_ago(5))

    def keys(user: User) -> set[int | str | None]:
        return {r.key for r in aging(AS_OF, user=user, today=AS_OF).rows}

    assert keys(collector) == {mine.pk}
    assert keys(teammate) == {theirs.pk}
    assert keys(outsider) == set()
    assert aging(AS_OF, user=outsider, today=AS_OF).totals == {}
    assert keys(supervisor) == {mine.pk, theirs.pk}
    assert keys(director) == {mine.pk, theirs.pk}
    inactive = User.objects.create_user("gone", role=Role.DIRECTOR, is_active=False)
    assert keys(inactive) == set()
    # The historic path filters too.
    assert {r.key for r in aging(AS_OF, user=collector, today=AS_OF + timedelta(1)).rows} == {
        mine.pk
    }
