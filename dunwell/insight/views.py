"""The aging page and its XLSX export. Both go through the selector with the signed-in user,
so a collector sees (and exports) only their own counterparties."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_edit_buckets
from dunwell.cells import xlsx_response
from dunwell.forms import query_with_default
from dunwell.insight.export import bucket_heading, write_xlsx
from dunwell.insight.forms import GROUP_CHOICES, AgingFilterForm, CompanyBucketsForm
from dunwell.insight.models import edges_of, latest_buckets, save_company_edges
from dunwell.insight.selectors import AgingReport, aging, currency_choices
from dunwell.views import bad_query

PAGE_ROWS = 200  # the page shows the largest debts; the export has every row
CHART_GROUPS = 15
ZERO = Decimal("0.00")


def _report(
    request: HttpRequest, largest: int | None = None
) -> tuple[AgingFilterForm, AgingReport]:
    """The filter form and the report it asks for; the default report when a parameter is bad
    (the caller answers 400 and names it). `largest`: only that many rows per currency."""
    today = timezone.localdate()
    # The field shows the day the report is taken as of (today unless chosen), as the title does.
    form = AgingFilterForm(
        query_with_default(request.GET, "as_of", today.isoformat()), initial={"as_of": today}
    )
    if form.is_bound and form.is_valid():
        as_of, by, edges = form.as_of_or(today), form.group_by(), form.cleaned_data["buckets"]
        currency = form.cleaned_data["currency"] or None
    else:
        as_of, by, edges, currency = today, None, None, None
    assert isinstance(request.user, User)
    report = aging(
        as_of,
        by or "counterparty",
        user=request.user,
        edges=edges,
        currency=currency,
        largest=largest,
    )
    return form, report


def _drill_down(request: HttpRequest, report: AgingReport) -> int | None:
    """Keep the rows with money in the bucket `in_bucket` (and in the currency `in_currency`)
    as the page's totals link them, the largest there first; the bucket's index, or None when
    the reader did not ask. The page and its export narrow the same way."""
    keys = [bucket.key for bucket in report.buckets]
    wanted = request.GET.get("in_bucket", "")
    if wanted not in keys:
        return None
    drill = keys.index(wanted)
    currency = request.GET.get("in_currency")
    report.rows = sorted(
        (
            row
            for row in report.rows
            if row.cents[drill] and row.currency == (currency or row.currency)
        ),
        key=lambda row: (row.currency, -row.cents[drill], row.label),
    )
    report.row_counts = {
        c: sum(1 for r in report.rows if r.currency == c) for c in report.currencies
    }
    return drill


def _export_notes(
    form: AgingFilterForm, report: AgingReport, drill: int | None, request: HttpRequest
) -> list[tuple[str, Any]]:
    """What the export was built with, in the reader's language, for the rows above its
    table: the day, the buckets, the grouping, the currency and the page's narrowing."""
    chosen = form.cleaned_data.get("buckets") if form.is_valid() else None
    buckets = ", ".join(bucket_heading(b) for b in report.buckets)
    if chosen:
        buckets += " " + _(
            "(chosen for this report; the company's buckets end at %(edges)s days past due)"
        ) % {"edges": ", ".join(map(str, edges_of(latest_buckets())))}
    else:
        buckets += " " + _("(the company's buckets)")
    currency = (form.cleaned_data.get("currency") if form.is_valid() else "") or ""
    notes: list[tuple[str, Any]] = [
        (_("As of"), report.as_of),
        (_("Buckets"), buckets),
        (_("Group by"), str(dict(GROUP_CHOICES)[report.by.value])),
        (_("Currency"), currency or _("All currencies")),
        (
            _("Amounts"),
            _(
                "In the currency of their row; amounts in different currencies are never "
                "added (a total row per currency)."
            ),
        ),
    ]
    if drill is not None:
        bucket = bucket_heading(report.buckets[drill])
        narrowed = request.GET.get("in_currency")
        notes.append(
            (
                _("Only the rows with money in"),
                f"{bucket}, {narrowed}" if narrowed else bucket,
            )
        )
    return notes


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
def aging_page(request: HttpRequest) -> HttpResponse:
    return _aging_page(request)


@login_required
@require_POST
def aging_buckets(request: HttpRequest) -> HttpResponse:
    """The director or an administrator saves the company's buckets; a bad value is named
    beside the field, over the report, as a 400."""
    assert isinstance(request.user, User)
    if not can_edit_buckets(request.user):
        raise PermissionDenied
    form = CompanyBucketsForm(request.POST)
    if not form.is_valid():
        return _aging_page(request, form)
    edges = form.cleaned_data["edges"]
    save_company_edges(edges, request.user)
    messages.success(
        request,
        _("The company's buckets now end at %(edges)s days past due.")
        % {"edges": ", ".join(map(str, edges))},
    )
    return redirect("insight:aging")


def _aging_page(
    request: HttpRequest, buckets_form: CompanyBucketsForm | None = None
) -> HttpResponse:
    # A bucket figure of the totals opens the rows with money in that bucket (`in_bucket`, a
    # bucket's key): every row of the report is read, then those with money there are shown.
    wanted = request.GET.get("in_bucket", "")
    form, report = _report(request, largest=None if wanted else PAGE_ROWS)
    keys = [bucket.key for bucket in report.buckets]
    drill = _drill_down(request, report)
    currencies = report.currencies
    chart_currency = form.data.get("currency", "").upper() if form.is_bound else ""
    if chart_currency not in currencies:
        chart_currency = currencies[0] if currencies else ""
    labels = [bucket_heading(b) for b in report.buckets]
    chart_rows = [r for r in report.rows if r.currency == chart_currency][:CHART_GROUPS]
    chart = {
        "currency": chart_currency,
        "groups": [r.label for r in chart_rows],
        "buckets": labels,
        # Chart.js needs numbers; the figures shown in the table stay Decimal.
        "series": [[str(r.amounts[i]) for r in chart_rows] for i in range(len(labels))],
    }
    totals = [
        {
            "currency": currency,
            "amounts": report.totals[currency],
            "total": report.total(currency),
            "documents": report.documents[currency],
        }
        for currency in currencies
    ]
    chosen = form.cleaned_data.get("currency") if form.is_bound and form.is_valid() else None
    assert isinstance(request.user, User)
    # The empty field stands for the company's buckets: it shows them, not the shipped default
    # (a company on 15,45,90 read "30,60,90,180" there), and the page says who changes them.
    latest = latest_buckets()
    company_edges = edges_of(latest)
    form.fields["buckets"].widget.attrs["placeholder"] = ",".join(map(str, company_edges))
    can_edit = can_edit_buckets(request.user)
    if can_edit and buckets_form is None:
        buckets_form = CompanyBucketsForm(initial={"edges": ",".join(map(str, company_edges))})
    context = {
        "form": form,
        "report": report,
        # The currency the reader chose, even when nothing is open in it (named when empty).
        "chosen": chosen or "",
        "currency_choices": currency_choices(request.user, chosen) if chosen else currencies,
        "bucket_labels": labels,
        "group_label": dict(GROUP_CHOICES)[report.by.value],
        "totals": totals,
        "rows": report.rows[:PAGE_ROWS],
        "hidden_rows": max(0, report.row_count - PAGE_ROWS),
        "chart": chart,
        "query": request.GET.urlencode(),
        "drill": bucket_heading(report.buckets[drill]) if drill is not None else "",
        "drill_count": len(report.rows) if drill is not None else 0,
        "all_rows_query": _without(request, "in_bucket", "in_currency"),
        "bucket_keys": keys,
        "company_edges": ", ".join(map(str, company_edges)),
        "buckets_form": buckets_form if can_edit else None,
        "buckets_saved": latest if latest is not None and latest.saved_by_id else None,
    }
    # A bad parameter: the form names it beside the field, over the default report, as a 400.
    bad = (form.is_bound and not form.is_valid()) or (buckets_form and buckets_form.is_bound)
    status = 400 if bad else 200
    return render(request, "insight/aging.html", context, status=status)


@login_required
def aging_export(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if form.is_bound and not form.is_valid():
        return bad_query(request, form)
    drill = _drill_down(request, report)
    if drill is not None:
        # The total rows add up the rows exported, not the whole report.
        report.totals, report.documents = {}, {}
        for row in report.rows:
            amounts = report.totals.setdefault(row.currency, [ZERO] * len(report.buckets))
            report.totals[row.currency] = [a + b for a, b in zip(amounts, row.amounts, strict=True)]
            report.documents[row.currency] = report.documents.get(row.currency, 0) + row.documents
    buffer = io.BytesIO()
    write_xlsx(report, buffer, notes=_export_notes(form, report, drill, request))
    name = f"aging-{report.by.value}-{report.as_of.isoformat()}.xlsx"
    return xlsx_response(buffer.getvalue(), name)
