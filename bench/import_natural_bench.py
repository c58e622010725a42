"""Files without ids (issue 10): the same documents and payments imported with their ids and
without them (natural keys), into two companies of one database.

    .venv/bin/python bench/import_natural_bench.py --documents 100000

Without DATABASE_URL it runs on a fresh SQLite file; the database named by DATABASE_URL is
migrated and gets two companies `ids` and `natural`: never point it at real data. The files
without ids name the counterparty by its tax id (`counterparty_tax_id`, as 1C's `ИНН`
column; generated names repeat), the contract and document by their ids (still
found first by id; in the file without ids a payment names its document by number, as 1C's
`Документ расчетов`), and carry the payment's id as its bank document number (a payer + date +
amount key is not unique in generated data).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def without_ids(
    src: Path, out: Path, names: dict[str, str], kind: str, numbers: dict[str, str]
) -> None:
    with (
        src.open(encoding="utf-8", newline="") as handle,
        out.open("w", encoding="utf-8", newline="") as target,
    ):
        reader = csv.DictReader(handle)
        writer = csv.writer(target)
        fields = [f for f in reader.fieldnames or [] if f != "external_id"]
        header = ["counterparty_tax_id" if f == "counterparty" else f for f in fields]
        writer.writerow([*header, "number"] if kind == "payments" else header)
        for row in reader:
            row["counterparty"] = names[row["counterparty"]]
            if row.get("document"):
                row["document"] = numbers[row["document"]]
            values = [row[f] for f in fields]
            writer.writerow([*values, row["external_id"]] if kind == "payments" else values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--natural-first", action="store_true", help="files without ids first")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="dunwell-bench-nk-"))
    os.environ.setdefault("DUNWELL_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DUNWELL_DATA_DIR"] = str(scratch)
    os.environ.setdefault("DUNWELL_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dunwell.demo.generator import generate
    from dunwell.ledger.importing import import_file
    from dunwell.ledger.services import create_company

    call_command("migrate", verbosity=0)
    data = scratch / "data"
    generate(
        data,
        debtors=max(1, args.documents // 10),
        documents=args.documents,
        seed=args.seed,
        as_of=date(2026, 6, 30),
    )
    with (data / "counterparties.csv").open(encoding="utf-8") as handle:
        names = {row["external_id"]: row["tax_id"] for row in csv.DictReader(handle)}
    with (data / "documents.csv").open(encoding="utf-8") as handle:
        numbers = {row["external_id"]: row["number"] for row in csv.DictReader(handle)}
    for kind in ("documents", "payments"):
        without_ids(data / f"{kind}.csv", scratch / f"{kind}-nk.csv", names, kind, numbers)

    companies = {
        code: create_company(code=code, name=code, country="RO", currency="RON")
        for code in ("ids", "natural")
    }
    import_file("users", data / "users.csv")
    for company in companies.values():
        for kind in ("counterparties", "contracts"):
            import_file(kind, data / f"{kind}.csv", company=company)

    def timed(label: str, kind: str, path: Path, code: str) -> float:
        started = time.perf_counter()
        result = import_file(kind, path, company=companies[code])
        seconds = time.perf_counter() - started
        rows = result.created + result.updated + result.unchanged
        print(
            f"  {label:<28} {rows:>9,} rows {seconds:7.2f} s {rows / seconds:>9,.0f} rows/s "
            f"(+{result.created:,} ~{result.updated:,} ={result.unchanged:,})"
        )
        return seconds

    print(f"database: {connection.vendor}, {args.documents:,} documents")
    figures = {}
    for kind in ("documents", "payments"):
        runs = [
            ("ids", f"{kind} with ids", data / f"{kind}.csv", "ids"),
            ("nk", f"{kind} without ids", scratch / f"{kind}-nk.csv", "natural"),
        ]
        # The second load of a kind meets bigger tables and indexes: --natural-first swaps
        # the order to see how much of a difference that makes.
        for key, label, path, code in reversed(runs) if args.natural_first else runs:
            figures[kind, key] = timed(label, kind, path, code)
    for kind in ("documents", "payments"):
        figures[kind, "ids again"] = timed(
            f"{kind} with ids, again", kind, data / f"{kind}.csv", "ids"
        )
        figures[kind, "nk again"] = timed(
            f"{kind} without ids, again", kind, scratch / f"{kind}-nk.csv", "natural"
        )
    from django.db.models import Sum

    from dunwell.ledger.models import Document

    for code, company in companies.items():
        per_currency = (
            Document.objects.filter(company=company)
            .values_list("currency")
            .annotate(s=Sum("open_amount"))
            .order_by("currency")
        )
        # SQLite sums decimals as floats: rounded to cents for the comparison.
        amounts = ", ".join(f"{currency} {total:.2f}" for currency, total in per_currency)
        print(f"  open amounts in company {code}: {amounts}")
    for kind in ("documents", "payments"):
        print(
            f"  {kind}: without ids / with ids = "
            f"{figures[kind, 'nk'] / figures[kind, 'ids']:.2f}x first import, "
            f"{figures[kind, 'nk again'] / figures[kind, 'ids again']:.2f}x re-import"
        )


if __name__ == "__main__":
    main()
