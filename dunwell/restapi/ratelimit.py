"""Requests per token and minute (`DUNWELL_API_RATE`, default 600), counted in the database so
every web process shares the limit: one conditional UPDATE per request, an INSERT for the
first request of a minute."""

from __future__ import annotations

import math
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


def take(token: ApiToken, now: datetime | None = None) -> int | None:
    """Count one request of `token`; None when allowed, else the seconds until the next
    minute's window opens (the Retry-After)."""
    moment = now or timezone.now()
    minute = moment.replace(second=0, microsecond=0)
    limit = rate_per_minute()
    for _attempt in range(2):
        counted = RateWindow.objects.filter(token=token, minute=minute, count__lt=limit).update(
            count=F("count") + 1
        )
        if counted:
            return None
        try:
            with transaction.atomic():
                RateWindow.objects.create(token=token, minute=minute, count=1)
            return None
        except IntegrityError:
            # The window exists: either full, or another process inserted it just now.
            continue
    wait = (minute + timedelta(minutes=1) - moment).total_seconds()
    return max(1, math.ceil(wait))


def forget_old_windows(now: datetime | None = None) -> int:
    """Periodic job: windows older than a few minutes count nothing any more."""
    moment = now or timezone.now()
    deleted, _ = RateWindow.objects.filter(minute__lt=moment - timedelta(minutes=5)).delete()
    return deleted
