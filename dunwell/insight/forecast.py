"""The cash forecast (issue 14, item 4; docs/metrics.md, "Cash forecast"): weekly for 13 weeks
and monthly for 12 months, per currency, in four parts, with a low–high band, and its
backtest.

Everything is as of a day *t* and uses only what was known on *t*: documents issued, payments
received (allocations by the day they were paid), promises recorded up to *t*. One grouped
query returns the parts as (part, currency, day, delay, amount) rows; Python then places those
few thousand rows on days and sums them into periods (forecast_math.py).

Amounts are whole cents (ints) of one currency. The query returns exact sums of amounts in
cents and, beside them, the share expected of them (the kept rate, a deal's probability, the
part of a debt not covered by a promise); Python multiplies the two and rounds once, to the cent,
half up (money.share_of_cents). SQL does not multiply money by a share: SQLite's floats made
1.15 × 100 × 0.5 = 57.4999… → 57 cents where the amount is 57.5 → 58.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.insight import forecast_math as fm
from dunwell.insight.kpi import month_end, month_ends_before
from dunwell.insight.selectors import _visible_sql
from dunwell.money import share_of_cents

CURVE_MONTH_ENDS = 12  # month-ends behind the late-payment curves
KEPT_RATE_DAYS = 365  # promises resolved in the year before t measure the kept rate
DEFAULT_KEPT_RATE = 0.5  # no promise resolved yet: half
BAND_MONTH_ENDS = 6  # backtested month-ends behind the band


class Part(StrEnum):
    RECEIVABLES = "receivables"
    INSTALMENTS = "instalments"
    PROMISES = "promises"
    DEALS = "deals"


class Method(StrEnum):
    MODEL = "model"  # open documents on the stored prediction model's expected dates
    HISTORY = "history"  # on due date + the customer's average delay known on t


class Predicted(StrEnum):
    """Where the receivables' predicted payment days come from (`_parts_sql`)."""

    NONE = "none"  # history: no prediction
    STORED = "stored"  # the day's scoring stored them: joined in SQL, grouped by the day
    SCORED = "scored"  # none stored for t: scored now, one row per document (`_with_scores`)


@dataclass
class Row:
    period: fm.Period
    parts: dict[Part, int]  # cents
    low: int = 0
    high: int = 0
    actual: int | None = None
    # The last day `actual` counts when the period is not over yet (it holds today): the cash
    # received so far in it. None when `actual` is the whole period's (or there is none).
    actual_until: date | None = None

    @property
    def total(self) -> int:
        return sum(self.parts.values())


@dataclass
class CurrencyForecast:
    currency: str
    weeks: list[Row]
    months: list[Row]
    history: list[Row] = field(default_factory=list)  # the 13 weeks before t: receipts


@dataclass
class Forecast:
    as_of: date
    method: Method
    kept_rate: float
    kept_rate_measured: bool
    band_errors: dict[str, float | None]
    currencies: list[CurrencyForecast]


# --- SQL helpers ---------------------------------------------------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _date_param() -> str:
    return "CAST(%s AS DATE)" if _pg() else "%s"


def _days(a: str, b: str) -> str:
    """Whole days from b to a (a − b)."""
    if _pg():
        return f"({a} - {b})"
    return f"CAST(ROUND(julianday({a}) - julianday({b})) AS INTEGER)"


def _false() -> str:
    return "FALSE" if _pg() else "0"


def _day(value: Any) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    assert isinstance(value, date)
    return value


def _start_of_day_after(day: date) -> Any:
    """The first instant after `day` (local time), as the database compares datetimes."""
    moment = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return connection.ops.adapt_datetimefield_value(moment)


def _visible(user: User | None, column: str) -> tuple[str, list[Any]]:
    """` AND column IN (...)` for what `user` may see ('' when everything)."""
    visible = _visible_sql(user)
    if visible is None:
        return "", []
    return f" AND {column} IN ({visible[0]})", list(visible[1])


# --- the parts ---------------------------------------------------------------------------------


def kept_rate(as_of: date, user: User | None) -> tuple[float, bool]:
    """The share of promises kept among those resolved (kept or broken) in the year before
    t, by count (amounts in different currencies are not added). (rate, measured?)"""
    where, params = _visible(user, "p.counterparty_id")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END), COUNT(*) "  # noqa: S608
            "FROM ladder_promise p WHERE p.status IN ('kept', 'broken') "
            f"AND p.resolved_at >= %s AND p.resolved_at < %s{where}",
            [
                _start_of_day_after(as_of - timedelta(days=KEPT_RATE_DAYS)),
                _start_of_day_after(as_of),
                *params,
            ],
        )
        kept, total = cursor.fetchone()
    if not total:
        return DEFAULT_KEPT_RATE, False
    return int(kept or 0) / int(total), True


def _parts_sql(
    as_of: date,
    user: User | None,
    rate: float,
    *,
    predicted: Predicted,
    deals: bool,
    items: bool = False,
) -> tuple[str, list[Any]]:
    """One query: rows (part, currency, day, delay, extra days, cents, predicted, share): the
    cash expected is cents × share, rounded once in Python. `predicted` (receivables only):
    NULL, or with the predictions stored for t the day the model expects the document paid
    (t itself when that day is already past: the late-payment curve places it), or with
    predictions scored now the document's id (`_with_scores` puts the day in its place).
    `items`: one row per thing behind the cash (a document, a contract instalment, a promise,
    an agreement instalment, a deal), with three more columns: what it is, its id and its
    counterparty (week_items)."""

    def item(kind: str, key: str, cp: str) -> tuple[str, str]:
        """The item's columns and their GROUP BY (nothing unless `items`)."""
        if not items:
            return "", ""
        return f", '{kind}', {key}, {cp}", f", {key}, {cp}"

    sel_d, grp_d = item("document", "docs.id", "docs.cp")
    sel_k, grp_k = item("instalment", "s.id", "k.counterparty_id")
    sel_p, grp_p = item("promise", "p.id", "p.counterparty_id")
    sel_g, grp_g = item("agreement", "i.id", "g.counterparty_id")
    sel_s, grp_s = item("deal", "s.id", "s.counterparty_id")
    none = ", NULL, NULL, NULL" if items else ""
    t = _date_param()
    after = _start_of_day_after(as_of)
    vis_d, vis_d_params = _visible(user, "d.counterparty_id")
    vis_k, vis_k_params = _visible(user, "k.counterparty_id")
    vis_p, vis_p_params = _visible(user, "p.counterparty_id")
    vis_g, vis_g_params = _visible(user, "g.counterparty_id")
    vis_s, vis_s_params = _visible(user, "s.counterparty_id")
    # PostgreSQL refuses a constant in GROUP BY: group by the prediction only when there is one.
    predicted_cte, predicted_join, predicted_params = "", "", []
    if predicted is Predicted.STORED:
        predicted_cte = f""", predicted AS (
    SELECT document_id, CASE WHEN expected_payment > {t} THEN expected_payment ELSE {t} END AS day
    FROM insight_documentprediction WHERE scored_on = {t}
)"""  # noqa: S608 - a constant; the day is a parameter
        predicted_join = " LEFT JOIN predicted ON predicted.document_id = docs.id"
        predicted_params = [as_of, as_of, as_of]
        doc_key, group_doc = "predicted.day", ", predicted.day"
    elif predicted is Predicted.SCORED:
        doc_key, group_doc = "docs.id", ", docs.id"
    else:
        doc_key, group_doc = "NULL", ""
    false = _false()
    # Promises open on t: recorded by then and not resolved (kept, broken, cancelled) by then.
    open_promise = "p.recorded_at < %s AND (p.resolved_at IS NULL OR p.resolved_at >= %s)"
    # Agreement instalments still to be paid on t: due after t (of an agreement signed by t),
    # or due by t and still pending today (then they were pending on t too).
    open_instalment = (
        f"g.signed_on <= {t} AND g.status <> 'cancelled' "
        f"AND (i.due_date > {t} OR (i.status = 'pending' AND i.due_date <= {t}))"
    )
    sql = f"""
WITH paid AS (
    SELECT a.document_id, SUM(a.amount) AS amt, MAX(a.paid_on) AS last
    FROM ledger_allocation a WHERE a.paid_on <= {t} GROUP BY a.document_id
), docs AS (
    SELECT d.id, d.counterparty_id AS cp, d.currency, d.due_date,
        d.amount - COALESCE(p.amt, 0) AS open_t, p.last
    FROM ledger_document d LEFT JOIN paid p ON p.document_id = d.id
    WHERE d.cancelled = {false} AND d.date <= {t}{vis_d}
), delay AS (
    SELECT cp, AVG({_days("last", "due_date")}) AS days
    FROM docs WHERE open_t <= 0 AND last IS NOT NULL GROUP BY cp
), covered AS (
    SELECT cp, currency, SUM(amt) * %s AS amt FROM (
        SELECT p.counterparty_id AS cp, p.currency, p.amount AS amt FROM ladder_promise p
        WHERE {open_promise}{vis_p}
        UNION ALL
        SELECT g.counterparty_id, g.currency, i.amount FROM ladder_agreementinstalment i
        JOIN ladder_agreement g ON g.id = i.agreement_id WHERE {open_instalment}{vis_g}
    ) x GROUP BY cp, currency
), totals AS (
    SELECT cp, currency, SUM(open_t) AS total FROM docs WHERE open_t > 0 GROUP BY cp, currency
), share AS (
    SELECT o.cp, o.currency,
        CASE WHEN c.amt >= o.total THEN 1.0 ELSE c.amt / o.total END AS f
    FROM totals o JOIN covered c ON c.cp = o.cp AND c.currency = o.currency
), invoiced AS (
    SELECT d.contract_id, SUM(d.amount) AS amt FROM ledger_document d
    WHERE d.contract_id IS NOT NULL AND d.cancelled = {false} AND d.date <= {t}
    GROUP BY d.contract_id
), schedule AS (
    SELECT i.id, i.contract_id, i.due_date, i.amount,
        SUM(i.amount) OVER (PARTITION BY i.contract_id ORDER BY i.due_date, i.id) AS cum
    FROM ledger_contractinstalment i JOIN ledger_contract k ON k.id = i.contract_id
    WHERE k.date <= {t}{vis_k}
){predicted_cte}
SELECT 'receivables', docs.currency, docs.due_date, ROUND(delay.days), 0,
    ROUND(SUM(docs.open_t) * 100), {doc_key}, 1 - COALESCE(share.f, 0){sel_d}
FROM docs LEFT JOIN delay ON delay.cp = docs.cp
LEFT JOIN share ON share.cp = docs.cp AND share.currency = docs.currency{predicted_join}
WHERE docs.open_t > 0
GROUP BY docs.currency, docs.due_date, ROUND(delay.days), 1 - COALESCE(share.f, 0){group_doc}{grp_d}
UNION ALL
SELECT 'delay', currency, NULL, ROUND(AVG({_days("last", "due_date")})), 0, 0, NULL, 1{none}
FROM docs WHERE open_t <= 0 AND last IS NOT NULL GROUP BY currency
UNION ALL
SELECT 'instalments', k.currency, s.due_date, ROUND(delay.days), 0,
    ROUND(SUM(CASE WHEN s.cum - COALESCE(inv.amt, 0) >= s.amount THEN s.amount
        ELSE s.cum - COALESCE(inv.amt, 0) END) * 100), NULL, 1{sel_k}
FROM schedule s JOIN ledger_contract k ON k.id = s.contract_id
LEFT JOIN invoiced inv ON inv.contract_id = s.contract_id
LEFT JOIN delay ON delay.cp = k.counterparty_id
WHERE s.due_date > {t} AND s.cum > COALESCE(inv.amt, 0)
GROUP BY k.currency, s.due_date, ROUND(delay.days){grp_k}
UNION ALL
SELECT 'promises', p.currency, p.promised_date, 0, 0, ROUND(SUM(p.amount) * 100), NULL, %s{sel_p}
FROM ladder_promise p WHERE {open_promise}{vis_p}
GROUP BY p.currency, p.promised_date{grp_p}
UNION ALL
SELECT 'promises', g.currency, i.due_date, 0, 0, ROUND(SUM(i.amount) * 100), NULL, %s{sel_g}
FROM ladder_agreementinstalment i JOIN ladder_agreement g ON g.id = i.agreement_id
WHERE {open_instalment}{vis_g}
GROUP BY g.currency, i.due_date{grp_g}
"""  # noqa: S608 - constants and Django-compiled SQL; values are parameters
    params: list[Any] = [as_of, as_of, *vis_d_params]
    params += [rate, after, after, *vis_p_params, as_of, as_of, as_of, *vis_g_params]
    params += [as_of, as_of, *vis_k_params, *predicted_params]  # invoiced, schedule, predicted
    params += [as_of]  # instalments: due after t
    params += [rate, after, after, *vis_p_params]
    params += [rate, as_of, as_of, as_of, *vis_g_params]
    if deals:
        # Deals on an open stage (their stage history is not kept: the forecast as of today).
        sql += f"""UNION ALL
SELECT 'deals', s.currency, s.expected_close, ROUND(delay.days), s.payment_days,
    ROUND(SUM(s.amount) * 100), NULL, COALESCE(s.probability, st.probability) / 100.0{sel_s}
FROM ledger_deal s JOIN ledger_dealstage st ON st.id = s.stage_id
LEFT JOIN delay ON delay.cp = s.counterparty_id
WHERE st.outcome = 'open'{vis_s}
GROUP BY s.currency, s.expected_close, ROUND(delay.days), s.payment_days,
    COALESCE(s.probability, st.probability){grp_s}
"""  # noqa: S608 - constants and Django-compiled SQL; values are parameters
        params += vis_s_params
    return sql, params


def _late_curves(as_of: date, user: User | None) -> dict[tuple[str, int], list[float]]:
    """Per (currency, late bucket): the share of an overdue amount paid in each of the 52
    weeks after a month-end, measured on the 12 month-ends before t (forecast_math)."""
    ends = month_ends_before(as_of, CURVE_MONTH_ENDS)
    t = _date_param()
    values = ", ".join([f"({t}, {t})"] * len(ends))
    rows: list[Any] = []
    for e in ends:
        rows += [e, min(e + timedelta(days=7 * fm.CURVE_WEEKS), as_of)]
    vis, vis_params = _visible(user, "d.counterparty_id")
    late = _days("o.e", "o.due_date")
    bucket = (
        f"CASE WHEN {late} <= {fm.LATE_EDGES[0]} THEN 0 WHEN {late} <= {fm.LATE_EDGES[1]} "
        f"THEN 1 WHEN {late} <= {fm.LATE_EDGES[2]} THEN 2 ELSE 3 END"
    )
    false = _false()
    sql = f"""
WITH ends (e, e_last) AS (VALUES {values}),
last_paid AS (SELECT document_id, MAX(paid_on) AS last FROM ledger_allocation GROUP BY document_id),
cand AS (
    SELECT d.id, d.currency, d.date, d.due_date, d.amount, d.open_amount > 0 AS open_now,
        l.last FROM ledger_document d
    LEFT JOIN last_paid l ON l.document_id = d.id
    WHERE d.cancelled = {false} AND d.date <= {t} AND (d.open_amount > 0 OR l.last > {t}){vis}
), pairs AS (
    -- Only documents that can be open at e: open now, or paid after e. One open today is open
    -- at every e before; one settled with its last payment by e owed at e what it owes now,
    -- nothing (the open amount is the amount less every allocation). The pairs of documents
    -- long settled (most of a ledger, for the later month-ends) are not made and summed.
    SELECT ends.e, ends.e_last, c.id, c.currency, c.due_date, c.amount
    FROM ends JOIN cand c ON c.date <= ends.e AND c.due_date < ends.e
        AND (c.open_now OR c.last > ends.e)
), o AS (
    SELECT p.e, p.e_last, p.id, p.currency, p.due_date,
        p.amount - COALESCE(SUM(a.amount), 0) AS open_e
    FROM pairs p LEFT JOIN ledger_allocation a ON a.document_id = p.id AND a.paid_on <= p.e
    GROUP BY p.e, p.e_last, p.id, p.currency, p.due_date, p.amount
)
SELECT o.e, o.currency, {bucket}, -1, ROUND(SUM(o.open_e) * 100) FROM o WHERE o.open_e > 0
GROUP BY o.e, o.currency, {bucket}
UNION ALL
SELECT o.e, o.currency, {bucket}, ({_days("a.paid_on", "o.e")} - 1) / 7,
    ROUND(SUM(a.amount) * 100)
FROM o JOIN ledger_allocation a ON a.document_id = o.id AND a.paid_on > o.e
    AND a.paid_on <= o.e_last
WHERE o.open_e > 0
GROUP BY o.e, o.currency, {bucket}, ({_days("a.paid_on", "o.e")} - 1) / 7
"""  # noqa: S608 - constants and Django-compiled SQL; values are parameters
    params = [*rows, as_of, ends[0], *vis_params]
    base: dict[tuple[str, int], dict[date, float]] = defaultdict(dict)  # cents, for ratios
    paid: dict[tuple[str, int], dict[tuple[date, int], float]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for e, currency, b, week, cents in cursor.fetchall():
            key = (currency, int(b))
            if int(week) < 0:
                base[key][_day(e)] = float(cents or 0)
            else:
                paid[key][(_day(e), int(week))] = float(cents or 0)
    return {key: fm.late_curve(base[key], paid.get(key, {}), as_of) for key in base}


def _predictions(as_of: date) -> tuple[Predicted, dict[int, date] | None]:
    """Where the model's expected payment days of the open documents come from: the
    predictions stored by the day's scoring when they are of `as_of` (the query joins them),
    else scored now (their days, by document). (NONE, None) when no model is stored."""
    from dunwell.insight.models import DocumentPrediction
    from dunwell.insight.prediction.model import latest_card, score_open

    if latest_card() is None:
        return Predicted.NONE, None
    if DocumentPrediction.objects.filter(scored_on=as_of).exists():
        return Predicted.STORED, None
    scored = {s["document"]: date.fromisoformat(s["expected_payment"]) for s in score_open(as_of)}
    return Predicted.SCORED, scored


def _with_scores(
    rows: list[Any], scored: dict[int, date], as_of: date, *, items: bool
) -> list[Any]:
    """Rows of the SCORED query (one per document) as the STORED query returns them: the
    document's id replaced by its predicted day (as_of when that day is past, None when the
    document was not scored) and, unless `items`, rows of the same key summed, so that cents
    are rounded once per group whichever way the predictions came."""
    out: list[Any] = []
    for row in rows:
        if row[0] == Part.RECEIVABLES:
            day = scored.get(row[6])
            row = (*row[:6], None if day is None else max(day, as_of), *row[7:])
        out.append(row)
    if items:
        return out
    groups: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in out:
        groups[(*row[:5], *row[6:8])] += int(row[5] or 0)
    return [(*key[:5], cents, *key[5:]) for key, cents in groups.items()]


@dataclass(frozen=True, slots=True)
class _Placing:
    """What places one row of the parts' query on days (the same for the whole forecast and
    for a week's items, so that the two add up to the same cents)."""

    as_of: date
    fallback: dict[str, int]
    curves: dict[tuple[str, int], list[float]]

    def days(self, row: Any, amount: int) -> tuple[dict[date, int], str, int]:
        """(cents on days, why those days, the delay in days) of `amount` cents of `row`.
        Why: 'model' (the prediction), 'delay' (due date + the customer's average delay),
        'late' (overdue: the late-payment history spreads it), 'schedule' (a contract
        instalment), 'promise' (the promised or agreed day), 'deal' (the expected close)."""
        kind, currency, day, delay, extra, _cents, predicted, _share = row[:8]
        part = Part(kind)
        days = int(delay) if delay is not None else self.fallback.get(currency, 0)
        first = self.as_of + timedelta(days=1)
        if part == Part.RECEIVABLES:
            due = _day(day)
            expected, why = due + timedelta(days=days), "delay"
            if predicted is not None:
                expected, why = _day(predicted), "model"
            if expected > self.as_of:
                return {expected: amount}, why, days
            curve = self.curves.get((currency, fm.late_bucket(max(1, (self.as_of - due).days))))
            return fm.spread_late(amount, curve or [], self.as_of), "late", days
        if part == Part.DEALS:
            close = max(_day(day), first)
            return {max(first, close + timedelta(days=int(extra) + days)): amount}, "deal", days
        if part == Part.INSTALMENTS:
            return {max(first, _day(day) + timedelta(days=days)): amount}, "schedule", days
        return {max(first, _day(day)): amount}, "promise", days


def _rows_and_placing(
    as_of: date, user: User | None, method: Method, deals: bool, items: bool
) -> tuple[list[Any], _Placing, float, bool]:
    rate, measured = kept_rate(as_of, user)
    predicted, scored = _predictions(as_of) if method == Method.MODEL else (Predicted.NONE, None)
    sql, params = _parts_sql(as_of, user, rate, predicted=predicted, deals=deals, items=items)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fallback = {r[1]: int(r[3]) for r in rows if r[0] == "delay" and r[3] is not None}
    rows = [r for r in rows if r[0] != "delay"]
    if scored is not None:
        rows = _with_scores(rows, scored, as_of, items=items)
    placing = _Placing(as_of, fallback, cached_late_curves(as_of, user))
    return rows, placing, rate, measured


def placements(
    as_of: date,
    user: User | None = None,
    *,
    method: Method = Method.HISTORY,
    deals: bool = True,
) -> tuple[dict[str, dict[Part, dict[date, int]]], float, bool]:
    """Cash expected after t, per currency and part, on days (whole cents). Also the kept
    rate."""
    rows, placing, rate, measured = _rows_and_placing(as_of, user, method, deals, items=False)
    cash: dict[str, dict[Part, dict[date, int]]] = defaultdict(
        lambda: {p: defaultdict(int) for p in Part}
    )
    for row in rows:
        cents, share = row[5], row[7]
        if not cents:
            continue
        amount = share_of_cents(int(cents), share)
        if not amount:
            continue
        target = cash[row[1]][Part(row[0])]
        for day, placed in placing.days(row, amount)[0].items():
            target[day] += placed
    return cash, rate, measured


@dataclass
class Item:
    """One thing behind a week's cash: `kind` 'document', 'instalment' (of a contract's
    schedule), 'promise', 'agreement' (an agreement's instalment) or 'deal', its id."""

    part: Part
    kind: str
    id: int
    counterparty_id: int
    currency: str
    cents: int
    expected: date  # the first day of the week it is placed on
    basis: date  # the due, promised or expected-close day it is placed from
    why: str  # _Placing.days
    delay: int  # the customer's average delay in days
    share: float  # the share counted: kept rate, probability, part not promised


def week_items(
    as_of: date,
    user: User | None,
    method: Method,
    period: fm.Period,
    currency: str,
) -> list[Item]:
    """What the forecast places in `period` in `currency`, one item per document, instalment,
    promise or deal, largest first. Each group of the forecast's query is placed as the page
    places it and its cents on each day are shared among the group's items by their amounts
    (largest remainder), so the items of a part add up to exactly the page's figure."""
    rows, placing, _rate, _measured = _rows_and_placing(as_of, user, method, deals=True, items=True)
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in rows:
        if row[1] != currency or not row[5]:
            continue
        kind, cur, day, delay, extra, _cents, predicted, share = row[:8]
        # The forecast's own grouping (its query's GROUP BY).
        key = (kind, cur, day, delay, extra, share, predicted)
        groups[key].append(row)
    found: dict[tuple[str, int], Item] = {}
    for key, members in groups.items():
        total = sum(int(m[5]) for m in members)
        amount = share_of_cents(total, key[5])
        if not amount:
            continue
        on_days, why, delay = placing.days(members[0], amount)
        for day in sorted(on_days):
            if not period.start <= day <= period.end:
                continue
            split = fm.split_cents(on_days[day], [int(m[5]) for m in members])
            for member, cents in zip(members, split, strict=True):
                if not cents:
                    continue
                ident = (member[8], int(member[9]))
                if ident in found:
                    found[ident].cents += cents
                    continue
                found[ident] = Item(
                    Part(key[0]),
                    member[8],
                    int(member[9]),
                    int(member[10]),
                    currency,
                    cents,
                    day,
                    _day(key[2]),
                    why,
                    delay,
                    float(key[5]),
                )
    return sorted(found.values(), key=lambda i: (-i.cents, i.kind, i.id))


def receipts(start: date, end: date, user: User | None = None) -> dict[str, dict[date, int]]:
    """Cash received (payments not cancelled) per currency and day, start to end included."""
    vis, params = _visible(user, "p.counterparty_id")
    t = _date_param()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.currency, p.date, ROUND(SUM(p.amount) * 100) FROM ledger_payment p "  # noqa: S608
            f"WHERE p.cancelled = {_false()} AND p.date >= {t} AND p.date <= {t}{vis} "
            "GROUP BY p.currency, p.date",
            [start, end, *params],
        )
        result: dict[str, dict[date, int]] = defaultdict(dict)
        for currency, day, cents in cursor.fetchall():
            result[currency][_day(day)] = int(cents or 0)
    return result


def _rows(
    cash: dict[Part, dict[date, int]], periods: list[fm.Period], errors: list[float | None]
) -> list[Row]:
    sums = {part: fm.bucket_sums(cash[part], periods) for part in Part}
    rows = []
    for i, period in enumerate(periods):
        row = Row(period, {part: sums[part][i] for part in Part})
        error = errors[i] if i < len(errors) else None
        spread = share_of_cents(row.total, error if error is not None else 0.0)
        row.low, row.high = max(0, row.total - spread), row.total + spread
        rows.append(row)
    return rows


def method_for(as_of: date) -> Method:
    """The stored model when there is one trained by `as_of`, else history."""
    from dunwell.insight.prediction.model import latest_card

    # A model trained after the as-of day knows that day's future: history then.
    card = latest_card()
    trained = date.fromisoformat(card["trained_as_of"]) if card is not None else None
    return Method.MODEL if trained is not None and trained <= as_of else Method.HISTORY


def forecast(
    as_of: date,
    user: User | None = None,
    *,
    method: Method | None = None,
    band: bool = True,
) -> Forecast:
    """The forecast as of `as_of` over what `user` may see. `method` None: the stored model
    when there is one trained by `as_of`, else history. The band is ± the WAPE of each week
    and month index measured on the forecasts as of the 6 month-ends before t
    (docs/metrics.md)."""
    try:
        _visible_sql(user)
    except EmptyResultSet:
        return Forecast(as_of, Method.HISTORY, DEFAULT_KEPT_RATE, False, {}, [])
    method = method or method_for(as_of)
    cash, rate, measured = placements(as_of, user, method=method)
    week_periods, month_periods = fm.weeks(as_of), fm.months(as_of)
    errors = cached_band_errors(as_of, user) if band else {}
    history_periods = fm.weeks(as_of - timedelta(days=7 * fm.WEEKS))
    received = receipts(history_periods[0].start, as_of, user)
    # Actual receipts inside the forecast's own periods (a forecast as of a past day).
    later = receipts(as_of + timedelta(days=1), month_periods[-1].end, user)
    today = timezone.localdate()
    result = []
    for currency in sorted(set(cash) | set(received)):
        parts = cash.get(currency) or {p: {} for p in Part}
        currency_errors = errors.get(currency, {})
        weekly = _rows(parts, week_periods, currency_errors.get("weeks", []))
        monthly = _rows(parts, month_periods, currency_errors.get("months", []))
        # Receipts up to today: the period holding today shows what came in so far.
        so_far = {day: cents for day, cents in later.get(currency, {}).items() if day <= today}
        for rows in (weekly, monthly):
            actual = fm.bucket_sums(so_far, [r.period for r in rows])
            for row, value in zip(rows, actual, strict=True):
                if row.period.end <= today:
                    row.actual = value
                elif row.period.start <= today:
                    row.actual, row.actual_until = value, today
        history = [
            Row(p, dict.fromkeys(Part, 0), actual=v)
            for p, v in zip(
                history_periods,
                fm.bucket_sums(received.get(currency, {}), history_periods),
                strict=True,
            )
        ]
        result.append(CurrencyForecast(currency, weekly, monthly, history))
    summary = {c: (errors.get(c, {}).get("weeks") or [None])[0] for c in sorted(errors)}
    return Forecast(as_of, method, rate, measured, summary, result)


# --- backtest ----------------------------------------------------------------------------------

HORIZONS: tuple[tuple[str, int], ...] = (("week_1", 1), ("weeks_1_4", 4), ("weeks_1_13", 13))


def _month_ends_between(start: date, end: date) -> list[date]:
    ends = []
    e = month_end(start)
    while e <= end:
        ends.append(e)
        e = month_end(e + timedelta(days=1))
    return ends


def _weekly_pairs(
    as_of: date, user: User | None, known_until: date, *, months_too: bool = False
) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """Per currency: (forecast, actual) cents of each week (and month) whose end is known."""
    cash, _rate, _m = placements(as_of, user, method=Method.HISTORY, deals=False)
    periods = {"weeks": fm.weeks(as_of)}
    if months_too:
        periods["months"] = fm.months(as_of)
    received = receipts(as_of + timedelta(days=1), known_until, user)
    result: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for currency in set(cash) | set(received):
        parts = cash.get(currency) or {p: {} for p in Part}
        per: dict[str, list[tuple[int, int]]] = {}
        for grain, ps in periods.items():
            known = [p for p in ps if p.end <= known_until]
            total = [0] * len(known)
            for part in Part:
                for i, v in enumerate(fm.bucket_sums(parts[part], known)):
                    total[i] += v
            actual = fm.bucket_sums(received.get(currency, {}), known)
            per[grain] = list(zip(total, actual, strict=True))
        result[currency] = per
    return result


def backtest(
    start: date, end: date, user: User | None = None, known_until: date | None = None
) -> dict[str, Any]:
    """The forecast rebuilt as of every month-end from `start` to `end` with what was known
    then (history method, no deals: their past stages are not kept), against the cash
    received: WAPE per horizon and currency, with n (month-ends, weeks)."""
    known_until = known_until or timezone.localdate()
    ends = [e for e in _month_ends_between(start, end) if e < known_until]
    pairs: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: {name: [] for name, _w in HORIZONS}
    )
    counted: dict[str, dict[str, int]] = defaultdict(lambda: {name: 0 for name, _w in HORIZONS})
    for e in ends:
        for currency, per in _weekly_pairs(e, user, known_until).items():
            weekly = per["weeks"]
            for name, count in HORIZONS:
                if len(weekly) >= count:
                    pairs[currency][name] += weekly[:count]
                    counted[currency][name] += 1
    currencies = []
    for currency in sorted(pairs):
        horizons = {}
        for name, _count in HORIZONS:
            got = pairs[currency][name]
            value = fm.wape(got)
            horizons[name] = {
                "wape": None if value is None else round(value, 4),
                "n_month_ends": counted[currency][name],
                "n_weeks": len(got),
                # JSON numbers: exact sums of whole cents, shown with two decimals.
                "forecast": sum(f for f, _a in got) / 100,
                "actual": sum(a for _f, a in got) / 100,
            }
        currencies.append({"currency": currency, "horizons": horizons})
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "known_until": known_until.isoformat(),
        "month_ends": [e.isoformat() for e in ends],
        "method": Method.HISTORY.value,
        "currencies": currencies,
    }


def band_errors(as_of: date, user: User | None) -> dict[str, dict[str, list[float | None]]]:
    """Per currency, the WAPE of each week index (1–13) and month index (1–12) over the
    forecasts as of the 6 month-ends before t whose period had ended by t."""
    ends = month_ends_before(as_of, BAND_MONTH_ENDS)
    collected: dict[str, dict[str, list[list[tuple[int, int]]]]] = defaultdict(
        lambda: {"weeks": [[] for _ in range(fm.WEEKS)], "months": [[] for _ in range(fm.MONTHS)]}
    )
    for e in ends:
        for currency, pairs in _weekly_pairs(e, user, as_of, months_too=True).items():
            for grain, values in pairs.items():
                for i, pair in enumerate(values):
                    collected[currency][grain][i].append(pair)
    result: dict[str, dict[str, list[float | None]]] = {}
    for currency, per in collected.items():
        result[currency] = {}
        for grain, slots in per.items():
            errors: list[float | None] = [fm.wape(slot) for slot in slots]
            # A period no past forecast has reached yet takes the last measured error.
            last: float | None = None
            for i, value in enumerate(errors):
                if value is None:
                    errors[i] = last
                else:
                    last = value
            result[currency][grain] = errors
    return result


BAND_CACHE_SECONDS = 6 * 3600
LEDGER_CHANGES_KEPT = 10_000


def ledger_changed(cursor: Any, counterparty_sql: str) -> None:
    """The ledger's reallocation hook: one `LedgerChange` row in the reallocation's own
    transaction, so what the forecast keeps is recomputed once it commits."""
    from dunwell.insight.models import LedgerChange

    cursor.execute(f"INSERT INTO {LedgerChange._meta.db_table} DEFAULT VALUES")


def ledger_state() -> str:
    """The ledger as this reader sees it: the newest document and payment, and the
    reallocations committed. A new row or any reallocation (a payment's money moved, an open
    amount changed) gives another state."""
    from dunwell.insight.models import LedgerChange
    from dunwell.ledger.models import Document, Payment

    newest = [
        model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in (Document, Payment)
    ]
    # The count too: a long import that took its row's id before a short change committed
    # leaves the newest id as it was when it commits.
    changes = LedgerChange.objects.aggregate(n=Count("pk"), newest=Max("pk"))
    return ":".join(str(n) for n in (*newest, changes["n"], changes["newest"]))


def _kept(what: str, as_of: date, user: User | None, compute: Callable[[], Any]) -> Any:
    """`compute()`'s JSON value, kept for 6 hours per what, day, user and ledger state:
    the forecast's slow parts that the same question asks again (a week opened after the
    forecast, the next user's visit)."""
    from dunwell.insight.models import ForecastBand, LedgerChange

    who = user.pk if user is not None else "all"
    state = ledger_state()
    key = f"{what}:{as_of.isoformat()}:{who}:{state}"
    now = timezone.now()
    fresh_since = now - timedelta(seconds=BAND_CACHE_SECONDS)
    found = ForecastBand.objects.filter(key=key, computed_at__gte=fresh_since).first()
    if found is not None:
        return found.errors
    value = compute()
    ForecastBand.objects.filter(computed_at__lt=fresh_since).delete()
    ForecastBand.objects.update_or_create(key=key, defaults={"errors": value, "computed_at": now})
    changes, newest_change = state.split(":")[2:]
    if int(changes) > LEDGER_CHANGES_KEPT:
        # The next reader computes once more (the count changed): once in that many changes.
        LedgerChange.objects.filter(pk__lt=int(newest_change)).delete()
    return value


def cached_band_errors(as_of: date, user: User | None) -> dict[str, dict[str, list[float | None]]]:
    """band_errors, kept (`_kept`): it rebuilds six past forecasts, the page's slowest part."""
    errors: dict[str, dict[str, list[float | None]]] = _kept(
        "band", as_of, user, lambda: band_errors(as_of, user)
    )
    return errors


def cached_late_curves(as_of: date, user: User | None) -> dict[tuple[str, int], list[float]]:
    """_late_curves, kept (`_kept`): a year of month-ends paired with the invoices open on
    them, the largest part of a forecast at 1M documents, asked again by every week or month
    opened from it. JSON keeps a float as written, so a kept curve is the computed one."""
    rows = _kept(
        "curves",
        as_of,
        user,
        lambda: [[cur, b, curve] for (cur, b), curve in _late_curves(as_of, user).items()],
    )
    return {(cur, int(b)): curve for cur, b, curve in rows}


def totals(rows: Iterable[Row]) -> int:
    return sum(r.total for r in rows)
