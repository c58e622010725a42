"""The statement of claim to the court, made from the legal case as the pretension is: the
parties, the contract, the principal per currency, the court fee and the pre-trial procedure,
read from the DOCX (python-docx) and the PDF (pdftotext); the case page shows the fee and the
lawsuit form starts with it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.legal import services
from dunwell.legal.models import CaseStage, LegalCase
from dunwell.legal.services import generate_document
from dunwell.legal.tests.test_documents import TODAY, docx_text, pdf_text
from dunwell.legal.tests.test_views import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def ro_fee(total: Decimal) -> str:
    """OUG 80/2013 art. 3 (1) b), the bracket of the debtor's claim (3,100.50 lei and the
    penalty)."""
    assert Decimal(500) < total <= Decimal(5000)
    return f"{(Decimal(40) + (total - 500) * Decimal('0.07')).quantize(Decimal('0.01')):,}"


def case_with_pretension(debtor: Any, lawyer: Any) -> LegalCase:
    case = services.open_case(debtor, lawyer, lawyer=lawyer)
    generate_document(debtor, "pretension", lawyer, language="en", today=date(2026, 3, 10))
    case.refresh_from_db()
    services.record_pretension_sent(case, lawyer, sent_on=date(2026, 3, 11), channel="post")
    LegalCase.objects.filter(pk=case.pk).update(
        stage=CaseStage.LAWSUIT_PREPARING, court="Tribunalul Cluj"
    )
    case.refresh_from_db()
    return case


def texts(paper: Any) -> tuple[str, str]:
    return docx_text(paper.docx.read()), " ".join(pdf_text(Path(paper.pdf.path)).split())


def test_the_statement_of_claim_names_the_parties_the_debt_and_the_fee(
    debtor: Any, lawyer: Any
) -> None:
    case = case_with_pretension(debtor, lawyer)
    paper = generate_document(debtor, "court_claim", lawyer, language="en", today=TODAY)
    assert paper.case == case
    total = Decimal(paper.data["raw"]["totals"]["RON"])
    pretension = case.papers.get(kind="pretension")
    for text in texts(paper):
        assert "{{" not in text and "{%" not in text
        assert "To: Tribunalul Cluj" in text
        assert "STATEMENT OF CLAIM" in text
        assert "Plaintiff: Demo Supply LLC" in text
        assert "Defendant: Șantierul Nord SRL, tax id RO123" in text
        assert "Under contract No. 1/2026 of 01.01.2026" in text
        assert "The outstanding principal is 3,100.50 RON" in text
        assert f"Court fee: {ro_fee(total)} RON (Emergency Ordinance 80/2013" in text
        assert f"pretension No. {pretension.number}" in text
        assert "On 11.03.2026 the plaintiff sent the defendant pretension" in text
        assert "of which 3,100.50 RON of principal debt" in text
        assert f"the court fee paid by the plaintiff, {ro_fee(total)} RON" in text
        assert "Copy of contract No. 1/2026 of 01.01.2026" in text
        assert "For the plaintiff" in text


def test_the_statement_of_claim_in_russian(debtor: Any, lawyer: Any) -> None:
    case_with_pretension(debtor, lawyer)
    paper = generate_document(debtor, "court_claim", lawyer, language="ru", today=TODAY)
    total = Decimal(paper.data["raw"]["totals"]["RON"])
    fee = ro_fee(total).replace(",", "\u00a0").replace(".", ",")
    for text in texts(paper):
        text = text.replace("\u00a0", " ")
        assert "ИСКОВОЕ ЗАЯВЛЕНИЕ" in text
        assert "Истец: Demo Supply LLC" in text
        assert "Ответчик: Șantierul Nord SRL, ИНН/код RO123" in text
        assert "По договору № 1/2026 от 01.01.2026" in text
        assert "3 100,50 RON" in text
        assert f"Государственная пошлина: {fee.replace(chr(160), ' ')} RON" in text
        assert "Досудебный порядок урегулирования спора соблюдён" in text
        assert "Взыскать с" in text or "взыскать с" in text


def test_each_currency_is_claimed_apart_and_only_the_courts_gets_a_fee(
    debtor: Any, lawyer: Any, make_document: Any
) -> None:
    make_document(debtor, "700.00", number="INV-E", currency="EUR",
                  date=date(2026, 1, 10), due_date=date(2026, 2, 9))  # fmt: skip
    case_with_pretension(debtor, lawyer)
    paper = generate_document(debtor, "court_claim", lawyer, language="en", today=TODAY)
    docx, pdf = texts(paper)
    for text in (docx, pdf):
        assert "Value of the claim: " in text and " RON." in text and " EUR." in text
        assert text.count("Court fee: ") == 1  # the lei part; none computed on euros
        assert "3,800.50" not in text  # never 3,100.50 RON + 700 EUR


def test_the_case_page_shows_the_fee_and_the_lawsuit_form_starts_with_it(
    debtor: Any, lawyer: Any
) -> None:
    case = case_with_pretension(debtor, lawyer)
    from dunwell.legal.selectors import case_court_fee

    fee = case_court_fee(case, date.today())
    assert fee is not None and fee.amount.currency == "RON"
    page = client_for(lawyer).get(f"/legal/cases/{case.pk}/").content.decode()
    assert 'id="court-fee"' in page
    assert "Emergency Ordinance 80/2013" in page or "80/2013" in page
    assert f'name="state_fee" value="{fee.amount.amount}"' in page


def test_a_party_without_a_tax_id_reads_without_an_empty_tax_id(debtor: Any, lawyer: Any) -> None:
    type(debtor).objects.filter(pk=debtor.pk).update(tax_id="")
    debtor.refresh_from_db()
    paper = generate_document(debtor, "statement", lawyer, language="en", today=TODAY)
    for text in texts(paper):
        assert "Debtor: Șantierul Nord SRL" in text
        assert "tax id Address" not in text
        assert "Debtor: Șantierul Nord SRL, tax id" not in text


def test_the_claim_cites_the_pretension_that_was_sent_not_one_made_later(
    debtor: Any, lawyer: Any
) -> None:
    """A lawyer who makes the pretension again after sending it (to see the amounts grown since)
    did not send that one: the claim cites the letter dated on or before the sending."""
    case = case_with_pretension(debtor, lawyer)  # made 10.03, sent 11.03
    sent = case.papers.get(kind="pretension")
    later = generate_document(debtor, "pretension", lawyer, language="ro", today=TODAY)
    assert later.number != sent.number
    paper = generate_document(debtor, "court_claim", lawyer, language="ro", today=TODAY)
    for text in texts(paper):
        assert (
            f"La data de 11.03.2026, reclamantul a transmis pârâtului notificarea nr. "
            f"{sent.number} din 10.03.2026" in " ".join(text.split())
        )
        assert f"Copia notificării nr. {sent.number} din 10.03.2026" in text
        assert later.number not in text


def test_a_pretension_sent_without_a_letter_of_ours_is_cited_without_a_number(
    debtor: Any, lawyer: Any
) -> None:
    """Sent on a letter made elsewhere (or only made again after the sending): the claim says
    the pretension was sent, without "No.  of "."""
    case = services.open_case(debtor, lawyer, lawyer=lawyer)
    services.record_pretension_sent(case, lawyer, sent_on=date(2026, 3, 11), channel="post")
    generate_document(debtor, "pretension", lawyer, language="ru", today=TODAY)  # made later
    paper = generate_document(debtor, "court_claim", lawyer, language="ru", today=TODAY)
    for text in texts(paper):
        text = " ".join(text.split())
        assert "11.03.2026 истец направил ответчику претензию с требованием погасить" in text
        assert "претензию № " not in text and "№ от" not in text
        assert "Копия претензии с доказательством её направления" in text


UNCOVERED = {
    "en": "Court fee on the claim in EUR: not computed here, as the rule (Emergency Ordinance "
    "80/2013, art. 3 para. (1)) is for claims in RON; enter it when recording the filing.",
    "ro": "Taxa judiciară de timbru pentru pretenția în EUR: nu este calculată aici, deoarece "
    "regula (art. 3 alin. (1) din OUG nr. 80/2013) se aplică pretențiilor în RON; "
    "introduceți-o când înregistrați depunerea cererii.",
}
UNKNOWN = {
    "en": "Court fee: the rule for this court is not known here",
    "ro": "Taxa judiciară de timbru: regula de calcul pentru această instanță nu este cunoscută",
}


def fee_line(lawyer: Any, case: LegalCase, language: str) -> str:
    type(lawyer).objects.filter(pk=lawyer.pk).update(language=language)
    page = client_for(lawyer).get(f"/legal/cases/{case.pk}/").content.decode()
    html = page.split('id="court-fee">')[1].split("</p>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_case_page_says_the_fee_on_a_claim_in_another_currency_is_the_lawyers(
    debtor: Any, lawyer: Any, make_document: Any, language: str
) -> None:
    """Lei and euros owed: the fee on the lei, and a word on the euros (nothing was said).
    The lei are the case's currency: 500 EUR is worth less than the 3,100.50 RON owed (at
    700 EUR the euros were, and the case was in euros)."""
    make_document(debtor, "500.00", number="INV-E", currency="EUR",
                  date=date(2026, 1, 10), due_date=date(2026, 2, 9))  # fmt: skip
    case = case_with_pretension(debtor, lawyer)
    line = fee_line(lawyer, case, language)
    assert line.startswith({"en": "Court fee: ", "ro": "Taxa judiciară de timbru: "}[language])
    assert " RON (" in line
    assert UNCOVERED[language] in line
    assert UNKNOWN[language] not in line


@pytest.mark.parametrize("language", ["en", "ro"])
def test_a_case_in_a_currency_the_rule_does_not_count_in_says_why_there_is_no_fee(
    debtor: Any, lawyer: Any, make_document: Any, language: str
) -> None:
    """A Romanian claim in euros had 'the rule for this court is not known here': it is known,
    and counts claims in lei."""
    make_document(debtor, "700.00", number="INV-E", currency="EUR",
                  date=date(2026, 1, 10), due_date=date(2026, 2, 9))  # fmt: skip
    case = case_with_pretension(debtor, lawyer)
    LegalCase.objects.filter(pk=case.pk).update(currency="EUR")
    line = fee_line(lawyer, case, language)
    assert line.startswith(UNCOVERED[language])
    assert UNKNOWN[language] not in line
