"""The KPI dashboard and its XLSX export: for finance, supervisors, directors and admins
(visibility.can_see_metrics), over the counterparties the user may see."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import can_see_metrics
from dunwell.cells import xlsx_response
from dunwell.forms import query_with_default
from dunwell.insight import kpi
from dunwell.insight.export import bucket_label
from dunwell.insight.forms import METRICS_GROUP_CHOICES, MetricsFilterForm
from dunwell.insight.metrics import (
    SIMPLE_DSO_MONTHS,
    MetricsReport,
    PeriodFigures,
    Series,
    last_month_end,
    metrics,
)
from dunwell.insight.metrics_export import (
    cents,
    one_place,
    period_words,
    roll_labels,
    series_title,
    write_xlsx,
)
from dunwell.insight.selectors import currency_choices
from dunwell.views import bad_query


def _report(request: HttpRequest) -> tuple[MetricsFilterForm, MetricsReport]:
    assert isinstance(request.user, User)
    if not can_see_metrics(request.user):
        raise PermissionDenied
    # By default the last month-end (the last quarter-end for a quarter): a month's CEI and
    # roll rates over a month cut short on today's date read as nonsense (a CEI of 0.3 % on
    # the first of the month).
    today = timezone.localdate()
    quarter = request.GET.get("period") == kpi.QUARTER
    default = kpi.quarter_end(today) if quarter else last_month_end(today)
    form = MetricsFilterForm(
        query_with_default(request.GET, "as_of", default.isoformat()), initial={"as_of": default}
    )
    if form.is_bound and form.is_valid():
        as_of, by = form.as_of_or(default), form.group_by()
        currency = form.cleaned_data["currency"] or None
        period = form.period_or(as_of)
    else:
        as_of, by, currency = default, None, None
        period = kpi.Period.ending(kpi.MONTH, as_of)
    report = metrics(period.end, by, user=request.user, currency=currency, period=period)
    return form, report


def _chart(report: MetricsReport, series: list[Series]) -> dict[str, Any]:
    """Numbers for Chart.js: one line per series, 12 months (None where undefined)."""

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        "months": [end.strftime("%m.%Y") for end in report.ends],
        "dso": [
            {"label": s.label or s.currency, "data": [number(one_place(p.dso)) for p in s.points]}
            for s in series
        ],
        "cei": [
            {"label": s.label or s.currency, "data": [number(one_place(p.cei)) for p in s.points]}
            for s in series
        ],
    }


def _periods(period: kpi.Period) -> dict[str, Any]:
    """The days the key figures are taken over, for the formulas under the table: the simple
    and best possible DSO divide by the credit sales of the period (at least its last three
    months), the CEI is of the period (opening on the day before it)."""
    sales_start = period.sales_start(SIMPLE_DSO_MONTHS)
    return {
        "end": period.end,
        "sales_start": sales_start,
        "sales_days": (period.end - sales_start).days + 1,
        "month_start": period.start,
        "days": period.days,
        "opening": period.opening,
        "words": period_words(period),
        "previous": period_words(period.previous()),
    }


def _figures(figures: PeriodFigures | None) -> dict[str, Any]:
    """One period's key figures as the page shows them ("—" where None)."""
    if figures is None:
        return {"receivables": 0, "current": 0, **dict.fromkeys(KEY_FIGURES)}
    return {
        "receivables": cents(figures.receivables),
        "current": cents(figures.current),
        **{name: one_place(getattr(figures, name)) for name in KEY_FIGURES},
    }


KEY_FIGURES = ("dso", "simple_dso", "best_dso", "add", "cei")


def _with_currency(request: HttpRequest, currency: str) -> str:
    query = request.GET.copy()
    query["currency"] = currency
    return query.urlencode()


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    currencies = report.currencies
    chosen = form.data.get("currency", "").upper() if form.is_bound else ""
    chart_currency = chosen if chosen in currencies else (currencies[0] if currencies else "")
    shown = [s for s in report.series if s.currency == chart_currency]
    summary = [
        {
            "title": series_title(s),
            "currency": s.currency,
            **_figures(report.figures.get((s.key, s.currency))),
            "before": _figures(report.previous.get((s.key, s.currency))),
        }
        for s in report.series
    ]
    # Roll rates and recovery odds are per currency, one block each (amounts never added
    # across currencies). A report grouped by segment or collector has a block per group and
    # currency, too many to read at once: it shows the chart's currency and links to the others.
    detailed = report.series if report.by is None else shown
    details = [
        {
            "title": series_title(s),
            "anchor": f"details-{s.currency}-{s.key}" if report.by else f"details-{s.currency}",
            "roll": [
                {"label": label, "rates": [one_place(v) for v in row]}
                for label, row in zip(roll_labels(report), s.roll, strict=True)
            ],
            "recovery_ends": s.recovery_ends,
            "recovery": [
                {
                    "bucket": bucket_label(r.bucket),
                    "cells": [
                        {"share": one_place(r.shares[j]), "documents": r.observations[j]}
                        for j in range(len(report.horizons))
                    ],
                }
                for r in s.recovery
            ],
        }
        for s in detailed
    ]
    rows = [
        {
            "label": row.label,
            "role": Role(row.role).label if row.role else "",
            "collects": row.collects,
            "money": [
                {
                    "currency": currency,
                    "collected": cents(m.collected),
                    "promises": m.promises,
                    "promised": cents(m.promised),
                    "kept": m.kept,
                    "kept_amount": cents(m.kept_amount),
                    "broken": m.broken,
                    "broken_amount": cents(m.broken_amount),
                }
                for currency, m in sorted(row.money.items())
            ],
            # A column with nothing in any currency reads "—", as a row without money does
            # (the unassigned debtors' payments gave "0 · 0,00 EUR" under promises).
            "has": {
                "collected": any(m.collected for m in row.money.values()),
                "promises": any(m.promises for m in row.money.values()),
                "kept": any(m.kept for m in row.money.values()),
                "broken": any(m.broken for m in row.money.values()),
            },
            "tasks_due": row.tasks_due,
            "tasks_on_time": row.tasks_on_time,
            "punctuality": one_place(row.punctuality),
            "calls": row.calls,
            "answered": row.calls_answered,
            "talk_minutes": row.talk_seconds // 60,
        }
        for row in report.collectors
    ]
    # Collectors and sales managers under "Collector"; a lawyer or a supervisor with tasks is
    # not a collector, and is listed apart by role (a lawyer read as a bad collector).
    collectors = [row for row in rows if row["collects"]]
    others = [row for row in rows if not row["collects"]]
    narrowed = form.cleaned_data.get("currency") if form.is_bound and form.is_valid() else None
    assert isinstance(request.user, User)
    choices = currency_choices(request.user, narrowed) if narrowed else currencies
    context = {
        "form": form,
        "report": report,
        "currency_choices": choices,
        # The chart (and a grouped report's details) show one currency: the others, one click
        # away, keeping the other filters.
        "other_currencies": [
            {"currency": c, "query": _with_currency(request, c)}
            for c in choices
            if c != chart_currency
        ],
        "group_label": dict(METRICS_GROUP_CHOICES)[report.by.value] if report.by else _("Currency"),
        "chart_currency": chart_currency,
        "summary": summary,
        "details": details,
        "months": list(report.ends),
        "periods": _periods(report.period or kpi.Period.ending(kpi.MONTH, report.as_of)),
        "collectors": collectors,
        "collector_groups": [
            group
            for group in (
                {"id": "collector-results", "heading": _("Collector"), "rows": collectors},
                {
                    "id": "other-results",
                    "title": _("Others with tasks or calls (not collecting)"),
                    "heading": _("Person"),
                    "rows": others,
                },
            )
            if group["rows"]
        ],
        "chart": _chart(report, shown),
        "query": request.GET.urlencode(),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "insight/metrics.html", context, status=status)


@login_required
def metrics_export(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if form.is_bound and not form.is_valid():
        return bad_query(request, form)
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    period = report.period or kpi.Period.ending(kpi.MONTH, report.as_of)
    name = f"kpis-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    return xlsx_response(buffer.getvalue(), name)
