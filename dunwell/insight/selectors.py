"""The aging report: open receivables by days past due, as of any date.

One set-based query groups the documents into buckets with conditional sums (the due date is
compared with precomputed thresholds, so no date arithmetic runs in SQL and the same query
works on SQLite and PostgreSQL). Amounts of different currencies are never added together:
every row and every total is per currency.

Historic as-of (DESIGN §1.13, issue 2): a document dated on or before D is open on D by its
amount less the allocations paid on or before D. Because `open_amount` = amount − all
allocations, that equals `open_amount` + the allocations paid after D, which touches only the
(few) allocations after D; they carry their document's columns (issue 15, item 5), so they are
summed without a join. As of today or later the fast path reads `open_amount` alone (the
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
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dunwell.accounts.models import User
from dunwell.accounts.visibility import counterparty_filter
from dunwell.dbrouting import on_report_database, report_connection
from dunwell.insight.buckets import Bucket, due_date_thresholds, make_buckets
from dunwell.insight.models import saved_edges
from dunwell.ledger.models import Company, Counterparty, Document, Segment
from dunwell.money import ZERO


class GroupBy(StrEnum):
    COUNTERPARTY = "counterparty"
    COLLECTOR = "collector"
    SEGMENT = "segment"
    COMPANY = "company"
    CURRENCY = "currency"


@dataclass(slots=True)
class AgingRow:
    key: int | str | None  # counterparty/collector/segment/company id, or the currency
    label: str
    currency: str
    cents: list[int]  # one per bucket, in cents (exact)
    documents: int
    total_cents: int = 0

    def __post_init__(self) -> None:
        self.total_cents = sum(self.cents)

    @property
    def amounts(self) -> list[Decimal]:
        # Built on demand: a report over 100,000 counterparties shows 200 rows on the page.
        return [Decimal(value).scaleb(-2) for value in self.cents]

    @property
    def total(self) -> Decimal:
        return Decimal(self.total_cents).scaleb(-2)


@dataclass
class AgingReport:
    as_of: date
    by: GroupBy
    buckets: tuple[Bucket, ...]
    rows: list[AgingRow]
    # currency -> one amount per bucket (never summed across currencies)
    totals: dict[str, list[Decimal]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    # currency -> how many rows the report has in that currency (more than `rows` holds when
    # the report was asked for its largest rows only)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(self.row_counts.values())

    def total(self, currency: str) -> Decimal:
        return sum(self.totals.get(currency, []), ZERO)

    @property
    def currencies(self) -> list[str]:
        return sorted(self.totals)


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


@on_report_database
def currency_choices(user: User, chosen: str | None = None) -> list[str]:
    """The currency filter's choices on a report narrowed to one currency: every currency of a
    document the user may see (a report of one currency only knows that one, and the list
    would shrink to it), and the chosen one even when nothing is in it."""
    codes = set(
        Document.objects.filter(counterparty_filter(user, "counterparty__"))
        .order_by()
        .values_list("currency", flat=True)
        .distinct()
    )
    if chosen:
        codes.add(chosen)
    return sorted(codes)


@on_report_database
def aging(
    as_of: date,
    by: GroupBy | str = GroupBy.COUNTERPARTY,
    *,
    user: User | None = None,
    edges: Sequence[int] | None = None,
    currency: str | None = None,
    company: Company | None = None,
    today: date | None = None,
    largest: int | None = None,
) -> AgingReport:
    """Open receivables as of `as_of`, grouped `by`, per currency and bucket, restricted to
    the counterparties `user` may see (None: everything, for commands and benchmarks).
    `edges` override the saved bucket edges.

    `largest=N` (the page) keeps only the N largest counterparties of each currency; the
    totals, document counts and row counts still cover every row, computed in SQL, so
    Python never touches the other rows. Exports and commands ask for every row."""
    by = GroupBy(by)
    edges = tuple(edges) if edges is not None else saved_edges()
    buckets = make_buckets(edges)
    report = AgingReport(as_of=as_of, by=by, buckets=buckets, rows=[])
    try:
        visible = _visible_sql(user)
    except EmptyResultSet:
        return report
    if largest is not None and by == GroupBy.COUNTERPARTY:
        sql, params = _aging_sql(as_of, by, edges, visible, currency, company, today, largest)
        return _largest(report, sql, params, largest)
    sql, params = _aging_sql(as_of, by, edges, visible, currency, company, today)
    raw = _run(sql, params)
    labels = _labels(by, {row[0] for row in raw}) if by != GroupBy.COUNTERPARTY else {}
    n = len(buckets)
    rows = report.rows
    # Sums arrive as integer cents (exact on SQLite too, and much cheaper for PostgreSQL to
    # aggregate than numeric); Decimal(cents).scaleb(-2) is exact.
    cent_totals: dict[str, list[int]] = {}
    for row in raw:
        key, row_currency, label, documents = row[0], row[1], row[2], row[3]
        cents = list(row[4 : 4 + n])
        label = label if label is not None else labels.get(key, "")
        rows.append(AgingRow(key, label, row_currency, cents, documents))
        totals = cent_totals.get(row_currency)
        if totals is None:
            totals = cent_totals[row_currency] = [0] * n
            report.documents[row_currency] = 0
        for i in range(n):
            totals[i] += cents[i]
        report.documents[row_currency] += documents
        report.row_counts[row_currency] = report.row_counts.get(row_currency, 0) + 1
    for row_currency, totals in cent_totals.items():
        report.totals[row_currency] = [Decimal(value).scaleb(-2) for value in totals]
    rows.sort(key=lambda r: (r.currency, -r.total_cents, r.label))
    return report


def _run(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    database = report_connection()
    with transaction.atomic(using=database.alias), database.cursor() as cursor:
        if database.vendor == "postgresql":
            # One hash aggregate over all open documents: give it memory so it does not spill
            # to disk, and skip JIT compilation, which costs more than it saves here.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _largest(report: AgingReport, sql: str, params: list[Any], largest: int) -> AgingReport:
    """Rows of `_aging_sql(..., largest=N)`: kind 0 is a counterparty among the N largest of
    its currency, counting every row tied with the N-th (so Python, sorting by total and then
    label as the full report does, picks exactly the full report's first N); kind 1 is a
    currency's totals over every row."""
    n = len(report.buckets)
    kept: list[AgingRow] = []
    for row in _run(sql, params):
        kind, key, currency, label, documents = row[0], row[1], row[2], row[3], row[4]
        cents = [int(value) for value in row[5 : 5 + n]]
        if kind == 0:
            kept.append(AgingRow(key, label, currency, cents, int(documents)))
        else:
            report.row_counts[currency] = int(key)
            report.documents[currency] = int(documents)
            report.totals[currency] = [Decimal(value).scaleb(-2) for value in cents]
    kept.sort(key=lambda r: (r.currency, -r.total_cents, r.label))
    per_currency: dict[str, int] = {}
    for aging_row in kept:
        per_currency[aging_row.currency] = per_currency.get(aging_row.currency, 0) + 1
        if per_currency[aging_row.currency] <= largest:
            report.rows.append(aging_row)
    return report


def _row_cents(expression: str) -> str:
    """An amount (numeric, two decimals) in integer cents: PostgreSQL's cast is exact; SQLite
    holds amounts as floats, so it rounds first (its cast would truncate 0.29 × 100)."""
    if connection.vendor == "postgresql":
        return f"CAST({expression} * 100 AS BIGINT)"
    return f"CAST(ROUND({expression} * 100) AS BIGINT)"


# The SQL below is assembled from fixed fragments only; every value is a query parameter.
def _aging_sql(
    as_of: date,
    by: GroupBy,
    edges: Sequence[int],
    visible: tuple[str, list[Any]] | None,
    currency: str | None,
    company: Company | None,
    today: date | None,
    largest: int | None = None,
) -> tuple[str, list[Any]]:
    """Three layers: the open amount of each document as of the day; the buckets summed per
    counterparty (or company, or currency) and currency straight from the documents table;
    then, for the groupings that need the counterparty, a join on those sums only — far fewer
    rows than documents."""
    today = today or timezone.localdate()

    def where(date_column: str, alias: str) -> tuple[str, list[Any]]:
        # Documents (d) and allocations (a, through their copies of the document's columns)
        # are restricted alike.
        conditions = [f"{alias}.{date_column} <= %s"]
        condition_params: list[Any] = [as_of]
        if currency:
            conditions.append(f"{alias}.currency = %s")
            condition_params.append(currency)
        if company is not None:
            conditions.append(f"{alias}.company_id = %s")
            condition_params.append(company.pk)
        if visible is not None:
            conditions.append(f"{alias}.counterparty_id IN ({visible[0]})")
            condition_params.extend(visible[1])
        return " AND ".join(conditions), condition_params

    documents_where, documents_params = where("date", "d")
    inner_params: list[Any] = []
    if as_of >= today:
        # Fast path: nothing has been paid after today, so the open amount is the answer.
        # (No join: the open documents' columns come from a covering index on PostgreSQL.)
        inner = (
            "SELECT d.counterparty_id AS cp, d.company_id AS co, d.currency AS cur, "  # noqa: S608
            f"d.due_date AS due, {_row_cents('d.open_amount')} AS amount, 1 AS n "
            "FROM ledger_document d "
            f"WHERE d.open_amount > 0 AND {documents_where}"
        )
        inner_params.extend(documents_params)
    else:
        allocations_where, allocations_params = where("document_date", "a")
        # Open on the day = open now, plus what was paid after it. The two are read apart:
        # the open documents as above, and the allocations after the day, each carrying its
        # document's company, currency, date and due date (one index-only scan of the paid_on
        # index on PostgreSQL: no join to the documents, no sum per document). A document
        # counts once: when open now, above; when fully paid now, through the allocation that
        # closed it, which is after the day exactly when any of its allocations is.
        inner = (
            "SELECT d.counterparty_id AS cp, d.company_id AS co, d.currency AS cur, "  # noqa: S608
            f"d.due_date AS due, {_row_cents('d.open_amount')} AS amount, 1 AS n "
            "FROM ledger_document d "
            f"WHERE d.open_amount > 0 AND {documents_where} "
            "UNION ALL SELECT a.counterparty_id, a.company_id, a.currency, a.due_date, "
            f"{_row_cents('a.amount')}, CASE WHEN a.closes_document THEN 1 ELSE 0 END "
            f"FROM ledger_allocation a WHERE a.paid_on > %s AND {allocations_where}"
        )
        inner_params.extend([*documents_params, as_of, *allocations_params])

    thresholds = due_date_thresholds(as_of, edges)
    sums: list[str] = []
    bucket_params: list[Any] = []
    # Bucket i holds due dates in [thresholds[i], thresholds[i-1]); the last has no floor.
    for i in range(len(thresholds) + 1):
        parts = []
        if i < len(thresholds):
            parts.append("x.due >= %s")
            bucket_params.append(thresholds[i])
        if i > 0:
            parts.append("x.due < %s")
            bucket_params.append(thresholds[i - 1])
        # FILTER feeds each row to its own bucket's sum only (a CASE would add a zero to
        # every other bucket's): 0.86x the page's time at 1M (bench/RESULTS.md).
        sums.append(
            f"COALESCE(CAST(SUM(x.amount) FILTER (WHERE {' AND '.join(parts)}) AS BIGINT), 0) "
            f"AS b{i}"
        )
    columns = [f"b{i}" for i in range(len(sums))]
    key = {GroupBy.COMPANY: "x.co", GroupBy.CURRENCY: "x.cur"}.get(by, "x.cp")
    grouped = (
        f"SELECT {key} AS grp, x.cur AS cur, SUM(x.n) AS n, {', '.join(sums)} "  # noqa: S608
        f"FROM ({inner}) x GROUP BY {key}, x.cur"
    )
    params = bucket_params + inner_params
    if by == GroupBy.COUNTERPARTY and largest is not None:
        # The page: rank the sums per currency (ties share a rank, so every row tied with the
        # N-th is kept), look up the names of the kept rows only (one index probe each, where a
        # join would hash every counterparty), and total every row per currency.
        total = " + ".join(f"g.{c}" for c in columns)
        sql = (
            f"WITH g AS ({grouped}), "  # noqa: S608
            f"ranked AS (SELECT g.*, RANK() OVER (PARTITION BY g.cur ORDER BY {total} DESC) "
            "AS pos FROM g) "
            "SELECT 0, g.grp, g.cur, (SELECT c.name || ' (' || c.external_id || ')' "
            "FROM ledger_counterparty c WHERE c.id = g.grp), g.n, "
            f"{', '.join('g.' + c for c in columns)} "
            "FROM ranked g WHERE g.pos <= %s "
            "UNION ALL "
            "SELECT 1, COUNT(*), g.cur, NULL, SUM(g.n), "
            f"{', '.join(f'CAST(SUM(g.{c}) AS BIGINT)' for c in columns)} FROM g GROUP BY g.cur"
        )
        return sql, [*params, largest]
    if by == GroupBy.COUNTERPARTY:
        sql = (
            "SELECT g.grp, g.cur, c.name || ' (' || c.external_id || ')', g.n, "  # noqa: S608
            f"{', '.join('g.' + c for c in columns)} "
            f"FROM ({grouped}) g JOIN ledger_counterparty c ON c.id = g.grp"
        )
    elif by in (GroupBy.COLLECTOR, GroupBy.SEGMENT):
        column = "c.collector_id" if by == GroupBy.COLLECTOR else "c.segment_id"
        sql = (
            f"SELECT {column}, g.cur, NULL, SUM(g.n), "  # noqa: S608
            f"{', '.join(f'CAST(SUM(g.{c}) AS BIGINT)' for c in columns)} "
            f"FROM ({grouped}) g JOIN ledger_counterparty c ON c.id = g.grp "
            f"GROUP BY {column}, g.cur"
        )
    else:
        sql = f"SELECT g.grp, g.cur, NULL, g.n, {', '.join('g.' + c for c in columns)} " + (  # noqa: S608
            f"FROM ({grouped}) g"
        )
    return sql, params


def _labels(by: GroupBy, keys: set[Any]) -> dict[Any, str]:
    ids = [key for key in keys if key is not None]
    if by == GroupBy.CURRENCY:
        return {key: str(key) for key in keys}
    if by == GroupBy.COLLECTOR:
        labels: dict[Any, str] = {None: gettext("Not assigned")}
        labels.update((user.pk, str(user)) for user in User.objects.filter(id__in=ids))
        return labels
    if by == GroupBy.SEGMENT:
        # In the reader's language, as the debtor list and the card name it ("Client cheie");
        # the bare name read "Key customer" on a Romanian or Russian report.
        segments = Segment.objects.filter(id__in=ids).only("id", "name", "names")
        return {segment.pk: segment.localized_name for segment in segments}
    return dict(Company.objects.filter(id__in=ids).values_list("id", "name"))
