"""`dunwell pbx asterisk`: the long-running Asterisk worker (its own process, like the worker):
stay logged in to the manager interface of DUNWELL_AMI_URL, turn the call events into call
records, reconnect with backoff when the connection drops; SIGTERM or SIGINT log off cleanly.

dunwell pbx asterisk [--ami-url URL] [--country XX]
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ledger.models import Company
from dunwell.telephony import ami, asterisk
from dunwell.telephony.secrets import provider_secret

log = logging.getLogger("dunwell.telephony.asterisk")


class Command(BaseCommand):
    help = "Telephone exchange workers: follow Asterisk's call events (AMI)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("asterisk", help="follow Asterisk's AMI events until stopped")
        run.add_argument("--ami-url", default=None, help="instead of DUNWELL_AMI_URL")
        run.add_argument(
            "--country",
            default=None,
            help="read national numbers with this country's code (default: the first company's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options.get("ami_url") or provider_secret("DUNWELL_AMI_URL")
        if not url:
            raise CommandError("no AMI address: set DUNWELL_AMI_URL (docs/telephony.md)")
        try:
            config = ami.parse_ami_url(url)
        except ValueError as exc:
            raise CommandError(f"DUNWELL_AMI_URL: {exc}") from None
        country = options.get("country")
        if country is None:
            company = Company.objects.order_by("pk").first()
            country = company.country if company else ""
        tracker = asterisk.CallTracker(settings.DUNWELL_AMI_TRUNK_PREFIXES)
        self.stdout.write(f"following {config} (Ctrl-C or SIGTERM to stop)")
        try:
            asyncio.run(self._serve(config, tracker, country.upper()))
        except ami.AmiLoginError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("stopped")

    async def _serve(
        self, config: ami.AmiConfig, tracker: asterisk.CallTracker, country: str
    ) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await asterisk.serve(config, stop, tracker=tracker, country=country)
