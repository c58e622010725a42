"""The first user of a fresh installation, made with `dunwell createsuperuser`, is an
administrator: it was a collector (the role's default), so every page said "boss · Collector"
although it could do everything."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_an_administrator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "A-long-first-password-1")
    call_command("createsuperuser", "--no-input", username="boss", email="boss@example.com")
    boss = User.objects.get(username="boss")
    assert boss.role == Role.ADMIN and boss.is_superuser
    client = Client()
    client.force_login(boss)
    page = client.get(reverse("work:worklist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "boss · Administrator" in page
    assert "boss · Collector" not in page


def test_a_role_given_is_kept() -> None:
    user = User.objects.create_superuser("dora", "d@example.com", "pw-dora", role=Role.DIRECTOR)
    assert user.role == Role.DIRECTOR
