"""Documents and payments pushed in batches through the import engine end with the allocation
the rules give for the final ledger, whichever debtors the engine left out of a batch's
reallocation (new invoices appended after everything paid: allocation.reallocate_query)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.ledger.importing import Table, import_table
from dunwell.ledger.models import Company, Contract, Counterparty, Document, Payment
from dunwell.ledger.tests.test_allocation import (
    BASE,
    D,
    doc_st,
    ledger_state,
    model_allocate,
    pay_st,
)

DOC_HEADERS = [
    "external_id",
    "counterparty",
    "contract",
    "number",
    "date",
    "due_date",
    "amount",
    "currency",
]
PAY_HEADERS = ["external_id", "counterparty", "contract", "document", "date", "amount", "currency"]


def push(kind: str, headers: list[str], rows: list[list[str]]) -> None:
    if rows:
        import_table(kind, Table(headers, iter(enumerate(rows, 2)), len(rows)), display_name="t")


def check_against_the_rules(cp: Counterparty) -> None:
    docs = [
        {
            "id": d.pk,
            "amount": d.amount,
            "due": d.due_date,
            "date": d.date,
            "contract": d.contract_id,
            "cur": d.currency,
        }
        for d in Document.objects.filter(counterparty=cp)
    ]
    pays = [
        {
            "id": p.pk,
            "amount": p.amount,
            "date": p.date,
            "contract": p.contract_id,
            "document": p.document_id,
            "cur": p.currency,
        }
        for p in Payment.objects.filter(counterparty=cp)
    ]
    expected = model_allocate(docs, pays)
    allocated, open_amounts, credit = ledger_state(cp)
    assert allocated == expected
    for d in docs:
        taken = sum((v for (_p, doc), v in expected.items() if doc == d["id"]), D(0))
        assert open_amounts[d["id"]] == d["amount"] - taken
    for p in pays:
        given_out = sum((v for (pay, _d), v in expected.items() if pay == p["id"]), D(0))
        assert credit[p["id"]] == p["amount"] - given_out


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(
        st.one_of(
            st.tuples(st.just("d"), st.lists(doc_st, min_size=1, max_size=5)),
            st.tuples(st.just("p"), st.lists(pay_st, min_size=1, max_size=4)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_batches_end_with_the_allocation_of_the_final_ledger(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
    batches: list[tuple[str, list[dict[str, Any]]]],
) -> None:
    cp = make_counterparty()
    contracts = {1: make_contract(cp, currency="RON"), 2: make_contract(cp, currency="EUR")}
    docs_made: list[tuple[str, str]] = []
    n = 0
    for what, specs in batches:
        rows = []
        for spec in specs:
            n += 1
            contract = contracts.get(spec["contract"])
            ref = contract.external_id if contract and contract.currency == spec["cur"] else ""
            if what == "d":
                day = BASE + timedelta(days=spec["day"])
                due = day + timedelta(days=spec["term"])
                rows.append(
                    [f"D{n}", cp.external_id, ref, str(n), day.isoformat(), due.isoformat(),
                     str(spec["amount"]), spec["cur"]]
                )  # fmt: skip
                docs_made.append((f"D{n}", spec["cur"]))
            else:
                named = spec["document"]
                same = [ext for ext, cur in docs_made if cur == spec["cur"]]  # the engine
                document = same[named] if named is not None and named < len(same) else ""
                day = BASE + timedelta(days=spec["day"])
                rows.append(
                    [f"P{n}", cp.external_id, ref, document, day.isoformat(),
                     str(spec["amount"]), spec["cur"]]
                )  # fmt: skip
        if what == "d":
            push("documents", DOC_HEADERS, rows)
        else:
            push("payments", PAY_HEADERS, rows)
        check_against_the_rules(cp)


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    return make_counterparty()


def doc_row(ext: str, cp: Counterparty, due: str, amount: str, contract: str = "") -> list[str]:
    return [ext, cp.external_id, contract, ext, "2026-01-01", due, amount, "RON"]


def pay_row(ext: str, cp: Counterparty, amount: str, contract: str = "") -> list[str]:
    return [ext, cp.external_id, contract, "", "2026-01-02", amount, "RON"]


def open_amounts(cp: Counterparty) -> dict[str, Any]:
    return dict(Document.objects.filter(counterparty=cp).values_list("external_id", "open_amount"))


def test_a_new_invoice_due_earlier_than_a_paid_one_takes_the_payment_first(
    cp: Counterparty,
) -> None:
    push("documents", DOC_HEADERS, [doc_row("X", cp, "2026-02-10", "100")])
    push("payments", PAY_HEADERS, [pay_row("P", cp, "100")])
    assert open_amounts(cp) == {"X": D("0.00")}
    push("documents", DOC_HEADERS, [doc_row("N", cp, "2026-01-10", "50")])
    assert open_amounts(cp) == {"X": D("50.00"), "N": D("0.00")}
    check_against_the_rules(cp)


def test_a_new_invoice_of_a_contract_takes_that_contract_s_payment_back(
    cp: Counterparty, make_contract: Callable[..., Contract]
) -> None:
    contract = make_contract(cp, currency="RON").external_id
    push("documents", DOC_HEADERS, [doc_row("X", cp, "2026-01-10", "100")])
    push("payments", PAY_HEADERS, [pay_row("P", cp, "100", contract)])
    assert open_amounts(cp) == {"X": D("0.00")}  # the contract had no invoice yet
    push("documents", DOC_HEADERS, [doc_row("N", cp, "2026-02-10", "100", contract)])
    assert open_amounts(cp) == {"X": D("100.00"), "N": D("0.00")}
    check_against_the_rules(cp)


def test_a_new_invoice_takes_free_credit_and_a_later_one_stays_open(cp: Counterparty) -> None:
    push("payments", PAY_HEADERS, [pay_row("P", cp, "30")])
    push("documents", DOC_HEADERS, [doc_row("A", cp, "2026-01-10", "100")])
    push("documents", DOC_HEADERS, [doc_row("B", cp, "2026-02-10", "80")])
    assert open_amounts(cp) == {"A": D("70.00"), "B": D("80.00")}
    check_against_the_rules(cp)


def test_debtors_who_never_paid_skip_the_appended_only_check(
    cp: Counterparty, make_counterparty: Callable[..., Counterparty]
) -> None:
    """A debtor with no payment and no allocation is settled by the plain step before the
    appended-only check (issue 15: a first import of invoices does not probe each one); a
    debtor who has paid is still checked, in the same batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fresh = make_counterparty()
    push("documents", DOC_HEADERS, [doc_row("X", cp, "2026-02-10", "100")])
    push("payments", PAY_HEADERS, [pay_row("P", cp, "100")])
    with CaptureQueriesContext(connection) as first:
        push("documents", DOC_HEADERS, [doc_row("F1", fresh, "2026-01-10", "40")])
    assert not [q for q in first.captured_queries if "INSERT INTO dunwell_rl_added" in q["sql"]]
    assert open_amounts(fresh) == {"F1": D("40.00")}
    with CaptureQueriesContext(connection) as both:
        push(
            "documents",
            DOC_HEADERS,
            [doc_row("F2", fresh, "2026-03-10", "60"), doc_row("N", cp, "2026-01-10", "50")],
        )
    checked = [
        q["sql"] for q in both.captured_queries if "INSERT INTO dunwell_rl_added" in q["sql"]
    ]
    assert checked  # the paying debtor's new invoice is checked
    assert open_amounts(fresh) == {"F1": D("40.00"), "F2": D("60.00")}
    assert open_amounts(cp) == {"X": D("50.00"), "N": D("0.00")}
    check_against_the_rules(cp)
    check_against_the_rules(fresh)
