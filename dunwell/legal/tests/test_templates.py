from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile
from docx import Document as open_docx
from docxtpl import DocxTemplate

from dunwell.legal.docx_build import LANGUAGES, build
from dunwell.legal.layouts import LAYOUTS
from dunwell.legal.models import DocumentTemplate
from dunwell.legal.rendering import SHIPPED, shipped_template
from dunwell.legal.services import generate_document


def _texts(doc: Any) -> list[str]:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return parts


@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_shipped_templates_are_built_from_the_current_layouts(kind: str) -> None:
    # After changing a layout or its translations run `manage.py legal_build_templates`.
    for language in LANGUAGES:
        shipped = open_docx(str(shipped_template(kind, language)))
        assert _texts(shipped) == _texts(build(kind, language)), f"{kind}.{language}.docx"


def test_every_kind_and_language_has_a_shipped_template() -> None:
    names = {p.name for p in SHIPPED.glob("*.docx")}
    assert names == {f"{k}.{lang}.docx" for k in LAYOUTS for lang in LANGUAGES}


@pytest.mark.django_db
def test_an_uploaded_template_replaces_the_shipped_one(debtor: Any, lawyer: Any) -> None:
    doc = open_docx()
    doc.add_paragraph("CUSTOM STATEMENT for {{ debtor.name }}: {{ total }} {{ currency }}")
    blob = io.BytesIO()
    doc.save(blob)
    upload = DocumentTemplate(kind="statement", language="en", note="our letterhead")
    upload.file.save("statement.docx", ContentFile(blob.getvalue()))

    paper = generate_document(debtor, "statement", lawyer, language="en", today=date(2026, 4, 15))
    text = "\n".join(_texts(open_docx(paper.docx.open("rb"))))
    assert "CUSTOM STATEMENT for Șantierul Nord SRL: 3,100.50 RON" in text
    # other languages keep the shipped template
    ro = generate_document(debtor, "statement", lawyer, language="ro", today=date(2026, 4, 15))
    assert "EXTRAS DE CONT" in "\n".join(_texts(open_docx(ro.docx.open("rb"))))


def test_shipped_templates_use_only_snapshot_fields() -> None:
    from dunwell.legal.selectors import Snapshot  # noqa: F401 - documents the contract

    known_roots = {"number", "date", "creditor", "debtor", "contract", "currency", "items",
                   "principal", "principal_words", "calc", "claim_total", "claim_total_words",
                   "deadline_days", "deadline", "start", "end", "opening_debit", "opening_credit",
                   "rows", "debit_turnover", "credit_turnover", "closing_debit", "closing_credit",
                   "closing", "closing_words", "in_favour", "as_of", "total", "total_words",
                   "overdue", "overdue_words", "instalments", "meeting_date", "place",
                   "participants", "agreed", "next_steps", "row", "item", "groups",
                   "totals", "several", "no_calculation", "deadline_period", "periods_note",
                   "g", "court", "pretension", "claims", "fees", "attachments",
                   "debts"}  # fmt: skip
    for path in SHIPPED.glob("*.docx"):
        variables = DocxTemplate(str(path)).get_undeclared_template_variables()
        assert variables <= known_roots, (path.name, variables - known_roots)


@pytest.mark.django_db
def test_a_broken_template_upload_is_refused() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from dunwell.legal.forms import DocumentTemplateForm

    doc = open_docx()
    doc.add_paragraph("Dear {{ debtor.name }, {% if %}")
    blob = io.BytesIO()
    doc.save(blob)
    for content in (blob.getvalue(), b"not a docx"):
        form = DocumentTemplateForm(
            {"kind": "pretension", "language": "ro"},
            MultiValueDict({"file": [SimpleUploadedFile("t.docx", content)]}),
        )
        assert not form.is_valid()
        assert "not a usable DOCX template" in str(form.errors["file"])
    good = open_docx()
    good.add_paragraph("{{ debtor.name }}")
    blob = io.BytesIO()
    good.save(blob)
    form = DocumentTemplateForm(
        {"kind": "pretension", "language": "ro"},
        MultiValueDict({"file": [SimpleUploadedFile("t.docx", blob.getvalue())]}),
    )
    assert form.is_valid(), form.errors


PROBE = "{{ cycler.__init__.__globals__.os.environ.get('DUNWELL_SECRET_KEY') }}"
SECRET = "probe-secret-that-must-never-print-0123456789-abcdefghij"


def _docx(*paragraphs: str) -> bytes:
    doc = open_docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    blob = io.BytesIO()
    doc.save(blob)
    return blob.getvalue()


def _upload_form(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from dunwell.legal.forms import DocumentTemplateForm

    return DocumentTemplateForm(
        {"kind": "statement", "language": "en"},
        MultiValueDict({"file": [SimpleUploadedFile("t.docx", content)]}),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("expression", "named"),
    [
        (PROBE, "cycler"),
        ("{{ ''.__class__ }}", "__class__"),
        ("{{ debtor.name.__class__.__mro__ }}", "__class__"),
        ("{{ debtor.name.upper() }}", "upper"),
        ("{{ debtor.name|attr('__class__') }}", "attr"),
        ("{{ 9**9**9 }}", "**"),
    ],
)
def test_an_upload_reaching_outside_the_document_data_is_refused_naming_the_expression(
    expression: str, named: str
) -> None:
    form = _upload_form(_docx("Dear {{ debtor.name }},", expression))
    assert not form.is_valid()
    assert named in str(form.errors["file"])


@pytest.mark.django_db
def test_an_upload_using_documented_data_and_allowed_filters_is_accepted() -> None:
    form = _upload_form(
        _docx(
            "Dear {{ debtor.name|upper }}, {{ total }} {{ currency|default('RON') }}",
            "{%p for row in rows %}",
            "{{ row.date }} {{ row.debit }}",
            "{%p endfor %}",
        )
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_probe_template_forced_into_the_database_prints_no_secret(
    debtor: Any, lawyer: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("DUNWELL_SECRET_KEY", SECRET)
    upload = DocumentTemplate(kind="statement", language="en", note="forced past the form")
    content = _docx("STATEMENT for {{ debtor.name }}", "[" + PROBE + "]", "[{{ ''.__class__ }}]")
    upload.file.save("statement.docx", ContentFile(content))

    paper = generate_document(debtor, "statement", lawyer, language="en", today=date(2026, 4, 15))
    text = "\n".join(_texts(open_docx(paper.docx.open("rb"))))
    assert "STATEMENT for Șantierul Nord SRL" in text
    assert SECRET not in text
    assert "[]" in text and "class" not in text


@pytest.mark.django_db
def test_loop_variables_can_be_used_in_an_upload() -> None:
    form = _upload_form(
        _docx("{%p for row in rows %}", "{{ loop.index }}. {{ row.date }}", "{%p endfor %}")
    )
    assert form.is_valid(), form.errors


def test_the_security_guide_lists_the_names_and_filters_a_template_may_use() -> None:
    """docs/security.md tells a template author what the sandbox lets through; it named no
    field, and the statement of claim's (court, pretension, claims, fees, attachments) came
    after it."""
    import re
    from pathlib import Path

    from dunwell.legal.sandbox import ALLOWED_FILTERS, DOCUMENTED_FIELDS

    guide = Path(__file__).resolve().parents[3] / "docs" / "security.md"
    section = guide.read_text(encoding="utf-8").split("\n## Templates\n", 1)[1]
    filters = section.split("`ALLOWED_FILTERS`", 1)[1].split("\n- An upload", 1)[0]
    assert set(re.findall(r"`(\w+)`", filters)) == set(ALLOWED_FILTERS)
    names = section.split("The top-level names a template may use", 1)[1]
    names = names.split("\n- A template forced", 1)[0]
    assert set(re.findall(r"`(\w+)`", names)) == DOCUMENTED_FIELDS
