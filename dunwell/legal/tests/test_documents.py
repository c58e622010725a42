"""Every kind renders in every language as DOCX (checked with python-docx) and PDF (page 1
rendered with pdftoppm, text extracted with pdftotext)."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from PIL import Image

from dunwell.legal.models import GeneratedDocument
from dunwell.legal.services import generate_document

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 4, 15)
# The debtor owes 1000.00 - 400.00 + 2500.50 = 3100.50 RON on TODAY.
OWED = {"en": "3,100.50", "ru": "3\u00a0100,50", "uk": "3\u00a0100,50", "ro": "3.100,50"}
OWED_WORDS = {
    "en": "Three thousand, one hundred lei, fifty bani",
    "ru": "Три тысячи сто румынских леев, пятьдесят бань",
    "uk": "Три тисячі сто румунських леїв, п'ятдесят банів",
    "ro": "Trei mii o sută de lei și cincizeci de bani",
}
TITLES = {
    "pretension": {"en": "PRETENSION", "ru": "ПРЕТЕНЗИЯ", "uk": "ПРЕТЕНЗІЯ", "ro": "NOTIFICARE"},
    "reconciliation": {
        "en": "RECONCILIATION STATEMENT",
        "ru": "АКТ СВЕРКИ",
        "uk": "АКТ ЗВІРЯННЯ",
        "ro": "ACT DE RECONCILIERE",
    },
    "statement": {
        "en": "STATEMENT OF ACCOUNT",
        "ru": "ВЫПИСКА",
        "uk": "ВИПИСКА",
        "ro": "EXTRAS DE CONT",
    },
    "final_warning": {
        "en": "FINAL WARNING",
        "ru": "ПОСЛЕДНЕЕ ПРЕДУПРЕЖДЕНИЕ",
        "uk": "ОСТАННЄ ПОПЕРЕДЖЕННЯ",
        "ro": "ULTIM AVERTISMENT",
    },
    "schedule": {
        "en": "REPAYMENT-SCHEDULE",
        "ru": "ГРАФИКЕ ПОГАШЕНИЯ",
        "uk": "ГРАФІК ПОГАШЕННЯ",
        "ro": "GRAFICUL DE PLATĂ",
    },
    "protocol": {
        "en": "MEETING PROTOCOL",
        "ru": "ПРОТОКОЛ ВСТРЕЧИ",
        "uk": "ПРОТОКОЛ ЗУСТРІЧІ",
        "ro": "PROCES-VERBAL",
    },
}
PARAMS: dict[str, dict[str, Any]] = {
    "pretension": {},
    "reconciliation": {"start": date(2026, 2, 1), "end": date(2026, 3, 31)},
    "statement": {},
    "final_warning": {"days": 5},
    "schedule": {
        "instalments": [
            (date(2026, 5, 1), Decimal("1500.00")),
            (date(2026, 6, 1), Decimal("1600.50")),
        ]
    },
    "protocol": {
        "meeting_date": TODAY,
        "place": "Cluj-Napoca",
        "participants": ["Ion Popescu", "Lena Lawyer"],
        "agreed": ["Pay 1500.00 by 01.05.2026"],
        "next_steps": ["Sign the schedule"],
    },
}


def docx_text(blob: bytes) -> str:
    doc = open_docx(io.BytesIO(blob))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_page_one(pdf: Path, tmp_path: Path) -> Image.Image:
    stem = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True)  # fmt: skip
    return Image.open(f"{stem}.png")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ru", "uk", "ro"])
@pytest.mark.parametrize("kind", list(PARAMS))
def test_every_kind_renders_in_every_language(
    kind: str, language: str, debtor: Any, lawyer: Any, tmp_path: Path
) -> None:
    paper = generate_document(debtor, kind, lawyer, language=language, today=TODAY, **PARAMS[kind])
    text = docx_text(paper.docx.read())
    assert "{{" not in text and "{%" not in text
    assert TITLES[kind][language] in text
    assert "Șantierul Nord SRL" in text
    assert "Demo Supply LLC" in text
    assert OWED[language] in text
    assert OWED_WORDS[language] in text
    assert paper.number in text

    image = pdf_page_one(Path(paper.pdf.path), tmp_path)
    assert image.size[0] > 300
    darkest = image.convert("L").getextrema()[0]
    assert isinstance(darkest, int | float) and darkest < 100  # there is ink on the page
    extracted = " ".join(pdf_text(Path(paper.pdf.path)).split())
    assert TITLES[kind][language] in extracted
    assert "Șantierul Nord SRL" in extracted


def test_pretension_carries_the_calculation_and_the_contract_deadline(
    debtor: Any, lawyer: Any
) -> None:
    paper = generate_document(debtor, "pretension", lawyer, language="ru", today=TODAY)
    text = docx_text(paper.docx.read())
    # contract penalty 0.1%/day (computed by the interest app): INV-1 1000.00 for 16 days,
    # then 600.00 for 54 days; INV-2 2500.50 for 43 days -> 16.00 + 32.40 + 107.52 = 155.92
    assert "155,92" in text
    assert "3\u00a0256,42" in text  # principal + penalty
    assert "Три тысячи двести пятьдесят шесть румынских леев, сорок два бана" in text
    assert "в течение 15 дней" in text  # the contract's pretension period
    assert "30.04.2026" in text
    assert "04.03.2026" in text and "107,52" in text  # a line of the appendix
    assert paper.data["raw"]["claim_total"] == "3256.42"
    assert paper.data["raw"]["rule"] == "contract"
    assert paper.data["raw"]["options"] == {"rate_per_day": "0.1000"}


def test_schedule_prints_the_ladder_agreement(debtor: Any, lawyer: Any) -> None:
    from dunwell.ladder.services import create_agreement

    agreement = create_agreement(
        counterparty=debtor,
        signed_on=TODAY,
        instalments=[(date(2026, 5, 10), Decimal("100.00")), (date(2026, 6, 10), Decimal("50.25"))],
        user=lawyer,
    )
    paper = generate_document(debtor, "schedule", lawyer, language="en", today=TODAY,
                              agreement_id=agreement.pk)  # fmt: skip
    text = docx_text(paper.docx.read())
    assert "10.05.2026" in text and "50.25" in text and "150.25" in text
    assert "One hundred and fifty lei, twenty-five bani" in text
    assert GeneratedDocument.objects.filter(counterparty=debtor, kind="schedule").count() == 1


def test_eu_debtor_gets_directive_interest_and_the_euro_compensation(
    make_counterparty: Any, make_document: Any, lawyer: Any
) -> None:
    berlin = make_counterparty(name="Bau GmbH", country="DE", language="en")
    make_document(berlin, "10000.00", currency="EUR", date=date(2025, 11, 1),
                  due_date=date(2025, 12, 1))  # fmt: skip
    paper = generate_document(berlin, "pretension", lawyer, today=TODAY, pdf=False)
    raw = paper.data["raw"]
    assert raw["rule"] == "eu-directive"
    assert Decimal(raw["interest"]) > 0
    assert raw["compensation"] == "40.00"
    # EUR debt: the EUR 40 is part of the claim
    total = Decimal("10000.00") + Decimal(raw["interest"]) + Decimal("40.00")
    assert Decimal(raw["claim_total"]) == total
    text = docx_text(paper.docx.read())
    assert "Fixed compensation for recovery costs: 40.00 EUR." in text
    assert "Late-payment interest under Directive 2011/7/EU" in text
    # the compensation's line in the calculation has no rate (was "0% per day")
    (line,) = [
        line
        for block in paper.data["groups"]
        for line in block["calc"]["lines"]
        if line["component"] == "Fixed recovery compensation"
    ]
    assert line["rate"] == "—"
    assert "0% per day" not in text


def test_euro_compensation_stays_out_of_a_lei_claim(debtor: Any, lawyer: Any) -> None:
    paper = generate_document(debtor, "pretension", lawyer, language="en", today=TODAY,
                              rule="eu-directive", pdf=False)  # fmt: skip
    raw = paper.data["raw"]
    assert raw["compensation"] == "80.00"  # two invoices, EUR 40 each
    assert Decimal(raw["claim_total"]) == Decimal("3100.50") + Decimal(raw["interest"])
    assert "80.00 EUR" in docx_text(paper.docx.read())
    # In the appendix the compensation's lines say EUR among the lei lines (outside their
    # total); before, a bare "40.00" read as lei.
    amounts = {
        (line["component"], line["amount"])
        for block in paper.data["groups"]
        for line in block["calc"]["lines"]
    }
    assert ("Fixed recovery compensation", "40.00\xa0EUR") in amounts
    assert all(a.endswith("EUR") == (c == "Fixed recovery compensation") for c, a in amounts)


def test_euro_compensation_of_a_lei_claim_is_in_the_euro_total(debtor: Any, lawyer: Any) -> None:
    """The letter claims the EUR 40 per invoice beside a lei debt: its totals (what the debtor
    is asked to pay) list it in euro, apart from the lei. Before, 'Total claim' named the lei
    alone and the 80.00 EUR claimed above it was in no total."""
    paper = generate_document(debtor, "pretension", lawyer, language="en", today=TODAY,
                              rule="eu-directive", pdf=False)  # fmt: skip
    raw = paper.data["raw"]
    assert raw["totals"] == {"RON": raw["claim_total"], "EUR": "80.00"}
    text = docx_text(paper.docx.read())
    lei = Decimal(raw["claim_total"])
    assert f"Total claim: {lei:,.2f} RON" in text
    assert "Total claim: 80.00 EUR (Eighty euro, zero cents)." in text


def test_a_calculation_the_rates_cannot_cover_is_refused_clearly(
    debtor: Any, lawyer: Any, monkeypatch: Any
) -> None:
    from dunwell.interest.errors import InterestError
    from dunwell.legal.errors import LegalError

    def no_rates(*args: Any, **kwargs: Any) -> Any:
        raise InterestError("Rate series ro_reference_rate is not loaded.")

    monkeypatch.setattr("dunwell.interest.services.calculate", no_rates)
    with pytest.raises(LegalError, match="not loaded"):
        generate_document(debtor, "pretension", lawyer, today=TODAY, pdf=False)
    assert not GeneratedDocument.objects.exists()


KIND_WORDS = {"ru": "Счёт № INV-1 от 05.01.2026", "uk": "Рахунок № INV-1 від 05.01.2026",
              "ro": "Factură nr. INV-1 din 05.01.2026"}  # fmt: skip


@pytest.mark.parametrize("language", ["ru", "uk", "ro"])
def test_docx_and_pdf_of_one_letter_share_its_number_and_its_language(
    language: str, debtor: Any, collector: Any
) -> None:
    """An English-speaking collector asks the calculator for the letter as DOCX, then as PDF:
    one letter, one number, its documents named in the letter's language."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(collector)
    query = {"counterparty": str(debtor.pk), "to": "2026-04-15", "language": language}
    as_docx = client.post(reverse("legal:calculator"), {**query, "format": "docx"})
    as_pdf = client.post(reverse("legal:calculator"), {**query, "format": "pdf"})
    paper = GeneratedDocument.objects.get(kind="pretension")
    assert as_docx["Location"] == reverse("legal:download", args=[paper.pk, "docx"])
    assert as_pdf["Location"] == reverse("legal:download", args=[paper.pk, "pdf"])
    docx = docx_text(paper.docx.read())
    pdf = " ".join(pdf_text(Path(paper.pdf.path)).split())
    for text in (docx, pdf):
        assert paper.number in text
        assert KIND_WORDS[language] in text  # the list and the appendix
        assert "Invoice" not in text


def test_a_changed_ledger_makes_a_new_letter_with_a_new_number(debtor: Any, lawyer: Any) -> None:
    first = generate_document(debtor, "pretension", lawyer, language="en", today=TODAY, pdf=False)
    again = generate_document(debtor, "pretension", lawyer, language="en", today=TODAY)
    assert again.pk == first.pk and again.pdf  # the PDF of the same letter
    debtor.documents.filter(number="INV-2").update(amount=Decimal("2600.50"))
    changed = generate_document(debtor, "pretension", lawyer, language="en", today=TODAY)
    assert changed.number != first.number


@pytest.mark.parametrize(
    ("language", "days", "phrase"),
    [("ru", 21, "в течение 21 дня с даты"), ("ru", 3, "в течение 3 дней с даты"),
     ("uk", 1, "протягом 1 дня з дати"), ("ro", 20, "în termen de 20 de zile de la data"),
     ("ro", 1, "în termen de 1 zi de la data"), ("en", 1, "within 1 day of this letter")],
)  # fmt: skip
def test_the_letters_period_takes_the_plural_of_its_language(
    debtor: Any, lawyer: Any, language: str, days: int, phrase: str
) -> None:
    debtor.contracts.update(pretension_days=days)
    paper = generate_document(debtor, "pretension", lawyer, language=language, today=TODAY,
                              pdf=False)  # fmt: skip
    assert phrase in docx_text(paper.docx.read())


def _claim(lines_per_group: list[int]) -> dict[str, Any]:
    line = {"item": "FCT-32", "component": "Penalități", "start": "06.12.2026",
            "end": "06.12.2026", "days": 1, "base": "53.861,19", "rate": "0,03% pe zi",
            "year_basis": "—", "amount": "16,16"}  # fmt: skip
    groups = [
        {"label": f"Contractul nr. {n}", "documents": [], "principal": "1.032,44",
         "currency": "EUR", "calc": {"rule_label": "Penalități contractuale", "to": "06.12.2026",
                                     "total": "16,16" if lines else "0,00",
                                     "lines": [line] * lines}}
        for n, lines in enumerate(lines_per_group, start=1)
    ]  # fmt: skip
    return {"number": "PR-1", "groups": groups, "several": len(groups) > 1,
            "no_calculation": not any(lines_per_group), "creditor": {"name": "C"},
            "debtor": {"name": "D"}, "raw": {}}  # fmt: skip


def test_a_block_without_a_calculation_claims_no_penalty_and_attaches_none() -> None:
    """A euro invoice still within its contract's grace period: the letter read "Penalități
    contractuale până la 06.12.2026: 0,00 EUR; calculul este anexat." and the appendix printed
    that contract's empty table."""
    from dunwell.legal.rendering import render_docx, render_html

    attached = "calculul este anexat"
    appendix = "Anexă la notificarea nr. PR-1: calcul"
    data = _claim([1, 0])
    for text in (docx_text(render_docx("pretension", "ro", data)),
                 render_html("pretension", "ro", data)):  # fmt: skip
        assert text.count(attached) == 1
        assert appendix in text
        assert text.count("Contractul nr. 2") == 1  # its claim, not an appendix part
    data = _claim([0])
    for text in (docx_text(render_docx("pretension", "ro", data)),
                 render_html("pretension", "ro", data)):  # fmt: skip
        assert attached not in text and appendix not in text


def test_a_romanian_pretension_keeps_to_the_terms_of_its_title(debtor: Any, lawyer: Any) -> None:
    """Headed "Notificare de plată (somație)", the letter spoke of a "pretenție" ("Total
    pretenție", "Pretins pentru această parte"): one paper, one set of words."""
    paper = generate_document(debtor, "pretension", lawyer, language="ro", today=TODAY,
                              rule="eu-directive", pdf=False)  # fmt: skip
    text = docx_text(paper.docx.read())
    assert "NOTIFICARE DE PLATĂ (SOMAȚIE)" in text
    assert "Total de plată: " in text
    assert "Compensație fixă pentru cheltuielile de recuperare" in text  # as the letter says
    assert "preten" not in text.lower() and "pretins" not in text.lower()
