"""Collection KPIs as of any date (docs/metrics.md): DSO (count-back and simple), best possible
DSO, ADD, CEI, roll rates, recovery odds and collector results. Every figure is per currency;
a grouping (company, segment, collector) comes in addition to the currency, never instead.

Past dates are reconstructed the way the aging report does it: a document dated on or before a
day t is open on t by `open_amount` + the allocations paid after t. The receivables of every
period end come from one grouped query: the period ends form a small calendar table (a VALUES
list, with the bucket thresholds of each end precomputed so SQL does no date arithmetic), the
documents open on some end are joined to it, and the allocations after each end are summed per
(end, document). Credit sales per month come from a second grouped query over the documents.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dunwell.accounts.models import Role, User
from dunwell.dbrouting import on_report_database, report_alias, report_connection
from dunwell.insight import kpi
from dunwell.insight.buckets import Bucket, make_buckets
from dunwell.insight.models import saved_edges
from dunwell.insight.selectors import GroupBy, _labels, _visible_sql
from dunwell.ladder.models import PromiseStatus, Task
from dunwell.ladder.selectors import punctuality_counts, visible_tasks
from dunwell.ledger.models import Company

TREND_MONTHS = 12  # the trend charts and the roll-rate matrix
HISTORY_MONTHS = 24  # month-ends behind the recovery odds
LOOKBACK_MONTHS = 24  # how far the count-back DSO may reach into the sales history
SIMPLE_DSO_MONTHS = 3  # the period of the simple and best possible DSO
HORIZONS: tuple[int, ...] = (30, 90, 180, 365)


class MetricsBy(StrEnum):
    CURRENCY = "currency"
    COMPANY = "company"
    SEGMENT = "segment"
    COLLECTOR = "collector"


@dataclass(slots=True)
class Point:
    """One period end of one group and currency; amounts in cents."""

    end: date
    receivables: int
    current: int
    buckets: list[int]
    documents: int
    sales: int  # credit sales of the month ending here
    dso: Decimal | None = None  # count-back
    simple_dso: Decimal | None = None
    best_dso: Decimal | None = None
    add: Decimal | None = None
    cei: Decimal | None = None


@dataclass(slots=True)
class Recovery:
    """One aging bucket: of the amount in it on past month-ends, the share paid within each
    horizon (per cent), the amount it rests on (cents) and the document × month-end
    observations behind it."""

    bucket: Bucket
    shares: list[Decimal | None]
    base: list[int]
    paid: list[int]
    observations: list[int]


@dataclass(slots=True)
class Series:
    key: int | str | None
    label: str
    currency: str
    points: list[Point]  # TREND_MONTHS period ends, oldest first; the last is the as-of day
    # roll[k][m]: share (per cent) of bucket k at the end before points[m] in bucket k+1 at it
    roll: list[list[Decimal | None]]
    recovery: list[Recovery]
    # Per horizon: the first and last month-end the recovery odds rest on (some document open
    # in some bucket on it, its outcome known), None when none: the period the page names.
    recovery_ends: list[tuple[date, date] | None] = field(default_factory=list)

    @property
    def last(self) -> Point:
        return self.points[-1]


# Whose results are a collector's: the others with tasks or calls are listed apart, by role.
COLLECTING = frozenset({Role.COLLECTOR, Role.SALES})


@dataclass(slots=True)
class CollectorMoney:
    collected: int = 0
    promised: int = 0
    promises: int = 0
    kept: int = 0
    kept_amount: int = 0
    broken: int = 0
    broken_amount: int = 0


@dataclass(slots=True)
class CollectorResult:
    collector_id: int | None
    label: str
    money: dict[str, CollectorMoney] = field(default_factory=dict)
    tasks_due: int = 0
    tasks_on_time: int = 0
    tasks_late: int = 0
    calls: int = 0
    calls_answered: int = 0
    talk_seconds: int = 0
    # The person's role ("" for the debtors assigned to nobody): a lawyer or a supervisor has
    # tasks too, and read as a bad collector among the collectors.
    role: str = ""

    @property
    def collects(self) -> bool:
        """A collector, a sales manager (who collects from their customers too), or the row of
        the debtors assigned to nobody."""
        return self.collector_id is None or self.role in COLLECTING

    @property
    def punctuality(self) -> Decimal | None:
        return kpi.share(self.tasks_on_time, self.tasks_due)


@dataclass(slots=True)
class PeriodFigures:
    """The key figures of one group and currency over a period; amounts in cents."""

    receivables: int  # on the period's last day
    current: int  # not yet due on it
    opening: int  # receivables on the day before the period
    sales: int  # credit sales of the period
    dso: Decimal | None
    simple_dso: Decimal | None
    best_dso: Decimal | None
    add: Decimal | None
    cei: Decimal | None


@dataclass
class MetricsReport:
    as_of: date
    by: MetricsBy | None
    buckets: tuple[Bucket, ...]
    horizons: tuple[int, ...]
    ends: list[date]  # the trend's period ends
    series: list[Series]
    collectors: list[CollectorResult]
    period_start: date  # of the key figures and the collector results
    period: kpi.Period | None = None
    # The key figures over `period` and over the period before it, per (group, currency).
    figures: dict[tuple[Any, str], PeriodFigures] = field(default_factory=dict)
    previous: dict[tuple[Any, str], PeriodFigures] = field(default_factory=dict)

    @property
    def currencies(self) -> list[str]:
        return sorted({s.currency for s in self.series})


def last_month_end(today: date) -> date:
    """The default as-of day of the KPIs: the latest month-end, today included."""
    if (today + timedelta(days=1)).day == 1:
        return today
    return today.replace(day=1) - timedelta(days=1)


@on_report_database
def metrics(
    as_of: date,
    by: MetricsBy | str | None = None,
    *,
    user: User | None = None,
    edges: Sequence[int] | None = None,
    company: Company | None = None,
    currency: str | None = None,
    horizons: Sequence[int] = HORIZONS,
    period: kpi.Period | None = None,
) -> MetricsReport:
    """Every KPI as of `as_of` over what `user` may see (None: everything). The key figures
    and the collector results are over `period` (ending on `as_of`; by default its month),
    the key figures over the period before it too."""
    by = MetricsBy(by) if by else None
    period = period or kpi.Period.ending(kpi.MONTH, as_of)
    edges = tuple(edges) if edges is not None else saved_edges()
    buckets = make_buckets(edges)
    horizons = tuple(horizons)
    ends = kpi.cuts(as_of, HISTORY_MONTHS)
    report = MetricsReport(
        as_of=as_of,
        by=by,
        buckets=buckets,
        horizons=horizons,
        ends=ends[-TREND_MONTHS:],
        series=[],
        collectors=[],
        period_start=period.start,
        period=period,
    )
    try:
        visible = _visible_sql(user)
    except EmptyResultSet:
        return report
    filters = _Filters(visible, company, currency)
    database = report_connection()
    with transaction.atomic(using=database.alias), database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        snapshots = _past(cursor, ends, edges, horizons, by, filters)
        sales_ends = kpi.cuts(as_of, LOOKBACK_MONTHS + TREND_MONTHS)
        questions = [sales_ends, *_sales_questions(period), *_sales_questions(period.previous())]
        sales = _Sales(cursor, by, filters, questions)
        sales_rows = sales(sales_ends)
        report.figures = _period_figures(cursor, period, edges, by, filters, sales)
        report.previous = _period_figures(cursor, period.previous(), edges, by, filters, sales)
    report.series = _series(report, ends, sales_ends, snapshots, sales_rows)
    report.collectors = collector_results(
        as_of, user=user, company=company, currency=currency, start=period.start
    )
    return report


def _sales_questions(period: kpi.Period) -> list[list[date]]:
    """The credit sales `_period_figures` asks of a period, as period ends: the months the
    count-back DSO reaches back over, the period, the simple DSO's window (the period, at least
    SIMPLE_DSO_MONTHS months)."""
    window_start = period.sales_start(SIMPLE_DSO_MONTHS)
    return [
        kpi.cuts(period.end, LOOKBACK_MONTHS),
        [period.opening, period.end],
        [window_start - kpi.ONE_DAY, period.end],
    ]


def _period_figures(
    cursor: Any,
    period: kpi.Period,
    edges: Sequence[int],
    by: MetricsBy | None,
    filters: _Filters,
    sales: _Sales,
) -> dict[tuple[Any, str], PeriodFigures]:
    """DSO, best possible DSO, ADD and CEI over `period`, per (group, currency): the
    receivables on its last day and on the day before it, its credit sales, the credit sales
    of the simple DSO's window (the period, at least SIMPLE_DSO_MONTHS months) and the monthly
    sales the count-back DSO reaches back over."""
    opening, end = period.opening, period.end
    open_rows = _past(cursor, [opening, end], edges, HORIZONS, by, filters)
    history_ends, period_ends, window_ends = _sales_questions(period)
    history_rows = sales(history_ends)
    period_rows = sales(period_ends)
    window_rows = period_rows if window_ends == period_ends else sales(window_ends)
    window_days = (end - window_ends[0]).days
    held: dict[tuple[Any, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, key, cur, _documents, cents, current, *_rest in open_rows:
        if i == 1:
            held[(key, cur)][0], held[(key, cur)][1] = int(cents), int(current)
        else:
            held[(key, cur)][2] = int(cents)
    history: dict[tuple[Any, str], dict[int, int]] = defaultdict(dict)
    for key, cur, m, cents in history_rows:
        history[(key, cur)][m] = int(cents)
    sold = {(key, cur): int(cents) for key, cur, _m, cents in period_rows}
    window = {(key, cur): int(cents) for key, cur, _m, cents in window_rows}
    month_days = [(history_ends[m] - history_ends[m - 1]).days for m in range(1, len(history_ends))]
    result: dict[tuple[Any, str], PeriodFigures] = {}
    for group in set(held) | set(sold) | set(history):
        receivables, current, opened = held.get(group, [0, 0, 0])
        months = history.get(group, {})
        simple = kpi.simple_dso(receivables, window.get(group, 0), window_days)
        best = kpi.simple_dso(current, window.get(group, 0), window_days)
        result[group] = PeriodFigures(
            receivables=receivables,
            current=current,
            opening=opened,
            sales=sold.get(group, 0),
            dso=kpi.count_back_dso(
                receivables,
                [
                    kpi.MonthSales(months.get(m, 0), month_days[m - 1])
                    for m in range(len(month_days), 0, -1)
                ],
            ),
            simple_dso=simple,
            best_dso=best,
            add=kpi.add_days(simple, best),
            cei=kpi.cei(opened, sold.get(group, 0), receivables, current),
        )
    return result


def _past(
    cursor: Any,
    ends: list[date],
    edges: Sequence[int],
    horizons: Sequence[int],
    by: MetricsBy | None,
    filters: _Filters,
) -> list[tuple[Any, ...]]:
    """Per (period end, group, currency): documents open, receivables, each bucket, the amount
    that rolled from bucket k at the previous end into k+1, each bucket's amount paid within
    each horizon after the end, and each bucket's documents. Read from the KPI snapshots where
    a closed month-end has one (insight/snapshots.py); the counterparties marked stale since
    then and every other end are computed live (`_live_sql`). Both give rows per bucket pair,
    added up here, so the figures are the same to the cent whatever comes from where."""
    from dunwell.insight.models import KpiSnapshotMonth, KpiStale

    text = ",".join(str(e) for e in edges)
    stored: list[date] = []
    if tuple(horizons) == HORIZONS:
        stored = sorted(
            KpiSnapshotMonth.objects.filter(month_end__in=ends, edges=text).values_list(
                "month_end", flat=True
            )
        )
    index = {end: i for i, end in enumerate(ends)}
    stale = bool(stored) and KpiStale.objects.exists()
    n_b, n_h = len(edges) + 2, len(horizons)  # current, one per edge, beyond the last
    size = 2 + n_b + (n_b - 1) + n_b * n_h + n_b
    totals: dict[tuple[int, Any, str], list[int]] = {}

    def add(i: int, rows: list[tuple[Any, ...]], sign: int) -> None:
        for _end, key, cur, bucket, previous, documents, cents, *paid in rows:
            row = totals.setdefault((i, key, cur), [0] * size)
            documents, cents = sign * int(documents or 0), sign * int(cents or 0)
            row[0] += documents
            row[1] += cents
            row[2 + bucket] += cents
            if previous >= 0 and bucket == previous + 1:
                row[2 + n_b + previous] += cents
            start = 2 + 2 * n_b - 1 + bucket * n_h
            for j, value in enumerate(paid):
                row[start + j] += sign * int(value or 0)
            row[2 + 2 * n_b - 1 + n_b * n_h + bucket] += documents

    def run(sql: str, params: list[Any], part_ends: list[date], sign: int = 1) -> None:
        cursor.execute(sql, params)
        by_end: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in cursor.fetchall():
            i = row[0]
            if not isinstance(i, int):  # a month-end (stored rows)
                i = part_ends.index(i if isinstance(i, date) else date.fromisoformat(str(i)[:10]))
            by_end[i].append(row)
        for i, rows in by_end.items():
            add(index[part_ends[i]], rows, sign)

    live = [end for end in ends if end not in set(stored)]
    if len(live) > 2:
        cursor.execute(*_per_document_sql(live, edges, horizons, by, filters))
        for i, key, cur, *values in cursor.fetchall():
            row = totals.setdefault((index[live[i]], key, cur), [0] * size)
            for j, value in enumerate(values):
                row[j] += int(value or 0)
    elif live:
        run(*_live_sql(live, edges, horizons, by, filters), live)
    if stale:
        run(*_live_sql(stored, edges, horizons, by, replace(filters, stale_only=True)), stored)
    if stored:
        rollup = filters.visible is None and by not in (MetricsBy.SEGMENT, MetricsBy.COLLECTOR)
        run(*_stored_sql(stored, by, filters, stale, rollup), stored)
        if rollup and stale:
            # The totals still hold the stale counterparties' old rows: take them out.
            run(*_stored_sql(stored, by, filters, stale, rollup, stale_rows=True), stored, -1)
    return [(i, key, cur, *values) for (i, key, cur), values in totals.items()]


def _stored_sql(
    ends: list[date],
    by: MetricsBy | None,
    filters: _Filters,
    stale: bool,
    rollup: bool,
    *,
    stale_rows: bool = False,
) -> tuple[str, list[Any]]:
    """The snapshot rows of these month-ends summed per (end, group, currency, bucket,
    previous bucket), over the filters: the month's totals (`rollup`, when neither the user
    nor the grouping needs the counterparty), else the counterparties' rows without the stale
    ones; or (`stale_rows`) only the stale counterparties' rows."""
    from dunwell.insight.models import KpiSnapshot, KpiStale

    join = ""
    if by in (MetricsBy.SEGMENT, MetricsBy.COLLECTOR):
        key = f"c.{by.value}_id"
        join = "JOIN ledger_counterparty c ON c.id = x.counterparty_id "
    elif by == MetricsBy.COMPANY:
        key = "x.company_id"
    elif by == MetricsBy.CURRENCY:
        key = "x.currency"
    else:
        key = "NULL"
    conditions = [f"x.month_end IN ({', '.join([_date()] * len(ends))})"]
    params: list[Any] = list(ends)
    if stale_rows:
        conditions.append(f"x.counterparty_id IN ({STALE_SQL})")
    elif rollup:
        conditions.append("x.counterparty_id IS NULL")
    else:
        conditions.append("x.counterparty_id IS NOT NULL")
    if filters.currency:
        conditions.append("x.currency = %s")
        params.append(filters.currency)
    if filters.company is not None:
        conditions.append("x.company_id = %s")
        params.append(filters.company.pk)
    if filters.visible is not None:
        conditions.append(f"x.counterparty_id IN ({filters.visible[0]})")
        params.extend(filters.visible[1])
    if stale and not rollup and not stale_rows:
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM {KpiStale._meta.db_table} z "  # noqa: S608
            "WHERE z.counterparty_id = x.counterparty_id)"
        )
    paid = ", ".join(f"SUM(x.paid_{j})" for j in range(1, len(HORIZONS) + 1))
    sql = (
        f"SELECT x.month_end, {key}, x.currency, x.bucket, x.previous_bucket, "  # noqa: S608
        f"SUM(x.documents), SUM(x.open_cents), {paid} "
        f"FROM {KpiSnapshot._meta.db_table} x {join}WHERE {' AND '.join(conditions)} "
        "GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, params


@dataclass(frozen=True, slots=True)
class _Filters:
    visible: tuple[str, list[Any]] | None
    company: Company | None
    currency: str | None
    stale_only: bool = False  # only the counterparties marked stale since the snapshots

    def sql(self) -> tuple[list[str], list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        if self.stale_only:
            conditions.append(f"d.counterparty_id IN ({STALE_SQL})")
        if self.currency:
            conditions.append("d.currency = %s")
            params.append(self.currency)
        if self.company is not None:
            conditions.append("d.company_id = %s")
            params.append(self.company.pk)
        if self.visible is not None:
            conditions.append(f"d.counterparty_id IN ({self.visible[0]})")
            params.extend(self.visible[1])
        return conditions, params

    def allocation_sql(self) -> tuple[list[str], list[Any]]:
        """The part of the filters the allocations can take (by their counterparty)."""
        conditions: list[str] = []
        params: list[Any] = []
        if self.stale_only:
            conditions.append(f"a.counterparty_id IN ({STALE_SQL})")
        if self.visible is not None:
            conditions.append(f"a.counterparty_id IN ({self.visible[0]})")
            params.extend(self.visible[1])
        return conditions, params


STALE_SQL = "SELECT counterparty_id FROM insight_kpistale"


def _key_sql(by: MetricsBy | None) -> tuple[str, str]:
    """The group key expression and the join it needs."""
    join = "JOIN ledger_counterparty c ON c.id = d.counterparty_id "
    if by == MetricsBy.SEGMENT:
        return "c.segment_id", join
    if by == MetricsBy.COLLECTOR:
        return "c.collector_id", join
    if by == MetricsBy.COMPANY:
        return "d.company_id", ""
    if by == MetricsBy.CURRENCY:
        return "d.currency", ""
    return "NULL", ""


def _date() -> str:
    # PostgreSQL must know the type of the VALUES columns; SQLite stores dates as ISO text and
    # would turn CAST(... AS DATE) into a number.
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"


def _cut_columns(n_edges: int, n_horizons: int) -> list[str]:
    """The columns of a period end's row in the SQL: the end `t`, the month-end before it `pt`,
    the bucket thresholds of each (`thJ` = t − edge J, `pthJ` = pt − edge J) and the horizon
    days (`hJ` = t + horizon J)."""
    return (
        ["t", "pt"]
        + [f"th{j}" for j in range(1, n_edges + 1)]
        + [f"pth{j}" for j in range(1, n_edges + 1)]
        + [f"h{j}" for j in range(1, n_horizons + 1)]
    )


def _cut_values(end: date, edges: Sequence[int], horizons: Sequence[int]) -> list[Any]:
    """The values of `_cut_columns` for one period end."""
    previous = end.replace(day=1) - kpi.ONE_DAY
    values: list[Any] = [end, previous]
    values += [end - timedelta(days=e) for e in edges]
    values += [previous - timedelta(days=e) for e in edges]
    values += [end + timedelta(days=h) for h in horizons]
    return values


def _cuts_cte(
    ends: list[date], edges: Sequence[int], horizons: Sequence[int]
) -> tuple[str, list[Any]]:
    """`cuts(i, t, pt, …)`: one row per period end, `i` its index in `ends`."""
    columns = ["i", *_cut_columns(len(edges), len(horizons))]
    rows: list[str] = []
    params: list[Any] = []
    d = _date()
    for i, end in enumerate(ends):
        values = [i, *_cut_values(end, edges, horizons)]
        rows.append("(" + ", ".join(["%s"] + [d] * (len(values) - 1)) + ")")
        params.extend(values)
    return f"cuts({', '.join(columns)}) AS (VALUES {', '.join(rows)})", params


def _cents(expression: str) -> str:
    """The sum of an amount expression in integer cents. PostgreSQL sums the amounts
    (numeric, two decimals) exactly, so the sum is multiplied once; SQLite holds them as
    floats, so each is rounded to its cents first (a quarter of the aggregate's time on
    PostgreSQL, measured)."""
    if connection.vendor == "postgresql":
        return f"CAST(SUM({expression}) * 100 AS BIGINT)"
    return f"CAST(SUM(ROUND(({expression}) * 100)) AS BIGINT)"


def _bucket_cases(due: str, issued_after: str, cut: str, n_edges: int) -> tuple[str, str]:
    """SQL CASEs giving a document's bucket on the period end of the cut row `cut`, and on the
    month-end before it (−1 when the condition `issued_after` says it was issued after that)."""
    now = _bucket_conditions(due, f"{cut}.t", [f"{cut}.th{j}" for j in range(1, n_edges + 1)])
    before = _bucket_conditions(due, f"{cut}.pt", [f"{cut}.pth{j}" for j in range(1, n_edges + 1)])
    bucket = "CASE " + " ".join(f"WHEN {c} THEN {b}" for b, c in enumerate(now)) + " END"
    previous_bucket = (
        f"CASE WHEN {issued_after} THEN -1 "
        + " ".join(f"WHEN {c} THEN {b}" for b, c in enumerate(before))
        + " END"
    )
    return bucket, previous_bucket


def _bucket_conditions(due: str, t: str, thresholds: list[str]) -> list[str]:
    """SQL conditions putting a due date in each bucket as of the end whose threshold columns
    are given (thresholds[j] = end − edge j): current when due on or after the end."""
    edges = [t, *thresholds]
    conditions = [f"{due} >= {t}"]
    for j in range(1, len(edges)):
        conditions.append(f"({due} < {edges[j - 1]} AND {due} >= {edges[j]})")
    conditions.append(f"{due} < {edges[-1]}")
    return conditions


# The SQL below is assembled from fixed fragments only; every value is a query parameter.
def _live_sql(
    ends: list[date],
    edges: Sequence[int],
    horizons: Sequence[int],
    by: MetricsBy | None,
    filters: _Filters,
) -> tuple[str, list[Any]]:
    """One row per (period end index, group, currency, bucket on the end, bucket on the
    month-end before it or -1 when issued after that): documents open, their open amount and
    the part of it paid within each horizon after the end, in cents — the shape of the
    snapshot rows. The allocations after each end are summed per (end, document) first.

    A document was open on an end when it is open now, or when something of it was paid
    after the end: the two are read apart (the open ones through `open_amount > 0`, the
    closed ones from the allocations after the end), so the closed documents, most of a
    ledger, are never read. The documents are then summed per due day before the buckets
    are given: a bucket depends on the due day only, and a day holds many documents."""
    n_edges, n_h = len(edges), len(horizons)
    cuts_cte, params = _cuts_cte(ends, edges, horizons)

    within = ", ".join(
        f"SUM(CASE WHEN a.paid_on <= k.h{j} THEN a.amount ELSE 0 END) AS p{j}"
        for j in range(1, n_h + 1)
    )
    alloc_conditions, alloc_params = filters.allocation_sql()
    alloc_cte = (
        f"alloc AS (SELECT k.i AS i, a.document_id AS doc, SUM(a.amount) AS after, {within} "  # noqa: S608
        "FROM ledger_allocation a JOIN cuts k ON a.paid_on > k.t"
        + "".join(f" AND {c}" for c in alloc_conditions)
        + " GROUP BY k.i, a.document_id)"
    )
    params.extend(alloc_params)

    key, join = _key_sql(by)
    conditions, condition_params = filters.sql()
    where = "".join(f" AND {c}" for c in conditions)
    new = "CASE WHEN d.date > k.pt THEN 1 ELSE 0 END"
    zeros = ", ".join(f"0 AS p{j}" for j in range(1, n_h + 1))
    paid = ", ".join(f"{_cents(f'al.p{j}')} AS p{j}" for j in range(1, n_h + 1))
    parts_cte = (
        # What is open now, on each period end it was issued by (CROSS JOIN keeps SQLite from
        # scanning the documents once per period end); no join, so an index can answer it.
        f"parts AS (SELECT k.i AS i, {key} AS grp, d.currency AS cur, d.due_date AS due, "  # noqa: S608
        f"{new} AS new, COUNT(*) AS n, {_cents('d.open_amount')} AS open_cents, {zeros} "
        f"FROM ledger_document d {join}CROSS JOIN cuts k "
        f"WHERE d.open_amount > 0 AND d.date <= k.t{where} GROUP BY 1, 2, 3, 4, 5 "
        # What was paid after each end of the documents issued by then; such a document
        # counts here only when nothing of it is open now (else it counted above).
        f"UNION ALL SELECT k.i, {key}, d.currency, d.due_date, {new}, "
        "SUM(CASE WHEN d.open_amount = 0 THEN 1 ELSE 0 END), "
        f"{_cents('al.after')}, {paid} FROM alloc al JOIN cuts k ON k.i = al.i "
        f"JOIN ledger_document d ON d.id = al.doc {join}"
        f"WHERE d.date <= k.t{where} GROUP BY 1, 2, 3, 4, 5)"
    )
    params.extend(condition_params)
    params.extend(condition_params)
    bucket, previous_bucket = _bucket_cases("x.due", "x.new = 1", "k", n_edges)
    sql = (
        f"WITH {cuts_cte}, {alloc_cte}, {parts_cte} "  # noqa: S608
        f"SELECT x.i, x.grp, x.cur, {bucket} AS b, {previous_bucket} AS pb, SUM(x.n), "
        "SUM(x.open_cents), "
        + ", ".join(f"SUM(x.p{j})" for j in range(1, n_h + 1))
        + " FROM parts x JOIN cuts k ON k.i = x.i GROUP BY x.i, x.grp, x.cur, 4, 5"
    )
    return sql, params


def _per_document_sql(
    ends: list[date],
    edges: Sequence[int],
    horizons: Sequence[int],
    by: MetricsBy | None,
    filters: _Filters,
) -> tuple[str, list[Any]]:
    """The live rows for many period ends, already in `_past`'s layout: one row per (period
    end, group, currency) with documents open, receivables, each bucket, the amount that
    rolled from bucket k at the previous end into k+1, each bucket's amount paid within each
    horizon and each bucket's documents. Each document is joined to its allocations after
    each end it was open on and bucketed by CASE sums: at 24 ends about half the time of
    `_live_sql` (whose per-(end, document) allocation sums pay off for one or two ends)."""
    n_edges, n_h = len(edges), len(horizons)
    cuts_cte, params = _cuts_cte(ends, edges, horizons)

    key, join = _key_sql(by)
    conditions, condition_params = filters.sql()
    where = "".join(f" AND {c}" for c in conditions)
    paid_cte = (
        "paid AS (SELECT document_id, MAX(paid_on) AS last_paid FROM ledger_allocation "
        "WHERE paid_on > %s GROUP BY document_id)"
    )
    params.append(ends[0])
    docs_cte = (
        f"docs AS (SELECT d.id, {key} AS grp, d.currency AS cur, d.date AS issued, "  # noqa: S608
        "d.due_date AS due, d.open_amount AS open_now, p.last_paid AS last_paid "
        f"FROM ledger_document d {join}LEFT JOIN paid p ON p.document_id = d.id "
        f"WHERE d.date <= %s AND (d.open_amount > 0 OR p.last_paid IS NOT NULL){where})"
    )
    params.append(ends[-1])
    params.extend(condition_params)
    within = ", ".join(
        f"COALESCE(SUM(CASE WHEN a.paid_on <= k.h{j} THEN a.amount ELSE 0 END), 0) AS p{j}"
        for j in range(1, n_h + 1)
    )
    snap_cte = (
        "snap AS (SELECT k.i AS i, d.id AS id, d.grp AS grp, d.cur AS cur, "  # noqa: S608
        "d.issued AS issued, "
        "d.due AS due, d.open_now + COALESCE(SUM(a.amount), 0) AS open_then, "
        f"{within} "
        # Each document is read once and paired with the few period ends it was open on
        # (CROSS JOIN keeps SQLite from scanning the documents once per period end).
        "FROM docs d CROSS JOIN cuts k "
        "LEFT JOIN ledger_allocation a ON a.document_id = d.id AND a.paid_on > k.t "
        "WHERE d.issued <= k.t AND (d.open_now > 0 OR d.last_paid > k.t) "
        "GROUP BY k.i, d.id, d.grp, d.cur, d.issued, d.due, d.open_now)"
    )

    now = _bucket_conditions("s.due", "k.t", [f"k.th{j}" for j in range(1, n_edges + 1)])
    before = _bucket_conditions("s.due", "k.pt", [f"k.pth{j}" for j in range(1, n_edges + 1)])
    sums = [_cents("s.open_then")]
    sums += [_cents(f"CASE WHEN {c} THEN s.open_then ELSE 0 END") for c in now]
    sums += [
        _cents(
            f"CASE WHEN s.issued <= k.pt AND {before[b]} AND {now[b + 1]} THEN s.open_then "
            "ELSE 0 END"
        )
        for b in range(len(now) - 1)
    ]
    sums += [
        _cents(f"CASE WHEN {c} THEN s.p{j} ELSE 0 END") for c in now for j in range(1, n_h + 1)
    ]
    sums += [f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in now]
    sql = (
        f"WITH {cuts_cte}, {paid_cte}, {docs_cte}, {snap_cte} "  # noqa: S608
        f"SELECT s.i, s.grp, s.cur, COUNT(*), {', '.join(sums)} "
        "FROM snap s JOIN cuts k ON k.i = s.i WHERE s.open_then > 0 "
        "GROUP BY s.i, s.grp, s.cur"
    )
    return sql, params


class _Sales:
    """Credit sales per (group, currency, month index of `ends`) for each question a report
    asks (the trend's 36 months, each period's count-back history, the period, the simple
    DSO's window). With few groups (none, company, currency) the documents are read once, summed
    per day in SQL, and each question summed per month from those days here: one scan of the
    documents' span instead of one per question (a plain GROUP BY is also cheaper than bucketing
    every document by a CASE over 36 months). By segment or collector (thousands of groups: too
    many rows per day) they are read once per interval between any two of the `questions`' ends
    (`_sales_sql` over all those ends), and each question sums the intervals inside its months;
    a question with an end not among them is its own query."""

    def __init__(
        self,
        cursor: Any,
        by: MetricsBy | None,
        filters: _Filters,
        questions: Sequence[Sequence[date]] = (),
    ) -> None:
        self.cursor, self.by, self.filters = cursor, by, filters
        self.days: dict[tuple[Any, str, date], int] = defaultdict(int)
        self.read: tuple[date, date] | None = None  # (after, up to) already in `days`
        self.grid = sorted({day for ends in questions for day in ends})
        self.intervals: list[tuple[Any, ...]] | None = None  # per (group, currency, grid index)

    def __call__(self, ends: list[date]) -> list[tuple[Any, str, int, int]]:
        if self.by in (MetricsBy.SEGMENT, MetricsBy.COLLECTOR):
            return self._grouped(ends)
        after, up_to = ends[0], ends[-1]
        if self.read is None:
            self._read(after, up_to)
            self.read = (after, up_to)
        else:
            if after < self.read[0]:
                self._read(after, self.read[0])
            if up_to > self.read[1]:
                self._read(self.read[1], up_to)
            self.read = (min(after, self.read[0]), max(up_to, self.read[1]))
        months: dict[tuple[Any, str, int], int] = defaultdict(int)
        for (key_value, cur, day), cents in self.days.items():
            if after < day <= up_to:
                months[(key_value, cur, bisect_left(ends, day))] += cents
        return [(k, cur, m, cents) for (k, cur, m), cents in months.items()]

    def _grouped(self, ends: list[date]) -> list[tuple[Any, str, int, int]]:
        if not set(ends) <= set(self.grid):
            self.cursor.execute(*_sales_sql(ends, self.by, self.filters))
            return [tuple(row) for row in self.cursor.fetchall()]  # type: ignore[misc]
        if self.intervals is None:
            self.cursor.execute(*_sales_sql(self.grid, self.by, self.filters))
            self.intervals = [tuple(row) for row in self.cursor.fetchall()]
        months: dict[tuple[Any, str, int], int] = defaultdict(int)
        for key_value, cur, m, cents in self.intervals:
            # The interval (grid[m - 1], grid[m]] lies inside one month of `ends`: both of its
            # ends are grid days.
            day = self.grid[m]
            if ends[0] < day <= ends[-1]:
                months[(key_value, cur, bisect_left(ends, day))] += int(cents)
        return [(k, cur, m, cents) for (k, cur, m), cents in months.items()]

    def _read(self, after: date, up_to: date) -> None:
        key, join = _key_sql(self.by)
        conditions, condition_params = self.filters.sql()
        self.cursor.execute(
            f"SELECT {key}, d.currency, d.date, {_cents('d.amount')} "  # noqa: S608
            f"FROM ledger_document d {join}"
            "WHERE d.cancelled = %s AND d.date > %s AND d.date <= %s"
            + "".join(f" AND {c}" for c in conditions)
            + " GROUP BY 1, 2, 3",
            [False, after, up_to, *condition_params],
        )
        for key_value, cur, day, cents in self.cursor.fetchall():
            if not isinstance(day, date):
                day = date.fromisoformat(str(day)[:10])
            self.days[(key_value, cur, day)] += int(cents)


def _sales_sql(ends: list[date], by: MetricsBy | None, filters: _Filters) -> tuple[str, list[Any]]:
    """Credit sales per (group, currency, month): the amounts of the documents dated in
    (ends[m-1], ends[m]]. Cancelled documents are no sale."""
    key, join = _key_sql(by)
    conditions, condition_params = filters.sql()
    d = _date()
    whens = " ".join(f"WHEN d.date <= {d} THEN {m}" for m in range(1, len(ends)))
    sql = (
        f"SELECT {key}, d.currency, CASE {whens} END AS m, "  # noqa: S608
        f"{_cents('d.amount')} "
        f"FROM ledger_document d {join}"
        "WHERE d.cancelled = %s AND d.date > %s AND d.date <= %s"
        + "".join(f" AND {c}" for c in conditions)
        + " GROUP BY 1, 2, 3"
    )
    params: list[Any] = [*ends[1:], False, ends[0], ends[-1], *condition_params]
    return sql, params


def _series(
    report: MetricsReport,
    ends: list[date],
    sales_ends: list[date],
    snapshots: list[tuple[Any, ...]],
    sales_rows: list[tuple[Any, ...]],
) -> list[Series]:
    n_b, n_h = len(report.buckets), len(report.horizons)
    snap: dict[tuple[Any, str], dict[int, tuple[Any, ...]]] = defaultdict(dict)
    for row in snapshots:
        snap[(row[1], row[2])][row[0]] = row
    sales: dict[tuple[Any, str], dict[int, int]] = defaultdict(dict)
    for key, cur, m, cents in sales_rows:
        sales[(key, cur)][m] = int(cents)
    groups = sorted(set(snap) | set(sales), key=lambda g: (g[1], str(g[0])))
    labels = _group_labels(report.by, {g[0] for g in groups})
    month_days = [(sales_ends[m] - sales_ends[m - 1]).days for m in range(1, len(sales_ends))]
    first_trend = len(ends) - TREND_MONTHS
    sales_offset = len(sales_ends) - len(ends)  # sales month index of snapshot index i
    result: list[Series] = []
    for group in groups:
        by_end = snap.get(group, {})
        monthly = sales.get(group, {})

        parsed: dict[int, tuple[Any, ...]] = {}  # each end's row is read once per group

        def parts(
            i: int,
            by_end: dict[int, tuple[Any, ...]] = by_end,
            parsed: dict[int, tuple[Any, ...]] = parsed,
        ) -> tuple[Any, ...]:
            if i in parsed:
                return parsed[i]
            row = by_end.get(i)
            if row is None:
                return (0, 0, [0] * n_b, [0] * (n_b - 1), [[0] * n_h for _ in range(n_b)])
            values = [int(v or 0) for v in row[3:]]
            documents, total = values[0], values[1]
            bucket_cents = values[2 : 2 + n_b]
            rolled = values[2 + n_b : 2 + n_b + n_b - 1]
            start = 2 + 2 * n_b - 1
            paid = [values[start + b * n_h : start + (b + 1) * n_h] for b in range(n_b)]
            parsed[i] = (documents, total, bucket_cents, rolled, paid)
            return parsed[i]

        points: list[Point] = []
        roll: list[list[Decimal | None]] = [[] for _ in range(n_b - 1)]
        for i in range(first_trend, len(ends)):
            documents, total, bucket_cents, rolled, _paid = parts(i)
            _d, opening, previous_buckets, _r, _p = parts(i - 1)
            m = i + sales_offset  # this month in the sales months (1-based windows)
            month_sales = monthly.get(m, 0)
            history = [
                kpi.MonthSales(monthly.get(j, 0), month_days[j - 1])
                for j in range(m, max(0, m - LOOKBACK_MONTHS), -1)
            ]
            period = range(m, max(0, m - SIMPLE_DSO_MONTHS), -1)
            period_sales = sum(monthly.get(j, 0) for j in period)
            period_days = sum(month_days[j - 1] for j in period)
            simple = kpi.simple_dso(total, period_sales, period_days)
            best = kpi.simple_dso(bucket_cents[0], period_sales, period_days)
            points.append(
                Point(
                    end=ends[i],
                    receivables=total,
                    current=bucket_cents[0],
                    buckets=bucket_cents,
                    documents=documents,
                    sales=month_sales,
                    dso=kpi.count_back_dso(total, history),
                    simple_dso=simple,
                    best_dso=best,
                    add=kpi.add_days(simple, best),
                    cei=kpi.cei(opening, month_sales, total, bucket_cents[0]),
                )
            )
            for b in range(n_b - 1):
                roll[b].append(kpi.share(rolled[b], previous_buckets[b]))
        recovery = []
        spans: list[tuple[date, date] | None] = [None] * n_h
        for b, bucket in enumerate(report.buckets):
            base, paid, observations = [0] * n_h, [0] * n_h, [0] * n_h
            for i, end in enumerate(ends[:-1]):
                found = by_end.get(i)
                if found is None:
                    continue
                _n, _t, bucket_cents, _r, paid_cents = parts(i)
                count = int(found[3 + 2 + 2 * n_b - 1 + n_b * n_h + b] or 0)
                for j, horizon in enumerate(report.horizons):
                    if end + timedelta(days=horizon) > report.as_of:
                        continue  # not yet known on the as-of day
                    base[j] += bucket_cents[b]
                    paid[j] += paid_cents[b][j]
                    observations[j] += count
                    if count:
                        span = spans[j]
                        spans[j] = (min(span[0], end), max(span[1], end)) if span else (end, end)
            recovery.append(
                Recovery(
                    bucket=bucket,
                    shares=[kpi.share(p, t) for p, t in zip(paid, base, strict=True)],
                    base=base,
                    paid=paid,
                    observations=observations,
                )
            )
        result.append(
            Series(group[0], labels.get(group[0], ""), group[1], points, roll, recovery, spans)
        )
    return result


def _group_labels(by: MetricsBy | None, keys: set[Any]) -> dict[Any, str]:
    if by is None:
        return {}
    return _labels(GroupBy(by.value), keys)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@on_report_database
def collector_results(
    as_of: date,
    *,
    user: User | None = None,
    company: Company | None = None,
    currency: str | None = None,
    start: date | None = None,
) -> list[CollectorResult]:
    """What each collector achieved from `start` (by default the first of the month of
    `as_of`) to `as_of`, on the
    debtors assigned to them now: payments received, promises made (recorded by them), kept
    and broken (resolved in the period), punctuality of their tasks due in the period, and
    their calls. Only over counterparties `user` may see."""
    start, stop = start or as_of.replace(day=1), as_of
    start_at, stop_at = _day_start(start), _day_start(stop + kpi.ONE_DAY)
    try:
        visible = _visible_sql(user)
    except EmptyResultSet:
        return []
    conditions: list[str] = []
    condition_params: list[Any] = []
    if company is not None:
        conditions.append("c.company_id = %s")
        condition_params.append(company.pk)
    if visible is not None:
        conditions.append(f"c.id IN ({visible[0]})")
        condition_params.extend(visible[1])
    where = "".join(f" AND {c}" for c in conditions)
    cur_where, cur_params = ("", []) if not currency else (" AND x.currency = %s", [currency])
    results: dict[int | None, CollectorResult] = {}

    def result(collector_id: int | None) -> CollectorResult:
        if collector_id not in results:
            results[collector_id] = CollectorResult(collector_id, "")
        return results[collector_id]

    def money(collector_id: int | None, cur: str) -> CollectorMoney:
        return result(collector_id).money.setdefault(cur, CollectorMoney())

    with report_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT c.collector_id, x.currency, {_cents('x.amount')} "  # noqa: S608
            "FROM ledger_payment x JOIN ledger_counterparty c ON c.id = x.counterparty_id "
            f"WHERE x.cancelled = %s AND x.date >= %s AND x.date <= %s{where}{cur_where} "
            "GROUP BY c.collector_id, x.currency",
            [False, start, stop, *condition_params, *cur_params],
        )
        for collector_id, cur, cents in cursor.fetchall():
            money(collector_id, cur).collected = int(cents)
        # Promises recorded by a collector; kept or broken counts only once resolved by then.
        cursor.execute(
            "SELECT x.recorded_by_id, x.currency, "  # noqa: S608
            "SUM(CASE WHEN x.recorded_at >= %s THEN 1 ELSE 0 END), "
            "CAST(SUM(CASE WHEN x.recorded_at >= %s THEN ROUND(x.amount * 100) ELSE 0 END) "
            "AS BIGINT), "
            "SUM(CASE WHEN x.status = %s AND x.resolved_at >= %s AND x.resolved_at < %s "
            "THEN 1 ELSE 0 END), "
            "CAST(SUM(CASE WHEN x.status = %s AND x.resolved_at >= %s AND x.resolved_at < %s "
            "THEN ROUND(x.amount * 100) ELSE 0 END) AS BIGINT), "
            "SUM(CASE WHEN x.status = %s AND x.resolved_at >= %s AND x.resolved_at < %s "
            "THEN 1 ELSE 0 END), "
            "CAST(SUM(CASE WHEN x.status = %s AND x.resolved_at >= %s AND x.resolved_at < %s "
            "THEN ROUND(x.amount * 100) ELSE 0 END) AS BIGINT) "
            "FROM ladder_promise x JOIN ledger_counterparty c ON c.id = x.counterparty_id "
            "WHERE x.recorded_by_id IS NOT NULL AND x.recorded_at < %s "
            "AND (x.recorded_at >= %s OR (x.resolved_at >= %s AND x.resolved_at < %s))"
            f"{where}{cur_where} GROUP BY x.recorded_by_id, x.currency",
            [
                start_at,
                start_at,
                PromiseStatus.KEPT,
                start_at,
                stop_at,
                PromiseStatus.KEPT,
                start_at,
                stop_at,
                PromiseStatus.BROKEN,
                start_at,
                stop_at,
                PromiseStatus.BROKEN,
                start_at,
                stop_at,
                stop_at,
                start_at,
                start_at,
                stop_at,
                *condition_params,
                *cur_params,
            ],
        )
        for collector_id, cur, made, made_c, kept, kept_c, broken, broken_c in cursor.fetchall():
            row = money(collector_id, cur)
            row.promises, row.promised = int(made or 0), int(made_c or 0)
            row.kept, row.kept_amount = int(kept or 0), int(kept_c or 0)
            row.broken, row.broken_amount = int(broken or 0), int(broken_c or 0)
        # Punctuality by the pressure scale's one rule (`ladder.selectors.punctuality_counts`:
        # ladder tasks due in the period, done inside their window; one left undone is not on
        # time), as the punctuality page and the team page count it. A task due later today
        # is not yet due: it counts once its time has come.
        tasks = (visible_tasks(user) if user is not None else Task.objects.all()).using(
            report_alias()
        )
        if company is not None:
            tasks = tasks.filter(counterparty__company=company)
        counts = punctuality_counts(tasks, start_at, min(stop_at, timezone.now()), stop_at)
        for collector_id, (due, on_time, late) in counts.items():
            row_result = result(collector_id)
            row_result.tasks_due, row_result.tasks_on_time, row_result.tasks_late = (
                due,
                on_time,
                late,
            )
        # A call without a counterparty is shown only to who may see everything.
        cursor.execute(
            "SELECT x.agent_id, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN x.answered_at IS NOT NULL THEN 1 ELSE 0 END), "
            "COALESCE(SUM(x.duration), 0) "
            "FROM telephony_call x LEFT JOIN ledger_counterparty c ON c.id = x.counterparty_id "
            f"WHERE x.agent_id IS NOT NULL AND x.started_at >= %s AND x.started_at < %s{where} "
            "GROUP BY x.agent_id",
            [start_at, stop_at, *condition_params],
        )
        for collector_id, calls, answered, seconds in cursor.fetchall():
            row_result = result(collector_id)
            row_result.calls, row_result.calls_answered = int(calls), int(answered or 0)
            row_result.talk_seconds = int(seconds or 0)
    people = {user.pk: user for user in User.objects.filter(id__in=[k for k in results if k])}
    for collector_id, row_result in results.items():
        person = people.get(collector_id) if collector_id is not None else None
        if person is not None:
            row_result.label, row_result.role = str(person), person.role
        elif collector_id is None:
            row_result.label = gettext("Not assigned")
    # The collectors first (the unassigned row last among them), then the others by role.
    return sorted(
        results.values(),
        key=lambda r: (
            not r.collects,
            r.role if not r.collects else "",
            r.collector_id is None,
            r.label,
        ),
    )
