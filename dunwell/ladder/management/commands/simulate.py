"""`dunwell simulate --policy NAME --from D1 --to D2`: what the ladder would have done."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ladder.models import Action, Policy
from dunwell.ladder.simulate import simulate


class Command(BaseCommand):
    help = "Replay the ledger's history through a policy without writing tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--policy", required=True, help="policy name or code")
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start, end = date.fromisoformat(options["start"]), date.fromisoformat(options["end"])
        except ValueError:
            raise CommandError("--from/--to must be dates (YYYY-MM-DD)") from None
        if end < start:
            raise CommandError("--to is before --from")
        policy = (
            Policy.objects.filter(name=options["policy"]).first()
            or Policy.objects.filter(code=options["policy"]).first()
        )
        if policy is None:
            raise CommandError(f"no policy named {options['policy']!r}")
        total = (end - start).days + 1

        def progress(day: date) -> None:
            done = (day - start).days + 1
            self.stderr.write(f"\r[{done}/{total}] {day}", ending="" if done < total else "\n")

        result = simulate(policy, start, end, progress)
        actions = list(Action.values)
        self.stdout.write(f"Simulation of {policy.name}, {start} … {end}")
        self.stdout.write("tasks per day they land on (the debtor's working day), per action:")
        self.stdout.write("day        " + " ".join(f"{a[:10]:>10}" for a in actions))
        for day, fired in result.per_day.items():
            if fired:
                self.stdout.write(f"{day} " + " ".join(f"{fired[a]:>10}" for a in actions))
        self.stdout.write("per assignee:")
        for who, fired in sorted(result.per_assignee.items()):
            parts = ", ".join(f"{a}: {n}" for a, n in sorted(fired.items()))
            self.stdout.write(f"  {who}: {parts}")
        self.stdout.write(f"shipments stopped: {result.stopped_shipments}")
        if result.skipped:
            self.stdout.write("skipped:")
            for reason, n in sorted(result.skipped.items()):
                self.stdout.write(f"  {reason}: {n}")
