"""`dunwell pbx asterisk`: the long-running Asterisk worker (its own process, like the worker):
stay logged in to the manager interface of DUNWELL_AMI_URL, turn the call events into call
records, reconnect with backoff when the connection drops; SIGTERM or SIGINT log off cleanly.

`dunwell pbx route-server`: the dialplan's routing endpoint on an event loop, answered from
memory (`telephony/route_server.py`); SIGTERM or SIGINT stop it.

dunwell pbx asterisk [--ami-url URL] [--country XX]
dunwell pbx route-server [--bind 127.0.0.1:8081]
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.ledger.models import Company
from dunwell.telephony import ami, asterisk, route_server
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

        server = actions.add_parser(
            "route-server", help="answer the dialplan's routing requests from memory"
        )
        server.add_argument("--bind", default="127.0.0.1:8081", help="host:port to listen on")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "route-server":
            self._route_server(options["bind"])
            return
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

    def _route_server(self, bind: str) -> None:
        try:
            host, port = route_server.parse_bind(bind)
        except ValueError as exc:
            raise CommandError(f"--bind: {exc}") from None
        self.stdout.write(f"route server on {host}:{port} (Ctrl-C or SIGTERM to stop)")
        try:
            asyncio.run(self._serve_routes(host, port))
        except OSError as exc:  # the address is taken or not ours
            raise CommandError(f"--bind {bind}: {exc.strerror or exc}") from None
        self.stdout.write("stopped")

    async def _serve_routes(self, host: str, port: int) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await route_server.RouteServer().serve(host, port, stop)

    async def _serve(
        self, config: ami.AmiConfig, tracker: asterisk.CallTracker, country: str
    ) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await asterisk.serve(config, stop, tracker=tracker, country=country)
