"""Collection KPI benchmark (issue 14: the KPIs for 12 months at 1,000,000 invoices in ≤ 2 s).

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_bench \\
        .venv/bin/python bench/metrics.py --debtors 100000 --documents 1000000

1. The generator writes the documents and payments; the aging benchmark's loader puts them
   straight into the ledger tables (COPY on PostgreSQL) and allocates the payments with the
   ledger's rules.
2. Floor: one scan of the documents and one of the allocations (`SELECT count(*), sum(amount)`
   of each), the least any KPI as of a past date must read.
3. KPI snapshots (insight/snapshots.py): the first full build of the 25 closed month-ends,
   then a day's change (--stale debtors reallocated, as a day's payments do) and the daily
   refresh that rewrites their rows.
4. The full KPI report as of the day (DSO count-back and simple, best possible DSO, ADD and
   CEI over 12 months, the roll-rate matrix, recovery odds over 24 month-ends, collector
   results), per currency, then grouped by collector, read from the snapshots; median of
   --repeat runs, with the ratio to the floor. Once more with the day's stale debtors before
   the refresh, and (--live) once without any snapshot, as before they existed.
5. Payment prediction: training on every known outcome, then scoring every open document.

The ledger of the target database is wiped first, unless --reuse (the ledger of a previous
run is kept: no generation, no loading).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.aging_bench import load_ledger, load_with_payments  # noqa: E402
from bench.common import (  # noqa: E402
    Report,
    describe_database,
    load_average,
    median_of,
    peak_rss_mib,
    python_peak_mib,
    setup_django,
    timed,
)

FLOOR_SQL = (
    "SELECT (SELECT count(*) FROM ledger_document), (SELECT sum(amount) FROM ledger_document), "
    "(SELECT count(*) FROM ledger_allocation), (SELECT sum(amount) FROM ledger_allocation)"
)


def floor() -> tuple[Any, ...]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def measure(
    as_of: date,
    by: str | None,
    repeat: int,
    floor_seconds: float,
    report: Report,
    which: str = "",
) -> None:
    from dunwell.insight.metrics import metrics

    first, middle, result = median_of(lambda: metrics(as_of, by), repeat)
    report.add(
        f"KPIs, 12 months, {'per currency' if by is None else f'by {by} and currency'}{which}",
        f"{middle * 1000:.0f} ms median of {repeat} (first {first * 1000:.0f} ms), "
        f"{len(result.series):,} series, "
        f"ratio {middle / floor_seconds:.1f}x floor",
    )


def snapshots(today: date, stale: int, live: bool, floor_seconds: float, report: Report) -> None:
    """The KPI snapshots: full build, a day's change and its refresh, the report on them."""
    from django.db import connection

    from dunwell.insight.metrics import metrics
    from dunwell.insight.models import KpiSnapshot, KpiSnapshotMonth, KpiStale
    from dunwell.insight.snapshots import refresh
    from dunwell.ledger.allocation import reallocate
    from dunwell.ledger.models import Counterparty

    KpiSnapshot.objects.all().delete()
    KpiSnapshotMonth.objects.all().delete()
    KpiStale.objects.all().delete()
    if live:
        report.add("load average before the live KPIs", load_average())
        with timed() as t:
            result = metrics(today)
        report.add(
            "KPIs, 12 months, per currency, live (no snapshot)",
            f"{t.seconds * 1000:.0f} ms, {len(result.series):,} series, "
            f"ratio {t.seconds / floor_seconds:.1f}x floor",
        )
    report.add("load average before the snapshot build", load_average())
    with timed() as t:
        months = refresh(today=today, log=lambda line: print(f"    {line}", flush=True))
    rows = KpiSnapshot.objects.count()
    report.add(
        "KPI snapshots: first full build",
        f"{t.seconds:.1f} s, {months} month-ends, {rows:,} rows",
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE insight_kpisnapshot")
            cursor.execute("SELECT pg_total_relation_size('insight_kpisnapshot')")
            size = cursor.fetchone()
            assert size is not None
            report.add("KPI snapshots: table with indexes", f"{size[0] / 2**20:.0f} MiB")
    ids = list(Counterparty.objects.order_by("?").values_list("id", flat=True)[:stale])
    with timed() as t:
        reallocate(ids)
    report.add(f"a day's change: {len(ids):,} debtors reallocated", f"{t.seconds:.1f} s")
    with timed() as t:
        result = metrics(today)
    report.add(
        f"KPIs, 12 months, per currency, {len(ids):,} debtors stale",
        f"{t.seconds * 1000:.0f} ms, ratio {t.seconds / floor_seconds:.1f}x floor",
    )
    with timed() as t:
        refresh(today=today)
    report.add(f"KPI snapshots: daily refresh ({len(ids):,} debtors)", f"{t.seconds:.1f} s")
    report.add("load average before the KPIs on snapshots", load_average())


def predict(today: date, report: Report) -> None:
    """Payment prediction: train on every known outcome, then score every open document
    (targets at 1,000,000 invoices: training ≤ 60 s, scoring ≤ 10 s): the probabilities and
    expected days as columns (`score_columns`), then the same as the rows `predict score`
    prints (`score_open`). The load average is written beside each figure."""
    import tempfile

    from django.conf import settings

    from dunwell.insight.prediction.model import score_columns, score_open, train

    settings.DATA_DIR = Path(tempfile.mkdtemp(prefix="dunwell-bench-models-"))
    with timed() as t:
        path = train(today)
    report.add(
        "payment prediction: train on every known outcome",
        f"{t.seconds:.1f} s ({path.name}), load {_load()}",
    )
    with timed() as t:
        scored = score_columns(today)
    report.add(
        "payment prediction: score the open documents (columns)",
        f"{t.seconds:.1f} s, {len(scored.document) if scored else 0:,} documents, load {_load()}",
    )
    with timed() as t:
        scores = score_open(today)
    report.add(
        "payment prediction: score the open documents (rows)",
        f"{t.seconds:.1f} s, {len(scores):,} documents, load {_load()}",
    )


def _load() -> str:
    """The 1-minute load average (/proc/loadavg), or '?' where there is none."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def ledger_arguments(parser: argparse.ArgumentParser) -> None:
    """The generated ledger's options, shared with the benchmarks that run on it (forecast.py):
    its size and seed, the as-of day, where the CSV go, the repeats, --reuse."""
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--data", type=Path, default=Path("var/bench/metrics"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the ledger of the last run")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ledger_arguments(parser)
    parser.add_argument("--stale", type=int, default=500, help="debtors a day's change touches")
    parser.add_argument("--live", action="store_true", help="also time the KPIs without snapshots")
    parser.add_argument("--no-predict", action="store_true", help="skip the payment prediction")
    parser.add_argument(
        "--database-url", default=None, help="default: $DATABASE_URL, else a scratch SQLite file"
    )
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.utils import timezone

    from dunwell.demo.generator import generate
    from dunwell.insight.metrics import last_month_end, metrics

    today = args.as_of or timezone.localdate()
    report = Report(
        f"metrics bench: {args.documents:,} documents, {args.debtors:,} debtors, "
        f"seed {args.seed}, as of {today}, on {describe_database()}"
    )
    print(report.title, flush=True)
    if not args.reuse:
        with timed() as t:
            paths = generate(
                args.data,
                debtors=args.debtors,
                documents=args.documents,
                seed=args.seed,
                as_of=today,
            )
        report.add("generate CSV", f"{t.seconds:.1f} s")
        company = load_ledger(paths, report)
        load_with_payments(paths, company, report)
    first_f, median_f, (docs, _amount, allocations, _paid) = median_of(floor, args.repeat)
    report.add(
        f"floor (scan of {docs:,} documents and {allocations:,} allocations)",
        f"{median_f * 1000:.0f} ms median of {args.repeat} (first {first_f * 1000:.0f} ms)",
    )
    snapshots(today, args.stale, args.live, median_f, report)
    measure(today, None, args.repeat, median_f, report, f", as of {today}")
    # The page's default day (its period's ends and the period's before are month-ends: the
    # snapshots hold their receivables).
    default_day = last_month_end(today)
    if default_day != today:
        measure(
            default_day, None, args.repeat, median_f, report, f", as of {default_day} (default)"
        )
    measure(today, "collector", args.repeat, median_f, report)
    heap = python_peak_mib(lambda: metrics(today))
    report.add("Python heap peak of one report (tracemalloc)", f"{heap:.0f} MiB")
    if not args.no_predict:
        predict(today, report)
    report.add("peak RSS of the whole benchmark process", f"{peak_rss_mib():.0f} MiB")
    print()
    print(report.render())


if __name__ == "__main__":
    main()
