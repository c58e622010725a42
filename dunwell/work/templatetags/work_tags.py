"""Money and numbers in the user's locale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """1234567.5, "RON" -> "1,234,567.50 RON" (en) / "1 234 567,50 RON" (ru)."""
    if value is None:
        return "—"
    text = number_format(value, 2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    from dunwell.work.models import Notification

    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
