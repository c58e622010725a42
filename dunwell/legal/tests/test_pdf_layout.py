"""The printed PDF as laid out on the page: tables keep within the page's margins."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from dunwell.legal.rendering import render_html

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
