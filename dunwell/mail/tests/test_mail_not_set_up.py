"""While mail is not set up, the outbox and a message's page tell a collector to ask their
administrator (they cannot set anything on the server); only an administrator reads which
setting it is."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role
from dunwell.mail.models import OutgoingMessage
from dunwell.mail.services import queue_message

pytestmark = pytest.mark.django_db

SETTING = "DUNWELL_EMAIL_URL"


@pytest.fixture
def message(company: Any, make_counterparty: Any, collector: Any, settings: Any) -> Any:
    settings.DUNWELL_EMAIL_URL = ""
    debtor = make_counterparty(collector=collector, name="Owner Debtor SRL")
    return queue_message(
        company=company,
        counterparty=debtor,
        sender=collector,
        created_by=collector,
        to="ana@owner.ro",
        subject="Factura INV-9",
        text="Vă rugăm să achitați.",
    )


def _pages(user: Any, language: str, message: OutgoingMessage) -> list[str]:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    urls = [reverse("mail:outbox"), reverse("mail:message", args=[message.pk])]
    return [client.get(url).content.decode() for url in urls]


def test_a_collector_is_told_to_ask_their_administrator(message: Any, collector: Any) -> None:
    for page in _pages(collector, "en", message):
        assert "until email sending is set up: ask your administrator." in page
        assert SETTING not in page
    for page in _pages(collector, "ro", message):
        assert "este configurată: contactați administratorul." in page
        assert SETTING not in page


def test_an_administrator_reads_the_setting_to_set(message: Any, make_user: Any) -> None:
    admin = make_user("adm", Role.ADMIN)
    for page in _pages(admin, "ru", message):
        assert "пока администратор не задаст DUNWELL_EMAIL_URL." in page
        assert "обратитесь к администратору" not in page
