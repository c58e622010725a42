"""Benchmark of the daily ladder run on PostgreSQL (DESIGN §4).

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_ladderperf \
        .venv/bin/python bench/run.py --documents 1000000 --counterparties 100000

Loads synthetic open documents straight into the ledger tables with set-based SQL
(generate_series; due dates spread over the last 60 days and the next 20, amounts varied),
then times, each in a fresh subprocess (so peak memory is the run's own):
  floor   a full scan of the open documents (count + sum of open_amount);
  first   the first run for the day (decide + write tasks);
  rerun   the same day again, nothing changed.
With --shards N the first run is N processes at once, one shard each (the worker's --shards);
with --queue as well, the morning's N shards are enqueued as the worker's scheduler enqueues
them and N `dunwell db_worker` processes take them from the database queue.
With --runs N (N >= 3 for a median) the loaded database becomes a template: each first run
starts on a fresh copy of it (`CREATE DATABASE … TEMPLATE`, a CHECKPOINT, a pause), the
runs are printed with the load average before and after each, and their median; the re-run is
measured twice on the last copy (both printed, the second reported), and the copies are
dropped at the end (the role needs CREATEDB).
Each result line gives the load average before and after (bench/RESULTS.md's protocol: over
1.5 it says NOT QUIET) and the host's pure-Python speed is printed once.
WARNING: it empties the ledger, ladder, legal and outbox tables of the database it is given.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
os.environ.setdefault("DUNWELL_DEBUG", "1")
AS_OF = date(2026, 3, 16)

from bench.common import load_average, python_speed, settings_line  # noqa: E402 - after the path is set


def _setup() -> None:
    import django

    django.setup()


def load(documents: int, counterparties: int, subscribed: bool = False) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from dunwell.ledger.models import Company

    call_command("migrate", verbosity=0)
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE ladder_task, ladder_documentprogress, "
            "ladder_ladderevent, ladder_grace, ladder_promise_documents, ladder_promise, "
            "ladder_dispute_documents, ladder_dispute, ladder_agreementinstalment, "
            "ladder_agreement, ladder_counterpartypolicy, ladder_dailyrun, "
            "ledger_allocation, ledger_payment, ledger_timelineentry, ledger_document, "
            "ledger_contact, ledger_contractinstalment, ledger_contract, ledger_counterparty, "
            "ledger_nonworkingday, ledger_company, "
            # No database key ties the cases and their steps to their parents any more
            # (legal/0008), so the cascade does not reach them: named, or a reload keeps the
            # last run's cases (and its outbox events) and the next run writes into larger indexes.
            "legal_casestep, legal_legalcase, outbox_event CASCADE"
        )
        c.execute("DELETE FROM accounts_user WHERE username LIKE 'bench%%'")
        # Events are written only for kinds a webhook subscription lists (outbox.wanted):
        # `--subscribed` measures the run with one subscription listing every kind.
        c.execute("DELETE FROM webhooks_subscription WHERE url LIKE 'https://bench.invalid/%%'")
        if subscribed:
            c.execute(
                "INSERT INTO webhooks_subscription (url, events, description, secret_sealed, "
                "active, created_at) VALUES ('https://bench.invalid/hook', %s::jsonb, "
                "'bench', '-', true, now() - interval '1 day')",
                [json.dumps(["task.created", "legal_case.stage_changed"])],
            )
        # Through the model, so that columns a later migration adds get their defaults (a raw
        # INSERT failed on the company's requisites, NOT NULL without a database default).
        company = Company.objects.create(
            name="Bench",
            country="RO",
            currency="RON",
            time_zone="Europe/Bucharest",
            calendar_country="RO",
            code="bench",
        ).pk
        c.execute(
            """INSERT INTO accounts_user (password, is_superuser, username, first_name,
               last_name, email, is_staff, is_active, date_joined, role, language, time_zone,
               extension)
               SELECT '', false, 'bench' || g, '', '', '', false, true, now(),
                      CASE WHEN g <= 5 THEN 'supervisor' WHEN g <= 8 THEN 'lawyer'
                           WHEN g = 9 THEN 'director' ELSE 'collector' END, 'en', 'UTC', ''
               FROM generate_series(1, 60) g"""
        )
        c.execute("SELECT id FROM accounts_user WHERE username LIKE 'bench%%' ORDER BY id")
        users = [r[0] for r in c.fetchall()]
        collectors = users[9:]
        c.execute(
            "UPDATE accounts_user SET supervisor_id = %s WHERE id = ANY(%s)",
            [users[0], collectors],
        )
        c.execute("SELECT id, code FROM ledger_segment")
        segments = {code: sid for sid, code in c.fetchall()}
        t = time.perf_counter()
        c.execute(
            """INSERT INTO ledger_counterparty (company_id, external_id, name, tax_id, country,
                 language, time_zone, segment_id, collector_id, sales_manager_id,
                 stop_shipments, legal, written_off, address, created_at, updated_at)
               SELECT %s, 'CP' || g, 'Debtor ' || g, '', 'RO', 'ro', 'Europe/Bucharest',
                      CASE WHEN g %% 10 = 0 THEN %s WHEN g %% 10 = 1 THEN %s ELSE %s END,
                      (%s::bigint[])[1 + g %% %s], NULL, false, false, false, '', now(), now()
               FROM generate_series(1, %s) g""",
            [company, segments["key"], segments["new"], segments["standard"], collectors,
             len(collectors), counterparties],
        )  # fmt: skip
        c.execute("SELECT min(id) FROM ledger_counterparty")
        first_cp = c.fetchone()[0]
        c.execute(
            """INSERT INTO ledger_document (company_id, counterparty_id, contract_id,
                 external_id, kind, number, date, due_date, amount, currency, accepted,
                 accepted_on, open_amount, updated_at)
               SELECT %s, %s + (g %% %s), NULL, 'D' || g, 'invoice', 'INV-' || g,
                      %s::date - 90 + (g * 7919 %% 80)::int, %s::date - 60 + (g * 7919 %% 80)::int,
                      a, 'RON', true, NULL, CASE WHEN g %% 5 = 0 THEN round(a / 2, 2) ELSE a END,
                      now()
               FROM (SELECT g, round((100 + (g * 104729 %% 50000))::numeric, 2) AS a
                     FROM generate_series(1::bigint, %s) g) s""",
            [company, first_cp, counterparties, AS_OF, AS_OF, documents],
        )
        c.execute("ANALYZE")
        print(f"loaded {counterparties} counterparties, {documents} documents "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip


def phase(name: str) -> dict[str, Any]:
    _setup()
    from django.db import connection

    # The whole first run in one of the parallel modes, on this process's database (a copy).
    if name.startswith("queue:"):
        return measure_queue(int(name.split(":", 1)[1]))
    if name.startswith("parallel:"):
        return measure_parallel(int(name.split(":", 1)[1]))

    from dunwell.ladder.engine import parse_shard, run

    started = time.perf_counter()
    result: dict[str, Any] = {}
    if name == "floor":
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*), sum(open_amount) FROM ledger_document WHERE open_amount > 0"
            )
            result["rows"] = c.fetchone()[0]
    else:
        # "first" / "rerun" run the whole day; "shard:K/N" one shard of it (run in parallel).
        shard = parse_shard(name.split(":", 1)[1]) if name.startswith("shard:") else (1, 1)
        summary = run(AS_OF, shard=shard)
        result["examined"] = summary.documents_examined
        result["tasks"] = sum(summary.tasks_created.values())
    result["seconds"] = time.perf_counter() - started
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure(name: str, database_url: str | None = None) -> dict[str, Any]:
    env = dict(os.environ, DATABASE_URL=database_url or os.environ["DATABASE_URL"])
    before = load_average()
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = f"before {before}; after {load_average()}"
    return result


def _server(url: str) -> Any:
    """A connection to the server's maintenance database (copies are made from there)."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def measure_copies(runs: int, pause: float, first: str = "first") -> list[dict[str, Any]]:
    """`runs` first runs, each on a fresh copy of the loaded database (made a template);
    `first` is the phase that runs them (one process, `parallel:N` or `queue:N`)."""
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    source = urlsplit(url).path.lstrip("/")
    template, copy = f"{source}_tpl", f"{source}_copy"
    from django.db import connections

    connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source without sessions
    results = []
    with _server(url) as server:

        def drop(name: str) -> None:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

        def copy_of(original: str, name: str) -> None:
            drop(name)
            server.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(original)
                )
            )

        copy_of(source, template)
        try:
            for index in range(1, runs + 1):
                copy_of(template, copy)
                server.execute("CHECKPOINT")
                time.sleep(pause)  # the copy's own writes settle; the load average falls
                result = measure(first, _with_database(url, copy))
                print(f"first run {index} of {runs}: {result['seconds']:.2f} s ({result['load']})")
                results.append(result)
            # The re-run twice: at 1M the first one on a copy took 1.70 s where the same re-run
            # on the loaded database itself took 0.77 s (the copy's first reads of what the
            # first run wrote); the second is the figure reported.
            first_rerun = measure("rerun", _with_database(url, copy))
            print(f"re-run right after, on the copy: {first_rerun['seconds']:.2f} s")
            results.append(measure("rerun", _with_database(url, copy)))
        finally:
            drop(copy)
            drop(template)
    return results


def measure_parallel(shards: int) -> dict[str, Any]:
    """The first run as `shards` processes at once (the worker's `--shards N`): each runs
    its shard; the time is the slowest shard's (Python start-up excluded, as for one)."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--phase", f"shard:{k}/{shards}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(1, shards + 1)
    ]
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    return {
        "seconds": max(r["seconds"] for r in results),
        "examined": sum(r["examined"] for r in results),
        "tasks": sum(r["tasks"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
    }


def measure_queue(workers: int) -> dict[str, Any]:
    """The first run as the product runs it: the morning's `workers` shards claimed and
    enqueued as the worker's scheduler does (`ladder.tasks.claim_daily_run`), then taken from
    the database queue by `workers` `dunwell db_worker` processes started together. The time
    is from the first shard's start to the last shard's finish, as the shards record them."""
    from django.db import transaction

    from dunwell.ladder.models import DailyRun
    from dunwell.ladder.tasks import claim_daily_run

    with transaction.atomic():
        claim_daily_run(AS_OF, workers, None)
    before = load_average()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dunwell", "db_worker"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while DailyRun.objects.filter(as_of=AS_OF, finished_at=None).exists():
            if all(p.poll() is not None for p in procs):
                sys.exit("the workers stopped before the run finished")
            time.sleep(0.2)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
    rows = list(DailyRun.objects.filter(as_of=AS_OF))
    started = min(r.started_at for r in rows if r.started_at is not None)
    finished = max(r.finished_at for r in rows if r.finished_at is not None)
    return {
        "seconds": (finished - started).total_seconds(),
        "examined": sum(r.summary.get("documents_examined", 0) for r in rows),
        "tasks": sum(sum(r.summary.get("tasks_created", {}).values()) for r in rows),
        "peak_mib": 0.0,  # the workers' own; not measured here
        "load": f"before {before}; after {load_average()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--counterparties", type=int, default=100_000)
    parser.add_argument(
        "--shards", type=int, default=1, help="first run as N shard processes at once"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="first runs, each on a fresh copy (median of N)"
    )
    parser.add_argument(
        "--pause", type=float, default=20, help="seconds of rest before each run on a copy"
    )
    parser.add_argument(
        "--queue",
        action="store_true",
        help="with --shards N: the first run through the task queue, N db_worker processes",
    )
    parser.add_argument(
        "--subscribed",
        action="store_true",
        help="a webhook subscription lists the run's events (task.created, legal stages); "
        "not with --queue, whose workers would then deliver them during the run",
    )
    parser.add_argument("--phase")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase)))
        return
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("bench/run.py needs DATABASE_URL=postgres://… (it empties that database)")
    print(f"this machine's speed now: {python_speed()}")
    load(args.documents, args.counterparties, args.subscribed)
    print("webhook subscription to the run's events: " + ("yes" if args.subscribed else "no"))
    print(settings_line())
    floor = measure("floor")
    mode = "first"
    if args.shards > 1:
        mode = f"{'queue' if args.queue else 'parallel'}:{args.shards}"
    if args.runs > 1:
        # Each mode on each copy: before, `--runs` measured one process whatever `--shards`
        # and `--queue` said.
        *firsts, rerun = measure_copies(args.runs, args.pause, mode)
        first = dict(firsts[-1], seconds=median(f["seconds"] for f in firsts))
        first["load"] = f"median of {args.runs} runs on fresh copies"
    else:
        first = measure(mode)
        rerun = measure("rerun")
    floor2 = measure("floor")
    base = min(floor["seconds"], floor2["seconds"])
    print(f"floor (full scan of open documents): {base:.2f} s ({int(floor['rows'])} rows)")
    first_label = "first run" if args.shards == 1 else f"first run, {args.shards} shards at once"
    if args.queue:
        first_label = f"first run through the queue, {args.shards} worker(s)"
    for label, r in ((first_label, first), ("re-run", rerun)):
        print(
            f"{label}: {r['seconds']:.2f} s = {r['seconds'] / base:.1f}× floor, "
            f"examined {int(r['examined'])}, tasks {int(r['tasks'])}"
            + (f", peak {r['peak_mib']:.0f} MiB" if r["peak_mib"] else "")
            + f" ({r.get('load', '')})"
        )
    print(f"this machine's speed now: {python_speed()}")


if __name__ == "__main__":
    main()
