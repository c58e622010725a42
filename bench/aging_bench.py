"""Aging report benchmark (issue 2 part 8; DESIGN §4: all debtors × buckets over 1,000,000
open invoices in ≤ 1 s).

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_bench \\
        .venv/bin/python bench/aging_bench.py --debtors 100000 --documents 1000000

1. The generator writes 1,000,000 documents (and their payments) for 100,000 debtors.
2. They are loaded straight into the ledger tables with COPY (PostgreSQL) or executemany
   (SQLite) — not through the importer, whose own benchmark measures the import. Payments
   are allocated by the loader with the ledger's rules (named document, then the contract's,
   then the counterparty's oldest due; rest unallocated), streaming counterparty by
   counterparty: the set-based engine (`ledger.allocation.reallocate_query`) took more than
   seven minutes over all 100,000 counterparties at once on this machine.
3. Scenario "all open": the documents alone, every one of them open (1,000,000 open
   invoices): the aging report by counterparty as of today against the floor, a full scan of
   the open documents (`SELECT count(*), sum(open_amount) FROM ledger_document WHERE
   open_amount > 0`) in the same run.
4. Scenario "as generated": with the payments allocated (most old invoices paid): the report
   as of today (fast path on open_amount) and as of 90 days ago (historic path: open amounts
   plus the allocations paid after that day), against the same floor.

Each timing is the median of --repeat runs (the first run is printed too). The ledger of the
target database is wiped first.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Report,
    analyze,
    bulk_load,
    describe_database,
    load_average,
    median_of,
    peak_rss_mib,
    python_peak_mib,
    settings_line,
    setup_django,
    timed,
    wipe_ledger,
)

FLOOR_SQL = "SELECT count(*), sum(open_amount) FROM ledger_document WHERE open_amount > 0"


def read(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def number(external_id: str) -> int:
    """CP000042 -> 42: the generator numbers rows, so ids need no lookup table."""
    return int(external_id.lstrip("CPKDM"))


def load_ledger(paths: dict[str, Path], report: Report) -> Any:
    from dunwell.accounts.models import User
    from dunwell.ledger.models import Company, Segment

    wipe_ledger()
    User.objects.filter(username__startswith="bench-").delete()
    company = Company.objects.create(
        name="Bench Distribution SRL",
        code="bench",
        country="RO",
        currency="RON",
        tax_id="18547290",
        time_zone="Europe/Bucharest",
        calendar_country="RO",
    )
    users = [
        User(username=f"bench-{row['username']}", role=row["role"], first_name=row["first_name"])
        for row in read(paths["users"])
    ]
    User.objects.bulk_create(users, batch_size=2000)
    user_id = {
        name.removeprefix("bench-"): pk
        for name, pk in User.objects.filter(username__startswith="bench-").values_list(
            "username", "id"
        )
    }
    segment_id = dict(Segment.objects.values_list("code", "id"))
    now = datetime.now(UTC)

    def counterparties() -> Iterator[tuple[Any, ...]]:
        for r in read(paths["counterparties"]):
            yield (
                number(r["external_id"]),
                company.pk,
                r["external_id"],
                r["name"],
                r["tax_id"],
                r["country"],
                r["language"],
                r["time_zone"],
                segment_id[r["segment"]],
                user_id.get(r["collector"]),
                user_id.get(r["sales_manager"]),
                False,
                False,
                False,
                r["address"],
                now,
                now,
            )

    terms: dict[int, int] = {}

    def contracts() -> Iterator[tuple[Any, ...]]:
        for r in read(paths["contracts"]):
            pk = number(r["external_id"])
            terms[pk] = int(r["payment_days"] or 0)
            yield (
                pk,
                company.pk,
                number(r["counterparty"]),
                r["external_id"],
                r["number"],
                r["date"],
                r["valid_from"] or None,
                r["valid_to"] or None,
                r["currency"],
                int(r["payment_days"] or 0),
                r["payment_day_kind"],
                r["payment_from"],
                r["prepayment_percent"] or "0",
                int(r["prepayment_days"] or 0),
                r["credit_limit"] or None,
                r["penalty_rate"] or None,
                r["penalty_period"] or "day",
                r["penalty_cap_percent"] or None,
                int(r["penalty_from_day"] or 1),
                int(r["pretension_days"]),
                int(r["claims_days"]) if r["claims_days"] else None,
                r["governing_law"],
            )

    def documents() -> Iterator[tuple[Any, ...]]:
        for r in read(paths["documents"]):
            contract = number(r["contract"]) if r["contract"] else None
            due = r["due_date"]
            if not due:  # blank only on calendar-day contracts counted from the document
                days = terms.get(contract, 0) if contract else 0
                due = (date.fromisoformat(r["date"]) + timedelta(days=days)).isoformat()
            yield (
                number(r["external_id"]),
                company.pk,
                number(r["counterparty"]),
                contract,
                r["external_id"],
                r["kind"],
                r["number"],
                r["date"],
                due,
                r["amount"],
                r["currency"],
                r["accepted"] == "1",
                r["accepted_on"] or None,
                r["amount"],
                now,
            )

    with timed() as t:
        n_cp = bulk_load(
            "ledger_counterparty",
            [
                "id",
                "company_id",
                "external_id",
                "name",
                "tax_id",
                "country",
                "language",
                "time_zone",
                "segment_id",
                "collector_id",
                "sales_manager_id",
                "stop_shipments",
                "legal",
                "written_off",
                "address",
                "created_at",
                "updated_at",
            ],
            counterparties(),
        )
        n_k = bulk_load(
            "ledger_contract",
            [
                "id",
                "company_id",
                "counterparty_id",
                "external_id",
                "number",
                "date",
                "valid_from",
                "valid_to",
                "currency",
                "payment_days",
                "payment_day_kind",
                "payment_from",
                "prepayment_percent",
                "prepayment_days",
                "credit_limit",
                "penalty_rate",
                "penalty_period",
                "penalty_cap_percent",
                "penalty_from_day",
                "pretension_days",
                "claims_days",
                "governing_law",
            ],
            contracts(),
        )
        n_doc = bulk_load(
            "ledger_document",
            [
                "id",
                "company_id",
                "counterparty_id",
                "contract_id",
                "external_id",
                "kind",
                "number",
                "date",
                "due_date",
                "amount",
                "currency",
                "accepted",
                "accepted_on",
                "open_amount",
                "updated_at",
            ],
            documents(),
        )
        _fix_sequences()
        analyze()
    report.add(
        "load counterparties, contracts, documents (COPY)",
        f"{n_cp:,} + {n_k:,} + {n_doc:,} rows in {t.seconds:.1f} s",
    )
    return company


def _cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _allocate(
    docs: list[list[Any]], pays: list[list[Any]]
) -> Iterator[tuple[int, int, int, str, bool]]:
    """The ledger's allocation rules for one counterparty (ledger/allocation.py): the named
    document first, then the oldest-due documents of the payment's contract, then of the
    counterparty in the same currency; the rest stays unallocated.
    docs: [id, contract, currency, due, date, rem]; pays: [id, contract, doc, currency, date,
    rem]. Yields (payment, document, cents, paid_on, explicit) and updates the rem fields."""
    by_id = {d[0]: d for d in docs}
    ordered = sorted(docs, key=lambda d: (d[3], d[4], d[0]))
    for p in pays:  # stage 1: the named document
        d = by_id.get(p[2]) if p[2] else None
        if d is not None and d[2] == p[3] and d[5] > 0 and p[5] > 0:
            amount = min(d[5], p[5])
            d[5] -= amount
            p[5] -= amount
            yield p[0], d[0], amount, p[4], True
    for stage in (2, 3):
        for p in pays:
            if p[5] <= 0 or (stage == 2 and not p[1]):
                continue
            for d in ordered:
                if d[5] <= 0 or d[2] != p[3] or (stage == 2 and d[1] != p[1]):
                    continue
                amount = min(d[5], p[5])
                d[5] -= amount
                p[5] -= amount
                yield p[0], d[0], amount, p[4], False
                if p[5] <= 0:
                    break


def load_with_payments(paths: dict[str, Path], company: Any, report: Report) -> None:
    """Payments and their allocations, computed while streaming (both files are ordered by
    counterparty), then COPY of payments and allocations and an UPDATE of open amounts."""
    from django.db import connection

    now = datetime.now(UTC)
    payments_out: list[tuple[Any, ...]] = []
    allocations_out: list[tuple[Any, ...]] = []
    open_out: list[tuple[int, str]] = []

    def groups(path: Path) -> Iterator[tuple[int, list[dict[str, str]]]]:
        current, rows = -1, []
        for r in read(path):
            cp = number(r["counterparty"])
            if cp != current and rows:
                yield current, rows
                rows = []
            current = cp
            rows.append(r)
        if rows:
            yield current, rows

    with timed() as t:
        pay_groups = groups(paths["payments"])
        pending = next(pay_groups, None)
        for cp, doc_rows in groups(paths["documents"]):
            docs = [
                [
                    number(r["external_id"]),
                    number(r["contract"]) if r["contract"] else 0,
                    r["currency"],
                    r["due_date"] or r["date"],
                    r["date"],
                    _cents(r["amount"]),
                ]
                for r in doc_rows
            ]
            pays: list[list[Any]] = []
            while pending is not None and pending[0] <= cp:
                if pending[0] == cp:
                    pays = [
                        [
                            number(r["external_id"]),
                            number(r["contract"]) if r["contract"] else 0,
                            number(r["document"]) if r["document"] else 0,
                            r["currency"],
                            r["date"],
                            _cents(r["amount"]),
                            r,
                        ]
                        for r in pending[1]
                    ]
                pending = next(pay_groups, None)
            before = {d[0]: d[5] for d in docs}
            by_id = {d[0]: d for d in docs}
            last: dict[int, tuple[str, int, int]] = {}  # document -> (paid_on, payment, row)
            for payment, document, cents, paid_on, explicit in _allocate(docs, pays):
                d = by_id[document]
                # The document's columns that aging reads, as the allocation engine copies them
                # (closes_document is set below, once the document's open amount is known).
                allocations_out.append(
                    (payment, document, cp, f"{cents / 100:.2f}", paid_on, explicit)
                    + (company.pk, d[2], d[4], d[3], False)
                )
                if last.get(document, ("", 0, 0))[:2] < (paid_on, payment):
                    last[document] = (paid_on, payment, len(allocations_out) - 1)
            for document, (_paid_on, _payment, row) in last.items():
                if by_id[document][5] == 0:
                    allocations_out[row] = allocations_out[row][:-1] + (True,)
            for d in docs:
                if d[5] != before[d[0]]:
                    open_out.append((d[0], f"{d[5] / 100:.2f}"))
            for p in pays:
                r = p[6]
                payments_out.append(
                    (
                        p[0],
                        company.pk,
                        cp,
                        p[1] or None,
                        p[2] or None,
                        r["external_id"],
                        r["date"],
                        r["amount"],
                        r["currency"],
                        r["payer"],
                        f"{p[5] / 100:.2f}",
                        now,
                    )
                )
    report.add("allocate payments in the loader (ledger rules)", f"{t.seconds:.1f} s")
    with timed() as t:
        bulk_load(
            "ledger_payment",
            [
                "id",
                "company_id",
                "counterparty_id",
                "contract_id",
                "document_id",
                "external_id",
                "date",
                "amount",
                "currency",
                "payer",
                "unallocated",
                "updated_at",
            ],
            payments_out,
        )
        bulk_load(
            "ledger_allocation",
            [
                "payment_id",
                "document_id",
                "counterparty_id",
                "amount",
                "paid_on",
                "explicit",
                "company_id",
                "currency",
                "document_date",
                "due_date",
                "closes_document",
            ],
            allocations_out,
        )
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_open (id BIGINT PRIMARY KEY, open NUMERIC)")
        bulk_load("bench_open", ["id", "open"], open_out)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_document SET open_amount = o.open FROM bench_open o "
                "WHERE o.id = ledger_document.id"
            )
            cursor.execute("DROP TABLE bench_open")
        _fix_sequences()
        analyze()
    report.add(
        "load payments, allocations, open amounts (COPY + UPDATE)",
        f"{len(payments_out):,} + {len(allocations_out):,} + {len(open_out):,} rows "
        f"in {t.seconds:.1f} s",
    )


def _fix_sequences() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows explicit ids by itself
    with connection.cursor() as cursor:
        tables = ("ledger_counterparty", "ledger_contract", "ledger_document", "ledger_payment")
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"GREATEST((SELECT max(id) FROM {table}), 1))"
            )


def floor() -> tuple[int, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        count, total = cursor.fetchone()
    return count, total


# The aging page shows this many counterparties per currency (insight.views.PAGE_ROWS).
PAGE_ROWS = 200


def measure(label: str, as_of: date, today: date, repeat: int, report: Report) -> None:
    """The floor, the page (the largest PAGE_ROWS counterparties per currency and every
    total, as /reports/aging/ asks) and the full report (every row, as the export asks)."""
    from dunwell.insight.selectors import aging

    first_f, median_f, (open_docs, _) = median_of(floor, repeat)
    report.add(
        f"{label}: floor (scan of {open_docs:,} open documents)",
        f"{median_f * 1000:.0f} ms median of {repeat} (first {first_f * 1000:.0f} ms)",
    )
    for what, largest in (("page", PAGE_ROWS), ("export, every row", None)):

        def run(largest: int | None = largest) -> Any:
            return aging(as_of, "counterparty", today=today, largest=largest)

        first_a, median_a, result = median_of(run, repeat)
        report.add(
            f"{label}: aging by counterparty as of {as_of}, {what}",
            f"{median_a * 1000:.0f} ms median of {repeat} (first {first_a * 1000:.0f} ms), "
            f"{len(result.rows):,} of "
            f"{result.row_count:,} rows, {sum(result.documents.values()):,} documents, "
            f"ratio {median_a / median_f:.1f}x floor",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--data", type=Path, default=Path("var/bench/aging"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", default=None, help="default: $DATABASE_URL, else a scratch SQLite file"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the ledger already loaded by an earlier run (no generation, no load)",
    )
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.utils import timezone

    from dunwell.demo.generator import generate

    today = args.as_of or timezone.localdate()
    historic = today - timedelta(days=90)
    report = Report(
        f"aging_bench: {args.documents:,} documents, {args.debtors:,} debtors, "
        f"seed {args.seed}, as of {today}, on {describe_database()}"
    )
    print(report.title, flush=True)
    report.add("load average before", load_average())
    report.add("settings", settings_line())
    if args.reuse:
        analyze()
        measure("as generated, today", today, today, args.repeat, report)
        measure("as generated, historic", historic, today, args.repeat, report)
        report.add("load average after", load_average())
        print()
        print(report.render())
        return
    with timed() as t:
        paths = generate(
            args.data, debtors=args.debtors, documents=args.documents, seed=args.seed, as_of=today
        )
    report.add("generate CSV", f"{t.seconds:.1f} s")
    company = load_ledger(paths, report)
    measure("all open", today, today, args.repeat, report)
    load_with_payments(paths, company, report)
    measure("as generated, today", today, today, args.repeat, report)
    measure("as generated, historic", historic, today, args.repeat, report)

    from dunwell.insight.selectors import aging

    heap = python_peak_mib(lambda: aging(today, "counterparty", today=today))
    report.add("Python heap peak of one report (tracemalloc)", f"{heap:.0f} MiB")
    report.add("peak RSS of the whole benchmark process", f"{peak_rss_mib():.0f} MiB")
    report.add("load average after", load_average())
    print()
    print(report.render())


if __name__ == "__main__":
    main()
