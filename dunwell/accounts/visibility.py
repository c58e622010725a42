"""Who may see which counterparty (DESIGN §3). Every page, export and API endpoint that lists
counterparties or their data filters through `visible_counterparties`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty


def counterparty_filter(user: User, prefix: str = "") -> Q:
    """A Q object restricting rows to what `user` may see; `prefix` reaches the counterparty
    from another model (e.g. "counterparty__")."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_all:
        return Q()
    own = Q(**{f"{prefix}collector": user}) | Q(**{f"{prefix}sales_manager": user})
    if user.role == Role.SUPERVISOR:
        return (
            own
            | Q(**{f"{prefix}collector__supervisor": user})
            | Q(**{f"{prefix}sales_manager__supervisor": user})
        )
    if user.role == Role.LAWYER:
        return own | Q(**{f"{prefix}legal": True})
    return own


def visible_counterparties(user: User) -> QuerySet[Counterparty]:
    return Counterparty.objects.filter(counterparty_filter(user))


def can_see_counterparty(user: User, counterparty_id: int) -> bool:
    return visible_counterparties(user).filter(pk=counterparty_id).exists()
