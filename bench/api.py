"""Push benchmark (issue 10): documents per second through `POST /api/v1/documents` in batches
of 1,000 and 10,000, against the file import (`import_file`) of the same rows.

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_api \
        .venv/bin/python bench/api.py --documents 100000

Without DATABASE_URL it runs on a fresh SQLite file (orientation only). The database named by
DATABASE_URL is migrated and its ledger emptied first: never point it at real data.

Each push goes through the whole request path in-process (Django's test client: URL routing,
token authentication, the rate counter, JSON parsing, the import engine), without a network or
a WSGI server, so the figure compares the API's own work with the file import's. Every measure
creates the same N documents in an empty document table (the counterparties stay); the ratio
is push rows/s over file rows/s, target >= 50 %.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Report,
    describe_database,
    load_average,
    peak_rss_mib,
    setup_django,
    timed,
    wipe_ledger,
)

FIELDS = ["external_id", "counterparty", "number", "date", "due_date", "amount", "currency"]


def document_rows(documents: int, debtors: int) -> list[dict[str, Any]]:
    """Deterministic invoices spread over `debtors` counterparties, amounts with cents."""
    start = date(2026, 1, 5)
    rows = []
    for n in range(documents):
        day = start + timedelta(days=n % 150)
        rows.append(
            {
                "external_id": f"D{n:08d}",
                "counterparty": f"C{n % debtors:06d}",
                "number": f"INV-{n}",
                "date": day.isoformat(),
                "due_date": (day + timedelta(days=30)).isoformat(),
                # A JSON number, as an ERP sends it: the API keeps it exact (Decimal).
                "amount": float(f"{100 + (n * 37) % 90_000}.{n % 100:02d}"),
                "currency": "RON",
            }
        )
    return rows


def empty_documents() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("ledger_allocation", "ledger_document", "ledger_timelineentry"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--debtors", type=int, default=0, help="default: documents / 10")
    parser.add_argument("--batches", default="1000,10000", help="push batch sizes, comma-separated")
    parser.add_argument(
        "--payments",
        type=int,
        default=0,
        help="payments loaded first, spread over the debtors (every push then reallocates "
        "debtors with a payment history; default: none)",
    )
    args = parser.parse_args()
    debtors = args.debtors or max(1, args.documents // 10)
    batches = [int(b) for b in args.batches.split(",")]

    scratch = tempfile.mkdtemp(prefix="dunwell-api-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DUNWELL_DATA_DIR"] = scratch
    os.environ.setdefault("DUNWELL_LOG_LEVEL", "WARNING")
    os.environ["DUNWELL_API_RATE"] = "1000000"  # measure the push, not the limit
    os.environ["DUNWELL_ALLOWED_HOSTS"] = "testserver"
    setup_django()

    from django.test import Client

    from dunwell.accounts.models import Role, User
    from dunwell.ledger.importing import import_file, import_table
    from dunwell.ledger.importing.readers import Table
    from dunwell.ledger.models import Company, Document
    from dunwell.restapi.tokens import create_token

    wipe_ledger()
    User.objects.filter(username="bench-api").delete()
    company = Company.objects.create(
        name="Bench", code="bench-api", country="RO", currency="RON", calendar_country="RO"
    )
    pusher = User.objects.create_user(username="bench-api", role=Role.FINANCE)
    secret = create_token(pusher, ["ledger:write"], name="bench").secret
    headers = {"Authorization": f"Bearer {secret}"}
    import_table(
        "counterparties",
        Table(
            ["external_id", "name", "country"],
            iter([(i + 2, [f"C{i:06d}", f"Debtor {i} SRL", "RO"]) for i in range(debtors)]),
            debtors,
        ),
        display_name="bench",
        company=company,
    )
    if args.payments:
        import_table(
            "payments",
            Table(
                ["external_id", "counterparty", "number", "date", "amount", "currency"],
                iter(
                    [
                        (
                            i + 2,
                            [
                                f"P{i:08d}",
                                f"C{i % debtors:06d}",
                                f"PAY-{i}",
                                "2026-01-20",
                                f"{50 + (i * 13) % 5_000}.00",
                                "RON",
                            ],
                        )
                        for i in range(args.payments)
                    ]
                ),
                args.payments,
            ),
            display_name="bench",
            company=company,
        )
    rows = document_rows(args.documents, debtors)
    path = Path(scratch) / "documents.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "amount": f"{row['amount']:.2f}"})

    report = Report(
        f"push vs file import, {args.documents:,} documents, {debtors:,} debtors, "
        f"{args.payments:,} payments"
    )
    print(report.title, flush=True)
    report.add("database", describe_database())
    report.add("load average before", load_average())

    empty_documents()
    with timed() as file_time:
        result = import_file("documents", path, company=company)
    assert result.created == args.documents, result
    file_rate = args.documents / file_time.seconds
    report.add("file import", f"{file_time.seconds:.2f} s, {file_rate:,.0f} rows/s")

    client = Client()
    for size in batches:
        empty_documents()
        bodies = [
            json.dumps({"items": rows[i : i + size]}) for i in range(0, len(rows), size)
        ]  # serialised beforehand: the client's own JSON encoding is not the server's work
        created = 0
        with timed() as push_time:
            for body in bodies:
                response = client.post(
                    "/api/v1/documents", body, content_type="application/json", headers=headers
                )
                assert response.status_code == 200, response.content[:500]
                created += response.json()["created"]
        assert created == args.documents == Document.objects.count()
        rate = args.documents / push_time.seconds
        report.add(
            f"push, batches of {size:,}",
            f"{push_time.seconds:.2f} s, {rate:,.0f} rows/s, "
            f"{rate / file_rate:.0%} of the file import (target >= 50%)",
        )
    with timed() as again:
        for i in range(0, len(rows), batches[-1]):
            client.post(
                "/api/v1/documents",
                json.dumps({"items": rows[i : i + batches[-1]]}),
                content_type="application/json",
                headers=headers,
            )
    report.add(f"re-push, nothing changed, batches of {batches[-1]:,}", f"{again.seconds:.2f} s")
    report.add("peak memory", f"{peak_rss_mib():,.0f} MiB")
    report.add("load average after", load_average())


if __name__ == "__main__":
    main()
