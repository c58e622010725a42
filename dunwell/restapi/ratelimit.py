"""Requests per token and minute (`DUNWELL_API_RATE`, default 600), counted in the database so
every web process shares the limit: one conditional UPDATE per request, an INSERT for the
first request of a minute.

A high rate (LEASE_FROM requests a minute or more, e.g. an ERP running credit checks at 20 in
flight) is counted in leases: a process reserves up to MAX_LEASE requests of the token's minute
in one UPDATE and serves them from memory, so the token's hot counter row is written once per
lease, not once per request. What a process has reserved and not used by the end of the minute
is lost: at most (lease - 1) requests per process, under 0.1 % of the rate. Below LEASE_FROM
every request is counted in the database as it comes."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dunwell.env import env_int
from dunwell.restapi.models import ApiToken, RateWindow

DEFAULT_RATE = 600
# Read when the URLs load, so a bad value stops start-up with a message naming the variable.
RATE = env_int("DUNWELL_API_RATE", DEFAULT_RATE, minimum=1)


def rate_per_minute() -> int:
    """Requests a token may make a minute (a DUNWELL_API_RATE setting overrides, for tests)."""
    configured = getattr(settings, "DUNWELL_API_RATE", None)
    return int(configured) if configured is not None else RATE


# Leases: from this rate a minute on, one request in a thousand may be reserved at once.
LEASE_FROM = 2000
MAX_LEASE = 20
_leases: dict[tuple[int, str, datetime], int] = {}  # (token, its prefix, minute): requests left
_leases_lock = threading.Lock()


def lease_size(limit: int) -> int:
    """How many requests of a minute a process reserves at once at this rate."""
    return max(1, min(MAX_LEASE, limit // 1000)) if limit >= LEASE_FROM else 1


def _reserve(token: ApiToken, minute: datetime, limit: int, wanted: int) -> int:
    """Reserve up to `wanted` requests of the token's minute in the database (at least one, or
    nothing when the minute is used up); the number reserved."""
    sizes = [wanted, 1] if wanted > 1 else [1]
    for size in sizes:
        for _attempt in range(2):
            counted = RateWindow.objects.filter(
                token=token, minute=minute, count__lte=limit - size
            ).update(count=F("count") + size)
            if counted:
                return size
            try:
                with transaction.atomic():
                    RateWindow.objects.create(token=token, minute=minute, count=size)
                return size
            except IntegrityError:
                # The window exists: either full, or another process inserted it just now.
                continue
    return 0


def take(token: ApiToken, now: datetime | None = None) -> int | None:
    """Count one request of `token`; None when allowed, else the seconds until the next
    minute's window opens (the Retry-After)."""
    moment = now or timezone.now()
    minute = moment.replace(second=0, microsecond=0)
    limit = rate_per_minute()
    size = lease_size(limit)
    key = (token.pk, token.prefix, minute)
    if size > 1:
        with _leases_lock:
            left = _leases.get(key, 0)
            if left > 0:
                _leases[key] = left - 1
                return None
    reserved = _reserve(token, minute, limit, size)
    if reserved:
        if reserved > 1:
            with _leases_lock:
                for old in [k for k in _leases if k[2] != minute]:
                    del _leases[old]  # past minutes count nothing any more
                _leases[key] = _leases.get(key, 0) + reserved - 1
        return None
    wait = (minute + timedelta(minutes=1) - moment).total_seconds()
    return max(1, math.ceil(wait))


def forget_leases() -> None:
    """Drop this process's unused leases (tests)."""
    with _leases_lock:
        _leases.clear()


def forget_old_windows(now: datetime | None = None) -> int:
    """Periodic job: windows older than a few minutes count nothing any more."""
    moment = now or timezone.now()
    deleted, _ = RateWindow.objects.filter(minute__lt=moment - timedelta(minutes=5)).delete()
    return deleted
