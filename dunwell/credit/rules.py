"""Which written rules and which limit are in force for a counterparty on a day (selectors)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from dunwell.compiled import Reusable
from dunwell.credit.models import CreditLimit, CreditRuleSet, LimitSource
from dunwell.ledger.models import Counterparty
from dunwell.processcache import Kept
from dunwell.rawrows import Query, as_instances, fetch_each, param_date, select_one, select_query

LIMIT_COMPONENTS = ("open_not_due", "overdue", "orders_confirmed", "orders_shipped")
# The rules in force are read at most once per RULES_KEPT_SECONDS per process and segment, not
# on every credit check. A version saved or deleted in this process applies to its next check
# (a signal connected in apps.py forgets them); in the other web processes within
# RULES_KEPT_SECONDS. Limits are not kept: a new limit applies to the next check everywhere.
RULES_KEPT_SECONDS = 5
_kept: Kept[tuple[int | None, date], CreditRuleSet | None] = Kept(RULES_KEPT_SECONDS)


def rules_in_force(segment_id: int | None, on: date) -> CreditRuleSet | None:
    """The segment's latest version in force on `on`, else the default rules' (one query,
    plain SQL, kept a few seconds: it is on the credit check's path). The row is shared:
    read it, do not change it."""
    return _kept.get((segment_id, on), lambda: _read_rules(segment_id, on))


def forget_rules(*args: object, **kwargs: object) -> None:
    """Read the rules again on the next check (a version saved or deleted; a signal
    receiver, hence the arguments)."""
    _kept.forget()


def _read_rules(segment_id: int | None, on: date) -> CreditRuleSet | None:
    return select_one(
        CreditRuleSet,
        "(segment_id = %s OR segment_id IS NULL) AND effective_from <= %s"
        " ORDER BY CASE WHEN segment_id IS NULL THEN 1 ELSE 0 END,"
        " effective_from DESC, version DESC",
        [segment_id, param_date(on)],
    )


_RULE_SETS = Reusable(  # every version in force by then, each scope's newest first
    lambda on: (
        CreditRuleSet.objects.filter(effective_from__lte=on)
        .select_related("segment")
        .order_by(F("segment_id").asc(nulls_first=True), "-effective_from", "-version")
    ),
    date,
)


def rule_set_reads(on: date) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """`current_rule_sets(on)`'s read, to send with a page's others (`compiled.together`)."""
    return [(_RULE_SETS, (on,))]


def current_rule_sets(on: date) -> list[CreditRuleSet]:
    """The version in force on `on` of every scope (the default and each segment's)."""
    seen: set[int | None] = set()
    out = []
    for rules in _RULE_SETS(on):
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


def limit_query(counterparty_id: int, on: date) -> Query:
    """The statement that reads the counterparty's limit row in force on `on` (`limit_from`
    reads its rows)."""
    return select_query(
        CreditLimit,
        "counterparty_id = %s AND valid_from <= %s ORDER BY valid_from DESC, id DESC",
        [counterparty_id, param_date(on)],
        1,
    )


def limit_in_force(
    counterparty: Counterparty, on: date, rules: CreditRuleSet | None
) -> LimitInForce | None:
    return limit_from(fetch_each([limit_query(counterparty.pk, on)])[0], rules)


def limit_from(rows: Sequence[Sequence[Any]], rules: CreditRuleSet | None) -> LimitInForce | None:
    """The limit a check compares with, from the rows of `limit_query`: the counterparty's
    row, else the rules' default limit, else None."""
    found = as_instances(CreditLimit, rows)
    row = found[0] if found else None
    if row is not None:
        components = {
            name: getattr(row, name) for name in LIMIT_COMPONENTS if getattr(row, name) is not None
        }
        return LimitInForce(row.currency, row.total, components, row.source, row)
    if rules is not None and rules.default_limit is not None:
        return LimitInForce(rules.limit_currency, rules.default_limit, {}, "rules")
    return None


def governing_limit_text(limit: LimitInForce | None) -> str:
    """Which limit an order's credit check compares with (`limit_from`), as the credit
    controller reads it beside the contracts' own limits, which no check compares with."""
    if limit is None:
        return _(
            "Without a limit each order needs a credit decision. "
            "The contracts' limits are not checked."
        )
    if limit.row is None:
        return _(
            "Orders are checked against this limit: the credit rules' default, as none is "
            "set for this customer. The contracts' limits are not checked."
        )
    if limit.row.source == LimitSource.COMMITTEE:
        return _(
            "Orders are checked against this limit: the customer's, set by the credit "
            "committee. The contracts' limits are not checked."
        )
    if limit.row.source == LimitSource.IMPORT:
        return _(
            "Orders are checked against this limit: the customer's, from accounting. "
            "The contracts' limits are not checked."
        )
    return _(
        "Orders are checked against this limit: the customer's, set by hand. "
        "The contracts' limits are not checked."
    )
