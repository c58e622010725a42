"""Where to pay, per currency: a document asking for euro prints the company's euro account,
not its lei one; a document with amounts in two currencies prints both accounts, each under its
currency; a currency without an account prints the default one (never a made-up one). Read
from the DOCX (python-docx) and the PDF (pdftotext), as the debtor reads them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dunwell.ledger.models import BankAccount, Company, Counterparty
from dunwell.legal.services import generate_document
from dunwell.legal.tests.test_documents import TODAY, docx_text, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

RON_IBAN = "RO39 BTRL 0130 1202 5417 0901"
EUR_IBAN = "RO22 BTRL 0130 4202 5417 0901"


def with_accounts(company: Company, *currencies: str) -> None:
    accounts = {"RON": "RO39BTRL0130120254170901", "EUR": "RO22BTRL0130420254170901"}
    for currency in currencies:
        BankAccount.objects.create(
            company=company,
            currency=currency,
            bank_name="Banca Transilvania",
            account=accounts[currency],
            bank_code="BTRLRO22",
        )


@pytest.fixture
def owes_euro(debtor: Counterparty, make_document: Any, make_contract: Any) -> Counterparty:
    """The debtor of the lei invoices also owes 800 EUR under an export contract."""
    contract = make_contract(debtor, number="EXP-7", currency="EUR", pretension_days=15)
    make_document(
        debtor,
        "800.00",
        number="EXP-INV-1",
        currency="EUR",
        contract=contract,
        date=date(2026, 1, 20),
        due_date=date(2026, 2, 19),
    )
    return debtor


def texts(paper: Any) -> tuple[str, str]:
    return docx_text(paper.docx.read()), " ".join(pdf_text(Path(paper.pdf.path)).split())


@pytest.mark.parametrize("kind", ["statement", "pretension", "final_warning"])
def test_a_euro_document_prints_the_euro_account_not_the_lei_one(
    kind: str, owes_euro: Counterparty, lawyer: Any
) -> None:
    with_accounts(owes_euro.company, "RON", "EUR")
    paper = generate_document(owes_euro, kind, lawyer, language="ro", today=TODAY, currency="EUR")
    for text in texts(paper):
        assert "800,00" in text  # the euro invoice, not the lei ones
        assert f"Cont bancar: {EUR_IBAN}" in text
        assert RON_IBAN not in text


def test_a_lei_statement_of_the_same_company_prints_the_lei_account(
    owes_euro: Counterparty, lawyer: Any
) -> None:
    with_accounts(owes_euro.company, "RON", "EUR")
    paper = generate_document(
        owes_euro, "statement", lawyer, language="en", today=TODAY, currency="RON"
    )
    for text in texts(paper):
        assert f"Bank account: {RON_IBAN}" in text
        assert EUR_IBAN not in text


@pytest.mark.parametrize(
    ("language", "ron_line", "eur_line"),
    [
        ("en", f"Bank account in RON: {RON_IBAN}", f"Bank account in EUR: {EUR_IBAN}"),
        ("ro", f"Cont bancar în RON: {RON_IBAN}", f"Cont bancar în EUR: {EUR_IBAN}"),
        ("ru", f"Счёт в RON: {RON_IBAN}", f"Счёт в EUR: {EUR_IBAN}"),
    ],
)
def test_a_claim_in_two_currencies_prints_both_accounts_each_under_its_currency(
    language: str, ron_line: str, eur_line: str, owes_euro: Counterparty, lawyer: Any
) -> None:
    with_accounts(owes_euro.company, "RON", "EUR")
    paper = generate_document(owes_euro, "pretension", lawyer, language=language, today=TODAY)
    for text in texts(paper):
        assert ron_line in text and eur_line in text
        assert text.count(RON_IBAN) == 1 and text.count(EUR_IBAN) == 1
        assert "{{" not in text and "{%" not in text


def test_a_currency_without_an_account_prints_the_default_one(
    owes_euro: Counterparty, lawyer: Any
) -> None:
    with_accounts(owes_euro.company, "RON")
    paper = generate_document(
        owes_euro, "statement", lawyer, language="en", today=TODAY, currency="EUR"
    )
    for text in texts(paper):
        assert f"Bank account: {RON_IBAN}" in text  # unlabelled: the one account printed
        assert "Bank account in" not in text
