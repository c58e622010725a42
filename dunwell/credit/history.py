"""The counterparty's history as the credit rules read it (issue 13), in one statement on the
credit check's path: the oldest invoice overdue too long, the worst late payment, the broken
promises and the first document's day."""

# The SQL below is built from fixed text; values are passed as parameters.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from dunwell.credit.models import CreditRuleSet
from dunwell.ladder.models import PromiseStatus
from dunwell.ledger.models import Counterparty
from dunwell.rawrows import Query, as_date, days_between, fetch_each, param_date, param_datetime

# The paid-late history is read for at most this many late payments (the worst is kept).
HISTORY_ROWS = 500


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Facts:
    """What the rules look at in the counterparty's history, read in one statement."""

    oldest_overdue: tuple[str, date] | None = None  # number, due date
    worst_late: tuple[str, date, date] | None = None  # number, due date, paid on
    broken: int = 0
    first_date: date | None = None


def history_facts(counterparty: Counterparty, rules: CreditRuleSet | None, on: date) -> Facts:
    """One UNION ALL statement (plain SQL on the check's path) with a tagged row per fact the
    rules in force need: the oldest invoice overdue too long, the worst late payment of the
    history (among its first HISTORY_ROWS), the broken promises and the first document's
    day."""
    query = history_query(counterparty, rules, on)
    if query is None:
        return Facts()
    return facts_from(fetch_each([query])[0])


def history_query(
    counterparty: Counterparty, rules: CreditRuleSet | None, on: date
) -> Query | None:
    """The statement of `history_facts` (for `rawrows.fetch_each`; `facts_from` reads its
    rows), None when the rules need no fact."""
    parts: list[str] = []
    params: list[Any] = []
    cp = counterparty.pk
    null_date = "CAST(NULL AS date)"
    if rules is not None and rules.max_days_overdue is not None:
        allowed = rules.max_days_overdue
        parts.append(
            "SELECT 'o' AS tag, o.number AS txt, o.due_date AS d1,"
            f" {null_date} AS d2, 0 AS n FROM ("
            "SELECT number, due_date FROM ledger_document WHERE counterparty_id = %s"
            " AND open_amount > 0 AND NOT cancelled AND due_date < %s"
            " ORDER BY due_date, id LIMIT 1) o"
        )
        params += [cp, param_date(on - timedelta(days=allowed))]
        late_days = days_between("a.paid_on", "d.due_date")
        parts.append(
            "SELECT 'l' AS tag, l.number AS txt, l.due_date AS d1, l.paid_on AS d2, 0 AS n FROM ("
            "SELECT d.number, d.due_date, a.paid_on, a.id FROM ledger_allocation a"
            " JOIN ledger_document d ON d.id = a.document_id"
            " WHERE a.counterparty_id = %s AND a.paid_on >= %s AND a.paid_on <= %s"
            f" AND {late_days} > %s ORDER BY a.paid_on, a.id LIMIT %s) l"
            f" ORDER BY {days_between('l.paid_on', 'l.due_date')} DESC, l.paid_on, l.id"
            " LIMIT 1"
        )
        since = on - relativedelta(months=rules.history_months)
        params += [cp, param_date(since), param_date(on), allowed, HISTORY_ROWS]
    if rules is not None and rules.max_broken_promises is not None:
        parts.append(
            f"SELECT 'p' AS tag, NULL AS txt, {null_date} AS d1, {null_date} AS d2, COUNT(*) AS n"
            " FROM ladder_promise"
            " WHERE counterparty_id = %s AND status = %s AND resolved_at >= %s"
        )
        start = start_of(on - timedelta(days=rules.broken_promises_days))
        params += [cp, str(PromiseStatus.BROKEN), param_datetime(start)]
    if rules is not None and (rules.min_relationship_days or rules.new_customer_prepayment_percent):
        parts.append(
            f"SELECT 'f' AS tag, NULL AS txt, MIN(date) AS d1, {null_date} AS d2, 0 AS n"
            " FROM ledger_document"
            " WHERE counterparty_id = %s"
        )
        params.append(cp)
    if not parts:
        return None
    # Each part is wrapped so that its ORDER BY/LIMIT stays its own on every database.
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) AS f{i}" for i, part in enumerate(parts))
    return sql, params


def facts_from(rows: Sequence[Sequence[Any]]) -> Facts:
    """The rows of `history_query` as Facts."""
    found: dict[str, Any] = {}
    for tag, text, day, other, number in rows:
        found[tag] = (text, as_date(day), as_date(other), number)
    oldest = found.get("o")
    late = found.get("l")
    return Facts(
        oldest_overdue=(oldest[0], oldest[1]) if oldest else None,
        worst_late=(late[0], late[1], late[2]) if late else None,
        broken=int(found["p"][3]) if "p" in found else 0,
        first_date=found["f"][1] if "f" in found else None,
    )
