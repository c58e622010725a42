"""The cash forecast page and its XLSX export: for finance, supervisors, directors and admins
(visibility.can_see_forecast), over the counterparties the user may see; collectors get 403."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_see_forecast
from dunwell.cells import xlsx_response
from dunwell.forms import QueryDateField, date_input, query_with_default
from dunwell.insight import forecast_math as fm
from dunwell.insight.forecast import (
    CurrencyForecast,
    Forecast,
    Part,
    forecast,
    method_for,
    week_items,
)
from dunwell.insight.forecast_export import (
    PART_LABELS,
    item_rows,
    money,
    period_label,
    period_text,
    table_rows,
    write_week_xlsx,
)
from dunwell.insight.forecast_export import write_xlsx as write_forecast_xlsx
from dunwell.money import Money, from_cents
from dunwell.views import bad_query


class ForecastForm(forms.Form):
    # ISO whatever the language: a Russian or Romanian page showed the field empty (the
    # localised 06.12.2026 is no value for <input type="date">).
    as_of = QueryDateField(label=_("As of"), required=False, widget=date_input())
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").upper()


class WeekForm(ForecastForm):
    """A week (1–13) or a month (1–12) of the forecast to open."""

    week = forms.IntegerField(label=_("Week"), min_value=1, max_value=fm.WEEKS, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=fm.MONTHS, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if (data.get("week") is None) == (data.get("month") is None):
            raise forms.ValidationError(_("Choose one week or one month of the forecast."))
        return data


def _report(request: HttpRequest) -> tuple[ForecastForm, Forecast | None]:
    assert isinstance(request.user, User)
    if not can_see_forecast(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    # The field always shows the day the forecast is taken as of (today unless chosen).
    form = ForecastForm(
        query_with_default(request.GET, "as_of", today.isoformat()), initial={"as_of": today}
    )
    if form.is_bound and not form.is_valid():
        return form, None
    as_of = (form.cleaned_data.get("as_of") if form.is_bound else None) or today
    return form, forecast(as_of, request.user)


def _week_url(report: Forecast, currency: str, number: int) -> str:
    query = QueryDict(mutable=True)
    query.update({"as_of": report.as_of.isoformat(), "currency": currency, "week": str(number)})
    return f"{reverse('insight:forecast_week')}?{query.urlencode()}"


def _chart(report: Forecast, chosen: CurrencyForecast) -> dict[str, Any]:
    """Numbers for Chart.js: 13 weeks of receipts before the as-of day, then 13 weeks of the
    forecast (its parts stacked) with the band and, for a past as-of day, the receipts."""

    def number(cents: int | None) -> float | None:
        value = money(cents)
        return None if value is None else float(value)

    history, weeks = chosen.history, chosen.weeks
    blanks: list[float | None] = [None] * len(history)
    return {
        "currency": chosen.currency,
        "labels": [period_label(r, False) for r in history + weeks],
        "actual": [number(r.actual) for r in history] + [number(r.actual) for r in weeks],
        "parts": [
            {"label": str(PART_LABELS[p]), "data": blanks + [number(r.parts[p]) for r in weeks]}
            for p in Part
        ],
        "low": blanks + [number(r.low) for r in weeks],
        "high": blanks + [number(r.high) for r in weeks],
        # A forecast week's bar opens the week, as its row in the table does.
        "links": [None] * len(history)
        + [_week_url(report, chosen.currency, n) for n in range(1, len(weeks) + 1)],
        "texts": {
            "actual": str(_("Received")),
            "low": str(_("Low")),
            "high": str(_("High")),
        },
    }


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return bad_query(request, form)
    codes = [c.currency for c in report.currencies]
    wanted = form.cleaned_data.get("currency") if form.is_bound else ""
    chosen = next((c for c in report.currencies if c.currency == wanted), None) or (
        report.currencies[0] if report.currencies else None
    )
    tables = [
        {
            "currency": c.currency,
            "weeks": table_rows(c.weeks, False),
            "months": table_rows(c.months, True),
            "error": report.band_errors.get(c.currency),
        }
        for c in report.currencies
        if chosen is None or c.currency == chosen.currency
    ]
    context = {
        "form": form,
        "report": report,
        "currencies": codes,
        "chosen": chosen.currency if chosen else "",
        "tables": tables,
        "part_labels": [PART_LABELS[p] for p in Part],
        "kept_percent": round(report.kept_rate * 100),
        "chart": _chart(report, chosen) if chosen else None,
        "query": request.GET.urlencode(),
        "pipeline_url": reverse("pipeline:deals"),
    }
    return render(request, "insight/forecast.html", context)


# The week page lists this many items, the largest; the rest are counted and summed under the
# table (a week of a million open documents was 14 MB of HTML). The Excel export has them all.
WEEK_PAGE_ITEMS = 200


def _week(request: HttpRequest, limit: int | None = None) -> tuple[WeekForm, dict[str, Any] | None]:
    """One week (or month) of the forecast opened: the documents, instalments, promises and
    deals behind its figure in one currency, over the counterparties the user may see; with `limit`,
    only that many rows of the largest items (the parts' totals are of all of them)."""
    assert isinstance(request.user, User)
    if not can_see_forecast(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = WeekForm(query_with_default(request.GET, "as_of", today.isoformat()))
    if not form.is_valid():
        return form, None
    as_of = form.cleaned_data["as_of"] or today
    monthly = form.cleaned_data["month"] is not None
    number = form.cleaned_data["month"] if monthly else form.cleaned_data["week"]
    period = (fm.months(as_of) if monthly else fm.weeks(as_of))[number - 1]
    currency = form.cleaned_data["currency"]
    items = week_items(as_of, request.user, method_for(as_of), period, currency)
    totals = {p: sum(i.cents for i in items if i.part == p) for p in Part}
    shown = items if limit is None else items[:limit]  # largest first
    rest = items[len(shown) :]
    return form, {
        "as_of": as_of,
        "week": None if monthly else number,
        "month": number if monthly else None,
        "period": period,
        "label": period_text(period, monthly),
        "currency": currency,
        "items": item_rows(shown),
        "more": len(rest),
        "more_total": Money(from_cents(sum(i.cents for i in rest)), currency) if rest else None,
        "parts": [(PART_LABELS[p], money(totals[p])) for p in Part],
        "total": money(sum(totals.values())),
    }


@login_required
def forecast_week(request: HttpRequest) -> HttpResponse:
    form, week = _week(request, WEEK_PAGE_ITEMS)
    if week is None:
        return bad_query(request, form)
    back = QueryDict(mutable=True)
    back.update({"as_of": week["as_of"].isoformat(), "currency": week["currency"]})
    context = {
        **week,
        "back": f"{reverse('insight:forecast')}?{back.urlencode()}",
        "query": request.GET.urlencode(),
    }
    return render(request, "insight/forecast_week.html", context)


@login_required
def forecast_week_export(request: HttpRequest) -> HttpResponse:
    form, week = _week(request)
    if week is None:
        return bad_query(request, form)
    buffer = io.BytesIO()
    write_week_xlsx(week, buffer)
    which = f"month-{week['month']}" if week["month"] else f"week-{week['week']}"
    name = f"cash-forecast-{week['as_of'].isoformat()}-{which}-{week['currency']}.xlsx"
    return xlsx_response(buffer.getvalue(), name)


@login_required
def forecast_export(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return bad_query(request, form)
    buffer = io.BytesIO()
    # The currency the page shows when the reader chose one: a reader on the MDL forecast got
    # a file of five currencies, EUR first.
    currency = form.cleaned_data.get("currency", "") if form.is_bound else ""
    write_forecast_xlsx(report, buffer, currency)
    name = f"cash-forecast-{report.as_of.isoformat()}.xlsx"
    return xlsx_response(buffer.getvalue(), name)
