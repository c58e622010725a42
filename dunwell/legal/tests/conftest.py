"""Fixtures of the legal app: a debtor with documents and payments, a lawyer, a stand-in for
the interest calculator (its own tests live in the interest app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Allocation, Counterparty, Document, Payment
from dunwell.legal import services
from dunwell.legal.models import Approval, LegalCase


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lawyer(make_user: Callable[..., User]) -> User:
    return make_user("lena", Role.LAWYER)


@dataclass
class FakeLine:
    component: str
    start: date
    end: date
    days: int
    base: Decimal
    rate: Decimal
    year_basis: int
    amount: Decimal
    note: str = ""


@dataclass
class FakeResult:
    total: Decimal
    components: dict[str, Decimal]
    lines: list[FakeLine]
    warnings: list[str] = field(default_factory=list)


def fake_calculate(
    rule: str, *, debt: Decimal, due: date, to: date, payments: Any = (), options: Any = None
) -> FakeResult:
    """0.1% per day on the unpaid base, one line per base change; EUR-40-style compensation
    for ro-legal. Enough to exercise the documents; the real maths is the interest app's."""
    lines = []
    base = debt
    start = due + timedelta(days=1)
    events = sorted((d, a) for d, a in payments if d > due)
    for day, amount in [*events, (to, Decimal("0"))]:
        end = min(day, to)
        if end >= start:
            days = (end - start).days + 1
            amount_line = (base * Decimal("0.001") * days).quantize(Decimal("0.01"))
            lines.append(
                FakeLine("penalty", start, end, days, base, Decimal("0.1"), 365, amount_line)
            )
            start = end + timedelta(days=1)
        base -= amount
    total = sum((line.amount for line in lines), Decimal("0.00"))
    components = {"penalty": total}
    if rule == "ro-legal":
        components["compensation"] = Decimal("199.00")
    return FakeResult(total, components, lines)


@pytest.fixture
def fake_calculator(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeResult]:
    monkeypatch.setattr("dunwell.legal.calc._calculate", fake_calculate)
    return fake_calculate


@pytest.fixture
def pay(company: Any) -> Callable[..., Payment]:
    """A payment applied to `document` (the ledger's allocation service does this in the app)."""
    counter = {"n": 0}

    def make(document: Document, day: date, amount: str) -> Payment:
        counter["n"] += 1
        value = Decimal(amount)
        payment = Payment.objects.create(
            company=company,
            counterparty=document.counterparty,
            external_id=f"PAY{counter['n']:05d}",
            date=day,
            amount=value,
            currency=document.currency,
            unallocated=Decimal("0"),
        )
        Allocation.objects.create(
            payment=payment,
            document=document,
            counterparty=document.counterparty,
            amount=value,
            paid_on=day,
        )
        Document.objects.filter(pk=document.pk).update(open_amount=document.open_amount - value)
        document.refresh_from_db()
        return payment

    return make


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Any],
    collector: User,
    pay: Callable[..., Payment],
) -> Counterparty:
    """Two overdue invoices under a contract with a 0.1%/day penalty; one partly paid."""
    cp = make_counterparty(
        name="Șantierul Nord SRL", collector=collector, tax_id="RO123", address="Cluj"
    )
    contract = make_contract(cp, penalty_rate=Decimal("0.1"), pretension_days=15)
    first = make_document(
        cp,
        "1000.00",
        number="INV-1",
        contract=contract,
        date=date(2026, 1, 5),
        due_date=date(2026, 2, 4),
    )
    make_document(
        cp,
        "2500.50",
        number="INV-2",
        contract=contract,
        date=date(2026, 2, 1),
        due_date=date(2026, 3, 3),
    )
    pay(first, date(2026, 2, 20), "400.00")
    return cp


@pytest.fixture
def two_requests(
    debtor: Counterparty,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: Any,
    director: Any,
    lawyer: Any,
) -> list[Approval]:
    """Two debtors' cases, each with a write-off waiting for the director."""
    other = make_counterparty(name="Depozitul Sud SRL", collector=collector)
    make_document(other, "500.00", number="INV-9")
    first: LegalCase = services.open_case(debtor, director, lawyer=lawyer)
    second: LegalCase = services.open_case(other, director, lawyer=lawyer)
    return [
        services.request_approval(first, "write_off", lawyer, "insolvent"),
        services.request_approval(second, "write_off", lawyer, "no assets"),
    ]
