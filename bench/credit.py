"""Credit check benchmark (issue 13): p50/p95 of `POST /api/v1/credit-check` with 20 checks in
flight, over N open invoices.

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_credit \
        .venv/bin/python bench/credit.py --invoices 1000000

Without DATABASE_URL it runs on a fresh SQLite file (orientation only: SQLite writes one at a
time, and every check writes its log row). The database named by DATABASE_URL is migrated and
its ledger and credit tables emptied first (unless --reuse finds the same data): never point it
at real data.

The data: debtors with a limit (a quarter in EUR), a default rule set that reads every rule
(days overdue, paid-late history, broken promises, relationship age, legal case), open invoices
in RON and EUR (a third overdue), confirmed and shipped orders, and the day's EUR/RON rate. Each
check goes through the whole request path in-process (Django's test client: routing, token
authentication, the rate counter, JSON parsing, the service, the log row), from 20 threads with
their own database connections. The floor is an indexed read of one counterparty through the
same threads: the check's p95 over the floor's says what the check costs beyond a round trip.
Target: p95 <= 50 ms at 1M invoices on PostgreSQL.

In one process the 20 threads share one interpreter lock, as 20 threads of one web worker
would. `--processes N` runs the same checks in flight from N forked processes instead (each
with its share of the threads and its own connections), as N gunicorn workers on the machine's
cores would. The report adds the CPU a check costs: in the checking processes (Python) and on
the whole machine (Python, PostgreSQL, and whatever else runs: see the load average).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Report,
    bulk_load,
    child_pids,
    cpu_seconds_of,
    describe_database,
    load_average,
    machine_busy_seconds,
    peak_rss_mib,
    python_speed,
    setup_django,
    start_gunicorn,
    timed,
    wipe_ledger,
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def build(invoices: int, debtors: int) -> None:
    """The benchmark's ledger: debtors, invoices, orders, limits, rules, the EUR rate."""
    from django.db import connection
    from django.utils import timezone

    from dunwell.credit.models import CreditRuleSet
    from dunwell.interest.models import RateSeries, RateValue
    from dunwell.ledger.models import Company, Segment

    day = timezone.localdate()  # the checks ask about today
    wipe_ledger()
    with connection.cursor() as cursor:
        for table in (
            "credit_ruleacknowledgement",
            "credit_creditapprovalrequest",
            "credit_creditcheck",
            "credit_creditlimit",
            "credit_creditruleset",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    company = Company.objects.create(
        name="Bench SRL",
        code="bench",
        country="RO",
        currency="RON",
        time_zone="Europe/Bucharest",
        calendar_country="RO",
    )
    segment = Segment.objects.get(code="standard")
    now = timezone.now()
    bulk_load(
        "ledger_counterparty",
        [
            "id",
            "company_id",
            "external_id",
            "name",
            "tax_id",
            "country",
            "language",
            "time_zone",
            "segment_id",
            "stop_shipments",
            "legal",
            "written_off",
            "address",
            "created_at",
            "updated_at",
        ],
        (
            (
                n + 1,
                company.pk,
                f"C{n:07d}",
                f"Debtor {n} SRL",
                "",
                "RO",
                "ro",
                "Europe/Bucharest",
                segment.pk,
                False,
                n % 97 == 0,
                False,
                "",
                now,
                now,
            )
            for n in range(debtors)
        ),
    )
    bulk_load(
        "ledger_document",
        [
            "company_id",
            "counterparty_id",
            "external_id",
            "kind",
            "number",
            "date",
            "due_date",
            "amount",
            "currency",
            "accepted",
            "open_amount",
            "cancelled",
            "updated_at",
        ],
        (
            (
                company.pk,
                n % debtors + 1,
                f"D{n:08d}",
                "invoice",
                f"F-{n}",
                day - timedelta(days=30 + n % 90),
                day - timedelta(days=n % 90 - 45),
                amount,
                "EUR" if n % 4 == 0 else "RON",
                False,
                amount,
                False,
                now,
            )
            for n in range(invoices)
            for amount in (Decimal(f"{100 + (n * 37) % 9_000}.{n % 100:02d}"),)
        ),
    )
    bulk_load(
        "ledger_order",
        [
            "company_id",
            "counterparty_id",
            "external_id",
            "number",
            "date",
            "amount",
            "currency",
            "status",
            "invoiced_amount",
            "updated_at",
        ],
        (
            (
                company.pk,
                n % debtors + 1,
                f"O{n:08d}",
                f"ZK-{n}",
                day,
                Decimal("750.00"),
                "RON",
                "shipped" if n % 2 else "confirmed",
                Decimal(0),
                now,
            )
            for n in range(max(invoices // 20, 1))
        ),
    )
    bulk_load(
        "credit_creditlimit",
        ["counterparty_id", "currency", "total", "valid_from", "source", "reason", "set_at"],
        (
            (
                n + 1,
                "EUR" if n % 4 == 0 else "RON",
                # Around a debtor's usual exposure: some checks pass, some do not.
                Decimal((150_000 + 10_000 * (n % 30)) // (5 if n % 4 == 0 else 1)),
                date(2026, 1, 1),
                "manual",
                "bench",
                now,
            )
            for n in range(debtors)
        ),
    )
    CreditRuleSet.objects.create(
        version=1,
        effective_from=date(2026, 1, 1),
        limit_currency="RON",
        min_relationship_days=30,
        max_days_overdue=60,
        max_broken_promises=2,
        new_customer_prepayment_percent=Decimal(30),
        created_at=now,
    )
    series, _ = RateSeries.objects.get_or_create(
        code="fx_eur_ron", defaults={"name": "EUR/RON", "update_cycle_days": 7}
    )
    RateValue.objects.get_or_create(
        series=series, effective_from=day - timedelta(days=1), defaults={"value": Decimal("4.977")}
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "ledger_counterparty",
                "ledger_document",
                "ledger_order",
                "credit_creditlimit",
            ):
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed names


def run(concurrency: int, count: int, one: Callable[[int], None]) -> tuple[list[float], float, int]:
    """Latencies (ms) of `count` calls of `one` from `concurrency` threads, wall seconds,
    errors."""
    from django.db import connections

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(start: int) -> None:
        try:
            for i in range(start, count, concurrency):
                began = time.perf_counter()
                try:
                    one(i)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors[0] += 1
                        if errors[0] <= 3:
                            print(f"  error: {exc!r}"[:300], flush=True)
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(elapsed)
        finally:
            connections.close_all()

    with timed() as wall, ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    return latencies, wall.seconds, errors[0]


def process_cpu_seconds() -> float:
    """User and system CPU time of this process (all its threads) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_in_processes(
    processes: int,
    concurrency: int,
    count: int,
    one: Callable[[int], None],
    tallies: Callable[[], tuple[dict[str, int], dict[str, int]]],
) -> tuple[list[float], float, int, float, list[dict[str, int]]]:
    """`run` split over `processes` forked processes: process k takes calls k, k + processes,
    ... with its share of the `concurrency` threads. Each warms up (one call) and opens its own
    connections before the clock starts. Latencies, wall seconds, errors, the processes' CPU
    seconds, and each process's tallies (decisions, reason codes)."""
    from django.db import connections

    connections.close_all()  # a forked child must not share its parent's connections
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes + 1)
    results = context.Queue()

    def child(k: int) -> None:
        mine = list(range(k, count, processes))
        threads = concurrency // processes + (1 if k < concurrency % processes else 0)
        one(mine[0])  # warm: this process's first connection
        connections.close_all()
        warm = tallies()
        barrier.wait()
        cpu = process_cpu_seconds()
        latencies, _wall, errors = run(threads, len(mine), lambda j: one(mine[j]))
        cpu = process_cpu_seconds() - cpu
        counted = [
            {key: n - before.get(key, 0) for key, n in after.items() if n > before.get(key, 0)}
            for before, after in zip(warm, tallies(), strict=True)
        ]
        results.put((latencies, errors, cpu, *counted))

    workers = [context.Process(target=child, args=(k,)) for k in range(processes)]
    for worker in workers:
        worker.start()
    barrier.wait()
    latencies: list[float] = []
    errors = 0
    cpu = 0.0
    merged: list[dict[str, int]] = [{}, {}]
    with timed() as wall:
        for _ in workers:
            lat, err, seconds, decisions, codes = results.get()
            latencies += lat
            errors += err
            cpu += seconds
            for into, part in zip(merged, (decisions, codes), strict=True):
                for key, n in part.items():
                    into[key] = into.get(key, 0) + n
    for worker in workers:
        worker.join()
    return latencies, wall.seconds, errors, cpu, merged


WRK_SCRIPT = """
-- Generated by bench/credit.py: POST the checks in turn, then print the latencies as JSON.
local bodies = {%(bodies)s}
local headers = {["Authorization"] = "Bearer %(secret)s", ["Content-Type"] = "application/json"}
local counter = 0
local threads = {}

setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

init = function(args)
  counter = offset * 7919
end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/credit-check", headers, bodies[counter %% #bodies + 1])
end

"""


FLOOR_SCRIPT = """
-- Generated by bench/credit.py: the floor, a request that does nothing (404).
request = function()
  return wrk.format("GET", "/telephony/route/?number=1")
end
"""

# Both scripts end with this: print wrk's figures as one JSON line.
WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %f, "non2xx": %d, "socket": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f, "max": %f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def over_http(
    args: argparse.Namespace, secret: str, bodies: list[str], report: Report
) -> dict[str, int]:
    """The checks through a real server: gunicorn with `--workers` processes and production
    settings (DEBUG off) on loopback, driven by wrk (C, closed loop: `--concurrency`
    connections, so that many checks in flight) at a lower priority (nice 10) than the server.
    Reports wrk's p50/p95/p99, and the CPU each side used per check. Returns the decisions
    logged during the measured run (read back from the log table)."""
    from django.db import connection

    from dunwell.credit.models import CreditCheck

    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("--server needs wrk (Debian: apt-get install wrk)")
    script = Path(tempfile.mkdtemp(prefix="dunwell-bench-wrk-")) / "checks.lua"
    script.write_text(
        WRK_SCRIPT % {"bodies": ", ".join(_lua_string(b) for b in bodies), "secret": secret}
        + WRK_DONE
    )
    connection.close()
    server = start_gunicorn(args.workers, args.port, DUNWELL_ALLOWED_HOSTS="127.0.0.1")

    def drive(seconds: float, lua: Path = script) -> dict[str, float]:
        done = subprocess.run(
            [
                "nice", "-n", "10", wrk, "-t2", f"-c{args.concurrency}", f"-d{seconds:g}s",
                "--timeout", "10s", "-s", str(lua), f"http://127.0.0.1:{args.port}",
            ],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
        if line is None:
            sys.exit(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")
        return json.loads(line[4:])

    # The floor, in the same run: the same server and load answering a request that does
    # nothing (the PBX routing path, 404 while no routing token is configured: no database).
    floor_script = script.with_name("floor.lua")
    floor_script.write_text(FLOOR_SCRIPT + WRK_DONE)

    try:
        time.sleep(3)
        drive(3)  # warm: each worker's imports, connection, prepared statements, caches
        floor_busy = machine_busy_seconds()
        floor = drive(5, floor_script)
        floor_busy_after = machine_busy_seconds()
        first = CreditCheck.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        connection.close()
        workers = child_pids(server.pid)
        report.add("load average before the measured run (after the warm-up)", load_average())
        busy, served = machine_busy_seconds(), cpu_seconds_of(workers)
        driver = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures = drive(args.seconds)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_after, served_after = machine_busy_seconds(), cpu_seconds_of(workers)
    finally:
        server.terminate()
        server.wait(timeout=20)
    checks = int(figures["requests"])
    report.add(
        "credit check over HTTP",
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms, "
        f"max {figures['max']:.1f} ms (target p95 <= 50 ms); "
        f"{checks / figures['seconds']:,.0f} checks/s over {figures['seconds']:.0f} s",
    )
    report.add("errors", f"{int(figures['non2xx']):,} non-2xx, {int(figures['socket']):,} socket")
    floor_rate = floor["requests"] / floor["seconds"]
    if floor["requests"] and floor_busy is not None and floor_busy_after is not None:
        report.add(
            "floor (same server, a request that does nothing)",
            f"{floor_rate:,.0f} requests/s, p95 {floor['p95']:.1f} ms, whole machine "
            f"{(floor_busy_after - floor_busy) * 1000 / floor['requests']:.2f} ms per request; "
            f"checks/s / floor = {checks / figures['seconds'] / floor_rate:.3f}",
        )
    report.add("this machine's speed now", python_speed())
    if checks:
        wrk_cpu = after.ru_utime + after.ru_stime - driver.ru_utime - driver.ru_stime
        machine = (busy_after - busy) if busy is not None and busy_after is not None else 0.0
        report.add(
            "CPU per check",
            f"server (gunicorn {args.workers} workers) "
            f"{(served_after - served) * 1000 / checks:.2f} ms, "
            f"wrk (nice 10) {wrk_cpu * 1000 / checks:.2f} ms, "
            f"whole machine {machine * 1000 / checks:.2f} ms (the rest: PostgreSQL)",
        )
    logged = CreditCheck.objects.filter(pk__gt=first).values_list("decision", flat=True)
    decisions: dict[str, int] = {}
    for decision in logged.iterator():
        decisions[decision] = decisions.get(decision, 0) + 1
    return decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--debtors", type=int, default=0, help="default: invoices / 50")
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="run the checks in flight from N processes (like N web workers), default 1",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data when it has the same size"
    )
    parser.add_argument(
        "--server",
        action="store_true",
        help="check over HTTP: gunicorn (production settings) driven by wrk, instead of the "
        "test client in this process",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (--server)")
    parser.add_argument("--seconds", type=float, default=20, help="measured run (--server)")
    parser.add_argument("--port", type=int, default=8766, help="--server's port")
    args = parser.parse_args()
    debtors = args.debtors or max(args.invoices // 50, 1)
    scratch = tempfile.mkdtemp(prefix="dunwell-bench-credit-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DUNWELL_DATA_DIR"] = scratch
    os.environ.setdefault("DUNWELL_LOG_LEVEL", "WARNING")
    os.environ["DUNWELL_API_RATE"] = "100000000"  # measure the check, not the rate limit
    os.environ["DUNWELL_ALLOWED_HOSTS"] = "testserver"
    setup_django()

    from django.test import Client

    from dunwell.accounts.models import Role, User
    from dunwell.ledger.models import Counterparty, Document
    from dunwell.restapi.tokens import create_token

    processes = max(1, min(args.processes, args.concurrency))
    report = Report(
        f"credit check, {args.invoices:,} open invoices, {debtors:,} debtors, "
        f"concurrency {args.concurrency}"
        + (f" from {processes} processes" if processes > 1 else "")
    )
    print(report.title, flush=True)
    report.add("database", describe_database())
    report.add("load average before", load_average())
    same = (
        args.reuse
        and Document.objects.count() == args.invoices
        and Counterparty.objects.count() == debtors
    )
    if not same:
        with timed() as built:
            build(args.invoices, debtors)
        report.add("data built", f"{built.seconds:.1f} s")
    user, _ = User.objects.get_or_create(
        username="bench-erp", defaults={"role": Role.FINANCE, "language": "en"}
    )
    # An order that needs approval notifies the credit controllers and the director, as in
    # any company that runs the checks (each in their own language).
    for name, role, language in (
        ("bench-director", Role.DIRECTOR, "ru"),
        ("bench-controller", Role.CREDIT_CONTROLLER, "ro"),
    ):
        User.objects.get_or_create(username=name, defaults={"role": role, "language": language})
    secret = create_token(user, ["credit:check"], name="bench").secret
    headers = {"Authorization": f"Bearer {secret}"}
    rng = random.Random(13)
    bodies = [
        json.dumps(
            {
                "counterparty": f"C{rng.randrange(debtors):07d}",
                "amount": f"{rng.randrange(100, 40_000)}.{rng.randrange(100):02d}",
                "currency": "RON" if i % 3 else "EUR",
                "order": f"B-{i}",
            }
        )
        for i in range(args.checks)
    ]
    if args.server:
        logged = over_http(args, secret, bodies, report)
        report.add("answers", ", ".join(f"{k} {v:,}" for k, v in sorted(logged.items())))
        report.add("peak memory (this process)", f"{peak_rss_mib():,.0f} MiB")
        report.add("load average after", load_average())
        return
    decisions: dict[str, int] = {}
    codes: dict[str, int] = {}
    local = threading.local()

    def client() -> Client:
        if not hasattr(local, "client"):
            local.client = Client()
        return local.client

    def check(i: int) -> None:
        response = client().post(
            "/api/v1/credit-check", bodies[i], content_type="application/json", headers=headers
        )
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} {response.content[:200]!r}")
        answer = response.json()
        decisions[answer["decision"]] = decisions.get(answer["decision"], 0) + 1
        for reason in answer["reasons"]:
            codes[reason["code"]] = codes.get(reason["code"], 0) + 1

    ids = list(Counterparty.objects.values_list("pk", flat=True)[:1000])

    def floor(i: int) -> None:
        Counterparty.objects.filter(pk=ids[i % len(ids)]).values_list("name", flat=True).first()

    check(0)  # warm: imports, the first connection, translations
    floor_lat, _floor_wall, _ = run(args.concurrency, args.checks, floor)
    decisions.clear()
    codes.clear()
    busy = machine_busy_seconds()
    if processes == 1:
        cpu = process_cpu_seconds()
        latencies, wall, errors = run(args.concurrency, args.checks, check)
        cpu = process_cpu_seconds() - cpu
    else:
        latencies, wall, errors, cpu, (got_decisions, got_codes) = run_in_processes(
            processes,
            args.concurrency,
            args.checks,
            check,
            lambda: (dict(decisions), dict(codes)),
        )
        decisions.update(got_decisions)
        codes.update(got_codes)
    busy_after = machine_busy_seconds()
    if latencies:
        p50, p95 = percentile(latencies, 0.50), percentile(latencies, 0.95)
        f95 = percentile(floor_lat, 0.95)
        report.add(
            "credit check",
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(latencies):.1f} ms "
            f"(target p95 <= 50 ms); {len(latencies) / wall:,.0f} checks/s",
        )
        report.add(
            "floor (one indexed read)",
            f"p50 {statistics.median(floor_lat):.2f} ms, p95 {f95:.2f} ms; "
            f"check p95 / floor p95 = {p95 / f95 if f95 else float('inf'):.0f}x",
        )
        machine = (
            f", whole machine {(busy_after - busy) * 1000 / len(latencies):.1f} ms"
            if busy is not None and busy_after is not None
            else ""
        )
        report.add(
            "CPU per check",
            f"checking process{'es' if processes > 1 else ''} "
            f"{cpu * 1000 / len(latencies):.1f} ms{machine}",
        )
    report.add("answers", ", ".join(f"{k} {v:,}" for k, v in sorted(decisions.items())))
    report.add("reasons", ", ".join(f"{k} {v:,}" for k, v in sorted(codes.items())))
    report.add("errors", f"{errors:,}")
    report.add("peak memory", f"{peak_rss_mib():,.0f} MiB")
    report.add("load average after", load_average())


if __name__ == "__main__":
    main()
