from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dunwell.forms import QueryDateField, date_input
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


class MetricsFilterForm(forms.Form):
    as_of = QueryDateField(
        label=_("As of"),
        required=False,
        widget=date_input(),
    )
    by = forms.ChoiceField(label=_("Group by"), choices=METRICS_GROUP_CHOICES, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").upper()

    def as_of_or(self, today: date) -> date:
        return self.cleaned_data.get("as_of") or today

    def group_by(self) -> MetricsBy | None:
        value = self.cleaned_data.get("by")
        return MetricsBy(value) if value else None
