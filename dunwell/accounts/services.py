"""Login throttling, one for every door (/login/, /admin/login/).

Failures are counted by the normalised username (NFKC, stripped, case-folded: " collector3",
"\tcollector3" and a fullwidth "ｃollector3" are one name) from any address, and by client
address across every username. Either count over its limit refuses even the right password
until the window passes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dunwell.accounts.models import LoginFailure, normalized_username

# An address may fail this many times the per-user limit (several people behind one NAT).
ADDRESS_FACTOR = 4


def login_blocked(username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_MAX_FAILURES
    if recent.filter(username=normalized_username(username)).count() >= limit:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= limit * ADDRESS_FACTOR


def record_login_failure(username: str, ip: str | None) -> None:
    name = normalized_username(username)[:150]
    LoginFailure.objects.create(username=name, ip=ip, at=timezone.now())


def clear_login_failures(username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=normalized_username(username)).delete()
