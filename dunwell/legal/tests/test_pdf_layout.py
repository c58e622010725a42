"""The printed PDF as laid out on the page: tables keep within the page's margins, and the
calculation's cells say what their figures are."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from dunwell.legal.calc import CalcLine, Calculation
from dunwell.legal.rendering import render_html
from dunwell.legal.selectors import Money, _calc_block

NBSP = "\u00a0"


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def test_the_calculation_appendix_keeps_within_the_right_margin() -> None:
    """The pretension's nine-column calculation in Russian, with six-figure bases: its last
    column ("Сумма") printed past the right margin, up to the page's edge."""
    line = {
        "item": "Отгрузка / накладная № УПД-804 от 20.10.2026",
        "component": "Неустойка (пеня)",
        "start": "19.11.2026",
        "end": "06.12.2026",
        "days": "18",
        "base": f"208{NBSP}495,81",
        "rate": "15,5%",
        "year_basis": "365",
        "amount": f"1{NBSP}593,71",
    }
    data = {
        "number": "PR-1",
        "groups": [
            {
                "label": "Договор № 1",
                "documents": [],
                "calc": {
                    "rule_label": "Проценты",
                    "lines": [line, line],
                    "total": f"3{NBSP}187,42",
                },
            }
        ],
    }
    document = HTML(string=render_html("pretension", "ru", data)).render()
    tables = 0
    for page in document.pages:
        page_box = page._page_box
        right_margin = page_box.content_box_x() + page_box.width
        for table in (b for b in _boxes(page_box) if isinstance(b, boxes.TableBox)):
            tables += 1
            assert table.position_x + table.margin_width() <= right_margin
    assert tables >= 2  # the claim's table and the calculation's


@pytest.mark.parametrize(
    ("language", "rate"),
    [
        ("ru", "0,03% в день"),
        ("uk", "0,03% за день"),
        ("ro", "0,03% pe zi"),
        ("en", "0.03% per day"),
    ],
)
def test_a_per_day_penalty_says_per_day_and_has_no_year(language: str, rate: str) -> None:
    """A contract's 0,03% a day printed as a bare "0,03%" beside an empty year cell: it read as
    a yearly rate, or a figure left out."""
    line = CalcLine(
        item="INV-1", component="penalty", start=date(2026, 11, 30), end=date(2026, 12, 6),
        days=7, base=Decimal("31924.30"), rate=Decimal("0.03"), year_basis="",
        amount=Decimal("67.04"),
    )  # fmt: skip
    yearly = dataclasses.replace(line, rate=Decimal("16"), year_basis="365")
    calc = Calculation(rule="contract", options={}, to=date(2026, 12, 6), lines=[line, yearly])
    with translation.override(language):
        rows = _calc_block(calc, Money("UAH", language), language)["lines"]
    assert (rows[0]["rate"], rows[0]["year_basis"]) == (rate, "—")
    assert (rows[1]["rate"], rows[1]["year_basis"]) == ("16%", "365")


def test_the_signatures_never_open_a_page_alone() -> None:
    """A statement whose table just fills page one: the creditor's signature went over to page
    two on its own, a page that could be put behind any letter. Now the closing paragraph
    goes over with it, whatever the table's length."""
    row = {
        "label": "Счёт № СЧ-806 от 05.11.2026", "date": "05.11.2026", "due": "12.11.2026",
        "amount": f"77{NBSP}753,99", "paid": "0,00", "open": f"77{NBSP}753,99", "days_late": 24,
    }  # fmt: skip
    for n in range(24, 31):
        data = {"number": "SA-1", "creditor": {"name": "C"}, "debtor": {"name": "D"},
                "rows": [row] * n, "currency": "RUB", "as_of": "06.12.2026"}  # fmt: skip
        document = HTML(string=render_html("statement", "ru", data)).render()
        for page in document.pages[1:]:
            body = page._page_box.children[0].children[0]
            assert body.children[0].element.get("class") != "signs", n
