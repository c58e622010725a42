"""Fixtures of the API tests: tokens and an API client that sends them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dunwell.accounts.models import User
from dunwell.restapi.tokens import create_token, grantable_scopes


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        # CSRF enforced as for a real client: a bearer-token API needs no CSRF cookie.
        self.client = Client(enforce_csrf_checks=True)
        self.secret = secret

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = dict(extra)
        if self.secret is not None:
            headers.setdefault("Authorization", f"Bearer {self.secret}")
        return headers

    def get(self, url: str, data: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(url, data or {}, headers=self._headers(headers))

    def post(self, url: str, body: Any, **headers: str) -> Any:
        import json

        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            url, raw, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def api_client() -> Callable[..., ApiClient]:
    def make(user: User | None = None, scopes: Any = None, **options: Any) -> ApiClient:
        if user is None:
            return ApiClient(None)
        issued = create_token(user, grantable_scopes(user) if scopes is None else scopes, **options)
        client = ApiClient(issued.secret)
        client.token = issued.token  # type: ignore[attr-defined]
        return client

    return make
