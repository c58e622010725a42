import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.legal.reconciliation import Entry, reconcile
from dunwell.legal.rendering import render_html
from dunwell.legal.selectors import reconciliation_data, snapshot

D = Decimal


def test_opening_turnovers_and_closing_balance() -> None:
    entries = [
        Entry(date(2026, 1, 10), "inv 1", debit=D("1000")),
        Entry(date(2026, 1, 20), "pay 1", credit=D("300")),  # before the period
        Entry(date(2026, 2, 5), "pay 2", credit=D("200")),  # inside
        Entry(date(2026, 2, 5), "inv 2", debit=D("500")),  # inside, same day
        Entry(date(2026, 3, 1), "pay 3", credit=D("100")),  # after
    ]
    statement = reconcile(entries, date(2026, 2, 1), date(2026, 2, 28))
    assert statement.opening == D("700")
    assert [row.label for row in statement.rows] == ["inv 2", "pay 2"]
    assert statement.debit_turnover == D("500")
    assert statement.credit_turnover == D("200")
    assert statement.closing == D("1000")


def test_period_boundaries_are_inclusive() -> None:
    entries = [
        Entry(date(2026, 2, 1), "a", debit=D("1")),
        Entry(date(2026, 2, 28), "b", D("0"), D("1")),
    ]
    statement = reconcile(entries, date(2026, 2, 1), date(2026, 2, 28))
    assert len(statement.rows) == 2
    assert statement.opening == 0


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError):
        reconcile([], date(2026, 2, 2), date(2026, 2, 1))


entry = st.builds(
    Entry,
    day=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    label=st.sampled_from(["a", "b"]),
    debit=st.decimals(0, 10000, places=2),
    credit=st.decimals(0, 10000, places=2),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(entry, max_size=15),
    st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    st.integers(0, 400),
)
def test_closing_is_opening_plus_debit_minus_credit_and_chains(
    entries: list[Entry], start: date, length: int
) -> None:
    from datetime import timedelta

    end = start + timedelta(days=length)
    statement = reconcile(entries, start, end)
    assert (
        statement.closing
        == statement.opening + statement.debit_turnover - statement.credit_turnover
    )
    # The closing balance of a period is the opening balance of the next one.
    after = reconcile(entries, end + timedelta(days=1), end + timedelta(days=30))
    assert after.opening == statement.closing


@pytest.mark.django_db
def test_statement_from_the_ledger_balances(debtor, make_document, pay) -> None:
    # debtor: INV-1 1000.00 (05.01), INV-2 2500.50 (01.02), payment 400.00 on 20.02
    early = debtor.documents.get(number="INV-1")
    pay(early, date(2026, 1, 15), "100.00")  # before the period
    late = make_document(
        debtor, "300.00", number="INV-3", date=date(2026, 4, 2), due_date=date(2026, 5, 2)
    )
    pay(late, date(2026, 4, 10), "50.00")  # after the period
    data = reconciliation_data(
        debtor, "en", date(2026, 4, 15), start=date(2026, 2, 1), end=date(2026, 3, 31)
    )
    raw = data["raw"]
    assert D(raw["opening"]) == D("900.00")
    assert D(raw["debit_turnover"]) == D("2500.50")
    assert D(raw["credit_turnover"]) == D("400.00")
    assert D(raw["closing"]) == D("3000.50")
    assert D(raw["closing"]) == D(raw["opening"]) + D(raw["debit_turnover"]) - D(
        raw["credit_turnover"]
    )
    assert [row["label"] for row in data["rows"]] == ["Invoice No. INV-2", "Payment No. PAY00001"]
    assert data["closing_debit"] == "3,000.50"
    assert data["in_favour"].startswith("Debt of Șantierul Nord SRL")


@pytest.mark.django_db
def test_payments_are_named_by_their_bank_number_never_by_a_generated_id(
    debtor, make_document, pay
) -> None:
    late = debtor.documents.get(number="INV-2")
    numbered = pay(late, date(2026, 3, 1), "10.00")
    numbered.number = "PP-77"
    numbered.save()
    generated = pay(late, date(2026, 3, 2), "10.00")
    generated.external_id = "nk:0123456789abcdef0123456789abcdef"
    generated.save()
    data = reconciliation_data(
        debtor, "en", date(2026, 4, 15), start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    assert [row["label"] for row in data["rows"]] == ["Payment No. PP-77", "Payment"]


def _balance_rows(debtor, language: str, start: date, end: date) -> dict[str, list[str]]:
    data = reconciliation_data(debtor, language, date(2026, 4, 15), start=start, end=end)
    html = render_html("reconciliation", language, data)
    rows = {}
    for row in re.findall(r'<tr class="extra">(.*?)</tr>', html, re.S):
        cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0]] = cells[2:]
    return rows


@pytest.mark.django_db
def test_no_opening_balance_prints_zero_not_an_empty_row(debtor) -> None:
    # Nothing before the period (INV-1 is dated 05.01.2026): the debtor reads 0,00 on the
    # opening balance's debit side, not a blank row.
    rows = _balance_rows(debtor, "ru", date(2026, 1, 1), date(2026, 3, 31))
    assert rows["Сальдо начальное"] == ["0,00", ""]
    rows = _balance_rows(debtor, "uk", date(2026, 1, 1), date(2026, 3, 31))
    assert rows["Сальдо початкове"] == ["0,00", ""]


@pytest.mark.django_db
def test_a_settled_account_closes_at_zero(debtor, pay) -> None:
    for document in debtor.documents.all():
        pay(document, date(2026, 3, 1), str(document.open_amount))
    rows = _balance_rows(debtor, "ro", date(2026, 1, 1), date(2026, 3, 31))
    closing = [cells for label, cells in rows.items() if label.startswith("Sold final")]
    assert closing == [["0,00", ""]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "conclusion"),
    [
        ("ru", "На 31.03.2026: задолженность Șantierul Nord SRL перед Demo Supply LLC —"),
        ("uk", "Станом на 31.03.2026: заборгованість Șantierul Nord SRL перед Demo Supply LLC —"),
        ("ro", "La 31.03.2026: datoria Șantierul Nord SRL față de Demo Supply LLC,"),
    ],
)
def test_the_conclusion_goes_on_in_lower_case_after_its_colon(
    debtor, language: str, conclusion: str
) -> None:
    """Was "На 31.03.2026: Задолженность …": a capital mid-sentence in Russian, Ukrainian and
    Romanian, which go on in lower case after a colon."""
    data = snapshot(
        "reconciliation", debtor, language, date(2026, 4, 15),
        start=date(2026, 1, 1), end=date(2026, 3, 31),
    )  # fmt: skip
    html = render_html("reconciliation", language, data)
    assert conclusion in html.replace("\u00a0", " ")
