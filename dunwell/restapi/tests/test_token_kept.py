"""A token and its user are kept a few seconds per process (tokens.TOKEN_KEPT_SECONDS): a
request reads them at most once per that time, a change made in this process applies at once,
and a change made in another process (here: a plain UPDATE, which no signal sees) within
TOKEN_KEPT_SECONDS. Expiry is checked on every request (test_auth's expired token is kept)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.restapi import tokens
from dunwell.restapi.models import ApiToken
from dunwell.restapi.tokens import TOKEN_KEPT_SECONDS, revoke_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/token"


@pytest.fixture
def clock() -> Iterator[list[float]]:
    """The kept tokens' clock, moved by the test: clock[0] seconds."""
    now = [1000.0]
    tokens._kept.clock = lambda: now[0]
    yield now
    tokens._kept.clock = time.monotonic


def token_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "restapi_apitoken" in q["sql"] or "accounts_user" in q["sql"]
    ]


def test_a_kept_token_is_not_read_again(
    api_client: Callable[..., Any], collector: User, clock: list[float]
) -> None:
    client = api_client(collector)
    assert client.get(URL).status_code == 200  # reads the token and writes its last use
    with CaptureQueriesContext(connection) as again:
        assert client.get(URL).status_code == 200
    assert token_reads(again) == []
    clock[0] += TOKEN_KEPT_SECONDS
    with CaptureQueriesContext(connection) as later:
        assert client.get(URL).status_code == 200
    assert len(token_reads(later)) == 2  # the token and its user, read again


def test_a_token_revoked_in_another_process_is_refused_within_the_kept_seconds(
    api_client: Callable[..., Any], collector: User, clock: list[float]
) -> None:
    client = api_client(collector)
    assert client.get(URL).status_code == 200
    ApiToken.objects.filter(pk=client.token.pk).update(revoked_at=timezone.now())
    clock[0] += TOKEN_KEPT_SECONDS - 1
    assert client.get(URL).status_code == 200  # the stated delay: still kept here
    clock[0] += 1
    assert client.get(URL).status_code == 401


def test_a_token_revoked_in_this_process_is_refused_at_once(
    api_client: Callable[..., Any], collector: User, clock: list[float]
) -> None:
    client = api_client(collector)
    assert client.get(URL).status_code == 200
    revoke_token(client.token.pk)
    assert client.get(URL).status_code == 401


def test_a_user_deactivated_in_another_process_is_refused_within_the_kept_seconds(
    api_client: Callable[..., Any], collector: User, clock: list[float]
) -> None:
    client = api_client(collector)
    assert client.get(URL).status_code == 200
    User.objects.filter(pk=collector.pk).update(is_active=False)
    clock[0] += TOKEN_KEPT_SECONDS
    assert client.get(URL).status_code == 401


def test_a_user_saved_in_this_process_applies_at_once(
    api_client: Callable[..., Any], collector: User, clock: list[float]
) -> None:
    client = api_client(collector)
    assert client.get(URL).status_code == 200
    collector.is_active = False
    collector.save()
    assert client.get(URL).status_code == 401


def test_each_request_gets_its_own_copy_of_the_token_and_user(
    api_client: Callable[..., Any], collector: User, clock: list[float]
) -> None:
    client = api_client(collector)
    first = tokens.find_token(client.secret)
    second = tokens.find_token(client.secret)
    assert first is not None and second is not None
    assert first == second and first is not second
    assert first.user is not second.user
    first.user.language = "ru"
    assert second.user.language != "ru"
