"""Money and numbers in the user's locale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from dunwell.money import Amounts, Money
from dunwell.money_l10n import money_text
from dunwell.templatetags.money import amount_input, money_lines

register = template.Library()


@register.filter
def money(value: Decimal | Money | Amounts | None, currency: str = "") -> str:
    """The project's money formatting (dunwell/templatetags/money.py), for templates that
    load work_tags."""
    return money_text(value, currency)


register.filter("money_lines", money_lines)
register.filter("amount_input", amount_input)


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
