"""`{% load grace_tags %}`: whether the viewer may open a debtor's grace page."""

from __future__ import annotations

from django import template

from dunwell.accounts.grace_rules import can_approve_grace, can_manage_grace
from dunwell.accounts.models import User

register = template.Library()


@register.filter
def may_open_grace(user: object, counterparty_id: int) -> bool:
    if not isinstance(user, User):
        return False
    return can_manage_grace(user, counterparty_id) or can_approve_grace(user, counterparty_id)


@register.inclusion_tag("ladder/_grace_link.html", takes_context=True)
def grace_link(context: template.Context, counterparty_id: int) -> dict[str, object]:
    """The debtor card's button to the grace page, for those who may open it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"counterparty_id": counterparty_id, "show": may_open_grace(user, counterparty_id)}
