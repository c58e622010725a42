"""PostgreSQL settings for Dunwell (docs/deploy.md), applied to a benchmark's own cluster.

    python bench/pgtune.py show              # the settings and what the server has now
    python bench/pgtune.py apply [--restart] # ALTER SYSTEM, reload; restart for shared_buffers
    python bench/pgtune.py reset [--restart] # back to the server's defaults

The profile is the one docs/deploy.md recommends for a 2-core server with 8–24 GB of memory;
a test (tests/test_deploy_doc.py) keeps the two in step. CI never runs this: the test suite
must pass on an untuned server.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name -> value, for a 2-core server with 8–24 GB of memory (docs/deploy.md explains each).
SMALL: dict[str, str] = {
    "shared_buffers": "2GB",
    "effective_cache_size": "12GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
    "min_wal_size": "1GB",
    "checkpoint_completion_target": "0.9",
    "wal_compression": "lz4",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
    "jit": "off",
    "max_parallel_workers_per_gather": "1",
    "autovacuum_vacuum_scale_factor": "0.05",
    "autovacuum_analyze_scale_factor": "0.02",
}


def _cursor() -> object:
    from bench.common import setup_django

    setup_django(migrate=False)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to the benchmark's PostgreSQL database")
    return connection.cursor()


def current() -> list[tuple[str, str, str, bool]]:
    """(name, wanted, the server's value with its unit, restart pending) for each setting."""
    cursor = _cursor()
    rows = []
    for name, wanted in SMALL.items():
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT current_setting(%s), pending_restart FROM pg_settings WHERE name = %s",
            [name, name],
        )
        value, pending = cursor.fetchone()  # type: ignore[attr-defined]
        rows.append((name, wanted, value, pending))
    return rows


def describe() -> str:
    """One line for a benchmark's output: the settings it ran with, and a warning naming the
    ones that differ from docs/deploy.md's (or wait for a restart)."""
    rows = current()
    parts = [f"{name}={value}" for name, _wanted, value, _pending in rows]
    line = "PostgreSQL settings: " + ", ".join(parts)
    off = [name for name, wanted, value, pending in rows if pending or not same(wanted, value)]
    if off:
        line += (
            " — NOT the recommended settings (" + ", ".join(off) + "): "
            "`bench/pgtune.py apply --restart` applies them"
        )
    return line


def same(wanted: str, value: str) -> bool:
    """Whether the server's `value` is the setting `wanted` ("2GB" = "2048MB")."""
    if wanted.lower() == value.lower():
        return True
    sizes = {"kB": 1, "MB": 1024, "GB": 1024 * 1024, "TB": 1024 * 1024 * 1024}

    def kib(text: str) -> int | None:
        for unit, factor in sizes.items():
            if text.endswith(unit) and text[: -len(unit)].isdigit():
                return int(text[: -len(unit)]) * factor
        return None

    return kib(wanted) is not None and kib(wanted) == kib(value)


def _accepted(cursor: object, name: str, value: str) -> str:
    """`value`, or `on` for wal_compression on a server built without that method."""
    if name != "wal_compression":
        return value
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT enumvals FROM pg_settings WHERE name = %s", [name]
    )
    choices = cursor.fetchone()[0]  # type: ignore[attr-defined]
    if choices is None or value in choices:
        return value
    print(f"{name}: this server has no {value} ({', '.join(choices)}); using on")
    return "on"


def apply(reset: bool = False) -> None:
    cursor = _cursor()
    for name, value in SMALL.items():
        if reset:
            cursor.execute(f"ALTER SYSTEM RESET {name}")  # type: ignore[attr-defined]
        else:
            cursor.execute(  # type: ignore[attr-defined]
                f"ALTER SYSTEM SET {name} = %s", [_accepted(cursor, name, value)]
            )
    cursor.execute("SELECT pg_reload_conf()")  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["show", "apply", "reset"])
    parser.add_argument(
        "--restart",
        action="store_true",
        help="restart the local cluster (pg_ctlcluster 15 main restart) for shared_buffers",
    )
    args = parser.parse_args()
    if args.action != "show":
        apply(reset=args.action == "reset")
        if args.restart:
            from django.db import connection

            connection.close()  # the restart ends it; the listing below opens a new one
            subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)
    for name, wanted, value, pending in current():
        flag = " (restart pending)" if pending else ""
        print(f"{name:34s} {value:>10s}   recommended {wanted}{flag}")


if __name__ == "__main__":
    main()
