"""The aging report as JSON, CSV, a text table and XLSX (openpyxl write-only, streams rows)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dunwell.cells import append_row, csv_row, lay_out
from dunwell.insight.buckets import Bucket
from dunwell.insight.selectors import AgingReport
from dunwell.work.bucket_names import bucket_name


def bucket_label(bucket: Bucket) -> str:
    # The KPI page's column, the debtor card and the debtor list name this bucket so: one word
    # (ru "Не просрочено" here beside "Срок не наступил" there read as two things).
    return _("Not yet due") if bucket.low is None else bucket.label


def bucket_heading(bucket: Bucket) -> str:
    """The bucket as the aging page and its XLSX head a column: with its unit, as the debtor
    card names it ("91–180 days", ro "91–180 de zile"; the page read a bare "91–180")."""
    return bucket_name(bucket.label)


def header(report: AgingReport, *, days: bool = False) -> list[str]:
    by_label = {
        "counterparty": _("Counterparty"),
        "collector": _("Collector"),
        "segment": _("Segment"),
        "company": _("Company"),
        "currency": _("Currency"),
    }[report.by.value]
    return [
        by_label,
        _("Currency"),
        *((bucket_heading if days else bucket_label)(b) for b in report.buckets),
        _("Total"),
        _("Documents"),
    ]


def table_rows(report: AgingReport) -> list[list[Any]]:
    """Rows of the report, then one TOTAL row per currency."""
    rows: list[list[Any]] = [
        [row.label, row.currency, *row.amounts, row.total, row.documents] for row in report.rows
    ]
    for currency in report.currencies:
        amounts = report.totals[currency]
        rows.append(
            [
                _("Total"),
                currency,
                *amounts,
                sum(amounts, Decimal("0.00")),
                report.documents[currency],
            ]
        )
    return rows


def to_json(report: AgingReport) -> str:
    keys = [b.key for b in report.buckets]
    data = {
        "as_of": report.as_of.isoformat(),
        "by": report.by.value,
        "buckets": [{"key": b.key, "label": b.label} for b in report.buckets],
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "currency": row.currency,
                "buckets": {k: str(a) for k, a in zip(keys, row.amounts, strict=True)},
                "total": str(row.total),
                "documents": row.documents,
            }
            for row in report.rows
        ],
        "totals": {
            currency: {
                "buckets": {k: str(a) for k, a in zip(keys, amounts, strict=True)},
                "total": str(report.total(currency)),
                "documents": report.documents[currency],
            }
            for currency, amounts in sorted(report.totals.items())
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_csv(report: AgingReport, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(header(report)))
    writer.writerows(csv_row(row) for row in table_rows(report))


def to_csv(report: AgingReport) -> str:
    buffer = io.StringIO()
    write_csv(report, buffer)
    return buffer.getvalue()


def to_table(report: AgingReport) -> str:
    """A plain text table for the terminal, amounts right-aligned with thousands separators."""
    head = header(report)
    body = [
        [str(cell) if not isinstance(cell, Decimal) else f"{cell:,.2f}" for cell in row]
        for row in table_rows(report)
    ]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]

    def fmt(line: list[str]) -> str:
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(line)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = [fmt(head), rule, *(fmt(line) for line in body[: len(report.rows)])]
    if report.totals:
        lines.append(rule)
        lines.extend(fmt(line) for line in body[len(report.rows) :])
    return "\n".join(lines) + "\n"


def write_xlsx(report: AgingReport, out: IO[bytes], notes: Sequence[tuple[str, Any]] = ()) -> None:
    """The report on one sheet: its title, then `notes` (what it was built with: a label and
    a value a row, above the table, so a sheet sent on says what it holds), then the table."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Aging"))
    as_of = date_format(report.as_of, "SHORT_DATE_FORMAT")
    head = header(report, days=True)
    lay_out(sheet, head, above=1 + (len(notes) + 1 if notes else 0))
    sheet.append([_("Aging as of %(date)s") % {"date": as_of}])
    for label, value in notes:
        append_row(sheet, [label, value])
    if notes:
        sheet.append([])
    append_row(sheet, head)
    for row in table_rows(report):
        append_row(sheet, row)
    workbook.save(out)
