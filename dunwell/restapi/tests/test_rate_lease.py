"""A high per-token rate is counted in leases (ratelimit.py): one write of the token's minute
per lease, never more requests than the rate, and nothing carried into the next minute."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dunwell.accounts.models import User
from dunwell.restapi import ratelimit
from dunwell.restapi.models import ApiToken, RateWindow
from dunwell.restapi.tokens import create_token

pytestmark = pytest.mark.django_db
MINUTE = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_leases() -> Iterator[None]:
    ratelimit.forget_leases()
    yield
    ratelimit.forget_leases()


@pytest.fixture
def token(collector: User) -> ApiToken:
    return create_token(collector, ["ledger:read"]).token


def _take(token: ApiToken, n: int, at: datetime) -> list[int | None]:
    return [ratelimit.take(token, at + timedelta(seconds=i % 50)) for i in range(n)]


def test_the_default_rate_writes_every_request(token: ApiToken, settings: Any) -> None:
    settings.DUNWELL_API_RATE = 600
    assert ratelimit.lease_size(600) == 1
    assert _take(token, 4, MINUTE) == [None] * 4
    assert RateWindow.objects.get().count == 4


def test_a_high_rate_writes_once_per_lease(
    token: ApiToken, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.DUNWELL_API_RATE = 20_000
    assert ratelimit.lease_size(20_000) == 20
    assert ratelimit.take(token, MINUTE) is None  # reserves 20
    with django_assert_num_queries(0):
        assert _take(token, 19, MINUTE) == [None] * 19
    assert RateWindow.objects.get().count == 20
    assert ratelimit.take(token, MINUTE) is None  # the next lease
    assert RateWindow.objects.get().count == 40


def test_a_lease_never_lets_more_than_the_rate_through(token: ApiToken, settings: Any) -> None:
    settings.DUNWELL_API_RATE = 2_000  # leases of 2
    RateWindow.objects.create(token=token, minute=MINUTE, count=1_999)
    assert ratelimit.take(token, MINUTE) is None  # a lease of 2 does not fit: one is taken
    assert RateWindow.objects.get().count == 2_000
    assert ratelimit.take(token, MINUTE + timedelta(seconds=15)) == 45
    assert RateWindow.objects.get().count == 2_000


def test_an_unused_lease_does_not_count_in_the_next_minute(token: ApiToken, settings: Any) -> None:
    settings.DUNWELL_API_RATE = 5_000  # leases of 5
    assert ratelimit.take(token, MINUTE) is None
    later = MINUTE + timedelta(minutes=1)
    assert ratelimit.take(token, later) is None
    windows = dict(RateWindow.objects.values_list("minute", "count"))
    assert windows == {MINUTE: 5, later: 5}


def test_leases_are_per_token(collector: User, settings: Any) -> None:
    settings.DUNWELL_API_RATE = 5_000
    first = create_token(collector, ["ledger:read"]).token
    second = create_token(collector, ["ledger:read"]).token
    assert ratelimit.take(first, MINUTE) is None
    assert ratelimit.take(second, MINUTE) is None
    counts = dict(RateWindow.objects.values_list("token_id", "count"))
    assert counts == {first.pk: 5, second.pk: 5}
