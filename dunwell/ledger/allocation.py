"""Payment allocation: which payment paid which document (issue 2, part 3).

`reallocate(counterparty_ids)` recomputes every allocation of the given counterparties from
scratch with a fixed set of SQL statements (window functions; no Python loop over rows), so
the outcome does not depend on the order in which documents and payments arrived:

1. a payment goes to the document its source names (same counterparty and currency), up to
   that document's amount; several payments naming one document take turns by (date, id);
2. what is left goes to the oldest-due open documents of the payment's contract;
3. then to the oldest-due open documents of the counterparty, same currency;
4. the rest stays as `Payment.unallocated` (credit).

Documents are taken in (due_date, date, id) order, payments in (date, id) order. Stages 2
and 3 are the classic interval overlap: within a group, payment i covers the running-sum
interval [P(i-1), P(i)) of remaining payment money, document j covers [D(j-1), D(j)) of
remaining debt, and the allocation is the length of the intersection.

Amounts are handled as integer cents inside the computation because SQLite stores decimals as
floating point. PostgreSQL sums integers as `numeric`: the sums are cast back to `bigint`, so
the stages' range joins compare integers (their statements 13.1 → 10.5 s at 1M documents and
791,120 payments, bench/RESULTS.md, twenty-seventh part). `Document.open_amount` and
`Payment.unallocated` are written in the same transaction as the allocations, and only rows
whose value changes are touched (re-running is a no-op).
"""

# The SQL below is assembled from constant fragments only (no user input): S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from dunwell.dbindex import built_after, doubles

_CENTS = "CAST(ROUND({col} * 100) AS BIGINT)"

_TEMP_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_scope (id BIGINT PRIMARY KEY)",
    "CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_plain (id BIGINT PRIMARY KEY)",
    """CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_added (
        doc BIGINT PRIMARY KEY, cp BIGINT NOT NULL)""",
    """CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_pay (
        id BIGINT PRIMARY KEY, cp BIGINT NOT NULL, contract BIGINT, doc BIGINT,
        cur VARCHAR(3) NOT NULL, pdate DATE NOT NULL, cents BIGINT NOT NULL,
        rem BIGINT NOT NULL)""",
    """CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_doc (
        id BIGINT PRIMARY KEY, cp BIGINT NOT NULL, contract BIGINT, cur VARCHAR(3) NOT NULL,
        due DATE NOT NULL, ddate DATE NOT NULL, cents BIGINT NOT NULL, rem BIGINT NOT NULL,
        company BIGINT NOT NULL)""",
    """CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_alloc (
        payment BIGINT NOT NULL, doc BIGINT NOT NULL, cents BIGINT NOT NULL,
        stage INTEGER NOT NULL)""",
    """CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_new (
        payment BIGINT NOT NULL, doc BIGINT NOT NULL, cp BIGINT NOT NULL, cents BIGINT NOT NULL,
        paid_on DATE NOT NULL, explicit BOOLEAN NOT NULL, company BIGINT NOT NULL,
        cur VARCHAR(3) NOT NULL, ddate DATE NOT NULL, due DATE NOT NULL,
        closes BOOLEAN NOT NULL, PRIMARY KEY (payment, doc))""",
    """CREATE TEMP TABLE IF NOT EXISTS dunwell_rl_old (
        id BIGINT PRIMARY KEY, payment BIGINT NOT NULL, doc BIGINT NOT NULL, cp BIGINT NOT NULL,
        cents BIGINT NOT NULL, paid_on DATE NOT NULL, explicit BOOLEAN NOT NULL,
        company BIGINT NOT NULL, cur VARCHAR(3) NOT NULL, ddate DATE NOT NULL,
        due DATE NOT NULL, closes BOOLEAN NOT NULL)""",
)
_WORK_TABLES = (
    "dunwell_rl_plain",
    "dunwell_rl_added",
    "dunwell_rl_pay",
    "dunwell_rl_doc",
    "dunwell_rl_alloc",
    "dunwell_rl_new",
    "dunwell_rl_old",
)


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


def _greatest(a: str, b: str) -> str:
    return f"(CASE WHEN {a} > {b} THEN {a} ELSE {b} END)"


# Stage 1: payments that name their document. `rem` is still the live amount here (0 for a
# cancelled payment or document), so a cancelled one takes and gives nothing.
_EXPLICIT = f"""
INSERT INTO dunwell_rl_alloc (payment, doc, cents, stage)
SELECT payment, doc, amt, 1 FROM (
    SELECT p.id AS payment, d.id AS doc,
        {
    _least(
        "p.rem",
        "d.rem - (CAST(SUM(p.rem) OVER (PARTITION BY d.id ORDER BY p.pdate, p.id "
        "ROWS UNBOUNDED PRECEDING) AS BIGINT) - p.rem)",
    )
} AS amt
    FROM dunwell_rl_pay p
    JOIN dunwell_rl_doc d ON d.id = p.doc AND d.cp = p.cp AND d.cur = p.cur
) x WHERE amt > 0
"""


_REMAINING_COLUMNS = {
    "pay": ("dunwell_rl_pay", "payment", "id, cp, contract, doc, cur, pdate, cents"),
    "doc": ("dunwell_rl_doc", "doc", "id, cp, contract, cur, due, ddate, cents, company"),
}


def _remaining(kind: str, before: int | None = None) -> str:
    """The payments ("pay") or documents ("doc") of the work tables, `rem` lowered by what the
    stages before `before` allocated (every stage: None). The work tables keep the live
    amounts as loaded: subtracting in the read costs a fifth of rewriting a million rows after
    each stage (UPDATEs of 18 s in a full reallocation at 1M)."""
    table, key, columns = _REMAINING_COLUMNS[kind]
    stages = f"WHERE stage < {int(before)}" if before is not None else ""
    prefixed = ", ".join(f"t.{c.strip()}" for c in columns.split(","))
    return f"""SELECT {prefixed}, t.rem - COALESCE(u.c, 0) AS rem FROM {table} t
    LEFT JOIN (SELECT {key} AS id, CAST(SUM(cents) AS BIGINT) AS c FROM dunwell_rl_alloc {stages}
               GROUP BY {key}) u ON u.id = t.id"""


def _overlap_sql(stage: int, key: str, where: str) -> str:
    """Stage 2 (contract) or 3 (counterparty): intersect running-sum intervals per group."""
    p_start, d_start = "p.e - p.rem", "d.e - d.rem"
    return f"""
INSERT INTO dunwell_rl_alloc (payment, doc, cents, stage)
SELECT p.id, d.id, {_least("p.e", "d.e")} - {_greatest(p_start, d_start)}, {stage}
FROM (
    SELECT id, cp, contract, cur, rem, CAST(SUM(rem) OVER (
        PARTITION BY {key} ORDER BY pdate, id ROWS UNBOUNDED PRECEDING) AS BIGINT) AS e
    FROM ({_remaining("pay", stage)}) r WHERE rem > 0 {where}
) p
JOIN (
    SELECT id, cp, contract, cur, rem, CAST(SUM(rem) OVER (
        PARTITION BY {key} ORDER BY due, ddate, id ROWS UNBOUNDED PRECEDING) AS BIGINT) AS e
    FROM ({_remaining("doc", stage)}) r WHERE rem > 0 {where}
) d ON {" AND ".join(f"p.{k.strip()} = d.{k.strip()}" for k in key.split(","))}
    AND {p_start} < d.e AND {d_start} < p.e
"""


# What a document owes or a payment pays: nothing once cancelled in accounting.
_LIVE_CENTS = f"CASE WHEN cancelled THEN 0 ELSE {_CENTS.format(col='amount')} END"

_LOAD = [
    f"""INSERT INTO dunwell_rl_pay (id, cp, contract, doc, cur, pdate, cents, rem)
    SELECT id, counterparty_id, contract_id, document_id, currency, date,
        {_CENTS.format(col="amount")}, {_LIVE_CENTS}
    FROM ledger_payment WHERE counterparty_id IN (SELECT id FROM dunwell_rl_scope)""",
    f"""INSERT INTO dunwell_rl_doc (id, cp, contract, cur, due, ddate, cents, rem, company)
    SELECT id, counterparty_id, contract_id, currency, due_date, date,
        {_CENTS.format(col="amount")}, {_LIVE_CENTS}, company_id
    FROM ledger_document WHERE counterparty_id IN (SELECT id FROM dunwell_rl_scope)""",
]

_COMPUTE = [
    _EXPLICIT,
    _overlap_sql(2, "cp, contract, cur", "AND contract IS NOT NULL"),
    _overlap_sql(3, "cp, cur", ""),
    # Each allocation carries its document's columns that aging reads; a fully paid
    # document's last allocation by (paid_on, payment) is marked as the one that closed it.
    # What the document got in all is the running sum at its last allocation, in the same
    # window: no second grouping of the allocations by document and no join to it (961,319
    # allocations, rolled back on a copy: 4.8 → 3.9 s, bench/RESULTS.md, twenty-seventh part).
    """INSERT INTO dunwell_rl_new (payment, doc, cp, cents, paid_on, explicit, company, cur,
        ddate, due, closes)
    SELECT x.payment, x.doc, x.cp, x.cents, x.paid_on, x.explicit, d.company, d.cur, d.ddate,
        d.due, x.last AND d.rem = x.paid
    FROM (
        SELECT a.payment, a.doc, p.cp, CAST(SUM(a.cents) AS BIGINT) AS cents,
            p.pdate AS paid_on, MIN(a.stage) = 1 AS explicit,
            LEAD(a.payment) OVER w IS NULL AS last, CAST(SUM(SUM(a.cents)) OVER w AS BIGINT) AS paid
        FROM dunwell_rl_alloc a JOIN dunwell_rl_pay p ON p.id = a.payment
        GROUP BY a.payment, a.doc, p.cp, p.pdate
        WINDOW w AS (PARTITION BY a.doc ORDER BY p.pdate, a.payment ROWS UNBOUNDED PRECEDING)
    ) x JOIN dunwell_rl_doc d ON d.id = x.doc""",
]
# `_run` reads how many allocations there are from the last one's row count.
assert _COMPUTE[-1].startswith("INSERT INTO dunwell_rl_new")

# The existing allocations of the scope are copied to a temporary table first, so that the
# diff below joins temporary tables (hash joins on analysed tables) instead of probing
# ledger_allocation row by row while inserting into it (quadratic when its statistics are stale).
_OLD_COLUMNS = """a.id, a.payment_id, a.document_id, a.counterparty_id,
        CAST(ROUND(a.amount * 100) AS BIGINT), a.paid_on, a.explicit, a.company_id, a.currency,
        a.document_date, a.due_date, a.closes_document"""
_LOAD_OLD = f"""INSERT INTO dunwell_rl_old (id, payment, doc, cp, cents, paid_on, explicit, company,
        cur, ddate, due, closes)
    SELECT {_OLD_COLUMNS}
    FROM ledger_allocation a JOIN dunwell_rl_scope s ON s.id = a.counterparty_id
    UNION SELECT {_OLD_COLUMNS}
    FROM ledger_allocation a JOIN dunwell_rl_pay p ON p.id = a.payment_id
    UNION SELECT {_OLD_COLUMNS}
    FROM ledger_allocation a JOIN dunwell_rl_doc d ON d.id = a.document_id"""

# New allocations go in in (payment, document) order: the unique, payment and counterparty
# indexes and the foreign-key lookups then touch their pages in order instead of at random
# (at 1M rows the random order thrashed the buffer cache: minutes instead of seconds).
_INSERT_NEW = """INSERT INTO ledger_allocation (payment_id, document_id, counterparty_id, amount,
        paid_on, explicit, company_id, currency, document_date, due_date, closes_document)
    SELECT n.payment, n.doc, n.cp, n.cents / 100.0, n.paid_on, n.explicit, n.company, n.cur,
        n.ddate, n.due, n.closes
    FROM dunwell_rl_new n
    LEFT JOIN dunwell_rl_old o ON o.payment = n.payment AND o.doc = n.doc
    WHERE o.id IS NULL
    ORDER BY n.payment, n.doc"""

_SETTLE_DOCUMENTS = f"""UPDATE ledger_document SET open_amount = r.rem / 100.0
    FROM ({_remaining("doc")}) r
    WHERE r.id = ledger_document.id
    AND {_CENTS.format(col="ledger_document.open_amount")} <> r.rem"""

# A first load (the new allocations at least double the table, `dbindex.doubles`): the
# allocations' indexes are built after their insert, and the documents' secondary indexes after
# the open amounts' update, which changes most documents then (693,545 of 1M in the benchmark:
# 10.4 s with the indexes kept entry by entry, 4.7 + 2.8 s to build them after; the open
# amount is in two of them, so no change of it is a heap-only update). The documents stay
# locked until the import commits: only a first load pays that.
_BUILT_AFTER = {_INSERT_NEW: "ledger_allocation", _SETTLE_DOCUMENTS: "ledger_document"}

_WRITE = [
    # Allocations that are no longer wanted (including those of payments or documents that
    # moved to another counterparty).
    """DELETE FROM ledger_allocation WHERE id IN (
        SELECT o.id FROM dunwell_rl_old o
        LEFT JOIN dunwell_rl_new n ON n.payment = o.payment AND n.doc = o.doc
        WHERE n.payment IS NULL)""",
    # A document whose date, due date, currency or company changed (re-imported) is in the
    # scope with its counterparty, so its allocations' copies are rewritten here too.
    """UPDATE ledger_allocation SET amount = x.cents / 100.0, paid_on = x.paid_on,
        explicit = x.explicit, counterparty_id = x.cp, company_id = x.company,
        currency = x.cur, document_date = x.ddate, due_date = x.due, closes_document = x.closes
    FROM (SELECT o.id, n.cents, n.paid_on, n.explicit, n.cp, n.company, n.cur, n.ddate, n.due,
            n.closes
          FROM dunwell_rl_old o JOIN dunwell_rl_new n ON n.payment = o.payment AND n.doc = o.doc
          WHERE o.cents <> n.cents OR o.paid_on <> n.paid_on OR o.explicit <> n.explicit
             OR o.cp <> n.cp OR o.company <> n.company OR o.cur <> n.cur
             OR o.ddate <> n.ddate OR o.due <> n.due OR o.closes <> n.closes) x
    WHERE ledger_allocation.id = x.id""",
    _INSERT_NEW,
    _SETTLE_DOCUMENTS,
    f"""UPDATE ledger_payment SET unallocated = r.rem / 100.0
    FROM ({_remaining("pay")}) r
    WHERE r.id = ledger_payment.id
    AND {_CENTS.format(col="ledger_payment.unallocated")} <> r.rem""",
]


def _prepare(cursor: CursorWrapper) -> None:
    for ddl in _TEMP_TABLES:
        cursor.execute(ddl)
    for table in ("dunwell_rl_scope", *_WORK_TABLES):
        cursor.execute(f"DELETE FROM {table}")


# Counterparties that have no payment and no allocation (neither as the payer nor through a
# document of theirs) have nothing to allocate: each document owes its live amount. They are
# settled with one UPDATE and taken out of the scope, so an import of new invoices for debtors
# who have not paid yet (a new customer, an ERP pushing invoices in small batches) does not
# load their whole history into the work tables.
_PLAIN = [
    """INSERT INTO dunwell_rl_plain (id)
    SELECT s.id FROM dunwell_rl_scope s
    WHERE NOT EXISTS (SELECT 1 FROM ledger_payment p WHERE p.counterparty_id = s.id)
    AND NOT EXISTS (SELECT 1 FROM ledger_allocation a WHERE a.counterparty_id = s.id)
    AND NOT EXISTS (
        SELECT 1 FROM ledger_allocation a JOIN ledger_document d ON d.id = a.document_id
        WHERE d.counterparty_id = s.id)""",
    f"""UPDATE ledger_document SET open_amount = ({_LIVE_CENTS}) / 100.0
    WHERE counterparty_id IN (SELECT id FROM dunwell_rl_plain)
    AND {_CENTS.format(col="open_amount")} <> ({_LIVE_CENTS})""",
    "DELETE FROM dunwell_rl_scope WHERE id IN (SELECT id FROM dunwell_rl_plain)",
]


# Debtors whose only change is documents added after everything already paid, while no money
# is free: a from-scratch allocation would give the new documents nothing and move nothing, so
# they keep their whole amount open and the debtor is left out of the scope. A debtor stays in
# the scope (full reallocation) when any of these holds:
#   - a payment of theirs has unallocated credit (it would go to the new document);
#   - an older-keyed position: a document of theirs in the new one's currency that sorts after
#     it by (due date, date) and has an allocation (the new one would take that money first);
#   - a payment of the new document's contract paid a document outside that contract (stage 2
#     would now keep that money inside the contract);
#   - a payment names the new document, or the new document is cancelled or not whole.
_APPENDED_DISQUALIFY = """
SELECT a.cp FROM dunwell_rl_added a JOIN ledger_document n ON n.id = a.doc
WHERE n.cancelled OR n.open_amount <> n.amount
OR EXISTS (SELECT 1 FROM ledger_payment p WHERE p.counterparty_id = a.cp AND p.unallocated <> 0)
OR EXISTS (SELECT 1 FROM ledger_payment p WHERE p.document_id = n.id)
OR EXISTS (
    SELECT 1 FROM ledger_document x
    WHERE x.counterparty_id = a.cp AND x.currency = n.currency AND x.due_date >= n.due_date
    AND (x.due_date > n.due_date OR x.date > n.date)
    AND NOT EXISTS (SELECT 1 FROM dunwell_rl_added y WHERE y.doc = x.id)
    AND EXISTS (SELECT 1 FROM ledger_allocation xa WHERE xa.document_id = x.id))
OR (n.contract_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM ledger_payment p
    JOIN ledger_allocation pa ON pa.payment_id = p.id
    JOIN ledger_document pd ON pd.id = pa.document_id
    WHERE p.counterparty_id = a.cp AND p.contract_id = n.contract_id
    AND (pd.contract_id IS NULL OR pd.contract_id <> n.contract_id)))
"""


def _skip_appended(cursor: CursorWrapper, appended_sql: str, params: Sequence[Any]) -> None:
    cursor.execute(f"INSERT INTO dunwell_rl_added (cp, doc) {appended_sql}", params)
    # Only the debtors still in the scope are checked (a debtor's own new documents stay
    # together: the check compares a new document with the others of the same debtor).
    cursor.execute("DELETE FROM dunwell_rl_added WHERE cp NOT IN (SELECT id FROM dunwell_rl_scope)")
    cursor.execute(
        "DELETE FROM dunwell_rl_scope WHERE id IN (SELECT cp FROM dunwell_rl_added) "
        f"AND id NOT IN ({_APPENDED_DISQUALIFY})"
    )


def _scope_empty(cursor: CursorWrapper) -> bool:
    cursor.execute("SELECT 1 FROM dunwell_rl_scope LIMIT 1")
    return cursor.fetchone() is None


def _run(
    cursor: CursorWrapper, appended_sql: str = "", appended_params: Sequence[Any] = ()
) -> None:
    """Reallocate the scope. The appended-only check (`appended_sql`, see `reallocate_query`)
    runs after the counterparties without any payment or allocation have been settled and left
    the scope: on a first import of invoices that is every debtor, and the check's
    per-document probes are not needed."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The window sorts and hash joins of a large scope spill to disk with the default
        # 4 MB; OR-ed IN (subquery) filters are avoided for the same reason (no hashed plan).
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # Serialise concurrent reallocations of the same counterparty (imports, services).
        cursor.execute(
            "SELECT id FROM ledger_counterparty WHERE id IN (SELECT id FROM dunwell_rl_scope) "
            "ORDER BY id FOR UPDATE"
        )
    cursor.execute(_PLAIN[0])
    if postgres:
        # Small, and unanalysed it is planned as thousands of rows: a scan of every document.
        cursor.execute("ANALYZE dunwell_rl_plain")
    for sql in _PLAIN[1:]:
        cursor.execute(sql)
    if _scope_empty(cursor):
        return
    if appended_sql:
        _skip_appended(cursor, appended_sql, appended_params)
        if _scope_empty(cursor):
            return
    for sql in _LOAD:
        cursor.execute(sql)
    if postgres:
        # Temporary tables have no statistics unless analysed; the planner needs them for the
        # range joins on large imports.
        cursor.execute("ANALYZE dunwell_rl_pay")
        cursor.execute("ANALYZE dunwell_rl_doc")
    for sql in _COMPUTE:
        cursor.execute(sql)
    new_rows = max(cursor.rowcount, 0)  # the last of them fills dunwell_rl_new
    cursor.execute(_LOAD_OLD)
    if postgres:
        cursor.execute("ANALYZE dunwell_rl_new")
        cursor.execute("ANALYZE dunwell_rl_old")
    bulk = doubles(cursor, "ledger_allocation", new_rows)
    for sql in _WRITE:
        table = _BUILT_AFTER.get(sql) if bulk else None
        with built_after(cursor, table) if table else nullcontext():
            cursor.execute(sql)


# Higher apps keeping data derived from the allocations (insight's KPI snapshots) register a
# handler at start-up; it runs in the reallocation's transaction with a query selecting the ids
# of the counterparties being reallocated.
ReallocationHandler = Callable[[CursorWrapper, str], None]
_HANDLERS: list[ReallocationHandler] = []


def on_reallocate(handler: ReallocationHandler) -> None:
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def _notify(cursor: CursorWrapper) -> None:
    for handler in _HANDLERS:
        handler(cursor, "SELECT id FROM dunwell_rl_scope")


def reallocate(counterparty_ids: Iterable[int]) -> None:
    """Recompute all allocations, open amounts and unallocated credit of these counterparties.

    Runs in the caller's transaction (or its own); deterministic and idempotent.
    """
    ids = sorted({int(i) for i in counterparty_ids})
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _prepare(cursor)
        _fill_scope(cursor, ids)
        _notify(cursor)
        _run(cursor)


def reallocate_query(
    select_sql: str,
    params: Sequence[Any] = (),
    *,
    appended_sql: str = "",
    appended_params: Sequence[Any] = (),
) -> None:
    """Like `reallocate` for the counterparty ids a SQL query returns (large imports: the ids
    never travel through Python).

    `appended_sql` may select `(counterparty id, document id)` of documents just inserted, for
    counterparties whose ONLY change is those insertions (the caller guarantees it: nothing
    else of theirs changed or moved away). Such a counterparty is not reallocated when the new
    documents cannot take or move money (see _APPENDED_DISQUALIFY): an ERP pushing today's
    invoices in small batches does not recompute each debtor's history every time."""
    with transaction.atomic(), connection.cursor() as cursor:
        _prepare(cursor)
        cursor.execute(
            f"INSERT INTO dunwell_rl_scope (id) SELECT DISTINCT id FROM ({select_sql}) q",
            params,
        )
        # Before appended-only counterparties leave the scope: a new document dated in the
        # past changes the past even when it moves no money.
        _notify(cursor)
        # A counterparty with no payment and no allocation is settled by the plain step
        # whether or not its change is appended-only (its documents owe their live amounts
        # either way), so the appended-only check runs after it, on the rest.
        _run(cursor, appended_sql, appended_params)


def _fill_scope(cursor: CursorWrapper, ids: list[int]) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("INSERT INTO dunwell_rl_scope (id) SELECT unnest(%s::bigint[])", [ids])
    else:
        cursor.executemany("INSERT INTO dunwell_rl_scope (id) VALUES (%s)", [(i,) for i in ids])


# The same statement as migration 0016's backfill.
_COPY_DOCUMENT_COLUMNS = """
UPDATE ledger_allocation SET company_id = x.company_id, currency = x.currency,
    document_date = x.date, due_date = x.due_date, closes_document = x.closes
FROM (
    SELECT a.id, d.company_id, d.currency, d.date, d.due_date,
        (d.open_amount = 0 AND ROW_NUMBER() OVER (
            PARTITION BY a.document_id ORDER BY a.paid_on DESC, a.payment_id DESC) = 1) AS closes
    FROM ledger_allocation a JOIN ledger_document d ON d.id = a.document_id
) x
WHERE x.id = ledger_allocation.id
"""


def copy_document_columns() -> None:
    """Set every allocation's copies of its document's columns, and its closing mark, from
    the documents and their open amounts: for loaders that write allocations and open amounts
    with COPY, past the engine (the benchmarks). Runs in the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_COPY_DOCUMENT_COLUMNS)
