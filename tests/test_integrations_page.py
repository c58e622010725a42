"""The Integrations page: its sections for who may manage integrations, none for others."""

from __future__ import annotations

import pytest
from django.test import Client

from dunwell.accounts.models import User
from dunwell.menu import INTEGRATION_SECTIONS, reachable

pytestmark = pytest.mark.django_db


def user(role: str, language: str = "en") -> User:
    return User.objects.create_user(
        username=f"u-{role}", password="x", role=role, language=language
    )


def test_a_director_sees_the_integrations_page_in_their_language() -> None:
    client = Client()
    director = user("director", language="ru")
    client.force_login(director)
    page = client.get("/integrations/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Интеграции" in text
    for section in reachable(INTEGRATION_SECTIONS):
        # A section with a narrower rule (the exchange's secrets: administrators) follows it.
        rule = section["allowed"]
        shown = rule(director) if callable(rule) else True
        assert (str(section["url"]) in text) == shown
    assert "/telephony/secrets/" not in text


def test_an_administrator_sees_every_section() -> None:
    client = Client()
    client.force_login(user("admin"))
    text = client.get("/integrations/").content.decode()
    for section in reachable(INTEGRATION_SECTIONS):
        assert str(section["url"]) in text


def test_a_collector_sees_only_the_sections_everyone_may_use() -> None:
    client = Client()
    client.force_login(user("collector"))
    page = client.get("/integrations/")
    everyone = [s for s in reachable(INTEGRATION_SECTIONS) if not s["managers_only"]]
    if not everyone:
        assert page.status_code == 403
    else:
        assert page.status_code == 200
        for section in reachable(INTEGRATION_SECTIONS):
            assert (str(section["url"]) in page.content.decode()) == (section in everyone)


def test_an_anonymous_visitor_is_sent_to_sign_in() -> None:
    page = Client().get("/integrations/")
    assert page.status_code == 302 and "/login/" in page["Location"]
