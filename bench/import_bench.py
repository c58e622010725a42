"""Import benchmark (DESIGN §4): N documents + N payments from the synthetic generator.

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_import \
        .venv/bin/python bench/import_bench.py --documents 1000000 --runs 3

Without DATABASE_URL it runs on a fresh SQLite file (orientation only). The database named
by DATABASE_URL is migrated and its ledger emptied first: never point it at real data.
Floor: a plain `COPY` of the same two CSV files into unlogged all-text tables, same run.
Targets: documents + payments ≤ 30 s and ≤ 3× the COPY floor; the re-import of the unchanged
documents file ≤ 5 s.

With --runs N (N >= 3 for a median, bench/RESULTS.md's protocol) the whole round is repeated
N times on an emptied ledger: the masters, a CHECKPOINT and a pause (--pause), then the timed
documents and payments, the re-import and the floor. Each round prints its load average
before and after (over 1.5 it says NOT QUIET), and the end gives the medians and the median
ratio to the floor. The PostgreSQL settings and the host's pure-Python speed are printed.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--debtors", type=int, default=0, help="default: documents / 10")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="reuse/keep generated files here")
    parser.add_argument("--runs", type=int, default=1, help="rounds (median of N)")
    parser.add_argument(
        "--pause", type=float, default=15, help="seconds of rest before each timed import"
    )
    args = parser.parse_args()
    debtors = args.debtors or max(1, args.documents // 10)

    scratch = tempfile.mkdtemp(prefix="dunwell-bench-")
    os.environ.setdefault("DUNWELL_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DUNWELL_DATA_DIR"] = scratch
    os.environ.setdefault("DUNWELL_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.common import python_speed, settings_line
    from dunwell.demo.generator import generate

    data = args.data or Path(scratch) / "data"
    files = {k: data / f"{k}.csv" for k in KINDS}
    if not files["payments"].exists():
        started = time.perf_counter()
        generate(
            data, debtors=debtors, documents=args.documents, seed=args.seed, as_of=date(2026, 6, 30)
        )
        print(
            f"generated {args.documents:,} documents, {debtors:,} debtors "
            f"in {time.perf_counter() - started:.1f} s"
        )
    with files["payments"].open(encoding="utf-8") as handle:
        n_payments = sum(1 for _ in handle) - 1

    call_command("migrate", verbosity=0)
    print(f"this machine's speed now: {python_speed()}")
    print(f"database: {connection.vendor}; {settings_line()}")
    rounds = []
    for index in range(1, args.runs + 1):
        if args.runs > 1:
            print(f"round {index} of {args.runs}")
        rounds.append(one_round(files, args.pause if args.runs > 1 else 0))
        r = rounds[-1]
        if args.runs > 1:
            print(
                f"round {index}: documents + payments {r['total']:.2f} s, re-import "
                f"{r['again']:.2f} s, floor {r['floor']:.2f} s "
                f"(load before {r['before']}; after {r['after']})"
            )
    total = median(r["total"] for r in rounds)
    again = median(r["again"] for r in rounds)
    what = f"median of {args.runs} rounds: " if args.runs > 1 else ""
    print(f"{what}documents + payments: {total:.2f} s")
    print(f"  {what}re-import of the same documents file: {again:.2f} s (target 5 s)")
    if connection.vendor == "postgresql":
        floor = median(r["floor"] for r in rounds)
        ratio = median(r["total"] / r["floor"] for r in rounds)
        print(f"floor: plain COPY of both files into unlogged tables: {floor:.2f} s")
        print(
            f"ratio import / COPY: {ratio:.1f}x (target <= 3x); "
            f"target 30 s: {'met' if total <= 30 else f'missed by {total - 30:.1f} s'}"
        )
    print(
        f"rows: {args.documents:,} documents + {n_payments:,} payments; "
        f"peak memory {peak_mib():,.0f} MiB"
    )
    print(f"this machine's speed now: {python_speed()}")


KINDS = ("users", "counterparties", "contacts", "contracts", "instalments", "documents", "payments")


def one_round(files: dict[str, Path], pause: float) -> dict[str, Any]:
    """An emptied ledger, the masters, then the timed documents + payments, the re-import of
    the documents and the COPY floor."""
    from django.db import connection

    from bench.common import load_average
    from dunwell.accounts.models import User
    from dunwell.ledger.importing import import_file
    from dunwell.ledger.models import Company, Document, Payment

    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "TRUNCATE ledger_allocation, ledger_payment, ledger_document, "
                "ledger_contractinstalment, ledger_contract, ledger_contact, "
                "ledger_timelineentry, ledger_counterparty, ledger_importrun, "
                "ledger_columnmapping, ledger_company CASCADE"
            )
    User.objects.exclude(is_superuser=True).delete()
    with files["users"].open(encoding="utf-8") as handle:
        User.objects.bulk_create(
            [User(username=r["username"], role=r["role"]) for r in csv.DictReader(handle)]
        )
    Company.objects.create(
        name="Bench", code="bench", country="RO", currency="RON", calendar_country="RO"
    )

    def timed(kind: str) -> float:
        started = time.perf_counter()
        result = import_file(kind, files[kind])
        seconds = time.perf_counter() - started
        rows = result.created + result.updated + result.unchanged
        print(
            f"  {kind:<15} {rows:>10,} rows {seconds:8.2f} s {rows / seconds:>10,.0f} rows/s "
            f"(+{result.created:,} ~{result.updated:,} ={result.unchanged:,}) "
            f"peak {peak_mib():,.0f} MiB"
        )
        return seconds

    for kind in ("counterparties", "contacts", "contracts", "instalments"):
        timed(kind)
    if pause:
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        time.sleep(pause)  # the masters' writes settle; the load average falls
    before = load_average()
    t_docs = timed("documents")
    t_pays = timed("payments")
    after = load_average()
    print(f"  documents + payments: {t_docs + t_pays:.2f} s (load before {before}; after {after})")
    t_again = timed("documents")
    print(f"  re-import of the same documents file: {t_again:.2f} s")
    print(
        f"  open documents: {Document.objects.filter(open_amount__gt=0).count():,}; "
        f"payments with credit: {Payment.objects.filter(unallocated__gt=0).count():,}"
    )
    floor = 0.0
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for kind in ("documents", "payments"):
                with files[kind].open(encoding="utf-8") as handle:
                    header = handle.readline().strip().split(",")
                cols = ", ".join(f'"{h}" text' for h in header)
                cursor.execute(f"DROP TABLE IF EXISTS bench_copy_{kind}")
                cursor.execute(f"CREATE UNLOGGED TABLE bench_copy_{kind} ({cols})")
                started = time.perf_counter()
                with (
                    files[kind].open("rb") as raw,
                    cursor.cursor.copy(
                        f"COPY bench_copy_{kind} FROM STDIN WITH (FORMAT csv, HEADER true)"
                    ) as copy,
                ):
                    while chunk := raw.read(1 << 20):
                        copy.write(chunk)
                floor += time.perf_counter() - started
                cursor.execute(f"DROP TABLE bench_copy_{kind}")
    return {
        "total": t_docs + t_pays,
        "documents": t_docs,
        "payments": t_pays,
        "again": t_again,
        "floor": floor,
        "before": before,
        "after": after,
    }


if __name__ == "__main__":
    main()
