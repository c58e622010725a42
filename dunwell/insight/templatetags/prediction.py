"""`{% payment_prediction counterparty %}`: the debtor card's payment predictions (the open
documents most likely to be paid late, each with its top factors)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from dunwell.compiled import Reusable
from dunwell.insight.models import DocumentPrediction
from dunwell.insight.prediction.labels import feature_label

register = template.Library()

SHOWN = 5


# The open documents most likely to be paid late, their SQL built once per process.
_MOST_LIKELY_LATE = Reusable(
    lambda cp: (
        DocumentPrediction.objects.filter(counterparty_id=cp, document__open_amount__gt=0)
        .select_related("document")
        .order_by("-late_probability", "document__due_date")[:SHOWN]
    ),
    int,
)


def card_reads(counterparty: Any) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """The panel's read, sent with the debtor card's (`work.selectors.register_card_reads`)."""
    return [(_MOST_LIKELY_LATE, (counterparty.pk,))]


def _chance(probability: float) -> int:
    """A chance in whole percents that never reads as a certainty it is not: 0.9998 is "99%",
    not "100%", and 0.0004 is "1%", not "0%"."""
    percent = round(100 * probability)
    if percent >= 100 and probability < 1:
        return 99
    if percent <= 0 < probability:
        return 1
    return percent


@register.inclusion_tag("insight/_prediction_panel.html")
def payment_prediction(counterparty: Any) -> dict[str, Any]:
    rows = _MOST_LIKELY_LATE(counterparty.pk)
    # An open document is not expected to be paid in the past: scored on an earlier day (the
    # worker rescores once a day), a day that has gone by reads as today, as the model itself
    # puts it when it scores today (`score_columns`: no earlier than the scoring day).
    today = timezone.localdate()
    return {
        "predictions": [
            {
                "document": p.document,
                "percent": _chance(p.late_probability),
                "expected": max(p.expected_payment, today),
                "factors": [{"label": feature_label(name)} for name, _value in p.factors],
            }
            for p in rows
        ]
    }
