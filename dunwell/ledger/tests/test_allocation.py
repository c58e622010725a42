"""Allocation rules and their invariants (property tests against a plain-Python model)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.ledger.allocation import reallocate
from dunwell.ledger.models import (
    Allocation,
    Company,
    Contract,
    Counterparty,
    Document,
    Payment,
    TimelineEntry,
)
from dunwell.ledger.services import LedgerError, add_document, add_payment

D = Decimal


def allocations(payment: Payment) -> dict[str, Decimal]:
    return {
        a.document.external_id: a.amount
        for a in Allocation.objects.filter(payment=payment).select_related("document")
    }


def test_named_document_is_paid_first(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    old = add_document(
        company, cp, external_id="OLD", number="1", date=date(2026, 1, 1), amount=D("100")
    )
    named = add_document(
        company, cp, external_id="NEW", number="2", date=date(2026, 2, 1), amount=D("100")
    )
    payment = add_payment(
        company, cp, date(2026, 3, 1), D("150"), "RON", "P1", document=named, payer="ACME"
    )
    assert allocations(payment) == {"NEW": D("100.00"), "OLD": D("50.00")}
    assert Allocation.objects.get(payment=payment, document=named).explicit
    assert not Allocation.objects.get(payment=payment, document=old).explicit
    old.refresh_from_db()
    assert old.open_amount == D("50.00")
    assert payment.unallocated == D("0.00")


def test_contract_documents_before_other_documents(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
) -> None:
    cp = make_counterparty()
    contract = make_contract(cp)
    add_document(company, cp, external_id="OTHER", number="1", date=date(2025, 1, 1), amount=D(80))
    add_document(
        company,
        cp,
        external_id="K1",
        number="2",
        date=date(2026, 1, 1),
        amount=D(60),
        contract=contract,
    )
    payment = add_payment(company, cp, date(2026, 3, 1), D(100), "RON", "P1", contract=contract)
    assert allocations(payment) == {"K1": D("60.00"), "OTHER": D("40.00")}


def test_oldest_due_first_then_date_then_id(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    due = date(2026, 2, 1)
    add_document(
        company, cp, external_id="B", number="b", date=date(2026, 1, 2), due_date=due, amount=D(50)
    )
    add_document(
        company, cp, external_id="A", number="a", date=date(2026, 1, 1), due_date=due, amount=D(50)
    )
    add_document(
        company,
        cp,
        external_id="C",
        number="c",
        date=date(2025, 1, 1),
        due_date=date(2026, 3, 1),
        amount=D(50),
    )
    payment = add_payment(company, cp, date(2026, 3, 1), D(70), "RON", "P1")
    assert allocations(payment) == {"A": D("50.00"), "B": D("20.00")}


def test_other_currency_is_left_alone_and_overpayment_is_credit(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    eur = add_document(
        company,
        cp,
        external_id="EUR",
        number="1",
        date=date(2026, 1, 1),
        amount=D(100),
        currency="EUR",
    )
    add_document(company, cp, external_id="RON", number="2", date=date(2026, 1, 1), amount=D(30))
    payment = add_payment(company, cp, date(2026, 3, 1), D(50), "RON", "P1", document=eur)
    assert allocations(payment) == {"RON": D("30.00")}
    assert payment.unallocated == D("20.00")


def test_a_later_document_takes_existing_credit(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    payment = add_payment(company, cp, date(2026, 1, 1), D(50), "RON", "P1")
    assert payment.unallocated == D("50.00")
    document = add_document(
        company, cp, external_id="D", number="1", date=date(2026, 1, 5), amount=D(80)
    )
    assert document.open_amount == D("30.00")
    payment.refresh_from_db()
    assert payment.unallocated == D("0.00")
    kinds = set(TimelineEntry.objects.filter(counterparty=cp).values_list("kind", flat=True))
    assert kinds == {"ledger.payment_added", "ledger.document_added"}


def test_services_refuse_bad_amounts_and_foreign_contracts(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
) -> None:
    cp, other = make_counterparty(), make_counterparty()
    with pytest.raises(LedgerError, match="greater than zero"):
        add_payment(company, cp, date(2026, 1, 1), D(0), "RON", "P0")
    with pytest.raises(LedgerError, match="another counterparty"):
        add_payment(company, cp, date(2026, 1, 1), D(1), "RON", "P1", contract=make_contract(other))
    with pytest.raises(LedgerError, match="does not match"):
        add_payment(company, cp, date(2026, 1, 1), D(1), "EUR", "P2", contract=make_contract(cp))
    with pytest.raises(LedgerError, match="negative"):
        add_document(company, cp, external_id="X", number="1", date=date(2026, 1, 1), amount=D(-1))
    assert not Payment.objects.exists()


def test_banking_day_terms_give_the_due_date(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
) -> None:
    cp = make_counterparty()
    contract = make_contract(cp, payment_days=1, payment_day_kind="banking")
    document = add_document(
        company,
        cp,
        external_id="D",
        number="1",
        date=date(2025, 12, 31),
        amount=D(1),
        contract=contract,
    )
    assert document.due_date == date(2026, 1, 5)  # 1-2 Jan holidays, 3-4 Jan weekend


# --- properties --------------------------------------------------------------------------

BASE = date(2026, 1, 1)
amounts = st.integers(min_value=1, max_value=50_000).map(lambda c: D(c) / 100)
doc_st = st.fixed_dictionaries(
    {
        "amount": st.one_of(amounts, st.just(D(0))),
        "day": st.integers(0, 20),
        "term": st.integers(0, 20),
        "contract": st.integers(0, 2),  # 0: no contract
        "cur": st.sampled_from(["RON", "RON", "EUR"]),
    }
)
pay_st = st.fixed_dictionaries(
    {
        "amount": amounts,
        "day": st.integers(0, 30),
        "contract": st.integers(0, 2),
        "document": st.one_of(st.none(), st.integers(0, 9)),
        "cur": st.sampled_from(["RON", "RON", "EUR"]),
    }
)


def model_allocate(
    docs: list[dict[str, Any]], pays: list[dict[str, Any]]
) -> dict[tuple[int, int], Decimal]:
    """The rules written as a greedy loop: the reference the SQL must agree with."""
    drem = {d["id"]: d["amount"] for d in docs}
    prem = {p["id"]: p["amount"] for p in pays}
    result: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    by_id = {d["id"]: d for d in docs}
    pays = sorted(pays, key=lambda p: (p["date"], p["id"]))
    docs = sorted(docs, key=lambda d: (d["due"], d["date"], d["id"]))

    def take(p: dict[str, Any], d: dict[str, Any]) -> None:
        amount = min(prem[p["id"]], drem[d["id"]])
        if amount > 0:
            prem[p["id"]] -= amount
            drem[d["id"]] -= amount
            result[(p["id"], d["id"])] += amount

    for p in pays:
        d = by_id.get(p["document"])
        if d is not None and d["cur"] == p["cur"]:
            take(p, d)
    for p in pays:
        if p["contract"] is not None:
            for d in docs:
                if d["contract"] == p["contract"] and d["cur"] == p["cur"]:
                    take(p, d)
    for p in pays:
        for d in docs:
            if d["cur"] == p["cur"]:
                take(p, d)
    return {k: v for k, v in result.items() if v > 0}


def ledger_state(
    cp: Counterparty,
) -> tuple[dict[tuple[int, int], Decimal], dict[int, Decimal], dict[int, Decimal]]:
    allocated = {
        (a.payment_id, a.document_id): a.amount for a in Allocation.objects.filter(counterparty=cp)
    }
    open_amounts = dict(Document.objects.filter(counterparty=cp).values_list("id", "open_amount"))
    credit = dict(Payment.objects.filter(counterparty=cp).values_list("id", "unallocated"))
    return allocated, open_amounts, credit


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    docs=st.lists(doc_st, max_size=10),
    pays=st.lists(pay_st, max_size=10),
    order=st.randoms(use_true_random=False),
)
def test_allocation_invariants_hold_for_any_ledger(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
    docs: list[dict[str, Any]],
    pays: list[dict[str, Any]],
    order: Any,
) -> None:
    with transaction.atomic():
        cp = make_counterparty()
        contracts = {1: make_contract(cp, currency="RON"), 2: make_contract(cp, currency="EUR")}
        # Insert in a random order, interleaving documents and payments, through the services
        # (each reallocates): the end state must equal the model run on the final set.
        items = [("d", i, d) for i, d in enumerate(docs)] + [
            ("p", i, p) for i, p in enumerate(pays)
        ]
        order.shuffle(items)
        made_docs: dict[int, Document] = {}
        model_docs: list[dict[str, Any]] = []
        model_pays: list[dict[str, Any]] = []
        for what, i, spec in items:
            contract = contracts.get(spec["contract"])
            if contract is not None and contract.currency != spec["cur"]:
                contract = None
            if what == "d":
                doc = add_document(
                    company,
                    cp,
                    external_id=f"D{i}",
                    number=str(i),
                    date=BASE + timedelta(days=spec["day"]),
                    due_date=BASE + timedelta(days=spec["day"] + spec["term"]),
                    amount=spec["amount"],
                    currency=spec["cur"],
                    contract=contract,
                )
                made_docs[i] = doc
                model_docs.append(
                    {
                        "id": doc.pk,
                        "amount": doc.amount,
                        "due": doc.due_date,
                        "date": doc.date,
                        "contract": contract.pk if contract else None,
                        "cur": doc.currency,
                    }
                )
            else:
                named = made_docs.get(spec["document"]) if spec["document"] is not None else None
                payment = add_payment(
                    company,
                    cp,
                    BASE + timedelta(days=spec["day"]),
                    spec["amount"],
                    spec["cur"],
                    f"P{i}",
                    document=named,
                    contract=contract,
                )
                model_pays.append(
                    {
                        "id": payment.pk,
                        "amount": payment.amount,
                        "date": payment.date,
                        "contract": payment.contract_id,
                        "document": payment.document_id,
                        "cur": payment.currency,
                    }
                )

        allocated, open_amounts, credit = ledger_state(cp)
        assert allocated == model_allocate(model_docs, model_pays)
        for p in model_pays:
            given_out = sum((v for (pid, _), v in allocated.items() if pid == p["id"]), D(0))
            assert given_out + credit[p["id"]] == p["amount"]
            assert 0 <= credit[p["id"]] <= p["amount"]
        for d in model_docs:
            paid = sum((v for (_, did), v in allocated.items() if did == d["id"]), D(0))
            assert open_amounts[d["id"]] == d["amount"] - paid
            assert 0 <= open_amounts[d["id"]] <= d["amount"]
        totals = Document.objects.filter(counterparty=cp).aggregate(s=Sum("open_amount"))
        assert (totals["s"] or 0) + sum(allocated.values(), D(0)) == sum(
            (d["amount"] for d in model_docs), D(0)
        )

        ids = set(Allocation.objects.values_list("id", flat=True))
        reallocate([cp.pk])
        assert ledger_state(cp) == (allocated, open_amounts, credit)
        assert set(Allocation.objects.values_list("id", flat=True)) == ids  # nothing rewritten
        transaction.set_rollback(True)


def test_a_debtor_without_payments_owes_each_live_amount(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    """The shortcut for debtors who have not paid: no work tables, the same outcome."""
    cp = make_counterparty()
    doc = add_document(
        company, cp, external_id="A", number="1", date=date(2026, 1, 1), amount=D("100")
    )
    gone = add_document(
        company, cp, external_id="B", number="2", date=date(2026, 1, 2), amount=D("40")
    )
    Document.objects.filter(pk=doc.pk).update(amount=D("120.50"))
    Document.objects.filter(pk=gone.pk).update(cancelled=True)
    reallocate([cp.pk])
    doc.refresh_from_db()
    gone.refresh_from_db()
    assert (doc.open_amount, gone.open_amount) == (D("120.50"), D("0.00"))


def test_a_debtor_whose_payment_moved_away_loses_its_allocations(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    """Once its only payment belongs to another debtor, the first debtor has no payment left
    but still has the old allocation: it must not take the shortcut."""
    first, second = make_counterparty(), make_counterparty()
    doc = add_document(
        company, first, external_id="A", number="1", date=date(2026, 1, 1), amount=D("100")
    )
    payment = add_payment(company, first, date(2026, 2, 1), D("60"), "RON", "P1", payer="X")
    doc.refresh_from_db()
    assert doc.open_amount == D("40.00")
    Payment.objects.filter(pk=payment.pk).update(counterparty=second)
    reallocate([first.pk])  # the payer who lost the payment alone
    doc.refresh_from_db()
    assert doc.open_amount == D("100.00")
    assert not Allocation.objects.filter(document=doc).exists()


def test_a_document_moved_to_a_debtor_without_payments_keeps_no_old_allocation(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    payer, other = make_counterparty(), make_counterparty()
    doc = add_document(
        company, payer, external_id="A", number="1", date=date(2026, 1, 1), amount=D("100")
    )
    add_payment(company, payer, date(2026, 2, 1), D("60"), "RON", "P1", payer="X")
    Document.objects.filter(pk=doc.pk).update(counterparty=other)
    reallocate([other.pk])  # the debtor who received the document alone
    doc.refresh_from_db()
    assert doc.open_amount == D("100.00")
    assert not Allocation.objects.filter(document=doc).exists()


def test_an_allocation_belongs_to_its_payments_and_its_documents_counterparty(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    """The allocation's counterparty has no foreign-key constraint of its own (issue 15): the
    engine keeps it equal to its payment's and its document's, through moves between debtors,
    and deleting the counterparty deletes its allocations."""
    first, second = make_counterparty(), make_counterparty()

    def consistent() -> int:
        rows = list(
            Allocation.objects.values_list(
                "counterparty_id", "payment__counterparty_id", "document__counterparty_id"
            )
        )
        assert all(a == p == d for a, p, d in rows), rows
        return len(rows)

    docs = [
        add_document(
            company, cp, external_id=f"D{i}", number=str(i), date=date(2026, 1, i), amount=D(50)
        )
        for i, cp in enumerate([first, first, second], start=1)
    ]
    moving = add_payment(company, first, date(2026, 2, 1), D(70), "RON", "P1", payer="X")
    add_payment(company, second, date(2026, 2, 2), D(20), "RON", "P2", payer="Y")
    assert consistent() == 3
    # The payment and a document go to the other debtor (a re-import does this), both debtors
    # are reallocated: the first debtor's old allocations go, the new ones are the second's.
    Payment.objects.filter(pk=moving.pk).update(counterparty=second)
    Document.objects.filter(pk=docs[1].pk).update(counterparty=second)
    reallocate([first.pk, second.pk])
    assert consistent() == 3
    assert set(Allocation.objects.values_list("counterparty_id", flat=True)) == {second.pk}
    second.delete()
    assert not Allocation.objects.exists()


def dangling() -> tuple[int, int]:
    """Allocations naming a payment, or a document, that does not exist."""
    return (
        Allocation.objects.exclude(payment_id__in=Payment.objects.values("pk")).count(),
        Allocation.objects.exclude(document_id__in=Document.objects.values("pk")).count(),
    )


def test_allocations_name_existing_payments_and_documents_and_go_with_them(
    company: Company, make_counterparty: Callable[..., Counterparty]
) -> None:
    """Allocations have no foreign-key constraint on their payment and document (issue 15,
    ledger/0022): the engine writes them only from rows that exist, and deleting a payment, a
    document or a counterparty through Django takes their allocations and no others."""
    first, second = make_counterparty(), make_counterparty()
    docs = {
        (cp.pk, i): add_document(
            company,
            cp,
            external_id=f"D{cp.pk}-{i}",
            number=str(i),
            date=date(2026, 1, i),
            amount=D(50),
        )  # fmt: skip
        for cp in (first, second)
        for i in (1, 2, 3)
    }
    pays = {
        cp.pk: [
            add_payment(company, cp, date(2026, 2, i), D(40), "RON", f"P{cp.pk}-{i}", payer="X")
            for i in (1, 2)
        ]
        for cp in (first, second)
    }
    assert Allocation.objects.count() == 6  # 80 over the 50 + 30 of each debtor's documents
    # A payment moves to the other debtor and both are reallocated (a re-import does this).
    Payment.objects.filter(pk=pays[first.pk][1].pk).update(counterparty=second)
    reallocate([first.pk, second.pk])
    assert dangling() == (0, 0)

    def ids(**filters: Any) -> set[int]:
        return set(Allocation.objects.filter(**filters).values_list("pk", flat=True))

    for gone in (pays[first.pk][0], docs[(second.pk, 1)]):
        field = "payment" if isinstance(gone, Payment) else "document"
        before, its = ids(), ids(**{field: gone})
        assert its
        gone.delete()
        assert ids() == before - its
        assert dangling() == (0, 0)
    second.delete()
    assert not Allocation.objects.exists()  # the first debtor's payments are gone already


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the constraints of PostgreSQL")
def test_allocations_have_no_database_foreign_keys(db: None) -> None:
    """Neither the payment nor the document (ledger/0022), nor the counterparty (0019) nor
    the company (0020) is checked by PostgreSQL; the test above shows what keeps them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Allocation._meta.db_table)
    assert [c["foreign_key"] for c in constraints.values() if c["foreign_key"]] == []
