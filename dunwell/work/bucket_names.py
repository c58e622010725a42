"""How an aging bucket is named to the reader: "Not yet due", "1–30 days", "90+ days" — on the
debtor card, the credit committee's customer file, the debtor list's filter and the mailing
form."""

from __future__ import annotations

import re

from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext


def bucket_name(label: str) -> str:
    """`label` is a neutral bucket label of work.logic.bucket_labels ("current", "61-90",
    "90+"). The day word agrees with the bucket's last number, as a range is read in Russian,
    Ukrainian and Romanian: "61–90 дней", "1–30 de zile", "1–19 zile", "90+ днів"."""
    if label == "current":
        return gettext("Not yet due")
    upper = int(re.findall(r"\d+", label)[-1])
    return ngettext("%(label)s day", "%(label)s days", upper) % {
        "label": label.replace("-", "\N{EN DASH}")
    }


# For choices built when a module is imported: named in the language of the page showing them.
bucket_name_lazy = lazy(bucket_name, str)
