"""Named exclusive locks across processes: one daily run per day, one import per kind and
company at a time.

PostgreSQL: a session advisory lock keyed by a hash of the name (released at the end of the
block, or by the server when the connection dies). SQLite (one machine by nature): an exclusive
`flock` on a file in DUNWELL_DATA_DIR/locks, released by the kernel when the process dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

NAMESPACE = 0x44554E57  # "DUNW": this application's advisory locks


class LockBusy(RuntimeError):
    """Another process holds the lock (raised only with wait=False)."""


def _key(name: str) -> int:
    """A signed 32-bit key for the name."""
    value = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")
    return value - (1 << 32) if value >= (1 << 31) else value


@contextmanager
def exclusive(name: str, *, wait: bool) -> Iterator[None]:
    """Hold the lock `name` for the block; without `wait`, raise LockBusy if it is taken."""
    if connection.vendor == "postgresql":
        with _advisory(name, wait):
            yield
    else:
        with _file_lock(name, wait):
            yield


@contextmanager
def _advisory(name: str, wait: bool) -> Iterator[None]:
    key = _key(name)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, key])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
            row = cursor.fetchone()
            if not (row and row[0]):
                raise LockBusy(name)
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
def _file_lock(name: str, wait: bool) -> Iterator[None]:
    # Per database, as PostgreSQL's advisory locks are: two databases under one data folder
    # (the tests' parallel workers) do not hold each other's locks.
    # An in-memory database (the tests') lives in one process, under the same name in every
    # process: its locks are that process's own.
    owner = f"{connection.settings_dict['NAME']}"
    in_memory = getattr(connection, "is_in_memory_db", None)  # SQLite's wrapper has it
    if in_memory is not None and in_memory():
        owner += f"@{os.getpid()}"
    database = hashlib.sha256(owner.encode()).hexdigest()[:12]
    path = lock_dir() / f"{database}-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


__all__ = ["LockBusy", "exclusive"]
