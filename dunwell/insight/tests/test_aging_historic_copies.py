"""Historic aging reads the allocations' copies of their documents' columns (issue 15, item 5):
it must always equal the full computation, walking every document and allocation, through
partial payments, credit, reversals (cancelled, reduced and deleted payments), documents
re-dated or cancelled, several currencies, and days before, between and after the payments."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from dunwell.insight.buckets import DEFAULT_EDGES, make_buckets
from dunwell.insight.selectors import AgingReport, GroupBy, aging
from dunwell.ledger.allocation import reallocate
from dunwell.ledger.models import Allocation, Company, Counterparty, Document, Payment
from dunwell.ledger.services import add_payment, create_company

TODAY = date(2026, 6, 30)
START = date(2026, 1, 5)
CURRENCIES = ("RON", "EUR", "MDL")


def cents(value: Decimal) -> int:
    return int(value * 100)


def reference(
    as_of: date, company: Company | None = None, currency: str | None = None
) -> dict[tuple[int, str], tuple[list[int], int]]:
    """(counterparty, currency) -> (cents per default bucket, documents), from every document:
    dated on or before the day, open by its live amount less what was paid on or before it."""
    paid: dict[int, int] = {}
    for allocation in Allocation.objects.filter(paid_on__lte=as_of):
        paid[allocation.document_id] = paid.get(allocation.document_id, 0) + cents(
            allocation.amount
        )
    buckets = make_buckets(DEFAULT_EDGES)
    rows: dict[tuple[int, str], tuple[list[int], int]] = {}
    for document in Document.objects.filter(date__lte=as_of):
        if company is not None and document.company_id != company.pk:
            continue
        if currency is not None and document.currency != currency:
            continue
        live = 0 if document.cancelled else cents(document.amount)
        open_cents = live - paid.get(document.pk, 0)
        if open_cents <= 0:
            continue
        key = (document.counterparty_id, document.currency)
        amounts, count = rows.get(key, ([0] * len(buckets), 0))
        late = (as_of - document.due_date).days
        index = next(i for i, bucket in enumerate(buckets) if bucket.contains(late))
        amounts[index] += open_cents
        rows[key] = (amounts, count + 1)
    return rows


def by_row(report: AgingReport) -> dict[tuple[Any, str], tuple[list[int], int]]:
    return {(row.key, row.currency): (row.cents, row.documents) for row in report.rows}


def assert_equals_full_computation(days: list[date], companies: list[Company]) -> None:
    for day in days:
        expected = reference(day)
        report = aging(day, GroupBy.COUNTERPARTY, today=TODAY)
        assert by_row(report) == expected, day
        for code in CURRENCIES:
            rows = [value for (_cp, cur), value in expected.items() if cur == code]
            if not rows:
                assert code not in report.totals, day
                continue
            totals = [sum(amounts[i] for amounts, _n in rows) for i in range(len(rows[0][0]))]
            assert [cents(value) for value in report.totals[code]] == totals, (day, code)
            assert report.documents[code] == sum(n for _a, n in rows), (day, code)
            assert report.row_counts[code] == len(rows), (day, code)
        # The page (largest rows in SQL) keeps the full report's first rows and every total.
        page = aging(day, GroupBy.COUNTERPARTY, today=TODAY, largest=2)
        assert page.totals == report.totals and page.documents == report.documents, day
        assert page.row_counts == report.row_counts, day
        for code in CURRENCIES:
            full = [row for row in report.rows if row.currency == code][:2]
            kept = [row for row in page.rows if row.currency == code]
            assert [(r.key, r.cents, r.documents) for r in kept] == [
                (r.key, r.cents, r.documents) for r in full
            ], (day, code)
        for company in companies:
            filtered = aging(day, GroupBy.COUNTERPARTY, today=TODAY, company=company)
            assert by_row(filtered) == reference(day, company=company), (day, company)
        assert by_row(aging(day, GroupBy.COUNTERPARTY, today=TODAY, currency="EUR")) == (
            reference(day, currency="EUR")
        ), day


def assert_copies_match_documents() -> None:
    """Every allocation carries its document's columns, and exactly the last allocation (by
    paid_on, then payment) of each fully paid document is marked as the one that closed it."""
    last: dict[int, tuple[date, int, int]] = {}
    for allocation in Allocation.objects.select_related("document"):
        document = allocation.document
        assert (
            allocation.company_id,
            allocation.currency,
            allocation.document_date,
            allocation.due_date,
        ) == (document.company_id, document.currency, document.date, document.due_date)
        key = (allocation.paid_on, allocation.payment_id, allocation.pk)
        if allocation.document_id not in last or last[allocation.document_id] < key:
            last[allocation.document_id] = key
    closing = {
        pk
        for document_id, (_paid_on, _payment, pk) in last.items()
        if Document.objects.get(pk=document_id).open_amount == 0
    }
    marked = set(Allocation.objects.filter(closes_document=True).values_list("pk", flat=True))
    assert marked == closing


@pytest.fixture
def ledger(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> tuple[list[Company], list[Counterparty]]:
    """Two companies, counterparties with documents in three currencies, and payments that
    pay in part, in full, ahead of the document, or more than is owed (credit)."""
    rng = random.Random(15)
    other = create_company(
        name="Other Supply SRL",
        code="other",
        country="RO",
        currency="RON",
    )
    companies = [company, other]
    counterparties: list[Counterparty] = []
    documents = 0
    payments = 0
    for n in range(8):
        owner = companies[n % 2]
        cp = make_counterparty(company=owner, external_id=f"H{n:03d}", name=f"Hist {n} SRL")
        counterparties.append(cp)
        docs: list[Document] = []
        for _ in range(rng.randint(3, 7)):
            documents += 1
            issued = START + timedelta(days=rng.randint(0, 150))
            docs.append(
                make_document(
                    cp,
                    f"{rng.randint(100, 5000)}.{rng.randint(0, 99):02d}",
                    company=owner,
                    external_id=f"HD{documents:05d}",
                    date=issued,
                    due_date=issued + timedelta(days=rng.choice([0, 14, 30, 45, 90])),
                    currency=rng.choice(CURRENCIES),
                )
            )
        for _ in range(rng.randint(2, 6)):
            payments += 1
            target = rng.choice(docs)
            share = rng.choice(["0.25", "0.5", "1", "1.3"])
            amount = (target.amount * Decimal(share)).quantize(Decimal("0.01"))
            # Some are paid before the document is dated (a prepayment names it).
            on = target.date + timedelta(days=rng.randint(-10, 120))
            add_payment(
                owner,
                cp,
                min(on, TODAY),
                amount,
                target.currency,
                f"HP{payments:05d}",
                document=target if rng.random() < 0.6 else None,
            )
    return companies, counterparties


def days_to_check() -> list[date]:
    days = {START - timedelta(days=1), START, TODAY - timedelta(days=1)}
    days.update(Payment.objects.values_list("date", flat=True))
    days.update(day - timedelta(days=1) for day in list(days))
    days.update(date(2026, month, 15) for month in range(1, 7))
    return sorted(day for day in days if day < TODAY)


def test_historic_aging_equals_the_full_computation_through_payments_and_reversals(
    ledger: tuple[list[Company], list[Counterparty]],
) -> None:
    companies, counterparties = ledger
    assert Allocation.objects.filter(closes_document=True).exists()
    assert Document.objects.filter(open_amount__gt=0, allocations__isnull=False).exists()
    assert_copies_match_documents()
    assert_equals_full_computation(days_to_check(), companies)

    # Reversals, as an import applies them: the rows change, then their counterparties are
    # reallocated. A payment cancelled in accounting, one reduced, one deleted; a document
    # re-dated with a new due date, one cancelled.
    rng = random.Random(5)
    paid = list(Payment.objects.order_by("pk"))
    rng.shuffle(paid)
    cancelled, reduced, deleted = paid[0], paid[1], paid[2]
    Payment.objects.filter(pk=cancelled.pk).update(cancelled=True)
    Payment.objects.filter(pk=reduced.pk).update(
        amount=(reduced.amount / 3).quantize(Decimal("0.01"))
    )
    Payment.objects.filter(pk=deleted.pk).delete()
    closed = Document.objects.filter(open_amount=0, allocations__isnull=False).order_by("pk")
    redated = closed.first()
    assert redated is not None
    Document.objects.filter(pk=redated.pk).update(
        date=redated.date - timedelta(days=20), due_date=redated.due_date + timedelta(days=40)
    )
    partly = (
        Document.objects.filter(open_amount__gt=0, allocations__isnull=False)
        .exclude(pk=redated.pk)
        .order_by("pk")
        .first()
    )
    assert partly is not None
    Document.objects.filter(pk=partly.pk).update(cancelled=True)
    reallocate(cp.pk for cp in counterparties)

    assert_copies_match_documents()
    assert_equals_full_computation(days_to_check(), companies)


def test_a_document_reopened_by_a_cancelled_payment_loses_its_closing_mark(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    cp = make_counterparty()
    invoice = make_document(cp, "300.00", date=date(2026, 3, 1), due_date=date(2026, 3, 31))
    first = add_payment(company, cp, date(2026, 4, 10), Decimal("100.00"), "RON", "P1")
    last = add_payment(company, cp, date(2026, 5, 10), Decimal("200.00"), "RON", "P2")
    [closing] = Allocation.objects.filter(closes_document=True)
    assert closing.payment_id == last.pk
    may = aging(date(2026, 5, 1), today=TODAY)
    assert may.documents == {"RON": 1} and may.totals["RON"][2] == Decimal("200.00")
    assert aging(date(2026, 5, 10), today=TODAY).documents == {}

    Payment.objects.filter(pk=last.pk).update(cancelled=True)
    reallocate([cp.pk])
    assert not Allocation.objects.filter(closes_document=True).exists()
    assert aging(date(2026, 5, 10), today=TODAY).totals["RON"][2] == Decimal("200.00")
    assert aging(date(2026, 5, 10), today=TODAY).documents == {"RON": 1}

    add_payment(company, cp, date(2026, 6, 1), Decimal("200.00"), "RON", "P3")
    [closing] = Allocation.objects.filter(closes_document=True)
    assert closing.payment.external_id == "P3" and closing.document_id == invoice.pk
    assert first.allocations.get().closes_document is False
    assert aging(date(2026, 5, 31), today=TODAY).documents == {"RON": 1}
    assert aging(date(2026, 6, 1), today=TODAY).documents == {}
