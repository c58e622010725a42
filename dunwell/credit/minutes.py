"""Minutes of a credit committee meeting as PDF and DOCX, in the company's language (its
country's; the chair's when unknown): date, members present, each item with its votes and
the decision.

Printed with the legal documents' machinery: the same block list as `legal.layouts.resolve`
gives, the PDF through the legal documents' HTML template and WeasyPrint, the DOCX with the
legal templates' font and margins (python-docx). The wording is in this app's catalogue."""

from __future__ import annotations

import io
import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from dunwell.credit.models import CommitteeMeeting, RequestKind, RequestStatus, Vote
from dunwell.credit.selectors import agenda
from dunwell.ledger.models import Company
from dunwell.legal.docx_build import FONT
from dunwell.money import Money
from dunwell.money_l10n import money_text

SIGN_LINE = "_______________ / _______________"


def minutes_language(meeting: CommitteeMeeting) -> str:
    """The company's language (its country's, e.g. Romanian for a company in Romania): the
    company of the customers on the agenda, or the only company; else the chair's."""
    languages = {code for code, _label in settings.LANGUAGES}
    item = meeting.items.select_related("counterparty__company").first()
    companies = list(Company.objects.all()[:2])
    company = item.counterparty.company if item is not None else None
    if company is None and len(companies) == 1:
        company = companies[0]
    for language in (company.language if company else "", meeting.chair.language):
        if language in languages:
            return language
    return "en"


def _day(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _days(n: int | None) -> str:
    if n is None:
        return "—"
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _block(kind: str, text: str = "", **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "text": text, "bold": extra.pop("bold", False), **extra}


def blocks(meeting: CommitteeMeeting) -> list[dict[str, Any]]:
    """The minutes as blocks (title, subtitle, heading, para, bullets, table), in the active
    language: the format of legal/pdf/document.html."""
    members = list(meeting.members.order_by("last_name", "username"))
    if meeting.chair not in members:
        members.insert(0, meeting.chair)
    out = [
        _block("title", _("MINUTES OF THE CREDIT COMMITTEE")),
        _block(
            "subtitle",
            _("Meeting of %(day)s, %(place)s") % {"day": _day(meeting.day), "place": meeting.place}
            if meeting.place
            else _("Meeting of %(day)s") % {"day": _day(meeting.day)},
        ),
        _block("heading", _("Members present")),
        _block(
            "bullets",
            items=[
                _("%(name)s (chair)") % {"name": _name(m)} if m == meeting.chair else _name(m)
                for m in members
            ],
        ),
    ]
    items = agenda(meeting)
    if not items:
        out.append(_block("para", _("No item was on the agenda.")))
    for n, item in enumerate(items, start=1):
        request = item.request
        cp = request.counterparty
        out.append(
            _block(
                "heading",
                _("Item %(n)d. %(customer)s (tax id %(tax_id)s): %(kind)s")
                % {
                    "n": n,
                    "customer": cp.name,
                    "tax_id": cp.tax_id or "—",
                    "kind": RequestKind(request.kind).label,
                },
            )
        )
        requested = _("Requested: limit %(limit)s, payment term %(term)s.") % {
            "limit": money_text(Money(request.requested_limit, request.currency))
            if request.requested_limit is not None
            else "—",
            "term": _days(request.requested_term_days),
        }
        out.append(_block("para", requested))
        if request.kind == RequestKind.REVIEW:
            out.append(
                _block(
                    "para",
                    _("The review date of the limit (%(day)s) has come.")
                    % {"day": _day(request.review_of.review_on if request.review_of else None)},
                )
            )
        else:
            out.append(
                _block(
                    "para",
                    _("Filed by %(who)s on %(day)s: %(justification)s")
                    % {
                        "who": _name(request.filed_by) if request.filed_by else "—",
                        "day": _day(request.filed_at.date()),
                        "justification": request.justification,
                    },
                )
            )
        if item.votes:
            out.append(
                _block(
                    "table",
                    columns=[(_("Member"), False), (_("Vote"), False), (_("Comment"), False)],
                    head=[],
                    # str(): the label is lazy, and the DOCX is written after the minutes'
                    # language is switched back to the reader's.
                    rows=[
                        [
                            (_name(v.member), False),
                            (str(Vote(v.vote).label), False),
                            (v.comment, False),
                        ]
                        for v in item.votes
                    ],
                    foot=[],
                )
            )
        out.append(
            _block(
                "para",
                _("Votes — for: %(approve)d, against: %(reject)d, abstained: %(abstain)d.")
                % item.tally,
            )
        )
        if request.status == RequestStatus.DECIDED and request.decided_limit is not None:
            decision = _(
                "Decision: credit limit %(limit)s, payment term %(term)s, review on %(day)s."
            ) % {
                "limit": money_text(Money(request.decided_limit, request.currency)),
                "term": _days(request.decided_term_days),
                "day": _day(request.review_on),
            }
            out.append(_block("para", decision, bold=True))
            if request.conditions:
                out.append(_block("para", _("Conditions: %(text)s") % {"text": request.conditions}))
        else:
            out.append(_block("para", _("Not decided at this meeting."), bold=True))
    out.append(_block("heading", _("Signatures")))
    out.append(
        _block(
            "bullets",
            items=[
                f"{_('Chair')}: {_name(meeting.chair)}  {SIGN_LINE}",
                *[f"{_name(m)}  {SIGN_LINE}" for m in members if m != meeting.chair],
            ],
        )
    )
    return out


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def render_pdf(meeting: CommitteeMeeting) -> bytes:
    language = minutes_language(meeting)
    with translation.override(language):
        html = render_to_string(
            "legal/pdf/document.html",
            {
                "blocks": blocks(meeting),
                "d": {"number": _("Minutes of %(day)s") % {"day": _day(meeting.day)}},
                "language": language,
            },
        )
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # heavy: imported only when printing

    return bytes(HTML(string=html).write_pdf())


def render_docx(meeting: CommitteeMeeting) -> bytes:
    with translation.override(minutes_language(meeting)):
        content = blocks(meeting)
    doc = new_docx()
    style = doc.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    for section in doc.sections:
        section.left_margin = Cm(2.5)
        section.right_margin = Cm(1.5)
        section.top_margin = Cm(2)
        section.bottom_margin = Cm(2)
    for block in content:
        kind = block["kind"]
        if kind == "title":
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(block["text"])
            run.bold = True
            run.font.size = Pt(14)
        elif kind == "subtitle":
            doc.add_paragraph(block["text"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            doc.add_paragraph().add_run(block["text"]).bold = True
        elif kind == "para":
            doc.add_paragraph().add_run(block["text"]).bold = block["bold"]
        elif kind == "bullets":
            for item in block["items"]:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            table = doc.add_table(rows=1 + len(block["rows"]), cols=len(block["columns"]))
            table.style = "Table Grid"
            for col, (header, _numeric) in enumerate(block["columns"]):
                table.cell(0, col).paragraphs[0].add_run(header).bold = True
            for row, cells in enumerate(block["rows"], start=1):
                for col, (text, _numeric) in enumerate(cells):
                    table.cell(row, col).paragraphs[0].add_run(str(text)).font.size = Pt(9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
