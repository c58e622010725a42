"""Helpers for the benchmarks: Django set-up on a chosen database, timing, peak memory, fast
bulk loading (COPY on PostgreSQL) and a plain report.

Benchmarks are scripts, not tests: `python bench/<name>.py --help`. They wipe the ledger of the
database they run on, so point DATABASE_URL at a database you can spare.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def setup_django(database_url: str | None = None, *, migrate: bool = True) -> None:
    """Configure Django on `database_url` (None: the environment's DATABASE_URL, else a fresh
    SQLite file in a scratch folder) and migrate it. Never the installation's own SQLite file:
    the benchmarks empty the ledger they run on, and `aging_bench.py` and `metrics.py` run
    without a database named emptied the demo's."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url is not None:
        os.environ["DATABASE_URL"] = database_url
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("DUNWELL_DATA_DIR", tempfile.mkdtemp(prefix="dunwell-bench-"))
    os.environ.setdefault("DUNWELL_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"


@dataclass
class Timing:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Timing]:
    timing = Timing()
    started = time.perf_counter()
    try:
        yield timing
    finally:
        timing.seconds = time.perf_counter() - started


def median_of(function: Callable[[], T], repeat: int = 3) -> tuple[float, float, T]:
    """(first, median) wall time in seconds over `repeat` calls, and the last result: the
    median is the figure reported (bench/RESULTS.md's protocol), the first shows the cold
    cost."""
    times: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    assert result is not None
    return times[0], statistics.median(times), result


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def python_peak_mib(function: Callable[[], Any]) -> float:
    """Peak Python heap allocated while `function` runs (tracemalloc; slows it down, so do not
    time the same call)."""
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
            text = text.replace(raw, escaped)
    return text


def bulk_load(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = 20_000
) -> int:
    """Append rows to `table`: COPY FROM STDIN on PostgreSQL, executemany on SQLite.
    Returns the number of rows."""
    from django.db import connection, transaction

    count = 0
    column_list = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor
            with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                lines: list[str] = []
                for row in rows:
                    lines.append("\t".join(_copy_text(v) for v in row))
                    count += 1
                    if len(lines) >= batch:
                        copy.write("\n".join(lines) + "\n")
                        lines.clear()
                if lines:
                    copy.write("\n".join(lines) + "\n")
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
            chunk: list[Sequence[Any]] = []
            for row in rows:
                chunk.append(row)
                count += 1
                if len(chunk) >= batch:
                    cursor.executemany(sql, chunk)
                    chunk.clear()
            if chunk:
                cursor.executemany(sql, chunk)
    return count


# Tables whose rows name a document without a database key to it (ladder/0010): TRUNCATE …
# CASCADE does not reach them, and with the ids restarted, a reload's documents would inherit
# the last run's progress rows.
UNKEYED = ("ladder_documentprogress",)


def wipe_ledger() -> None:
    """Empty the ledger tables (and what hangs off them) of the benchmark database."""
    from django.apps import apps
    from django.db import connection

    ledger_tables = [
        model._meta.db_table
        for model in apps.get_app_config("ledger").get_models()
        if model._meta.db_table not in {"ledger_segment"}
    ] + list(UNKEYED)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(ledger_tables)} RESTART IDENTITY CASCADE")
        else:
            # Children first; SQLite has no TRUNCATE … CASCADE.
            order = [
                "ledger_allocation",
                "ledger_payment",
                "ledger_document",
                "ledger_contractinstalment",
                "ledger_contract",
                "ledger_contact",
                "ledger_timelineentry",
            ]
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in order + [t for t in ledger_tables if t not in order]:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            cursor.execute("PRAGMA foreign_keys = ON")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@dataclass
class Report:
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str, value: str) -> None:
        self.lines.append((label, value))
        print(f"  {label}: {value}", flush=True)

    def render(self) -> str:
        width = max((len(label) for label, _ in self.lines), default=0)
        body = "\n".join(f"{label.ljust(width)}  {value}" for label, value in self.lines)
        return f"{self.title}\n{body}\n"


def load_average() -> str:
    """The 1/5/15-minute load average, and a warning when the machine is not quiet (> 1.5):
    figures taken under load say so (bench/RESULTS.md's protocol)."""
    one, five, fifteen = os.getloadavg()
    note = "" if one <= 1.5 else " — NOT QUIET: figures taken under load"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}{note}"


def settings_line() -> str:
    """The PostgreSQL settings a benchmark runs with (bench/pgtune.py), warning when they are
    not docs/deploy.md's; on SQLite, which database it is."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return describe_database()
    from bench.pgtune import describe

    return describe()


def python_speed() -> str:
    """This machine's single-core speed right now: the CPU time of a fixed pure-Python loop
    (10 million multiply-adds). It drifts by a third or more from one hour to the next on this
    kind of shared machine; comparing it explains figures that moved without a code change."""
    began = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i * i
    return f"{time.process_time() - began:.2f} s for 10M multiply-adds in pure Python"


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine spent busy so far (all cores; Linux /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_of(pids: Iterable[int]) -> float:
    """User + system CPU seconds of the processes `pids` so far (Linux /proc; a process that
    has ended counts nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    """The processes `pid` started (a server's workers)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(x) for x in found.stdout.split()]


def start_gunicorn(workers: int, port: int, **env: str) -> subprocess.Popen[bytes]:
    """gunicorn serving Dunwell on 127.0.0.1:`port` with `workers` sync workers and production
    settings over plain http on loopback (no https redirect, cookies over http); `env` adds or
    overrides environment variables. The caller terminates it."""
    environment = dict(
        os.environ,
        DUNWELL_DEBUG="0",
        DUNWELL_SSL_REDIRECT="0",
        DUNWELL_SECURE_COOKIES="0",
        DUNWELL_LOG_LEVEL="WARNING",
    )
    environment.setdefault("DUNWELL_SECRET_KEY", "bench-only-" + "k3y-" * 12)  # 50+ characters
    environment.update(env)
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "dunwell.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--backlog=256",
        ],
        cwd=ROOT,
        env=environment,
    )
