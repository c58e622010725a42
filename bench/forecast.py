"""Cash forecast benchmark (issue 15): the 13-week forecast on the payment model's days at
1,000,000 invoices, beside the history method and a floor.

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_metrics \\
        .venv/bin/python bench/forecast.py --reuse

The ledger is the KPI benchmark's (bench/metrics.py builds it; --reuse keeps it, otherwise it
is generated and loaded here the same way). A payment model is trained into a scratch folder,
then, each the median of --repeat runs with its ratio to the floor:

1. floor: one scan of the documents and one of the allocations (bench/metrics.py's);
2. the cash placed by the history method (due date + the customer's average delay);
3. the cash placed on the model's days scored on the spot (no prediction stored for the day:
   the page scores every open document itself; once, it is slow by nature);
4. the worker's daily scoring, which stores the day's predictions;
5. the cash placed on the stored predictions (what the page does on an ordinary day), the
   whole 13-week/12-month forecast without its band, and one week opened to its items.

Each of those is measured with nothing kept: the late-payment curves the forecast keeps for a
few hours (insight/forecast.py, `_kept`) are forgotten before every run. Then, kept: the
forecast asked again and a week opened after it, as a reader does.

Then the equivalence check: the cents on each day and part are the same from the stored
predictions as from the predictions scored on the spot. The load average is printed before and
after; over 1.5 the output says the figures were taken under load.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Report,
    describe_database,
    load_average,
    median_of,
    peak_rss_mib,
    settings_line,
    setup_django,
    timed,
)
from bench.metrics import floor, ledger_arguments  # noqa: E402


def _plain(cash: Any) -> dict[str, dict[str, dict[date, int]]]:
    return {
        currency: {str(part): {d: c for d, c in days.items() if c} for part, days in parts.items()}
        for currency, parts in cash.items()
    }


def _jsonable(cash: dict[str, dict[str, dict[date, int]]]) -> dict[str, Any]:
    return {
        cur: {part: {d.isoformat(): c for d, c in days.items()} for part, days in parts.items()}
        for cur, parts in cash.items()
    }


def _compare(cash: dict[str, dict[str, dict[date, int]]], other_path: Path) -> str:
    """Per currency: the total cents of each, and the cents that moved between days (the sum
    of |difference| per day and part)."""
    mine, other = _jsonable(cash), json.loads(other_path.read_text())
    lines = []
    for cur in sorted(set(mine) | set(other)):
        a, b = mine.get(cur, {}), other.get(cur, {})
        total_a = sum(sum(d.values()) for d in a.values())
        total_b = sum(sum(d.values()) for d in b.values())
        moved = sum(
            abs(a.get(p, {}).get(day, 0) - b.get(p, {}).get(day, 0))
            for p in set(a) | set(b)
            for day in set(a.get(p, {})) | set(b.get(p, {}))
        )
        lines.append(f"{cur}: {total_a} against {total_b} cents, {moved} cents apart by day")
    return "; ".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ledger_arguments(parser)
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="keep the trained model here and train only when it holds none (default: a "
        "scratch folder, trained each run)",
    )
    parser.add_argument(
        "--dump",
        type=Path,
        default=None,
        help="write the cents placed on the stored predictions here (JSON), to compare runs",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        help="a --dump of another run (another version of the code): say how far apart they are",
    )
    parser.add_argument(
        "--skip-scored", action="store_true", help="skip the forecast scored on the spot"
    )
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from dunwell.insight import forecast_math as fm
    from dunwell.insight.forecast import Method, forecast, placements, week_items
    from dunwell.insight.models import DocumentPrediction, ForecastBand
    from dunwell.insight.prediction.model import latest_card, store_scores, train

    today = args.as_of or timezone.localdate()
    report = Report(
        f"forecast bench: {args.documents:,} documents, {args.debtors:,} debtors, as of "
        f"{today}, on {describe_database()}"
    )
    print(report.title, flush=True)
    print(settings_line(), flush=True)
    if not args.reuse:
        from bench.aging_bench import load_ledger, load_with_payments
        from dunwell.demo.generator import generate

        paths = generate(
            args.data, debtors=args.debtors, documents=args.documents, seed=args.seed, as_of=today
        )
        company = load_ledger(paths, report)
        load_with_payments(paths, company, report)
    report.add("load average before", load_average())
    first, median, (docs, _amount, allocations, _paid) = median_of(floor, args.repeat)
    floor_s = median
    report.add(
        f"floor (scan of {docs:,} documents and {allocations:,} allocations)",
        f"{median * 1000:.0f} ms median of {args.repeat} (first {first * 1000:.0f} ms)",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_document WHERE open_amount > 0")
        open_docs = cursor.fetchone()[0]
    report.add("open documents", f"{open_docs:,}")

    def forgotten(function: Any) -> Any:
        """`function` with nothing the forecast keeps (a few rows deleted, well under 1 ms)."""

        def run() -> Any:
            ForecastBand.objects.all().delete()
            return function()

        return run

    def figure(label: str, function: Any, repeat: int = args.repeat, kept: bool = False) -> Any:
        first, median, result = median_of(function if kept else forgotten(function), repeat)
        report.add(
            label,
            f"{median:.2f} s median of {repeat} (first {first:.2f} s), "
            f"ratio {median / floor_s:.1f}x floor",
        )
        return result

    figure("history: cash placed", lambda: placements(today, method=Method.HISTORY))

    settings.DATA_DIR = args.model_dir or Path(tempfile.mkdtemp(prefix="dunwell-bench-forecast-"))
    if latest_card() is None:
        with timed() as t:
            train(today)
        report.add("train the payment model", f"{t.seconds:.1f} s")
    else:
        report.add("the payment model", f"v{latest_card()['version']} in {settings.DATA_DIR}")
    DocumentPrediction.objects.all().delete()
    scored_now = None
    if not args.skip_scored:
        scored_now = figure(
            "model scored on the spot (no prediction stored): cash placed",
            lambda: placements(today, method=Method.MODEL),
            repeat=1,
        )
    with timed() as t:
        stored_count = store_scores(today)
    report.add("the daily scoring stores the predictions", f"{t.seconds:.1f} s, {stored_count:,}")
    stored = figure(
        "model on the stored predictions: cash placed",
        lambda: placements(today, method=Method.MODEL),
    )
    figure(
        "model on the stored predictions: the forecast (13 weeks, 12 months, no band)",
        lambda: forecast(today, method=Method.MODEL, band=False),
    )
    currency = max(
        _plain(stored[0]),
        key=lambda c: sum(sum(d.values()) for d in _plain(stored[0])[c].values()),
    )
    items = figure(
        f"model on the stored predictions: week 1 opened to its items ({currency})",
        lambda: week_items(today, None, Method.MODEL, fm.weeks(today)[0], currency),
    )
    report.add("week 1's items", f"{len(items):,}")
    week_one = fm.weeks(today)[0]
    forecast(today, method=Method.MODEL, band=False)  # keeps the curves
    figure(
        "the same forecast asked again (the curves kept)",
        lambda: forecast(today, method=Method.MODEL, band=False),
        kept=True,
    )
    figure(
        f"week 1 opened after the forecast (the curves kept, {currency})",
        lambda: week_items(today, None, Method.MODEL, week_one, currency),
        kept=True,
    )
    if scored_now is not None:
        same = _plain(stored[0]) == _plain(scored_now[0])
        report.add(
            "equivalence: stored predictions place the same cents on the same days as scored "
            "on the spot",
            "yes" if same else "NO",
        )
    if args.dump is not None:
        args.dump.write_text(json.dumps(_jsonable(_plain(stored[0]))))
    if args.compare is not None:
        report.add("beside " + str(args.compare), _compare(_plain(stored[0]), args.compare))
    report.add("load average after", load_average())
    report.add("peak RSS of the benchmark process", f"{peak_rss_mib():.0f} MiB")
    print()
    print(report.render())


if __name__ == "__main__":
    main()
