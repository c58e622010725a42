"""Web benchmark: the worklist and the debtor card under concurrent users (issue 15, item 6).

Loads a PostgreSQL database with set-based INSERT … SELECT generate_series (as fast as COPY
for synthetic rows): N debtors spread over the collectors, D open documents, and a day's
worth of tasks per collector. Then starts gunicorn (production settings) and runs three phases,
each user going round "My day", the card of one of its debtors, a global search (a name, a
document number, a code, a phone) and a filtered, sorted page of the debtor list:

1. cost: one user, no pause (a page's server time: p50 per page, target <= 15 ms);
2. users: U users who pause 2–5 s between pages, as a person clicks (p50/p95 per page;
   targets p95 <= 100 ms for the worklist, <= 150 ms for the card);
3. throughput: a closed loop of C users with no pause (the most requests/s the server serves).

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_bench \
        .venv/bin/python bench/web.py --documents 1000000 --debtors 100000 --users 50

The load generator runs in its own process at a lower priority (nice 10) than the server; the
report gives the CPU each used per request. The floor reported next to the figures is a bare
`SELECT 1` round trip through Django's connection (the cost no page can go under).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
os.environ.setdefault("DUNWELL_DEBUG", "1")
# The server must read the sessions this process signs: one key for both.
os.environ.setdefault("DUNWELL_SECRET_KEY", "bench-only-" + "k3y-" * 12)  # 50+ characters


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load(documents: int, debtors: int, collectors: int, tasks_per_collector: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dunwell.accounts.models import Role, User
    from dunwell.ledger.models import Company, Counterparty, Segment

    call_command("migrate", verbosity=0)
    if Counterparty.objects.filter(external_id__startswith="B").count() >= debtors:
        progress("ledger already loaded")
        load_tasks(tasks_per_collector * collectors)
        return
    progress("creating users")
    company, _ = Company.objects.get_or_create(
        code="bench",
        defaults={
            "name": "Bench Supply",
            "country": "RO",
            "currency": "RON",
            "time_zone": "Europe/Bucharest",
            "calendar_country": "RO",
        },
    )
    boss, _ = User.objects.get_or_create(username="bench-boss", defaults={"role": Role.SUPERVISOR})
    ids = []
    for n in range(collectors):
        user, _ = User.objects.get_or_create(
            username=f"bench-c{n:03d}", defaults={"role": Role.COLLECTOR, "supervisor": boss}
        )
        ids.append(user.pk)
    segment = Segment.objects.get(code="standard")
    first, step = min(ids), 1
    assert ids == list(range(first, first + collectors)), "collector ids must be consecutive"
    with connection.cursor() as cur:
        progress(f"inserting {debtors:,} debtors")
        cur.execute(
            """
            INSERT INTO ledger_counterparty (company_id, external_id, name, tax_id, country,
                language, time_zone, segment_id, collector_id, stop_shipments, legal,
                written_off, address, created_at, updated_at)
            SELECT %s, 'B' || g, 'Debtor ' || g || ' SRL', '', 'RO', 'ro', 'Europe/Bucharest',
                %s, %s + (g %% %s) * %s, false, false, false, '', now(), now()
            FROM generate_series(1, %s) g
            """,
            [company.pk, segment.pk, first, collectors, step, debtors],
        )
        cur.execute("SELECT min(id) FROM ledger_counterparty WHERE external_id LIKE 'B%%'")
        cp0 = cur.fetchone()[0]
        progress(f"inserting {documents:,} documents")
        cur.execute(
            """
            INSERT INTO ledger_document (company_id, counterparty_id, external_id, kind, number,
                date, due_date, amount, currency, accepted, open_amount, updated_at)
            SELECT %s, %s + (g %% %s), 'BD' || g, 'invoice', 'INV-' || g,
                current_date - (g %% 200), current_date - (g %% 200) + 30,
                100 + (g %% 5000), 'RON', (g %% 3) = 0, 100 + (g %% 5000), now()
            FROM generate_series(1, %s) g
            """,
            [company.pk, cp0, debtors, documents],
        )
    load_tasks(tasks_per_collector * collectors)
    progress("data loaded")


def load_tasks(count: int) -> None:
    """Today's open call tasks, each for a debtor of its assignee (round robin)."""
    from django.db import connection

    progress(f"inserting {count:,} tasks")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ladder_task WHERE key LIKE 'bench:%%'")
        cur.execute(
            """
            INSERT INTO ladder_task (counterparty_id, assignee_id, action, title, instructions,
                document_ids, due_at, amount, currency, amounts, status, result, skip_reason,
                approval_role, approval_comment, created_at, key)
            SELECT c.id, c.collector_id, 'call', 'Reminder call', '', d.ids,
                date_trunc('day', now()) + interval '9 hours' + (c.id %% 8) * interval '1 hour',
                d.total, 'RON', jsonb_build_object('RON', CAST(d.total AS text)), 'open', '', '',
                '', '', now(), 'bench:' || c.id
            FROM ledger_counterparty c
            -- as the daily run names them: the debtor's oldest open documents, their sum at stake
            CROSS JOIN LATERAL (
                SELECT array_agg(x.id ORDER BY x.id) AS ids, SUM(x.open_amount) AS total
                FROM (SELECT id, open_amount FROM ledger_document
                      WHERE counterparty_id = c.id AND open_amount > 0
                      ORDER BY due_date, id LIMIT 2) x
            ) d
            WHERE c.external_id LIKE 'B%%' AND c.collector_id IS NOT NULL AND d.ids IS NOT NULL
            ORDER BY c.id LIMIT %s
            """,
            [count],
        )
        cur.execute("ANALYZE")


def sessions(collectors: int) -> list[tuple[str, list[int]]]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from dunwell.accounts.models import User
    from dunwell.ladder.models import Task

    out = []
    for user in User.objects.filter(username__startswith="bench-c").order_by("pk")[:collectors]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]  # as a sign-in does
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        debtors = list(
            Task.objects.filter(assignee=user).values_list("counterparty_id", flat=True)[:20]
        )
        out.append((store.session_key or "", debtors))
    return out


def floor(samples: int = 200) -> float:
    from django.db import connection

    times = []
    for _ in range(samples):
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# What collectors type into the search box: part of a name, a document number, a debtor's code
# in the accounting system, a phone number as the debtor said it.
SEARCHES = ("Debtor%204217", "INV-88421", "B9931", "0721%20234%20567", "debtor%2012")
# Debtor list views as collectors use them (issue 16): the default order, a bucket, an amount
# range in one currency, flags, and a later page.
LISTS = (
    "",
    "?bucket=90%2B&sort=-days",
    "?currency=EUR&amount_min=1000&sort=-total",
    "?overdue=1&no_decider=1&sort=name",
    "?sort=-overdue&page=3",
)


def drive(
    port: int,
    users: list[tuple[str, list[int]]],
    seconds: float,
    think: tuple[float, float] = (0.0, 0.0),
) -> dict[str, list[float]]:
    """Each user (a session and its debtors) in its own thread goes round the four pages for
    `seconds`, pausing a random `think` interval (seconds) after each answer, the first pause
    before its first page so that users do not start together. Latencies (ms) per page."""
    results: dict[str, list[float]] = {
        "worklist": [],
        "debtor": [],
        "search": [],
        "list": [],
        "errors": [],
    }
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user_loop(session: str, debtors: list[int]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
        i = 0
        pause = random.Random(session)
        if think[1]:
            time.sleep(pause.uniform(0, think[1]))
        while time.monotonic() < deadline:
            page = ("worklist", "debtor", "search", "list")[i % 4]
            if page == "worklist":
                path = "/work/day/"
            elif page == "debtor":
                path = f"/work/debtors/{debtors[i % len(debtors)]}/"
            elif page == "search":
                path = f"/search/?q={SEARCHES[i % len(SEARCHES)]}"
            else:
                path = f"/work/debtors/{LISTS[(i // 4) % len(LISTS)]}"
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                results[page if ok else "errors"].append(elapsed)
            i += 1
            if think[1]:
                time.sleep(min(pause.uniform(*think), max(deadline - time.monotonic(), 0)))

    threads = [threading.Thread(target=user_loop, args=u) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def drive_niced(
    port: int,
    users: list[tuple[str, list[int]]],
    seconds: float,
    think: tuple[float, float],
) -> tuple[dict[str, list[float]], float]:
    """`drive` in a forked process at nice 10 (below the server): its latencies, and the CPU
    seconds the load generator used."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()

    def child() -> None:
        os.nice(10)
        before = resource.getrusage(resource.RUSAGE_SELF)
        results = drive(port, users, seconds, think)
        after = resource.getrusage(resource.RUSAGE_SELF)
        used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        out.put((results, used))

    process = context.Process(target=child)
    process.start()
    results, used = out.get()
    process.join()
    return results, used


PAGES = (("worklist", 100), ("debtor", 150), ("search", 100), ("list", 100))


def phase(
    title: str,
    port: int,
    workers: list[int],
    users: list[tuple[str, list[int]]],
    seconds: float,
    think: tuple[float, float],
    targets: dict[str, str],
) -> None:
    """Run one phase and print its figures: per page n, p50, p95, max (and the target), the
    requests per second, the CPU per request of the server and of the load generator."""
    from bench.common import cpu_seconds_of, load_average, machine_busy_seconds

    progress(f"{title}: {len(users)} user(s) for {seconds:.0f} s")
    load_before = load_average()
    busy, served = machine_busy_seconds(), cpu_seconds_of(workers)
    began = time.monotonic()
    results, driver = drive_niced(port, users, seconds, think)
    wall = time.monotonic() - began
    busy_after, served_after = machine_busy_seconds(), cpu_seconds_of(workers)
    requests = sum(len(results[page]) for page, _t in PAGES) + len(results["errors"])
    print(f"\n{title}: {len(users)} user(s), pause {think[0]:g}–{think[1]:g} s, {seconds:.0f} s")
    print(f"  load average before: {load_before}; after: {load_average()}")
    for page, _target in PAGES:
        values = results[page]
        print(
            f"  {page:9s} n={len(values):6d} p50={p(values, 0.5):7.1f} ms "
            f"p95={p(values, 0.95):7.1f} ms max={max(values, default=0):7.1f} ms"
            f"{targets.get(page, '')}"
        )
    print(f"  errors: {len(results['errors'])}; {requests / wall:.1f} requests/s")
    if requests:
        machine = (busy_after - busy) if busy is not None and busy_after is not None else 0.0
        print(
            f"  CPU per request: server {(served_after - served) * 1000 / requests:.1f} ms, "
            f"load generator (nice 10) {driver * 1000 / requests:.1f} ms, "
            f"whole machine {machine * 1000 / requests:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--collectors", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=60, help="open tasks per collector today")
    parser.add_argument("--users", type=int, default=50, help="users who pause between pages")
    parser.add_argument("--seconds", type=float, default=60, help="the users' phase")
    parser.add_argument(
        "--think", default="2-5", help="pause between a user's pages, seconds (min-max)"
    )
    parser.add_argument("--cost-seconds", type=float, default=20, help="the one-user phase")
    parser.add_argument(
        "--closed-users", type=int, default=8, help="users without pause (throughput phase)"
    )
    parser.add_argument("--closed-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database used only for this benchmark")
    from bench.common import child_pids, start_gunicorn
    from bench.pgtune import describe

    low, _dash, high = args.think.partition("-")
    think = (float(low), float(high or low))
    load(args.documents, args.debtors, args.collectors, args.tasks)
    sessions_made = sessions(args.collectors)
    users = [sessions_made[i % len(sessions_made)] for i in range(args.users)]
    base = floor()
    from django.db import connections

    connections.close_all()  # the forked load generator must not share this connection
    server = start_gunicorn(args.workers, args.port)
    try:
        time.sleep(4)
        workers = child_pids(server.pid)
        progress("warming up")
        drive(args.port, users[:5], 3)
        print(
            f"\ndata: {args.documents:,} documents, {args.debtors:,} debtors, "
            f"{args.collectors} collectors x {args.tasks} tasks; gunicorn {args.workers} workers"
        )
        print(f"floor (SELECT 1 round trip): {base:.2f} ms")
        print(describe())
        phase(
            "cost",
            args.port,
            workers,
            users[:1],
            args.cost_seconds,
            (0.0, 0.0),
            {"worklist": " (target p50 <= 15 ms)", "debtor": " (target p50 <= 15 ms)"},
        )
        phase(
            "users",
            args.port,
            workers,
            users,
            args.seconds,
            think,
            {"worklist": " (target p95 <= 100 ms)", "debtor": " (target p95 <= 150 ms)"},
        )
        phase(
            "throughput",
            args.port,
            workers,
            users[: args.closed_users],
            args.closed_seconds,
            (0.0, 0.0),
            {},
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
