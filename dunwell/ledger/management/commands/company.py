"""`dunwell company create`: one of our own companies, for a database without the demo
(docs/import-formats.md, "Starting from scratch")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ledger.services import CompanyError, create_company

OPTION = {
    "code": "--code",
    "name": "--name",
    "country": "--country",
    "currency": "--currency",
    "tax_id": "--tax-id",
    "time_zone": "--time-zone",
}


class Command(BaseCommand):
    help = (
        "Manage our own companies: `company create --code C --name N --country CC --currency CUR`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a company")
        create.add_argument("--code", required=True, help="short code, used by import files")
        create.add_argument("--name", required=True, help="legal name")
        create.add_argument("--country", required=True, help="ISO 3166 code, e.g. RO")
        create.add_argument("--currency", required=True, help="ISO 4217 code, e.g. RON")
        create.add_argument("--tax-id", default="", help="validated for the country")
        create.add_argument("--time-zone", default="", help="IANA name (default: from the country)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            company = create_company(
                code=options["code"],
                name=options["name"],
                country=options["country"],
                currency=options["currency"],
                tax_id=options["tax_id"],
                time_zone=options["time_zone"],
            )
        except CompanyError as exc:
            raise CommandError(f"{OPTION[exc.field]}: {exc.message}") from None
        self.stdout.write(
            f"Created company {company.code}: {company.name}, {company.country}, "
            f"{company.currency}, tax id {company.tax_id or '-'}, time zone "
            f"{company.time_zone}, working calendar {company.calendar_country}"
        )
