"""Render a document snapshot as DOCX (docxtpl, from an editable template) and PDF
(WeasyPrint, from an HTML template). Both print the same snapshot.

DOCX templates: an administrator's upload (DocumentTemplate) for the kind and language, else
the file shipped in dunwell/legal/docx/<kind>.<language>.docx (built by
`manage.py legal_build_templates`), else the English one.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from docxtpl import DocxTemplate

from dunwell.legal.layouts import resolve
from dunwell.legal.models import DocumentTemplate
from dunwell.legal.sandbox import render as render_sandboxed

SHIPPED = Path(__file__).resolve().parent / "docx"


def shipped_template(kind: str, language: str) -> Path:
    path = SHIPPED / f"{kind}.{language}.docx"
    return path if path.exists() else SHIPPED / f"{kind}.en.docx"


def template_source(kind: str, language: str) -> Any:
    """A path or an open file with the DOCX template to use."""
    upload = DocumentTemplate.objects.filter(kind=kind, language=language).first()
    if upload is not None and upload.file:
        upload.file.open("rb")
        try:
            return io.BytesIO(upload.file.read())
        finally:
            upload.file.close()
    return shipped_template(kind, language)


def render_docx(kind: str, language: str, data: dict[str, Any]) -> bytes:
    template = DocxTemplate(template_source(kind, language))
    render_sandboxed(template, data)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_html(kind: str, language: str, data: dict[str, Any]) -> str:
    with translation.override(language):
        blocks = resolve(kind, data)
        return render_to_string(
            "legal/pdf/document.html", {"blocks": blocks, "d": data, "language": language}
        )


def render_pdf(kind: str, language: str, data: dict[str, Any]) -> bytes:
    return bytes(render_pages(kind, language, data).write_pdf())


def render_pages(kind: str, language: str, data: dict[str, Any]) -> Any:
    """The laid-out WeasyPrint document: its PDF, or its pages printed after another's (a
    letter printed for post with its statement)."""
    # Its progress messages ("Step 1 - Fetching and parsing HTML") log at INFO for every page,
    # some while it is imported.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    # WeasyPrint is heavy to import; only the code paths that print pay for it.
    from weasyprint import HTML

    html = render_html(kind, language, data)
    return HTML(string=html, base_url=str(SHIPPED)).render()
