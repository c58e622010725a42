"""`dunwell demo`: the demo company with its staff and a realistic generated ledger."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.demo.setup import (
    DEMO_SEED,
    ensure_company,
    ensure_users,
    generate_demo_data,
    load_demo_data,
    train_prediction,
)

# runserver's own default, used when neither --addr nor make run's variables say otherwise.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = "8000"
# A server listening on every interface is opened in the browser through the loopback address.
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}  # noqa: S104


def site_url(addr: str = "") -> str:
    """The address the web server serves, to open in a browser.

    `addr` is what `--addr` was given, as runserver takes it ("9000", "0.0.0.0:9000",
    "[::1]:9000"); without it, `make run`'s HOST and PORT (passed on as DUNWELL_HOST and
    DUNWELL_PORT), else runserver's default. A bad port is a CommandError."""
    host = os.environ.get("DUNWELL_HOST", "") or DEFAULT_HOST
    port = os.environ.get("DUNWELL_PORT", "") or DEFAULT_PORT
    if addr:
        head, sep, tail = addr.rpartition(":")
        if sep and not head.endswith(":"):  # "host:port" (a bare IPv6 address has no port)
            host, port = head or host, tail
        elif addr.isdigit():
            port = addr
        else:
            host = addr
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"not a port number: {port!r} (give --addr [HOST:]PORT)")
    host = _WILDCARDS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{int(port)}/"


class Command(BaseCommand):
    help = "Create the demo company, its users and generated data (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--debtors", type=int, default=300)
        parser.add_argument("--documents", type=int, default=4000)
        parser.add_argument(
            "--no-run", action="store_true", help="do not run the pressure scale afterwards"
        )
        parser.add_argument(
            "--addr",
            default="",
            help="[HOST:]PORT the web server will serve, as given to runserver, for the "
            "address printed at the end (default: DUNWELL_HOST/DUNWELL_PORT, else "
            f"{DEFAULT_HOST}:{DEFAULT_PORT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from dunwell.ledger.importing import ImportRejected

        url = site_url(options["addr"])  # a bad address fails before any work
        started = time.perf_counter()
        as_of = timezone.localdate()
        out = settings.DATA_DIR / "demo"
        company = ensure_company()
        from dunwell.demo.fx_history import ensure_fx_history

        if added := ensure_fx_history():
            self.stdout.write(f"  exchange rates: {added} approximate monthly values for the demo")
        self.stdout.write(f"Generating {options['documents']:,} documents as of {as_of} in {out}")
        paths = generate_demo_data(
            out,
            debtors=options["debtors"],
            documents=options["documents"],
            as_of=as_of,
            language=company.language,
        )
        logins = ensure_users(paths["users"])
        self.stdout.write(f"Loading into {company.name}")
        try:
            admin = User.objects.filter(username="admin").first()
            load_demo_data(company, paths, user=admin, say=self.stdout.write)
        except ImportRejected as exc:
            lines = "\n".join(str(error) for error in exc.errors[:10])
            raise CommandError(f"the demo data was rejected:\n{lines}") from None
        from dunwell.credit.demo import seed_credit

        seeded = seed_credit(company, as_of, user=admin)
        self.stdout.write(
            f"  credit: {seeded['rules']} rule sets, {seeded['limits']} limits, "
            f"{seeded['orders']} orders"
        )
        from dunwell.demo.history import HISTORY_DAYS, seed_history

        history = seed_history(company, as_of, seed=DEMO_SEED)
        self.stdout.write(
            f"  calls of the last {HISTORY_DAYS} days: {history.calls} calls, "
            f"{history.promises} promises"
        )
        from dunwell.demo.past import PAST_WEEKS, seed_past

        past = seed_past(company, as_of, seed=DEMO_SEED, say=self.stdout.write)
        self.stdout.write(
            f"  the last {PAST_WEEKS} weeks: {past.runs} morning runs, {past.tasks_done} tasks "
            f"done ({past.tasks_late} late), {past.cases} legal cases, "
            f"{past.pretensions_sent} pretensions sent, {past.lawsuits} lawsuits filed, "
            f"{past.notices_read} notices read"
        )
        from dunwell.demo.calls import seed_calls

        calls = seed_calls(company, as_of, seed=DEMO_SEED)
        self.stdout.write(
            f"  telephone calls: {calls.outgoing} outgoing, {calls.incoming} incoming, "
            f"{calls.missed} missed"
        )
        from dunwell.demo.inbox import seed_inbox

        inbox = seed_inbox(company, as_of)
        self.stdout.write(
            f"  received emails: {inbox.matched} on debtors, {inbox.triage} to triage"
        )
        if "run" in get_commands() and not options["no_run"]:
            self.stdout.write("Running the pressure scale for today")
            call_command("run", stdout=self.stdout, stderr=self.stderr)
        # After the history and today's run: the model learns from the promises broken so far.
        began = time.perf_counter()
        model, scored = train_prediction(as_of)
        self.stdout.write(
            f"Payment prediction: {f'trained {model.name}' if model else 'model kept'}, "
            f"{scored if scored is not None else 'no'} open documents scored "
            f"({time.perf_counter() - began:.1f} s)"
        )
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s\n")
        width = max(len(login.username) for login in logins)
        self.stdout.write(f"{'username'.ljust(width)}  {'password'.ljust(12)}  role")
        for login in logins:
            self.stdout.write(
                f"{login.username.ljust(width)}  {login.password.ljust(12)}  {login.role}"
            )
        self.stdout.write(f"\nOpen {url} and sign in with one of the logins above.")
