"""The backend that reads each request's user by a query built once (accounts/backends.py):
sign-in records it, it answers as ModelBackend does, and sessions recorded with ModelBackend
before it keep working."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from dunwell.accounts.backends import UserBackend

pytestmark = pytest.mark.django_db


def test_it_answers_as_model_backend(make_user: Any) -> None:
    active = make_user("ana")
    gone = make_user("bob", is_active=False)
    for user_id in (active.pk, gone.pk, 10**9, 2**63, -1):
        ours, theirs = UserBackend().get_user(user_id), ModelBackend().get_user(user_id)
        assert ours == theirs, user_id
    assert UserBackend().get_user(active.pk) == active
    assert UserBackend().get_user(gone.pk) is None


def test_sign_in_records_it_and_the_pages_open(make_user: Any) -> None:
    make_user("nina")
    client = Client()
    answer = client.post("/login/", {"username": "nina", "password": "pw-nina"}, secure=True)
    assert answer.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "dunwell.accounts.backends.UserBackend"
    assert settings.AUTHENTICATION_BACKENDS[0] == client.session[BACKEND_SESSION_KEY]
    assert client.get("/work/day/", secure=True).status_code == 200


def test_a_session_signed_in_with_model_backend_before_still_works(make_user: Any) -> None:
    user = make_user("olga")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    page = client.get("/work/day/", secure=True)
    assert page.status_code == 200 and "olga" in page.content.decode()
