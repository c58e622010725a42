"""Creating a token answers with a redirect (Post/Redirect/Get): the page it leads to shows the
new secret once, and reloading it neither shows the secret again nor posts the form again.

The walk found the tokens page answering the POST itself with the secret: F5 and "resubmit"
silently created a second live token."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from dunwell.accounts.models import Role, User
from dunwell.restapi.models import ApiToken

pytestmark = pytest.mark.django_db
URL = "/integrations/tokens/"
SHOWN_ONCE = {
    "en": "was shown once, when it was created, and cannot be shown again. If you lost it, "
    "create a new token and revoke this one.",
    "uk": "було показано один раз, під час його створення, і більше показати його не можна. "
    "Якщо ви його втратили, створіть новий токен, а цей відкличте.",
    "ru": "был показан один раз, при его создании, и больше показан быть не может. Если вы его "
    "потеряли, создайте новый токен, а этот отзовите.",
    "ro": "a fost afișat o singură dată, la crearea lui, și nu mai poate fi afișat. Dacă l-ați "
    "pierdut, creați un token nou și revocați-l pe acesta.",
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_secret(page: str) -> str | None:
    match = re.search(r'id="token-secret"[^>]*>(dw_[^<]+)</textarea>', page)
    return match.group(1) if match else None


@pytest.mark.parametrize("language", ["en", "uk", "ru", "ro"])
def test_the_secret_is_shown_once_and_a_reload_creates_nothing(
    make_user: Callable[..., User], language: str
) -> None:
    admin = make_user("ada", Role.ADMIN, language=language)
    client = signed_in(admin)
    answer = client.post(URL, {"name": "ERP", "scopes": ["work:read"]})
    assert answer.status_code == 302
    token = ApiToken.objects.get()
    assert answer["Location"] == f"{URL}{token.pk}/created/"

    first = client.get(answer["Location"])
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]  # Back asks the server again
    secret = shown_secret(first.content.decode())
    assert secret is not None and secret.startswith(token.prefix)
    # The secret shown is the real one: the API takes it.
    api = Client().get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and api.json()["scopes"] == ["work:read"]

    # F5 on that page: a GET, so nothing is posted again; the secret is not shown again.
    again = client.get(answer["Location"]).content.decode()
    assert secret not in again and shown_secret(again) is None
    assert f"{token.prefix} {SHOWN_ONCE[language]}" in again.replace("\n", " ")
    assert ApiToken.objects.count() == 1


def test_the_secret_waits_sealed_and_nowhere_else(collector: User) -> None:
    """Between the POST and the page the secret waits in the session, which is a row of the
    database: sealed there, and never in the address; once shown it is gone from there."""
    client = signed_in(collector)

    def stored() -> str:  # the session's row as the database holds it, and decoded
        row = Session.objects.get(session_key=client.session.session_key)
        return row.session_data + json.dumps(row.get_decoded())

    answer = client.post(URL, {"scopes": ["work:read"]})
    waiting = stored()
    secret = shown_secret(client.get(answer["Location"]).content.decode())
    assert secret is not None
    assert secret not in waiting and secret.split("_")[-1] not in waiting
    assert secret not in answer["Location"]
    assert ApiToken.objects.get().prefix not in stored()  # popped once shown


def test_the_page_of_someone_elses_new_token_is_not_found(
    collector: User, teammate: User, director: User
) -> None:
    owner = signed_in(collector)
    answer = owner.post(URL, {"scopes": ["work:read"]})
    assert signed_in(teammate).get(answer["Location"]).status_code == 404
    # A manager sees the token in the list, never its secret (it waits in the owner's session).
    page = signed_in(director).get(answer["Location"]).content.decode()
    assert shown_secret(page) is None and "was shown once" in page
    assert shown_secret(owner.get(answer["Location"]).content.decode()) is not None


def test_a_refused_token_stays_on_the_form(collector: User) -> None:
    response = signed_in(collector).post(URL, {"scopes": ["ledger:write"]})
    assert response.status_code == 422
    assert 'id="token-form"' in response.content.decode()
    assert not ApiToken.objects.exists()
