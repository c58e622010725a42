"""Bearer tokens: who gets in, and every refusal is a 401 problem+json."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.restapi.models import ApiToken
from dunwell.restapi.tokens import revoke_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/token"


def assert_401(response: Any) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Not authenticated"
    assert body["instance"] == URL
    assert "Bearer" in body["detail"]


def test_a_valid_token_acts_as_its_user(api_client: Callable[..., Any], collector: User) -> None:
    client = api_client(collector, ["ledger:read"], name="ERP")
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["user"] == collector.username
    assert response.json()["scopes"] == ["ledger:read"]


def test_no_token_is_refused(api_client: Callable[..., Any]) -> None:
    assert_401(api_client().get(URL))


def test_an_unknown_token_is_refused(api_client: Callable[..., Any], collector: User) -> None:
    client = api_client(collector)
    client.secret = client.secret[:-2] + "xx"
    assert_401(client.get(URL))


def test_a_session_is_no_token(api_client: Callable[..., Any], collector: User) -> None:
    client = api_client()
    client.client.force_login(collector)
    assert_401(client.get(URL))


def test_a_revoked_token_is_refused(api_client: Callable[..., Any], collector: User) -> None:
    client = api_client(collector)
    assert client.get(URL).status_code == 200
    revoke_token(client.token.pk)
    assert_401(client.get(URL))


def test_an_expired_token_is_refused(api_client: Callable[..., Any], collector: User) -> None:
    client = api_client(collector, expires_in_days=1)
    assert client.get(URL).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert_401(client.get(URL))


def test_an_inactive_users_token_is_refused(
    api_client: Callable[..., Any], collector: User
) -> None:
    client = api_client(collector)
    User.objects.filter(pk=collector.pk).update(is_active=False)
    assert_401(client.get(URL))


def test_only_the_hash_of_the_secret_is_stored(
    api_client: Callable[..., Any], collector: User
) -> None:
    client = api_client(collector)
    token = ApiToken.objects.get()
    assert client.secret.startswith(token.prefix + "_")
    assert client.secret not in (token.secret_hash, token.prefix)
    assert len(token.secret_hash) == 64


def test_last_used_is_written_at_most_once_a_minute(
    api_client: Callable[..., Any], collector: User, django_assert_num_queries: Any
) -> None:
    client = api_client(collector)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(URL)
        first = ApiToken.objects.get().last_used_at
        assert first == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(URL)
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get(URL)
        assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_an_unknown_address_is_a_problem_404(
    api_client: Callable[..., Any], collector: User
) -> None:
    response = api_client(collector).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"


def test_a_wrong_method_is_a_problem_405(api_client: Callable[..., Any], collector: User) -> None:
    response = api_client(collector).post(URL, {})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Method not allowed"
    assert "GET" in response["Allow"]


def test_problem_titles_speak_the_clients_language(api_client: Callable[..., Any]) -> None:
    response = api_client().get(URL, **{"Accept-Language": "ru"})
    assert response.json()["title"] == "Не выполнен вход"
    assert response.json()["detail"].startswith("Отправьте действующий API-токен")


def test_an_unexpected_error_is_a_problem_500(
    api_client: Callable[..., Any], collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dunwell.restapi import endpoints_ledger

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(endpoints_ledger, "_counterparties", broken)
    response = api_client(collector).get("/api/v1/counterparties/1")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "boom" not in response.content.decode()
    assert response.json()["title"] == "Server error"


def test_the_schema_lists_every_endpoint_and_the_bearer_scheme() -> None:
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/counterparties",
        "/api/v1/documents",
        "/api/v1/payments",
        "/api/v1/contracts",
        "/api/v1/contacts",
        "/api/v1/aging",
        "/api/v1/tasks",
        "/api/v1/promises",
        "/api/v1/disputes",
        "/api/v1/counterparties/{counterparty_id}/timeline",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/documents"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
