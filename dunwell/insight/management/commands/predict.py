"""`dunwell predict`: payment prediction (docs/metrics.md, "Payment prediction").

dunwell predict evaluate --split-date 2026-06-01 [--late-after-days 0] --format json
dunwell predict train [--as-of D] [--late-after-days 0]
dunwell predict score [--as-of D] [--store]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.insight.management.commands.aging import parse_date
from dunwell.insight.prediction.model import (
    NotEnoughData,
    evaluate,
    score_open,
    store_scores,
    train,
)


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise CommandError(f"--late-after-days: not a whole number: {value!r}") from None
    if not 0 <= days <= 3650:
        raise CommandError("--late-after-days: between 0 and 3650")
    return days


class Command(BaseCommand):
    help = "Payment prediction: evaluate on a time split, train and store a model, score."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="train before a date, test after it, vs a baseline")
        ev.add_argument("--split-date", type=parse_date, required=True)
        ev.add_argument("--late-after-days", type=_days, default=0)
        ev.add_argument("--format", choices=["json", "table"], default="json")
        tr = sub.add_parser("train", help="train on everything paid and store a new version")
        tr.add_argument("--as-of", type=parse_date)
        tr.add_argument("--late-after-days", type=_days, default=0)
        sc = sub.add_parser("score", help="every open document with the latest model, as JSON")
        sc.add_argument("--as-of", type=parse_date)
        sc.add_argument(
            "--store",
            action="store_true",
            help="store them (with top factors) for the debtor card and the worklist",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "evaluate":
                result = evaluate(options["split_date"], options["late_after_days"])
                if options["format"] == "json":
                    self.stdout.write(json.dumps(result, indent=2))
                else:
                    self.stdout.write(_table(result))
            elif action == "train":
                path = train(options["as_of"] or timezone.localdate(), options["late_after_days"])
                self.stdout.write(f"stored {path}")
            elif options["store"]:
                stored = store_scores(options["as_of"] or timezone.localdate())
                self.stdout.write(f"stored {stored} predictions")
            else:
                scores = score_open(options["as_of"] or timezone.localdate(), factors=True)
                self.stdout.write(json.dumps(scores, indent=2))
        except NotEnoughData as exc:
            raise CommandError(str(exc)) from None


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"split {result['split_date']}, late = paid more than {result['late_after_days']} days "
        f"after due; train {result['n_train']}, test {result['n_test']}",
        f"{'':10}{'model':>10}{'baseline':>10}",
    ]
    for key in ("auc", "brier", "accuracy", "mae_days"):
        lines.append(f"{key:10}{result[key]!s:>10}{result['baseline'][key]!s:>10}")
    return "\n".join(lines) + "\n"
