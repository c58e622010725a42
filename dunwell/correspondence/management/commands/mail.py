"""`dunwell mail fetch`: read the IMAP mailboxes of DUNWELL_IMAP_URL once (the worker does it
every minute) and print what came in.

dunwell mail fetch [--imap-url URL]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.correspondence import inbound
from dunwell.correspondence.imap_urls import ImapUrlError, parse_imap_urls


class Command(BaseCommand):
    help = "Incoming mail: fetch new messages from the IMAP mailboxes once."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fetch = actions.add_parser("fetch", help="read the mailboxes once and print a summary")
        fetch.add_argument(
            "--imap-url", default=None, help="read these mailboxes instead of DUNWELL_IMAP_URL"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = (
                parse_imap_urls(options["imap_url"])
                if options.get("imap_url")
                else inbound.configured_accounts()
            )
        except ImapUrlError as exc:
            raise CommandError(str(exc)) from None
        if not accounts:
            raise CommandError("no mailbox: set DUNWELL_IMAP_URL (docs/mail.md)")
        result = inbound.poll_all(accounts)
        self.stdout.write(inbound.summary(result))
        for error in result.errors:
            self.stderr.write(error)
        if result.errors:
            raise CommandError(f"{len(result.errors)} mailbox(es) could not be read")
