"""The API tokens page: own tokens for everyone, everyone's for integration managers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from dunwell.accounts.models import Role, User
from dunwell.restapi.models import ApiToken
from dunwell.restapi.tokens import create_token, find_token

pytestmark = pytest.mark.django_db
URL = "/integrations/tokens/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signing_in_is_needed() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_create_shows_the_secret_once(collector: User) -> None:
    client = signed_in(collector)
    response = client.post(
        URL, {"name": "Sheets", "scopes": ["ledger:read", "work:read"]}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain  # Post/Redirect/Get (test_token_secret_once.py)
    page = response.content.decode()
    assert "it is shown only once" in page
    match = re.search(r'id="token-secret"[^>]*>(dw_[^<]+)</textarea>', page)
    assert match
    token = find_token(match.group(1))
    assert token is not None and token.user == collector
    assert token.scopes == ["ledger:read", "work:read"]
    assert token.created_by == collector
    again = client.get(URL).content.decode()
    assert match.group(1) not in again
    assert token.prefix in again


def test_a_collector_may_not_grant_ledger_write(collector: User) -> None:
    response = signed_in(collector).post(URL, {"scopes": ["ledger:write"]})
    assert response.status_code == 422
    assert "ledger:write" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_user_sees_only_their_own_tokens(collector: User, teammate: User) -> None:
    mine = create_token(collector, ["work:read"], name="mine").token
    theirs = create_token(teammate, ["work:read"], name="theirs").token
    page = signed_in(collector).get(URL).content.decode()
    assert mine.prefix in page
    assert theirs.prefix not in page


def test_the_owner_revokes_their_token(collector: User) -> None:
    issued = create_token(collector, ["work:read"])
    response = signed_in(collector).post(f"{URL}{issued.token.pk}/revoke/", follow=True)
    assert f"Token {issued.token.prefix} revoked." in response.content.decode()
    assert find_token(issued.secret) is None


def test_another_user_cannot_revoke_it(collector: User, teammate: User, outsider: User) -> None:
    issued = create_token(collector, ["work:read"])
    for other in (teammate, outsider):
        response = signed_in(other).post(f"{URL}{issued.token.pk}/revoke/")
        assert response.status_code == 404
    assert find_token(issued.secret) is not None


def test_revoking_needs_post(collector: User) -> None:
    issued = create_token(collector, ["work:read"])
    assert signed_in(collector).get(f"{URL}{issued.token.pk}/revoke/").status_code == 405
    assert find_token(issued.secret) is not None


def test_a_manager_sees_and_revokes_everyones(collector: User, director: User) -> None:
    issued = create_token(collector, ["work:read"], name="colins")
    client = signed_in(director)
    page = client.get(URL).content.decode()
    assert issued.token.prefix in page and "colin" in page
    client.post(f"{URL}{issued.token.pk}/revoke/")
    assert find_token(issued.secret) is None


def test_a_manager_creates_a_token_for_another_user(
    director: User, make_user: Callable[..., User]
) -> None:
    finance = make_user("fiona", Role.FINANCE)
    collector = make_user("carl")
    client = signed_in(director)
    response = client.post(URL, {"user": finance.pk, "scopes": ["ledger:write"]})
    assert response.status_code == 302  # to the page showing its secret once
    assert ApiToken.objects.get().user == finance
    refused = client.post(URL, {"user": collector.pk, "scopes": ["ledger:write"]})
    assert refused.status_code == 422
    assert "carl may not be given ledger:write." in refused.content.decode()


def test_a_collector_cannot_create_for_someone_else(collector: User, teammate: User) -> None:
    signed_in(collector).post(URL, {"user": teammate.pk, "scopes": ["work:read"]})
    assert ApiToken.objects.get().user == collector


def test_the_page_is_translated(collector: User) -> None:
    collector.language = "ru"
    collector.save()
    page = signed_in(collector).get(URL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Токены API" in page
    assert "Создать токен" in page


def test_preferences_link_to_the_tokens_page(collector: User) -> None:
    page = signed_in(collector).get("/work/preferences/").content.decode()
    assert 'href="/integrations/tokens/"' in page


def test_the_owner_reads_as_the_same_person_in_the_form_and_the_table(
    director: User, make_user: Callable[..., User]
) -> None:
    """The administrator picked "Florin Florea" under "For user" and the table of tokens then
    said "fiona": the form now names the login beside the name, and the table the same."""
    finance = make_user("fiona", Role.FINANCE, first_name="Florin", last_name="Florea")
    client = signed_in(director)
    form = client.get(URL).content.decode()
    assert f'<option value="{finance.pk}">Florin Florea (fiona)</option>' in form
    client.post(URL, {"user": finance.pk, "scopes": ["ledger:read"], "name": "ERP"})
    page = client.get(URL).content.decode()
    row = re.search(r"<td>ERP</td>\s*<td>([^<]*)</td>", page)
    assert row is not None and row.group(1) == "Florin Florea (fiona)"
