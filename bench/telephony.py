"""Telephony benchmark (issue 12): latency of the routing endpoint the PBX asks on every incoming
call (`GET /telephony/route/?number=…`), p50/p95 at 100 concurrent lookups, against a real
local server (gunicorn). Target: p95 <= 50 ms.

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_tel \
        .venv/bin/python bench/telephony.py --debtors 100000 --concurrency 100

Without DATABASE_URL it runs on a fresh SQLite file (orientation only). The database named by
DATABASE_URL is migrated and its ledger emptied first: never point it at real data.

The data: N debtors spread over C collectors (each with an extension; a tenth of them absent
today, so their callers go to the team queue), one contact per debtor with a phone; a fifth of
the lookups are unknown numbers (default queue). The floor measured in the same run, on the
same server and connections, is the same address refused for a wrong token: the whole HTTP and
middleware path without a query.

`--server route-server` measures the event-loop route server instead
(`dunwell pbx route-server`, the same rule answered from memory; docs/telephony.md): the lookups
go to it, the floor is its refused token, and the screen-pop part still runs against gunicorn.

The load comes from wrk (Debian's `wrk`, `apt-get install wrk`) when it is installed: one wrk
thread holding `--concurrency` keep-alive connections, each sending its next lookup as soon as
the answer arrives, for `--seconds`; its latency percentiles are printed. `--client threads`
(the default without wrk) drives the lookups from Python threads instead; on 2 cores those
threads' own CPU time shows up in the latencies (the floor then sits above the target too).

Screen-pop latency (from a signed "ringing" webhook sent to the pop read from the collector's
open event stream) is measured by `bench/screen_pop.py` on the same running server, so both
figures come from one run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    Report,
    bulk_load,
    describe_database,
    load_average,
    setup_django,
    wipe_ledger,
)

TOKEN = "bench-routing-token-" + "r" * 24
PHONE_BASE = 40_720_000_000  # +40720000000 …: Romanian mobile numbers


def phone(n: int) -> str:
    return f"+{PHONE_BASE + n}"


def load(debtors: int, collectors: int) -> None:
    from django.utils import timezone

    from dunwell.accounts.models import Role, User
    from dunwell.ledger.models import Company, Counterparty, Segment
    from dunwell.telephony.models import Absence, TeamQueue

    wipe_ledger()
    User.objects.filter(username__startswith="bench-tel-").delete()
    company = Company.objects.create(
        name="Bench Telephony", code="bench-tel", country="RO", currency="RON",
        time_zone="Europe/Bucharest", calendar_country="RO",
    )  # fmt: skip
    boss = User.objects.create_user(username="bench-tel-boss", role=Role.SUPERVISOR)
    TeamQueue.objects.create(supervisor=boss, number="501", name="Bench team")
    team = [
        User.objects.create_user(
            username=f"bench-tel-c{n:03d}",
            role=Role.COLLECTOR,
            supervisor=boss,
            extension=str(100 + n),
            time_zone="Europe/Bucharest",
        )  # fmt: skip
        for n in range(collectors)
    ]
    today = timezone.localdate()
    for user in team[::10]:  # every tenth collector is on holiday
        Absence.objects.create(user=user, starts_on=today - timedelta(days=1),
                               ends_on=today + timedelta(days=3))  # fmt: skip
    segment = Segment.objects.get(code="standard")
    now = timezone.now()
    bulk_load(
        "ledger_counterparty",
        [
            "company_id",
            "external_id",
            "name",
            "tax_id",
            "country",
            "language",
            "time_zone",
            "segment_id",
            "collector_id",
            "stop_shipments",
            "legal",
            "written_off",
            "address",
            "created_at",
            "updated_at",
        ],  # fmt: skip
        (
            (
                company.pk,
                f"T{n:07d}",
                f"Debtor {n} SRL",
                "",
                "RO",
                "ro",
                "Europe/Bucharest",
                segment.pk,
                team[n % collectors].pk,
                False,
                False,
                False,
                "",
                now,
                now,
            )  # fmt: skip
            for n in range(debtors)
        ),
    )
    first = (
        Counterparty.objects.filter(company=company).order_by("pk").values_list("pk", flat=True)[0]
    )
    bulk_load(
        "ledger_contact",
        [
            "counterparty_id",
            "external_id",
            "name",
            "position",
            "orders",
            "accepts",
            "accountant",
            "decides_payments",
            "signs",
            "phone",
            "phone_alt",
            "email",
            "email_bad_reason",
            "email_opt_out",
            "language",
            "notes",
            "abusive",
        ],  # fmt: skip
        (
            (
                first + n,
                "",
                f"Contact {n}",
                "",
                False,
                False,
                True,
                False,
                False,
                phone(n),
                "",
                "",
                "",
                False,
                "",
                "",
                False,
            )  # fmt: skip
            for n in range(debtors)
        ),
    )
    from bench.common import analyze

    analyze()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def drive(
    port: int, numbers: list[str], concurrency: int, per_thread: int, token: str
) -> tuple[list[float], int]:
    """`concurrency` threads, each with its own keep-alive connection, each doing `per_thread`
    lookups back to back; the latencies in ms and the number of unexpected answers."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(concurrency)
    expected = 200 if token == TOKEN else 403

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        start.wait()
        for _ in range(per_thread):
            path = f"/telephony/route/?number={rng.choice(numbers).replace('+', '%2B')}"
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"X-Dunwell-Token": token})
                response = conn.getresponse()
                response.read()
                ok = response.status == expected
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append((time.perf_counter() - began) * 1000)
            bad += not ok
        conn.close()
        with lock:
            times.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors[0]


WRK_SCRIPT = """
local numbers = {%(numbers)s}
local token = "%(token)s"
local i = 0
request = function()
  i = i + 1
  local number = numbers[(i * 7919) %% #numbers + 1]
  return wrk.format("GET", "/telephony/route/?number=" .. number, {["X-Dunwell-Token"] = token})
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %%d %%.3f %%.3f %%.3f %%d %%d %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class WrkRun:
    requests: int
    p50: float
    p95: float
    max: float
    bad_status: int  # answers other than 2xx/3xx
    socket_errors: int


def drive_wrk(port: int, numbers: list[str], concurrency: int, seconds: int, token: str) -> WrkRun:
    """wrk holding `concurrency` keep-alive connections for `seconds`, each asking a lookup as
    soon as its previous answer arrived (one wrk thread: the second core serves)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(f'"{n.replace("+", "%2B")}"' for n in numbers)
        script.write(WRK_SCRIPT % {"numbers": quoted, "token": token})
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout=10s",
             "-s", script.name, f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(row for row in out.splitlines() if row.startswith("WRK "))
    n, p50, p95, top, bad, broken, timeouts = line.split()[1:]
    return WrkRun(int(n), float(p50), float(p95), float(top), int(bad), int(broken) + int(timeouts))


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/telephony/route/", headers={"X-Dunwell-Token": "x"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def thread_parts(port: int, numbers: list[str], args: argparse.Namespace) -> tuple[str, str]:
    floor, floor_errors = drive(port, numbers, args.concurrency, args.lookups, "wrong")
    times, errors = drive(port, numbers, args.concurrency, args.lookups, TOKEN)
    return (
        f"n={len(times)} at {args.concurrency} concurrent: p50={percentile(times, 0.5):.1f} ms"
        f" p95={percentile(times, 0.95):.1f} ms max={max(times, default=0):.1f} ms"
        f" errors={errors} (target p95 <= 50 ms)",
        f"p50={percentile(floor, 0.5):.1f} ms p95={percentile(floor, 0.95):.1f} ms"
        f" errors={floor_errors}",
    )


def wrk_parts(port: int, numbers: list[str], args: argparse.Namespace) -> tuple[str, str]:
    floor = drive_wrk(port, numbers, args.concurrency, args.seconds, "wrong")
    run = drive_wrk(port, numbers, args.concurrency, args.seconds, TOKEN)
    # The floor's answers are all 403 by design; the lookups' must all be 200.
    return (
        f"n={run.requests} in {args.seconds} s at {args.concurrency} concurrent"
        f" ({run.requests / args.seconds:,.0f}/s): p50={run.p50:.1f} ms p95={run.p95:.1f} ms"
        f" max={run.max:.1f} ms errors={run.bad_status + run.socket_errors}"
        " (target p95 <= 50 ms)",
        f"n={floor.requests} ({floor.requests / args.seconds:,.0f}/s): p50={floor.p50:.1f} ms"
        f" p95={floor.p95:.1f} ms refused={floor.bad_status} socket errors={floor.socket_errors}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--collectors", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=100, help="concurrent lookups")
    parser.add_argument("--lookups", type=int, default=20, help="lookups per concurrent client")
    parser.add_argument(
        "--client",
        choices=("wrk", "threads"),
        default="wrk" if shutil.which("wrk") else "threads",
        help="the load generator (default: wrk when installed)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk: seconds of load per part")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--server",
        choices=("gunicorn", "route-server"),
        default="gunicorn",
        help="what answers the routing lookups (default: the WSGI application under gunicorn)",
    )
    parser.add_argument("--route-port", type=int, default=8767, help="the route server's port")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="dunwell-tel-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DUNWELL_DATA_DIR"] = scratch
    os.environ.setdefault("DUNWELL_SECRET_KEY", "bench-only-" + "k3y-" * 12)
    os.environ["DUNWELL_PBX_ROUTING_TOKEN"] = TOKEN
    os.environ["DUNWELL_PBX_DEFAULT_QUEUE"] = "600"
    from bench.screen_pop import SECRET as ZADARMA_SECRET

    os.environ["DUNWELL_ZADARMA_SECRET"] = ZADARMA_SECRET  # the screen-pop part's webhooks
    setup_django()
    print(f"load average before: {load_average()}", flush=True)
    load(args.debtors, args.collectors)
    rng = random.Random(12)
    known = [phone(rng.randrange(args.debtors)) for _ in range(4000)]
    unknown = [f"+4079{rng.randrange(10**7):07d}" for _ in range(1000)]
    numbers = known + unknown

    env = dict(os.environ, DUNWELL_DEBUG="0", DUNWELL_SSL_REDIRECT="0",
               DUNWELL_SECURE_COOKIES="0", DUNWELL_LOG_LEVEL="ERROR")  # fmt: skip
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "dunwell.wsgi",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            f"--bind=127.0.0.1:{args.port}",
            "--log-level=warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: stopped with its workers below
    )
    router = None
    lookup_port = args.port
    if args.server == "route-server":
        router = subprocess.Popen(
            [sys.executable, "-m", "dunwell", "pbx", "route-server",
             f"--bind=127.0.0.1:{args.route_port}"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )  # fmt: skip
        lookup_port = args.route_port
    report = Report("Telephony: routing endpoint")
    try:
        wait_for(args.port)
        wait_for(lookup_port)
        drive(lookup_port, numbers, min(10, args.concurrency), 10, TOKEN)  # warm-up
        if args.client == "wrk":
            lookups_text, floor_text = wrk_parts(lookup_port, numbers, args)
        else:
            lookups_text, floor_text = thread_parts(lookup_port, numbers, args)
        screen_pop = None
        with contextlib.suppress(ModuleNotFoundError):
            screen_pop = importlib.import_module("bench.screen_pop")
        report.add("database", describe_database())
        report.add("data", f"{args.debtors:,} debtors, {args.collectors} collectors")
        report.add("server", f"gunicorn {args.workers} workers x {args.threads} threads")
        if router is not None:
            report.add("lookups answered by", "dunwell pbx route-server (in-memory table)")
        report.add("load generator", args.client)
        report.add("routing lookups", lookups_text)
        report.add("floor (same address, refused token)", floor_text)
        if screen_pop is not None:
            screen_pop.measure(args.port, report)
        else:
            report.add("screen pop", "not measured (bench/screen_pop.py absent)")
        report.add("load average after", load_average())
    finally:
        if router is not None:
            router.terminate()
            try:
                router.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(router.pid, signal.SIGKILL)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # an event stream still open keeps a worker busy
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    print()
    print(report.render())


if __name__ == "__main__":
    main()
