from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dunwell.forms import QueryDateField, date_input
from dunwell.insight import kpi
from dunwell.insight.buckets import MAX_EDGE_DAYS, BucketError, parse_edges
from dunwell.insight.metrics import MetricsBy
from dunwell.insight.selectors import GroupBy


def clean_edges(text: str) -> tuple[int, ...]:
    """Bucket edges typed by the reader ("30,60,90,180"): increasing whole days, at least one;
    a ValidationError in the reader's language otherwise."""
    try:
        edges = tuple(int(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        edges = ()
    if edges and max(edges) > MAX_EDGE_DAYS:
        raise forms.ValidationError(
            ngettext(
                "A bucket can end at most %(max)d day past due.",
                "A bucket can end at most %(max)d days past due.",
                MAX_EDGE_DAYS,
            )
            % {"max": MAX_EDGE_DAYS}
        )
    try:
        return parse_edges(text)
    except BucketError:
        raise forms.ValidationError(
            _("Enter increasing whole numbers of days separated by commas.")
        ) from None


class CompanyBucketsForm(forms.Form):
    """The company's aging buckets, saved from the aging page by the director or an
    administrator (visibility.can_edit_buckets)."""

    edges = forms.CharField(label=_("The company's buckets"), max_length=100)

    def clean_edges(self) -> tuple[int, ...]:
        return clean_edges(self.cleaned_data.get("edges") or "")


GROUP_CHOICES = [
    (GroupBy.COUNTERPARTY.value, _("Counterparty")),
    (GroupBy.COLLECTOR.value, _("Collector")),
    (GroupBy.SEGMENT.value, _("Segment")),
    (GroupBy.COMPANY.value, _("Company")),
    (GroupBy.CURRENCY.value, _("Currency")),
]


class AgingFilterForm(forms.Form):
    as_of = QueryDateField(label=_("As of"), required=False, widget=date_input())
    by = forms.ChoiceField(label=_("Group by"), choices=GROUP_CHOICES, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    buckets = forms.CharField(
        label=_("Buckets"),
        max_length=100,
        required=False,
        help_text=_("Days past due, e.g. 30,60,90,180"),
        # The page shows no help text: the example stands in the empty field.
        widget=forms.TextInput(attrs={"placeholder": "30,60,90,180"}),
    )

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").upper()

    def clean_buckets(self) -> tuple[int, ...] | None:
        text = self.cleaned_data.get("buckets") or ""
        if not text.strip():
            return None
        return clean_edges(text)

    def as_of_or(self, today: date) -> date:
        return self.cleaned_data.get("as_of") or today

    def group_by(self) -> GroupBy:
        return GroupBy(self.cleaned_data.get("by") or GroupBy.COUNTERPARTY.value)


METRICS_GROUP_CHOICES = [
    ("", _("Currency only")),
    (MetricsBy.COMPANY.value, _("Company")),
    (MetricsBy.SEGMENT.value, _("Segment")),
    (MetricsBy.COLLECTOR.value, _("Collector")),
]


PERIOD_CHOICES = [
    (kpi.MONTH, _("Month")),
    (kpi.QUARTER, _("Quarter")),
    (kpi.YEAR, _("Year to date")),
    (kpi.CUSTOM, _("From – to")),
]


class MetricsFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    as_of = QueryDateField(
        label=_("As of"),
        required=False,
        widget=date_input(),
    )
    start = QueryDateField(label=_("From"), required=False, widget=date_input())
    end = QueryDateField(label=_("To"), required=False, widget=date_input())
    by = forms.ChoiceField(label=_("Group by"), choices=METRICS_GROUP_CHOICES, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").upper()

    def as_of_or(self, today: date) -> date:
        return self.cleaned_data.get("as_of") or today

    def group_by(self) -> MetricsBy | None:
        value = self.cleaned_data.get("by")
        return MetricsBy(value) if value else None

    def clean(self) -> dict[str, object]:
        """A custom period needs both days, the first not after the last, neither after today:
        each error stands beside its field."""
        data = super().clean() or {}
        if data.get("period") != kpi.CUSTOM:
            return data
        today = timezone.localdate()
        start, end = data.get("start"), data.get("end")
        for name, day in (("start", start), ("end", end)):
            if name in self.errors:
                continue
            if day is None:
                self.add_error(name, _("Enter the first and the last day of the period."))
            elif day > today:
                self.add_error(
                    name,
                    _("%(field)s cannot be after today, %(today)s.")
                    % {
                        "field": self.fields[name].label,
                        "today": date_format(today, "SHORT_DATE_FORMAT"),
                    },
                )
        if start and end and start > end and not self.errors:
            self.add_error("start", _("From must be on or before To."))
        return data

    def period_or(self, as_of: date) -> kpi.Period:
        """The period the reader chose (valid form), ending on `as_of` unless custom."""
        kind = self.cleaned_data.get("period") or kpi.MONTH
        if kind == kpi.CUSTOM:
            return kpi.Period(kind, self.cleaned_data["start"], self.cleaned_data["end"])
        return kpi.Period.ending(kind, as_of)
