"""Build the shipped DOCX templates from the layouts: one file per kind and language, static
text translated, data as docxtpl (Jinja) tags that lawyers can move around in Word.

Run `manage.py legal_build_templates` after changing a layout or its translations and commit
the files in dunwell/legal/docx/.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.utils import translation
from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from dunwell.legal.i18n import doc_gettext as gettext
from dunwell.legal.layouts import (
    EACH_VAR,
    LAYOUTS,
    SIGN_CREDITOR,
    SIGN_DEBTOR,
    SIGN_LINE,
    Block,
)

LANGUAGES = ("en", "ru", "uk", "ro")
FONT = "Times New Roman"  # present in every Word install; covers Cyrillic and ș ț ă î â


def _tag(path: str) -> str:
    return "{{ " + path + " }}"


def _text(block: Block) -> str:
    text = gettext(block.text) if block.text else ""
    return text % {name: _tag(path) for name, path in block.fields.items()}


def _borders(table: Table) -> None:
    table.style = "Table Grid"


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _cell(table: Table, row: int, col: int, text: str, numeric: bool, bold: bool = False) -> None:
    paragraph = table.cell(row, col).paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(9)
    if numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(doc: DocxDocument, block: Block) -> None:
    keys = [key for _h, key, _n in block.columns]
    numeric = [n for _h, _k, n in block.columns]
    extra: list[tuple[str, Mapping[str, str]]] = [*block.head]
    n_rows = 1 + len(block.head) + 3 + len(block.foot)
    table = doc.add_table(rows=n_rows, cols=len(keys))
    _borders(table)
    for col, (header, _key, num) in enumerate(block.columns):
        _cell(table, 0, col, gettext(header), num, bold=True)
    row = 1
    for label, cells in extra:
        for col, key in enumerate(keys):
            text = gettext(label) if col == 0 else (_tag(cells[key]) if key in cells else "")
            _cell(table, row, col, text, numeric[col], bold=True)
        row += 1
    # docxtpl: the rows holding {%tr %} tags disappear; the one between them repeats.
    _cell(table, row, 0, "{%tr for row in " + block.rows + " %}", False)
    for col, key in enumerate(keys):
        _cell(table, row + 1, col, _tag("row." + key), numeric[col])
    _cell(table, row + 2, 0, "{%tr endfor %}", False)
    row += 3
    for label, cells in block.foot:
        for col, key in enumerate(keys):
            text = gettext(label) if col == 0 else (_tag(cells[key]) if key in cells else "")
            _cell(table, row, col, text, numeric[col], bold=True)
        row += 1
    doc.add_paragraph()


def _signatures(doc: DocxDocument, block: Block) -> None:
    sides = [(block.text or SIGN_CREDITOR, "creditor.name")]
    if block.both_sides:
        sides.append((SIGN_DEBTOR, "debtor.name"))
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    for col, (label, path) in enumerate(sides):
        cell = table.cell(0, col)
        cell.paragraphs[0].add_run(gettext(label)).bold = True
        cell.add_paragraph(_tag(path))
        cell.add_paragraph()
        cell.add_paragraph(SIGN_LINE)


def build(kind: str, language: str) -> DocxDocument:
    doc = new_docx()
    style = doc.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    for section in doc.sections:
        section.left_margin = Cm(2.5)
        section.right_margin = Cm(1.5)
        section.top_margin = Cm(2)
        section.bottom_margin = Cm(2)
    with translation.override(language):
        _blocks(doc, LAYOUTS[kind])
    return doc


def _blocks(doc: DocxDocument, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if block.when:
            doc.add_paragraph("{%p if " + block.when + " %}")
        if block.unless:
            doc.add_paragraph("{%p if not " + block.unless + " %}")
        if block.kind == "each":
            # docxtpl: the paragraphs holding {%p %} tags disappear; what lies between them,
            # tables included, repeats for every element.
            doc.add_paragraph("{%p for " + EACH_VAR + " in " + block.rows + " %}")
            _blocks(doc, block.children)
            doc.add_paragraph("{%p endfor %}")
        elif block.kind == "group":
            _blocks(doc, block.children)
        elif block.kind == "title":
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(_text(block))
            run.bold = True
            run.font.size = Pt(14)
        elif block.kind == "subtitle":
            doc.add_paragraph(_text(block)).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "heading":
            doc.add_paragraph().add_run(_text(block)).bold = True
        elif block.kind == "para":
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.add_run(_text(block)).bold = block.bold
        elif block.kind == "table":
            _table(doc, block)
        elif block.kind == "bullets":
            doc.add_paragraph("{%p for item in " + block.rows + " %}")
            doc.add_paragraph(_tag("item"), style="List Bullet")
            doc.add_paragraph("{%p endfor %}")
        elif block.kind == "signatures":
            _signatures(doc, block)
        elif block.kind == "pagebreak":
            doc.add_page_break()
        for condition in (block.when, block.unless):
            if condition:
                doc.add_paragraph("{%p endif %}")


def build_all(target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in LAYOUTS:
        for language in LANGUAGES:
            path = target / f"{kind}.{language}.docx"
            build(kind, language).save(str(path))
            written.append(path)
    return written
