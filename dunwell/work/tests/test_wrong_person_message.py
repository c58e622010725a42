"""Recording "wrong person" says what it did: who decides payments, saved among the debtor's
contacts, and the day and time of the call to them. It read "Rezultat înregistrat: Persoană
greșită" alone, leaving the collector to look for the contact and the task."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Task
from dunwell.ledger.models import Contact, Counterparty

# Tuesday 10.03.2026, 09:00 in Bucharest: the decider is called the next working morning.
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Recorded: wrong person. Payments are decided by Ion Popa: saved among the debtor's"
            " contacts, a call to them is scheduled for 11.03.2026 10:00.",
        ),
        (
            "ru",
            "Записано: не тот человек. Платежи решает Ion Popa: контакт сохранён в карточке"
            " должника, звонок назначен на 11.03.2026 10:00.",
        ),
        (
            "uk",
            "Записано: не та людина. Платежі вирішує Ion Popa: контакт збережено в картці"
            " боржника, дзвінок призначено на 11.03.2026 10:00.",
        ),
        (
            "ro",
            "Înregistrat: persoană greșită. Plățile le decide Ion Popa: contactul a fost salvat"
            " în fișa debitorului, apelul este programat pentru 11.03.2026, 10:00.",
        ),
    ],
)
def test_wrong_person_says_who_decides_and_when_they_are_called(
    debtor: Counterparty, collector: User, language: str, said: str
) -> None:
    User.objects.filter(pk=collector.pk).update(language=language, time_zone="Europe/Bucharest")
    client = Client()
    client.force_login(collector)
    response = client.post(
        reverse("work:call", args=[debtor.pk]),
        {
            "outcome": "wrong_person",
            "decider_name": "Ion Popa",
            "decider_position": "CFO",
            "decider_phone": "+40 721 000 111",
        },
        follow=True,
    )
    page = html.unescape(response.content.decode())
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert said in text
    decider = Contact.objects.get(counterparty=debtor, decides_payments=True)
    assert decider.name == "Ion Popa"
    assert Task.objects.filter(counterparty=debtor, title__contains="Ion Popa").exists()
