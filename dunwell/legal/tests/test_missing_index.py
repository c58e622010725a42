"""A pretension under CC UA art. 625 for months whose consumer price index is not loaded:
before, the paper's appendix read "0%" and 0.00 inflation losses as if prices had not risen,
and only the calculator page warned. Now the appendix names the months without an index and
the calculation's warnings (the calculator's own wording) reach the places papers are made."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.interest.models import RateValue
from dunwell.ledger.models import Counterparty
from dunwell.legal.services import generate_document
from dunwell.legal.tests.test_documents import docx_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)
# Debt due 05.01.2026: indexed from January; repaid (the letter's date) on the 15th: up to March.
MISSING = "01.2026–03.2026"
WARNING = "The consumer price index for 01.2026 is not loaded"


@pytest.fixture
def kyiv(make_counterparty: Any, make_document: Any, collector: Any) -> Counterparty:
    # the months of the claim have no index, whatever the shipped data holds by then
    RateValue.objects.filter(series__code="ua_cpi", effective_from__gte=date(2026, 1, 1)).delete()
    cp = make_counterparty(name="ТОВ «Тест»", country="UA", language="uk", collector=collector)
    make_document(cp, "10000.00", currency="UAH", date=date(2025, 12, 5),
                  due_date=date(2026, 1, 5))  # fmt: skip
    return cp


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _inflation(paper: Any) -> dict[str, str]:
    (line,) = [
        line
        for block in paper.data["groups"]
        for line in block["calc"]["lines"]
        if line["component"].startswith(("Inflation losses", "Інфляційні втрати"))
    ]
    return line


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", f"no price index yet for {MISSING}"), ("uk", f"індексу цін за {MISSING} ще немає")],
)
def test_the_appendix_names_the_months_without_an_index_not_a_zero_rate(
    kyiv: Counterparty, lawyer: Any, language: str, expected: str
) -> None:
    paper = generate_document(kyiv, "pretension", lawyer, language=language, today=TODAY,
                              pdf=False)  # fmt: skip
    line = _inflation(paper)
    assert line["rate"] == "—"  # was "0%", as if prices had not risen
    assert line["component"].endswith(f"({expected})")
    assert expected in docx_text(paper.docx.read())


def test_the_pdf_appendix_keeps_every_column_on_the_page(kyiv: Counterparty, lawyer: Any) -> None:
    """The months' note is in the component's cell, which wraps: in the rate's (a number
    column that does not wrap) it pushed the year and amount columns off the page."""
    paper = generate_document(kyiv, "pretension", lawyer, language="ro", today=TODAY)
    text = subprocess.run(
        ["pdftotext", "-layout", paper.pdf.path, "-"], capture_output=True, check=True, text=True
    ).stdout
    appendix = text.split("Anexă la notificarea")[1]
    assert "(indicele" in appendix and "nu este încă disponibil)" in appendix
    header = next(line for line in appendix.splitlines() if "Componentă" in line)
    assert "Suma" in header


def test_the_documents_panel_shows_the_calculators_warnings_when_the_pretension_is_made(
    kyiv: Counterparty, collector: Any
) -> None:
    url = reverse("legal:debtor_documents", args=[kyiv.pk])
    with time_machine.travel("2026-04-15 10:00:00+03:00", tick=False):
        page = (
            client_for(collector)
            .post(url, {"kind": "pretension", "language": "uk"}, follow=True)
            .content.decode()
        )
    assert "is ready." in page
    assert WARNING in page  # the same sentence the calculator shows


def test_the_calculator_repeats_its_warnings_beside_the_pretension_buttons(
    kyiv: Counterparty, collector: Any
) -> None:
    page = (
        client_for(collector)
        .get(reverse("legal:calculator"), {"counterparty": str(kyiv.pk), "to": "2026-04-15"})
        .content.decode()
    )
    buttons = page.split('id="calc-pretension-warnings"')[1].split('value="docx"')[0]
    assert "check its warnings first" in buttons
    assert WARNING in buttons
    assert f"no price index yet for {MISSING}" in page  # the table's rate, not "0%"
