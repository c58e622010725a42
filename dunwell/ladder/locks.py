"""One `dunwell run` per day and shard at a time.

PostgreSQL: a session advisory lock keyed by the day and the shard (released when the run ends
or its connection dies). SQLite (one machine by nature): an exclusive `flock` on a file in
DUNWELL_DATA_DIR, released by the kernel when the process dies.

`wait=False` raises RunInProgress when another run holds the lock; `wait=True` blocks until it
is free (the worker's retries)."""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection

NAMESPACE = 0x44554E57  # "DUNW": this application's advisory locks


class RunInProgress(RuntimeError):
    """Another run for the same day and shard holds the lock."""

    def __init__(self, as_of: date, shard: tuple[int, int]) -> None:
        self.as_of = as_of
        self.shard = shard
        super().__init__(
            f"a run for {as_of.isoformat()} (shard {shard[0]}/{shard[1]}) is in progress; "
            "wait for it to finish (or use --wait)"
        )


def _key(as_of: date, shard: tuple[int, int]) -> int:
    """A signed 32-bit key for the day and the shard."""
    digest = zlib.crc32(f"run:{as_of.isoformat()}:{shard[0]}/{shard[1]}".encode())
    return digest - (1 << 32) if digest >= (1 << 31) else digest


@contextmanager
def run_lock(as_of: date, shard: tuple[int, int] = (1, 1), *, wait: bool = False) -> Iterator[None]:
    if connection.vendor == "postgresql":
        with _advisory(as_of, shard, wait):
            yield
    else:
        with _file_lock(as_of, shard, wait):
            yield


@contextmanager
def _advisory(as_of: date, shard: tuple[int, int], wait: bool) -> Iterator[None]:
    key = _key(as_of, shard)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, key])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
            if not cursor.fetchone()[0]:
                raise RunInProgress(as_of, shard)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, key])


def lock_dir() -> Path:
    path = Path(getattr(settings, "DATA_DIR", ".")) / "locks"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _file_lock(as_of: date, shard: tuple[int, int], wait: bool) -> Iterator[None]:
    path = lock_dir() / f"run-{as_of.isoformat()}-{shard[0]}-of-{shard[1]}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(as_of, shard) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


__all__ = ["RunInProgress", "run_lock"]
