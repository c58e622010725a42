"""Template filters of the credit pages (who may do what comes from accounts.visibility)."""

from __future__ import annotations

from typing import Any

from django import template

from dunwell.accounts.visibility import can_decide_credit

register = template.Library()


@register.filter
def decides_credit(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and can_decide_credit(user))
