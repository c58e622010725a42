"""Driver for the SIGKILL test: run in a subprocess against a database of its own.

`python -m dunwell.mail.tests.kill_scenario seed N | dump`
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.db import transaction

    from dunwell.accounts.models import Role, User
    from dunwell.ledger.models import Company, Counterparty, Segment
    from dunwell.mail.models import OutgoingMessage
    from dunwell.mail.services import queue_message

    if argv[1] == "seed":
        count = int(argv[2])
        with transaction.atomic():
            company = Company.objects.create(
                name="Kill Ltd", code="kill", country="RO", currency="RON",
                time_zone="Europe/Bucharest", calendar_country="RO",
            )  # fmt: skip
            collector = User.objects.create(username="c", role=Role.COLLECTOR)
            segment = Segment.objects.order_by("code").first()
            assert segment is not None
            debtors = [
                Counterparty.objects.create(
                    company=company,
                    external_id=f"CP{n}",
                    name=f"Debtor {n}",
                    country="RO",
                    language="ro",
                    time_zone="Europe/Bucharest",
                    segment=segment,
                    collector=collector,
                )  # fmt: skip
                for n in range(50)
            ]
            for n in range(count):
                queue_message(
                    company=company,
                    counterparty=debtors[n % len(debtors)],
                    sender=collector,
                    to=f"buyer{n}@debtor{n % 7}.example",
                    subject=f"Invoice {n}",
                    text=f"Please pay invoice {n}.",
                    key=f"kill:{n}",
                )
    elif argv[1] == "dump":
        rows = OutgoingMessage.objects.values_list("message_id", "state", "unconfirmed")
        print(json.dumps([list(row) for row in rows]))


if __name__ == "__main__":
    main(sys.argv)
