"""The KPI report as JSON, a text table and XLSX (docs/metrics.md)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dunwell.accounts.models import Role
from dunwell.cells import append_row, lay_out
from dunwell.insight import kpi
from dunwell.insight.export import bucket_label
from dunwell.insight.metrics import (
    CollectorResult,
    MetricsReport,
    PeriodFigures,
    Point,
    Series,
)


def cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def one_place(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(one_place(value))


def period_words(period: kpi.Period) -> str:
    """The period in words, "1 July – 30 September 2026", in the reader's language (the year
    once when both days share it)."""

    def day(value: date, year: bool) -> str:
        month = date_format(value, "E")
        # Only English writes the month with a capital in running text (ro "Octombrie").
        if not (get_language() or "en").startswith("en"):
            month = month.lower()
        return f"{value.day} {month} {value.year}" if year else f"{value.day} {month}"

    same_year = period.start.year == period.end.year
    return f"{day(period.start, not same_year)} – {day(period.end, True)}"


def figures_header() -> list[str]:
    return [
        _("Receivables"),
        _("Not yet due"),
        _("DSO"),
        _("Simple DSO"),
        _("Best possible DSO"),
        _("ADD"),
        _("CEI, %"),
    ]


def figures_row(figures: PeriodFigures | None) -> list[Any]:
    if figures is None:
        return [None] * 7
    return [
        cents(figures.receivables),
        cents(figures.current),
        one_place(figures.dso),
        one_place(figures.simple_dso),
        one_place(figures.best_dso),
        one_place(figures.add),
        one_place(figures.cei),
    ]


def roll_labels(report: MetricsReport) -> list[str]:
    """ "Not yet due → 1–30", "1–30 → 31–60", …: the rows of the roll-rate matrix."""
    labels = [bucket_label(b) for b in report.buckets]
    return [f"{labels[k]} → {labels[k + 1]}" for k in range(len(labels) - 1)]


def _point_json(point: Point) -> dict[str, Any]:
    return {
        "end": point.end.isoformat(),
        "receivables": str(cents(point.receivables)),
        "current": str(cents(point.current)),
        "sales": str(cents(point.sales)),
        "documents": point.documents,
        "dso": _text(point.dso),
        "simple_dso": _text(point.simple_dso),
        "best_dso": _text(point.best_dso),
        "add": _text(point.add),
        "cei": _text(point.cei),
    }


def _series_json(report: MetricsReport, series: Series) -> dict[str, Any]:
    keys = [b.key for b in report.buckets]
    last = series.last
    return {
        "key": series.key,
        "label": series.label,
        "currency": series.currency,
        "kpis": {
            **_point_json(last),
            "buckets": {k: str(cents(v)) for k, v in zip(keys, last.buckets, strict=True)},
        },
        "trend": [_point_json(p) for p in series.points],
        "roll_rates": [
            {"from": keys[k], "to": keys[k + 1], "rates": [_text(v) for v in row]}
            for k, row in enumerate(series.roll)
        ],
        "recovery": [
            {
                "bucket": r.bucket.key,
                "within": {
                    str(h): {
                        "share": _text(r.shares[j]),
                        "amount": str(cents(r.base[j])),
                        "paid": str(cents(r.paid[j])),
                        "documents": r.observations[j],
                    }
                    for j, h in enumerate(report.horizons)
                },
            }
            for r in series.recovery
        ],
    }


def _collector_json(row: CollectorResult) -> dict[str, Any]:
    return {
        "collector_id": row.collector_id,
        "collector": row.label,
        "role": row.role,
        "money": {
            currency: {
                "collected": str(cents(m.collected)),
                "promises": m.promises,
                "promised": str(cents(m.promised)),
                "kept": m.kept,
                "kept_amount": str(cents(m.kept_amount)),
                "broken": m.broken,
                "broken_amount": str(cents(m.broken_amount)),
            }
            for currency, m in sorted(row.money.items())
        },
        "tasks": {
            "due": row.tasks_due,
            "on_time": row.tasks_on_time,
            "late": row.tasks_late,
            "punctuality": _text(row.punctuality),
        },
        "calls": {
            "calls": row.calls,
            "answered": row.calls_answered,
            "talk_seconds": row.talk_seconds,
        },
    }


def _figures_json(figures: PeriodFigures | None) -> dict[str, str | None] | None:
    """As a series' `kpis`: amounts to the cent, days and per cents to one place."""
    if figures is None:
        return None
    return {
        "receivables": str(cents(figures.receivables)),
        "current": str(cents(figures.current)),
        "opening": str(cents(figures.opening)),
        "sales": str(cents(figures.sales)),
        "dso": _text(one_place(figures.dso)),
        "simple_dso": _text(one_place(figures.simple_dso)),
        "best_dso": _text(one_place(figures.best_dso)),
        "add": _text(one_place(figures.add)),
        "cei": _text(one_place(figures.cei)),
    }


def _period_json(period: kpi.Period) -> dict[str, str]:
    return {"kind": period.kind, "from": period.start.isoformat(), "to": period.end.isoformat()}


def to_json(report: MetricsReport) -> str:
    period = report.period or kpi.Period.ending(kpi.MONTH, report.as_of)
    data = {
        "as_of": report.as_of.isoformat(),
        # The key figures over the period and over the one before it, per series.
        "period": _period_json(period),
        "previous_period": _period_json(period.previous()),
        "key_figures": [
            {
                "currency": series.currency,
                "group": series.label,
                "period": _figures_json(report.figures.get((series.key, series.currency))),
                "previous_period": _figures_json(
                    report.previous.get((series.key, series.currency))
                ),
            }
            for series in report.series
        ],
        "by": report.by.value if report.by else None,
        "buckets": [{"key": b.key, "label": b.label} for b in report.buckets],
        "horizons": list(report.horizons),
        "ends": [end.isoformat() for end in report.ends],
        "series": [_series_json(report, s) for s in report.series],
        "collectors": {
            "from": report.period_start.isoformat(),
            "to": report.as_of.isoformat(),
            "rows": [_collector_json(row) for row in report.collectors],
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value.as_tuple().exponent == -2 else f"{value:,}"
    return str(value)


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    body = [[_cell(c) for c in row] for row in rows]
    full = [line for line in [head, *body] if len(line) == len(head)]
    widths = [max(len(line[i]) for line in full) for i in range(len(head))]

    def fmt(line: list[str]) -> str:
        if len(line) < len(head):  # a title between the rows (or an empty line)
            return " ".join(line)
        return "  ".join(
            c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(line)
        ).rstrip()

    return [fmt(head), "  ".join("-" * w for w in widths), *(fmt(line) for line in body)]


def trend_header() -> list[str]:
    return [
        _("Period end"),
        _("Receivables"),
        _("Credit sales"),
        _("DSO"),
        _("Simple DSO"),
        _("Best possible DSO"),
        _("ADD"),
        _("CEI, %"),
    ]


def trend_rows(series: Series) -> list[list[Any]]:
    return [
        [
            p.end,
            cents(p.receivables),
            cents(p.sales),
            one_place(p.dso),
            one_place(p.simple_dso),
            one_place(p.best_dso),
            one_place(p.add),
            one_place(p.cei),
        ]
        for p in series.points
    ]


def recovery_header(report: MetricsReport) -> list[str]:
    head = [_("Bucket")]
    for h in report.horizons:
        head += [
            ngettext("Paid within %(days)d day, %%", "Paid within %(days)d days, %%", h)
            % {"days": h},
            ngettext("Documents (%(days)d day)", "Documents (%(days)d days)", h) % {"days": h},
        ]
    return head


def recovery_rows(report: MetricsReport, series: Series) -> list[list[Any]]:
    rows = []
    for r in series.recovery:
        row: list[Any] = [bucket_label(r.bucket)]
        for j in range(len(report.horizons)):
            row += [one_place(r.shares[j]), r.observations[j]]
        rows.append(row)
    # The month-ends each column rests on, as the page names them under its headings.
    spans: list[Any] = [_("Month-ends measured")]
    for span in series.recovery_ends:
        if span is None:
            spans += [_("none yet"), None]
        else:
            first, last = (date_format(day, "SHORT_DATE_FORMAT") for day in span)
            spans += [_("%(first)s to %(last)s") % {"first": first, "last": last}, None]
    rows.append(spans)
    return rows


def collector_header() -> list[str]:
    return [
        _("Collector"),
        _("Role"),
        _("Currency"),
        _("Collected"),
        _("Promises made"),
        _("Promised"),
        _("Kept"),
        _("Kept amount"),
        _("Broken"),
        _("Broken amount"),
        _("Tasks due"),
        _("On time"),
        _("Punctuality, %"),
        _("Calls"),
        _("Answered"),
        _("Talk time, min"),
    ]


def collector_rows(report: MetricsReport) -> list[list[Any]]:
    """The collectors' (and sales managers') rows, then, under their own title, the others
    with tasks or calls (a lawyer, a supervisor), each with their role, as the page lists them."""
    rows: list[list[Any]] = []
    others_titled = False
    for row in report.collectors:
        if not row.collects and not others_titled:
            rows += [[], [_("Others with tasks or calls (not collecting)")]]
            others_titled = True
        tail = [
            row.tasks_due,
            row.tasks_on_time,
            one_place(row.punctuality),
            row.calls,
            row.calls_answered,
            row.talk_seconds // 60,
        ]
        role = str(Role(row.role).label) if row.role else None
        currencies = sorted(row.money) or [""]
        for n, currency in enumerate(currencies):
            m = row.money.get(currency)
            money: list[Any] = (
                [
                    cents(m.collected),
                    m.promises,
                    cents(m.promised),
                    m.kept,
                    cents(m.kept_amount),
                    m.broken,
                    cents(m.broken_amount),
                ]
                if m
                else [None] * 7
            )
            # Tasks and calls have no currency: shown once per person.
            rows.append([row.label, role, currency, *money, *(tail if n == 0 else [None] * 6)])
    return rows


def series_title(series: Series) -> str:
    return f"{series.currency} — {series.label}" if series.label else series.currency


def to_table(report: MetricsReport) -> str:
    lines = [_("Collection KPIs as of %(date)s") % {"date": report.as_of.isoformat()}, ""]
    if not report.series:
        lines.append(_("No receivables you can see in this period."))
    else:
        period = report.period or kpi.Period.ending(kpi.MONTH, report.as_of)
        now, before = period_words(period), period_words(period.previous())
        lines += [_("Collection KPIs, %(period)s") % {"period": now}]
        lines += [_("Previous period: %(period)s") % {"period": before}, ""]
        rows = []
        for series in report.series:
            group = (series.key, series.currency)
            rows.append([series_title(series), now, *figures_row(report.figures.get(group))])
            rows.append(["", before, *figures_row(report.previous.get(group))])
        lines += _table([_("Currency"), _("Period"), *figures_header()], rows) + [""]
    for series in report.series:
        lines += [series_title(series), ""]
        lines += _table(trend_header(), trend_rows(series)) + [""]
        lines.append(_("Roll rates, %"))
        head = [""] + [p.end.strftime("%Y-%m") for p in series.points]
        rows = [
            [label, *(one_place(v) for v in row)]
            for label, row in zip(roll_labels(report), series.roll, strict=True)
        ]
        lines += _table(head, rows) + [""]
        lines.append(_("Recovery odds"))
        lines += _table(recovery_header(report), recovery_rows(report, series)) + [""]
    if report.collectors:
        lines.append(
            _("Collector results from %(start)s to %(end)s")
            % {"start": report.period_start.isoformat(), "end": report.as_of.isoformat()}
        )
        lines += _table(collector_header(), collector_rows(report))
    return "\n".join(lines).rstrip() + "\n"


def write_xlsx(report: MetricsReport, out: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    as_of = date_format(report.as_of, "SHORT_DATE_FORMAT")
    period = report.period or kpi.Period.ending(kpi.MONTH, report.as_of)
    # The key figures of the chosen period beside the period before it, as the page shows them.
    figures = workbook.create_sheet(_("Key figures"))
    now, before = period_words(period), period_words(period.previous())
    head: list[Any] = [_("Currency"), _("Group")]
    head += [f"{name}, {now}" for name in figures_header()]
    head += [f"{name}, {before}" for name in figures_header()]
    lay_out(figures, head, first=12, above=2)
    append_row(figures, [_("Collection KPIs, %(period)s") % {"period": now}])
    append_row(figures, [_("Previous period: %(period)s") % {"period": before}])
    append_row(figures, head)
    for series in report.series:
        group = (series.key, series.currency)
        append_row(
            figures,
            [
                series.currency,
                series.label,
                *figures_row(report.figures.get(group)),
                *figures_row(report.previous.get(group)),
            ],
        )
    kpis = workbook.create_sheet(_("KPIs"))
    # Each sheet says, above its headings, the day or the month it covers: a sheet copied or
    # printed on its own (the collectors' month) read as numbers of no particular time.
    title = _("Collection KPIs as of %(date)s") % {"date": as_of}
    head = [_("Currency"), _("Group"), *trend_header()]
    lay_out(kpis, head, first=12, above=1)
    append_row(kpis, [title])
    append_row(kpis, head)
    for series in report.series:
        for row in trend_rows(series):
            append_row(kpis, [series.currency, series.label, *row])
    roll = workbook.create_sheet(_("Roll rates"))
    head = [_("Currency"), _("Group"), _("Buckets"), *report.ends]
    lay_out(roll, head, first=12, above=1)
    append_row(roll, [title])
    append_row(roll, head)
    for series in report.series:
        for label, row in zip(roll_labels(report), series.roll, strict=True):
            append_row(roll, [series.currency, series.label, label, *(one_place(v) for v in row)])
    recovery = workbook.create_sheet(_("Recovery odds"))
    head = [_("Currency"), _("Group"), *recovery_header(report)]
    lay_out(recovery, head, first=12, above=1)
    append_row(recovery, [title])
    append_row(recovery, head)
    for series in report.series:
        for row in recovery_rows(report, series):
            append_row(recovery, [series.currency, series.label, *row])
    collectors = workbook.create_sheet(_("Collectors"))
    head = collector_header()
    lay_out(collectors, head, first=24, above=1)
    start = date_format(period.start, "SHORT_DATE_FORMAT")
    append_row(
        collectors,
        [_("Collector results from %(start)s to %(end)s") % {"start": start, "end": as_of}],
    )
    append_row(collectors, head)
    for row in collector_rows(report):
        append_row(collectors, row)
    workbook.save(out)
