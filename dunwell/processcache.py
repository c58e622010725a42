"""Rows kept a few seconds in this process, for hot paths that read the same small row on every
request (the API token and its user, the credit rules in force).

A kept value is read again once it is `seconds` old. Whoever changes the row in this process
forgets it at once (`forget`, called by the service or, for edits anywhere, a model signal
connected in the app's `ready`); the other processes see the change within `seconds`. So keep
only what may be up to `seconds` stale, and say so where it is used.

    kept: Kept[str, Thing | None] = Kept(5)
    thing = kept.get(key, lambda: read_thing(key))
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_all: list[Kept[object, object]] = []


class Kept(Generic[K, V]):
    """A per-process map of values read at most once per `seconds` (at most `size` keys: past
    that the map starts over)."""

    def __init__(self, seconds: float, size: int = 1024) -> None:
        self.seconds = seconds
        self.size = size
        self.clock: Callable[[], float] = time.monotonic  # tests move it
        self._values: dict[K, tuple[float, V]] = {}
        # Bumped by every forget: a value read while a forget ran may be the old row, so it is
        # returned but not kept.
        self._generation = 0
        self._lock = threading.Lock()
        _all.append(self)  # type: ignore[arg-type]

    def get(self, key: K, load: Callable[[], V]) -> V:
        """The value kept for `key` if younger than `seconds`, else `load()`, kept."""
        now = self.clock()
        found = self._values.get(key)
        if found is not None and 0 <= now - found[0] < self.seconds:
            return found[1]
        generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:
                if len(self._values) >= self.size:
                    self._values.clear()
                self._values[key] = (now, value)
        return value

    def forget(self, key: K | None = None) -> None:
        """Drop `key` (None: every key): the next `get` reads it again."""
        with self._lock:
            self._generation += 1
            if key is None:
                self._values.clear()
            else:
                self._values.pop(key, None)


def forget_all() -> None:
    """Drop every kept value of this process (tests start from the database)."""
    for kept in _all:
        kept.forget()
