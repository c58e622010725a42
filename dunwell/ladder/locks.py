"""One `dunwell run` per day and shard at a time (dunwell.locks: a PostgreSQL advisory lock,
a file lock on SQLite).

`wait=False` raises RunInProgress when another run holds the lock; `wait=True` blocks until it
is free (the worker)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from dunwell.locks import LockBusy, exclusive


class RunInProgress(RuntimeError):
    """Another run for the same day and shard holds the lock."""

    def __init__(self, as_of: date, shard: tuple[int, int]) -> None:
        self.as_of = as_of
        self.shard = shard
        super().__init__(
            f"a run for {as_of.isoformat()} (shard {shard[0]}/{shard[1]}) is in progress; "
            "wait for it to finish (or use --wait)"
        )


@contextmanager
def run_lock(as_of: date, shard: tuple[int, int] = (1, 1), *, wait: bool = False) -> Iterator[None]:
    try:
        with exclusive(f"run-{as_of.isoformat()}-{shard[0]}-of-{shard[1]}", wait=wait):
            yield
    except LockBusy:
        raise RunInProgress(as_of, shard) from None


__all__ = ["RunInProgress", "run_lock"]
