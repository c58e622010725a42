"""What each prediction feature means to a collector, in their language (the debtor card's
top factors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

FEATURE_LABELS: dict[str, StrOrPromise] = {
    "history_documents": _("how many invoices the customer has paid"),
    "mean_days_late": _("the customer's usual delay"),
    "spread_days_late": _("how irregularly the customer pays"),
    "share_late": _("the share of invoices the customer paid late"),
    "trend_days_late": _("the customer's recent payments are later"),
    "last_days_late": _("the customer's last payment"),
    "recent_share_late": _("the customer's recent late payments"),
    "share_partial": _("the customer often pays in parts"),
    "overdue_now": _("other invoices of the customer are overdue"),
    "amount_ratio": _("the amount against the customer's usual"),
    "log_amount": _("the size of the amount"),
    "terms_days": _("the payment terms"),
    "due_weekday": _("the weekday of the due date"),
    "disputes_before": _("the customer's disputes"),
    "broken_promises_before": _("the customer's broken promises"),
}


def feature_label(name: str) -> StrOrPromise:
    return FEATURE_LABELS.get(name, name)
