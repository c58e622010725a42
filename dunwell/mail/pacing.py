"""When to try again and how fast to send (pure: no Django import)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

# After the 1st, 2nd … failed attempt. Past the end of the list the message is given up, unless
# DUNWELL_MAIL_MAX_ATTEMPTS says otherwise (then the last wait repeats).
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt (1 → 1 min, 2 → 5 min, 3 → 30 min …)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def gives_up(attempts: int, max_attempts: int) -> bool:
    """A temporary failure after `attempts` attempts in all is the last one allowed."""
    return attempts >= max_attempts


class DomainThrottle:
    """At most `rate` messages a second to each recipient domain, shared by the sending threads:
    each message to a domain is given the next free slot, 1/rate seconds after the previous
    one, and its thread sleeps until then (other domains are not held up)."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, domain: str) -> float:
        """Take the next slot for `domain`; returns how long to wait for it."""
        key = domain.lower()
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + self.interval
            return slot - now

    def wait(self, domain: str) -> None:
        delay = self.reserve(domain)
        if delay > 0:
            self._sleep(delay)
