"""Sessions read by a query built once (dunwell/accounts/sessions.py) load what Django's
database store loads: a live session's data, and nothing for an expired or unknown key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from dunwell.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_this_store() -> None:
    assert settings.SESSION_ENGINE == "dunwell.accounts.sessions"


def test_a_live_session_loads_its_data_as_djangos_store_does() -> None:
    written = SessionStore()
    written["colour"] = "blue"
    written["n"] = 7
    written.create()
    key = written.session_key
    ours, djangos = SessionStore(key), DjangoStore(key)
    assert ours.load() == djangos.load() == {"colour": "blue", "n": 7}
    assert ours.session_key == key


@pytest.mark.parametrize("key", ["expired", "unknown", None])
def test_an_expired_or_unknown_session_loads_empty_and_drops_its_key(key: Any) -> None:
    store = SessionStore()
    store["colour"] = "red"
    store.create()
    if key == "expired":
        Session.objects.filter(pk=store.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        key = store.session_key
    elif key == "unknown":
        key = "x" * 32
    ours = SessionStore(key)
    assert ours.load() == {} == DjangoStore(key).load()
    assert ours.session_key is None


def test_signing_in_and_out_goes_through_it(make_user: Any) -> None:
    make_user("nina")
    client = Client()
    answer = client.post(
        "/login/", {"username": "nina", "password": "pw-nina"}, secure=True, follow=False
    )
    assert answer.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(key).load()["_auth_user_id"]
    assert client.get("/work/day/", secure=True).status_code == 200
    client.post("/logout/", secure=True)
    assert SessionStore(key).load() == {}
    assert client.get("/work/day/", secure=True).status_code == 302
