"""The aging report: open receivables by days past due, as of any date.

One set-based query groups the documents into buckets with conditional sums (the due date is
compared with precomputed thresholds, so no date arithmetic runs in SQL and the same query
works on SQLite and PostgreSQL). Amounts of different currencies are never added together:
every row and every total is per currency.

Historic as-of (DESIGN §1.13, issue 2): a document dated on or before D is open on D by its
amount less the allocations paid on or before D. Because `open_amount` = amount − all
allocations, that equals `open_amount` + the allocations paid after D, which touches only the
(few) allocations after D. As of today or later the fast path reads `open_amount` alone (the
partial index on open documents serves it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from dunwell.accounts.models import User
from dunwell.accounts.visibility import counterparty_filter
from dunwell.insight.buckets import Bucket, due_date_thresholds, make_buckets
from dunwell.insight.models import saved_edges
from dunwell.ledger.models import Company, Counterparty, Segment
from dunwell.money import CENT, ZERO


class GroupBy(StrEnum):
    COUNTERPARTY = "counterparty"
    COLLECTOR = "collector"
    SEGMENT = "segment"
    COMPANY = "company"
    CURRENCY = "currency"


@dataclass
class AgingRow:
    key: int | str | None  # counterparty/collector/segment/company id, or the currency
    label: str
    currency: str
    amounts: list[Decimal]  # one per bucket
    documents: int

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass
class AgingReport:
    as_of: date
    by: GroupBy
    buckets: tuple[Bucket, ...]
    rows: list[AgingRow]
    # currency -> one amount per bucket (never summed across currencies)
    totals: dict[str, list[Decimal]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)

    def total(self, currency: str) -> Decimal:
        return sum(self.totals.get(currency, []), ZERO)

    @property
    def currencies(self) -> list[str]:
        return sorted(self.totals)


def _money(value: Any) -> Decimal:
    # PostgreSQL returns numeric as Decimal; SQLite's SUM returns a float: round it to cents.
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value.quantize(CENT)
    return Decimal(repr(value)).quantize(CENT)


def _visible_sql(user: User | None) -> tuple[str, list[Any]] | None:
    """SQL restricting counterparty ids to what `user` may see; None when unrestricted.
    Raises EmptyResultSet when the user may see nothing."""
    if user is None:
        return None
    condition = counterparty_filter(user)
    if not condition:
        return None
    query = Counterparty.objects.filter(condition).values("id").query
    sql, params = query.sql_with_params()
    return sql, list(params)


_GROUP_COLUMN = {
    GroupBy.COUNTERPARTY: "c.id",
    GroupBy.COLLECTOR: "c.collector_id",
    GroupBy.SEGMENT: "c.segment_id",
    GroupBy.COMPANY: "x.company_id",
    GroupBy.CURRENCY: "x.currency",
}


def aging(
    as_of: date,
    by: GroupBy | str = GroupBy.COUNTERPARTY,
    *,
    user: User | None = None,
    edges: Sequence[int] | None = None,
    currency: str | None = None,
    company: Company | None = None,
    today: date | None = None,
) -> AgingReport:
    """Open receivables as of `as_of`, grouped `by`, per currency and bucket, restricted to
    the counterparties `user` may see (None: everything, for commands and benchmarks).
    `edges` override the saved bucket edges."""
    by = GroupBy(by)
    edges = tuple(edges) if edges is not None else saved_edges()
    buckets = make_buckets(edges)
    report = AgingReport(as_of=as_of, by=by, buckets=buckets, rows=[])
    try:
        visible = _visible_sql(user)
    except EmptyResultSet:
        return report
    sql, params = _aging_sql(as_of, by, edges, visible, currency, company, today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    labels = _labels(by, {row[0] for row in raw}) if by != GroupBy.COUNTERPARTY else {}
    n = len(buckets)
    for row in raw:
        key, row_currency, label, documents = row[0], row[1], row[2], row[3]
        amounts = [_money(value) for value in row[4 : 4 + n]]
        label = label if label is not None else labels.get(key, "")
        report.rows.append(AgingRow(key, label, row_currency, amounts, documents))
        totals = report.totals.setdefault(row_currency, [ZERO] * n)
        for i, amount in enumerate(amounts):
            totals[i] += amount
        report.documents[row_currency] = report.documents.get(row_currency, 0) + documents
    report.rows.sort(key=lambda r: (r.currency, -r.total, r.label))
    return report


# The SQL below is assembled from fixed fragments only; every value is a query parameter.
def _aging_sql(
    as_of: date,
    by: GroupBy,
    edges: Sequence[int],
    visible: tuple[str, list[Any]] | None,
    currency: str | None,
    company: Company | None,
    today: date | None,
) -> tuple[str, list[Any]]:
    today = today or timezone.localdate()
    params: list[Any] = []
    conditions = ["d.date <= %s"]
    params_where: list[Any] = [as_of]
    if currency:
        conditions.append("d.currency = %s")
        params_where.append(currency)
    if company is not None:
        conditions.append("d.company_id = %s")
        params_where.append(company.pk)
    if visible is not None:
        conditions.append(f"d.counterparty_id IN ({visible[0]})")
        params_where.extend(visible[1])
    if as_of >= today:
        # Fast path: nothing has been paid after today, so the open amount is the answer.
        inner = (
            "SELECT d.counterparty_id, d.company_id, d.currency, d.due_date, "  # noqa: S608
            "d.open_amount AS amount FROM ledger_document d "
            f"WHERE d.open_amount > 0 AND {' AND '.join(conditions)}"
        )
        params.extend(params_where)
    else:
        inner = (
            "SELECT d.counterparty_id, d.company_id, d.currency, d.due_date, "  # noqa: S608
            "d.open_amount + COALESCE(a.later, 0) AS amount FROM ledger_document d "
            "LEFT JOIN (SELECT document_id, SUM(amount) AS later FROM ledger_allocation "
            "WHERE paid_on > %s GROUP BY document_id) a ON a.document_id = d.id "
            "WHERE (d.open_amount > 0 OR a.later IS NOT NULL) AND " + " AND ".join(conditions)
        )
        params.append(as_of)
        params.extend(params_where)
    thresholds = due_date_thresholds(as_of, edges)
    sums: list[str] = []
    bucket_params: list[Any] = []
    # Bucket i holds due dates in [thresholds[i], thresholds[i-1]); the last has no floor.
    for i in range(len(thresholds) + 1):
        parts = []
        if i < len(thresholds):
            parts.append("x.due_date >= %s")
            bucket_params.append(thresholds[i])
        if i > 0:
            parts.append("x.due_date < %s")
            bucket_params.append(thresholds[i - 1])
        sums.append(f"SUM(CASE WHEN {' AND '.join(parts)} THEN x.amount ELSE 0 END)")
    group = _GROUP_COLUMN[by]
    join = ""
    label = "NULL"
    if by in (GroupBy.COUNTERPARTY, GroupBy.COLLECTOR, GroupBy.SEGMENT):
        join = "JOIN ledger_counterparty c ON c.id = x.counterparty_id"
    if by == GroupBy.COUNTERPARTY:
        # Grouped by the primary key, the name is functionally dependent (PostgreSQL) and a
        # bare column (SQLite): no second query with 100,000 ids for the labels.
        label = "c.name || ' (' || c.external_id || ')'"
    sql = (
        f"SELECT {group} AS grp, x.currency, {label}, COUNT(*), {', '.join(sums)} "  # noqa: S608
        f"FROM ({inner}) x {join} "
        f"WHERE x.amount > 0 GROUP BY {group}, x.currency"
    )
    return sql, bucket_params + params


def _labels(by: GroupBy, keys: set[Any]) -> dict[Any, str]:
    ids = [key for key in keys if key is not None]
    if by == GroupBy.CURRENCY:
        return {key: str(key) for key in keys}
    if by == GroupBy.COLLECTOR:
        labels: dict[Any, str] = {None: gettext("Not assigned")}
        labels.update((user.pk, str(user)) for user in User.objects.filter(id__in=ids))
        return labels
    if by == GroupBy.SEGMENT:
        return dict(Segment.objects.filter(id__in=ids).values_list("id", "name"))
    return dict(Company.objects.filter(id__in=ids).values_list("id", "name"))
