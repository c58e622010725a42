"""Template filters of the credit pages (who may do what comes from accounts.visibility)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from dunwell.accounts.visibility import LIMIT_REQUEST_FILERS, can_decide_credit, can_run_committee
from dunwell.credit.selectors import pending_approvals

register = template.Library()


@register.filter
def decides_credit(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and can_decide_credit(user))


@register.simple_tag(takes_context=True)
def orders_waiting(context: template.Context) -> int:
    """How many orders wait for a credit decision the signed-in user may take (My day says
    so beside the steps waiting for approval); none is counted for who decides no credit."""
    user = getattr(context.get("request"), "user", None)
    if not decides_credit(user):
        return 0
    return pending_approvals().count()


@register.inclusion_tag("credit/_orders_waiting.html")
def orders_waiting_line(count: int) -> dict[str, int]:
    return {"count": count}


@register.filter
def sees_committee(user: Any) -> bool:
    """The committee's page is in the credit menu of whoever files requests or runs it."""
    return bool(
        user is not None
        and user.is_authenticated
        and (can_run_committee(user) or user.role in LIMIT_REQUEST_FILERS)
    )


# The debtor list's credit column (work/debtors.html; the marks come from
# credit.selectors.credit_marks, set on each row with its cell by credit.selectors.mark_page).


@register.simple_tag
def credit_column_label() -> str:
    return str(_("Exposure / limit"))
