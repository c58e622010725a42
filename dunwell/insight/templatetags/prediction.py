"""`{% payment_prediction counterparty %}`: the debtor card's payment predictions (the open
documents most likely to be paid late, each with its top factors)."""

from __future__ import annotations

from typing import Any

from django import template

from dunwell.insight.models import DocumentPrediction
from dunwell.insight.prediction.labels import feature_label

register = template.Library()

SHOWN = 5


@register.inclusion_tag("insight/_prediction_panel.html")
def payment_prediction(counterparty: Any) -> dict[str, Any]:
    rows = (
        DocumentPrediction.objects.filter(
            counterparty_id=counterparty.pk, document__open_amount__gt=0
        )
        .select_related("document")
        .order_by("-late_probability", "document__due_date")[:SHOWN]
    )
    return {
        "predictions": [
            {
                "document": p.document,
                "percent": round(100 * p.late_probability),
                "expected": p.expected_payment,
                "factors": [{"label": feature_label(name)} for name, _value in p.factors],
            }
            for p in rows
        ]
    }
