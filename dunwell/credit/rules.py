"""Which written rules and which limit are in force for a counterparty on a day (selectors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from dunwell.credit.models import CreditLimit, CreditRuleSet
from dunwell.ledger.models import Counterparty

LIMIT_COMPONENTS = ("open_not_due", "overdue", "orders_confirmed", "orders_shipped")


def rules_in_force(segment_id: int | None, on: date) -> CreditRuleSet | None:
    """The segment's latest version in force on `on`, else the default rules' (one query)."""
    return (
        CreditRuleSet.objects.filter(
            Q(segment_id=segment_id) | Q(segment__isnull=True), effective_from__lte=on
        )
        .order_by(F("segment_id").asc(nulls_last=True), "-effective_from", "-version")
        .first()
    )


def current_rule_sets(on: date) -> list[CreditRuleSet]:
    """The version in force on `on` of every scope (the default and each segment's)."""
    seen: set[int | None] = set()
    out = []
    for rules in (
        CreditRuleSet.objects.filter(effective_from__lte=on)
        .select_related("segment")
        .order_by(F("segment_id").asc(nulls_first=True), "-effective_from", "-version")
    ):
        if rules.segment_id in seen:
            continue
        seen.add(rules.segment_id)
        out.append(rules)
    return out


def rule_history() -> QuerySet[CreditRuleSet]:
    return CreditRuleSet.objects.select_related("segment", "created_by").order_by(
        F("segment_id").asc(nulls_first=True), "-version"
    )


@dataclass(frozen=True)
class LimitInForce:
    """The limit a check compares with: a `CreditLimit` row, or the rules' default limit."""

    currency: str
    total: Decimal | None
    components: dict[str, Decimal] = field(default_factory=dict)
    source: str = ""
    row: CreditLimit | None = None


def limit_in_force(
    counterparty: Counterparty, on: date, rules: CreditRuleSet | None
) -> LimitInForce | None:
    row = (
        CreditLimit.objects.filter(counterparty=counterparty, valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .first()
    )
    if row is not None:
        components = {
            name: getattr(row, name) for name in LIMIT_COMPONENTS if getattr(row, name) is not None
        }
        return LimitInForce(row.currency, row.total, components, row.source, row)
    if rules is not None and rules.default_limit is not None:
        return LimitInForce(rules.limit_currency, rules.default_limit, {}, "rules")
    return None
