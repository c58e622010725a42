"""Driver for the crash test: run in a subprocess against a database of its own.

`python -m dunwell.ladder.tests.crash_scenario seed|run|dump|reset [as_of]`
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from decimal import Decimal


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from dunwell.accounts.models import Role, User
    from dunwell.ladder.engine import run
    from dunwell.ladder.models import DocumentProgress, Task
    from dunwell.ledger.models import Company, Counterparty, Document, Segment, TimelineEntry

    command = argv[1]
    if command == "seed":
        company = Company.objects.create(
            name="Crash Ltd", code="crash", country="RO", currency="RON",
            time_zone="Europe/Bucharest", calendar_country="RO",
        )  # fmt: skip
        boss = User.objects.create(username="boss", role=Role.SUPERVISOR)
        User.objects.create(username="law", role=Role.LAWYER)
        collectors = [
            User.objects.create(username=f"c{i}", role=Role.COLLECTOR, supervisor=boss)
            for i in range(3)
        ]
        segments = list(Segment.objects.order_by("code"))
        for n in range(40):
            cp = Counterparty.objects.create(
                company=company, external_id=f"CP{n}", name=f"Debtor {n}", country="RO",
                language="ro", time_zone="Europe/Bucharest", segment=segments[n % len(segments)],
                collector=collectors[n % 3],
            )  # fmt: skip
            for k in range(n % 3 + 1):
                Document.objects.create(
                    company=company, counterparty=cp, external_id=f"D{n}-{k}", kind="invoice",
                    number=f"{n}-{k}", date=date(2026, 1, 1),
                    due_date=date(2026, 3, 2) - timedelta(days=(n * 7 + k * 3) % 40),
                    amount=Decimal("100.00"), open_amount=Decimal("100.00"), currency="RON",
                )  # fmt: skip
    elif command == "run":
        run(date.fromisoformat(argv[2]), batch_size=5)
    elif command == "reset":
        Task.objects.all().delete()
        DocumentProgress.objects.all().delete()
        TimelineEntry.objects.filter(kind__startswith="ladder.").delete()
        Counterparty.objects.update(stop_shipments=False, legal=False)
    elif command == "dump":
        tasks = sorted(
            [t.key, t.status, t.assignee.username if t.assignee else None, t.due_at.isoformat(),
             sorted(t.documents.values_list("external_id", flat=True))]
            for t in Task.objects.select_related("assignee")
        )  # fmt: skip
        progress = sorted(
            [p.document.external_id, p.step_order, str(p.next_due_on)]
            for p in DocumentProgress.objects.select_related("document")
        )
        timeline = sorted(
            TimelineEntry.objects.filter(kind__startswith="ladder.").values_list("kind", "summary")
        )
        flags = sorted(Counterparty.objects.values_list("external_id", "stop_shipments", "legal"))
        print(json.dumps([tasks, progress, timeline, flags]))


if __name__ == "__main__":
    main(sys.argv)
