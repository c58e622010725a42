"""`{% load ladder_nav %}{% ladder_nav %}`: the pressure scale's own menu, with the team reports
only for those who may open them."""

from __future__ import annotations

from django import template

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_see_team_task_reports

register = template.Library()


@register.inclusion_tag("ladder/_nav.html", takes_context=True)
def ladder_nav(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"team_reports": isinstance(user, User) and can_see_team_task_reports(user)}
