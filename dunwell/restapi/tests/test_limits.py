"""Per-token rate limit (429 with Retry-After) and the periodic clean-ups of its counters and
of idempotency keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from dunwell import periodic
from dunwell.accounts.models import User
from dunwell.restapi.idempotency import forget_expired
from dunwell.restapi.models import IdempotentRequest, RateWindow
from dunwell.restapi.ratelimit import forget_old_windows

pytestmark = pytest.mark.django_db
URL = "/api/v1/token"


def test_over_the_rate_a_token_gets_429_with_retry_after(
    api_client: Callable[..., Any], collector: User, settings: Any
) -> None:
    settings.DUNWELL_API_RATE = 3
    client = api_client(collector)
    other = api_client(collector)
    start = datetime(2026, 3, 2, 10, 0, 15, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get(URL)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/problem+json"
        assert refused["Retry-After"] == "45"
        assert refused.json()["title"] == "Too many requests"
        assert other.get(URL).status_code == 200  # the limit is per token
    with time_machine.travel(start + timedelta(seconds=45), tick=False):
        assert client.get(URL).status_code == 200  # a new minute


def test_the_counter_is_one_row_per_token_and_minute(
    api_client: Callable[..., Any], collector: User
) -> None:
    client = api_client(collector)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC), tick=False):
        for _ in range(4):
            client.get(URL)
    window = RateWindow.objects.get()
    assert window.count == 4


def test_old_rate_windows_and_expired_keys_are_forgotten(
    api_client: Callable[..., Any], collector: User
) -> None:
    client = api_client(collector)
    start = datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        client.get(URL)
        IdempotentRequest.objects.create(token=client.token, key="k", body_hash="x", status=200)
    later = start + timedelta(hours=24, minutes=1)
    assert forget_old_windows(later) == 1
    assert forget_expired(later) == 1
    assert not RateWindow.objects.exists()
    assert not IdempotentRequest.objects.exists()


def test_the_clean_ups_are_registered_with_the_worker() -> None:
    assert periodic.JOBS["restapi.forget_idempotency_keys"] is forget_expired
    assert periodic.JOBS["restapi.forget_rate_windows"] is forget_old_windows
