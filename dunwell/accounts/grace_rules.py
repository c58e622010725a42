"""Who may grant, extend, end and approve a grace (DESIGN §1.4, §3), beside visibility.py:
management (supervisors, finance, the director) for the debtors they see; the director's
approval for key customers and for graces beyond the policy's limit."""

from __future__ import annotations

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import can_see_counterparty

GRACE_MANAGERS = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.DIRECTOR, Role.ADMIN})
GRACE_APPROVERS = frozenset({Role.DIRECTOR, Role.ADMIN})


def can_manage_grace(user: User, counterparty_id: int) -> bool:
    """Grant, extend or end a grace for this debtor (a supervisor only for their team's)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not (user.is_superuser or user.role in GRACE_MANAGERS):
        return False
    return can_see_counterparty(user, counterparty_id)


def can_approve_grace(user: User, counterparty_id: int) -> bool:
    """Approve a grace that needs the director (key customer, longer than the limit)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not (user.is_superuser or user.role in GRACE_APPROVERS):
        return False
    return can_see_counterparty(user, counterparty_id)
