"""Money and numbers in the user's locale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

from dunwell.money import Amounts, Money
from dunwell.money_l10n import money_text
from dunwell.templatetags.money import amount_input, money_lines
from dunwell.work.bucket_names import bucket_name

register = template.Library()


@register.filter
def money(value: Decimal | Money | Amounts | None, currency: str = "") -> str:
    """The project's money formatting (dunwell/templatetags/money.py), for templates that
    load work_tags."""
    return money_text(value, currency)


register.filter("money_lines", money_lines)
register.filter("amount_input", amount_input)
# An aging bucket's heading ("Not yet due", "61–90 days"), for work's and credit's pages.
register.filter("bucket_name", bucket_name)


# Languages that capitalise a weekday's name inside a sentence; Russian, Ukrainian, Romanian
# (and most others) write it in lower case: "Следующие задачи: четверг, 12.03.2026".
CAPITALISED_WEEKDAYS = frozenset({"en", "de"})


@register.filter
def weekday_in_text(value: date | None) -> str:
    """The weekday's name as it is written inside a sentence of the active language (Django's
    "l" format gives the name as it stands alone, capitalised)."""
    if value is None:
        return ""
    name = date_format(value, "l")
    language = (get_language() or "en").split("-")[0]
    return name if language in CAPITALISED_WEEKDAYS else name.lower()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    from dunwell.work.selectors import unread_notifications as unread

    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return unread(user)


@register.inclusion_tag("work/_first_run.html", takes_context=True)
def first_run(context: template.Context) -> dict[str, Any]:
    """On an empty page of a fresh installation (no counterparty at all, so nothing to work
    on yet), what to do first: our company, then an import, each link for those who may use
    it; the others are told who loads the ledger. Read only where a page is empty."""
    from dunwell.accounts.visibility import (
        can_create_company,
        can_import,
        can_manage_integrations,
    )
    from dunwell.ledger.models import Company, Counterparty

    user = context["request"].user
    if Counterparty.objects.exists():
        return {"empty": False}
    return {
        "empty": True,
        "no_company": not Company.objects.exists(),
        "can_create_company": can_create_company(user),
        "can_import": can_import(user),
        "can_integrate": can_manage_integrations(user),
    }
