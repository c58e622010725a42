"""The creditor's requisites on the letters: its address and registration number beside its
name, and where to pay (bank, account, bank code) on the pretension, the final warning, the
statement of account and the repayment schedule; nothing of it when the company has no
account. Read from the DOCX (python-docx) and the PDF (pdftotext), as the debtor reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dunwell.ledger.models import BankAccount, Company
from dunwell.legal.services import generate_document
from dunwell.legal.tests.test_documents import PARAMS, TODAY, docx_text, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REQUISITES = {
    "legal_address": "Str. Fabricii nr. 12, 400632 Cluj-Napoca",
    "registration_number": "J12/3456/2006",
    "bank_name": "Banca Transilvania",
    "bank_account": "RO39BTRL0130120254170901",
    "bank_code": "BTRLRO22",
}
IBAN_AS_READ = "RO39 BTRL 0130 1202 5417 0901"
HEADING = {"en": "Payment details", "ru": "Платёжные реквизиты", "uk": "Платіжні реквізити",
           "ro": "Date bancare"}  # fmt: skip
LINES = {
    "ru": [
        "Регистрационный номер: J12/3456/2006",
        "Адрес: Str. Fabricii nr. 12, 400632 Cluj-Napoca",
        "Расчётный счёт: " + IBAN_AS_READ,
        "Банк: Banca Transilvania",
        "SWIFT (BIC): BTRLRO22",
    ],
    "ro": [
        "Nr. de înregistrare: J12/3456/2006",
        "Adresa: Str. Fabricii nr. 12, 400632 Cluj-Napoca",
        "Cont bancar: " + IBAN_AS_READ,
        "Banca: Banca Transilvania",
        "SWIFT (BIC): BTRLRO22",
    ],
}


def with_requisites(company: Company, **requisites: str) -> None:
    """The company's address and number, and its account in its own currency when given."""
    requisites = dict(requisites or REQUISITES)
    bank = {
        field: requisites.pop(field, "") for field in ("bank_name", "bank_account", "bank_code")
    }
    for field, value in requisites.items():
        setattr(company, field, value)
    company.save()
    if bank["bank_account"]:
        BankAccount.objects.create(
            company=company,
            currency=company.currency,
            bank_name=bank["bank_name"],
            account=bank["bank_account"],
            bank_code=bank["bank_code"],
        )


@pytest.mark.parametrize("language", ["ru", "ro"])
def test_a_pretension_says_who_the_creditor_is_and_where_to_pay(
    language: str, debtor: Any, lawyer: Any
) -> None:
    with_requisites(debtor.company)
    paper = generate_document(debtor, "pretension", lawyer, language=language, today=TODAY)
    docx = docx_text(paper.docx.read())
    pdf = " ".join(pdf_text(Path(paper.pdf.path)).split())
    for text in (docx, pdf):
        assert HEADING[language] in text
        for line in LINES[language]:
            assert line in text
    # Where to pay comes before the signature, not after it.
    assert docx.index(HEADING[language]) < docx.index(IBAN_AS_READ) < docx.rindex("Demo Supply")


@pytest.mark.parametrize("kind", ["final_warning", "statement", "schedule"])
def test_the_other_letters_that_ask_for_money_say_where_to_pay(
    kind: str, debtor: Any, lawyer: Any
) -> None:
    with_requisites(debtor.company)
    paper = generate_document(debtor, kind, lawyer, language="en", today=TODAY, **PARAMS[kind])
    docx = docx_text(paper.docx.read())
    pdf = " ".join(pdf_text(Path(paper.pdf.path)).split())
    for text in (docx, pdf):
        assert "Payment details" in text
        assert f"Bank account: {IBAN_AS_READ}" in text
        assert "Address: Str. Fabricii nr. 12" in text


@pytest.mark.parametrize("kind", ["pretension", "final_warning", "statement", "schedule"])
def test_a_company_without_an_account_prints_no_empty_payment_details(
    kind: str, debtor: Any, lawyer: Any
) -> None:
    with_requisites(
        debtor.company, registration_number="J12/3456/2006", bank_name="Banca Transilvania"
    )
    paper = generate_document(debtor, kind, lawyer, language="ro", today=TODAY, **PARAMS[kind])
    docx = docx_text(paper.docx.read())
    pdf = " ".join(pdf_text(Path(paper.pdf.path)).split())
    for text in (docx, pdf):
        assert "Nr. de înregistrare: J12/3456/2006" in text
        assert "Date bancare" not in text
        assert "Banca:" not in text and "Cont bancar" not in text
        assert "Adresa: Str." not in text  # the creditor has none; the debtor's is its own
        assert "{{" not in text and "{%" not in text


def test_a_letter_made_before_the_requisites_existed_still_renders(debtor: Any) -> None:
    """Its snapshot has no creditor address, number or payment: nothing of them is printed."""
    from dunwell.legal.rendering import render_docx, render_html

    snapshot = {
        "number": "ST-1",
        "date": "15.04.2026",
        "creditor": {"name": "Demo Supply LLC", "tax_id": "18547290"},
        "debtor": {"name": "Șantierul Nord SRL", "tax_id": "1", "address": ""},
        "as_of": "15.04.2026",
        "currency": "RON",
        "rows": [],
        "total": "0,00",
        "total_words": "zero",
        "overdue": "0,00",
    }
    for text in (docx_text(render_docx("statement", "ro", snapshot)),
                 render_html("statement", "ro", snapshot)):  # fmt: skip
        assert "Demo Supply LLC" in text
        assert "Date bancare" not in text and "Nr. de înregistrare" not in text


@pytest.mark.parametrize(
    ("language", "account", "code", "line", "wrong"),
    [
        # The demo's SWIFT code was "Код банка (БИК)" in Russian, "Код банку (МФО)" in Ukrainian.
        ("ru", "RO39BTRL0130120254170901", "BTRLRO22", "SWIFT (BIC): BTRLRO22", "БИК"),
        ("uk", "RO39BTRL0130120254170901", "BTRLRO22", "SWIFT (BIC): BTRLRO22", "МФО"),
        ("ru", "40702810900000012345", "044525225", "БИК: 044525225", "SWIFT"),
        ("uk", "UA213223130000026007233566001", "322313", "МФО: 322313", "SWIFT"),
        ("ro", "40702810900000012345", "1234567", "Codul băncii: 1234567", "BIC"),
    ],
)
def test_the_bank_code_is_labelled_with_the_kind_of_code_it_is(
    language: str, account: str, code: str, line: str, wrong: str, debtor: Any, lawyer: Any
) -> None:
    with_requisites(debtor.company, **{**REQUISITES, "bank_account": account, "bank_code": code})
    paper = generate_document(debtor, "pretension", lawyer, language=language, today=TODAY)
    docx = docx_text(paper.docx.read())
    pdf = " ".join(pdf_text(Path(paper.pdf.path)).split())
    for text in (docx, pdf):
        assert line in text
        assert wrong not in text
        assert "{{" not in text and "{%" not in text
