"""Login throttling: too many failures for a username from one address lock it for a while."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dunwell.accounts.models import LoginFailure


def login_blocked(username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    failures = LoginFailure.objects.filter(username=username.lower(), ip=ip, at__gte=since)
    return failures.count() >= settings.LOGIN_MAX_FAILURES


def record_login_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower(), ip=ip, at=timezone.now())


def clear_login_failures(username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=username.lower(), ip=ip).delete()
