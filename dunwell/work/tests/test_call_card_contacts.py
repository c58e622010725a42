"""The call card says whom to call and when: each contact with their position and roles (the one
who decides payments first), and the debtor's local time with whether it is a working hour.
It named the contacts bare (only the decider marked) and gave no clock: a Bucharest collector
calling a Moscow buyer had to open the debtor card to learn it was an hour later there."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")  # Tuesday 10.03.2026, 09:00 in Bucharest


def _text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


@pytest.mark.parametrize(
    ("language", "clock", "accountant", "decider"),
    [
        (
            "ru",
            "Местное время должника: 10:00, рабочее время",
            "Ольга Новикова Главный бухгалтер Бухгалтер",
            "Дмитрий Козлов Финансовый директор Решает платежи Подписывает документы",
        ),
        (
            "ro",
            "Ora locală a debitorului: 10:00, în orele de lucru",
            "Ольга Новикова Главный бухгалтер Contabil",
            "Дмитрий Козлов Финансовый директор Decide plățile Semnează documente",
        ),
        (
            "en",
            "Debtor's local time: 10:00, within working hours",
            "Ольга Новикова Главный бухгалтер Accountant",
            "Дмитрий Козлов Финансовый директор Decides payments Signs documents",
        ),
    ],
)
def test_the_call_card_gives_the_contacts_roles_and_the_debtors_local_time(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    language: str,
    clock: str,
    accountant: str,
    decider: str,
) -> None:
    cp = make_counterparty(
        collector=collector, country="RU", language="ru", time_zone="Europe/Moscow"
    )
    make_document(cp, "700", due_date=date(2026, 2, 4))
    Contact.objects.create(
        counterparty=cp, name="Ольга Новикова", position="Главный бухгалтер", accountant=True
    )
    Contact.objects.create(
        counterparty=cp,
        name="Дмитрий Козлов",
        position="Финансовый директор",
        decides_payments=True,
        signs=True,
    )
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[cp.pk])).content.decode()
    [local] = re.findall(r'<p id="call-local-time"[^>]*>(.*?)</p>', page, re.S)
    assert _text(local) == clock
    contacts = [
        _text(li) for li in re.findall(r"<li>(.*?)</li>", page.split('class="contacts"')[1], re.S)
    ]
    # The one who decides payments first, then the others, each with position and roles.
    assert contacts[0].startswith(decider)
    assert contacts[1].startswith(accountant)
