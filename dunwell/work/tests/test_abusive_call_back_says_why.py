"""An abusive call is called back in 30 minutes, or at the debtor's next working hour when by then
their working day is over or it is their day off. The message said only "Перезвон назначен на
07.12.2026 10:00", and the collector who expected 30 minutes took the time for a mistake: it
says why the call-back is not in 30 minutes."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty


def _said(debtor: Counterparty, collector: User, language: str, at: str) -> str:
    User.objects.filter(pk=collector.pk).update(language=language, time_zone="Europe/Bucharest")
    client = Client()
    client.force_login(collector)
    with time_machine.travel(at, tick=False):
        response = client.post(
            reverse("work:call", args=[debtor.pk]), {"outcome": "abusive"}, follow=True
        )
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "ru",
            "Результат записан: Грубость. Перезвон назначен на 11.03.2026 10:00, а не через"
            " 30 минут: у должника тогда уже нерабочее время (местное время 18:15; рабочее время"
            " 09:00–18:00).",
        ),
        (
            "ro",
            "Rezultat înregistrat: Abuziv. Reapelul este programat pentru 11.03.2026, 10:00, nu"
            " peste 30 de minute: atunci debitorul este în afara orelor de lucru (ora locală"
            " 18:15; orele de lucru 09:00–18:00).",
        ),
        (
            "en",
            "Outcome recorded: Abusive. The call-back is scheduled for 11.03.2026 10:00, not in 30"
            " minutes: it is outside the debtor's working hours then (their local time 18:15;"
            " working hours 09:00–18:00).",
        ),
    ],
)
def test_a_call_back_after_working_hours_says_why_it_is_not_in_30_minutes(
    debtor: Counterparty, collector: User, language: str, said: str
) -> None:
    # Tuesday 10.03.2026, 17:45 in Bucharest: 30 minutes later the debtor's day is over.
    assert said in _said(debtor, collector, language, "2026-03-10 17:45:00+02:00")


def test_a_call_back_on_the_debtors_day_off_says_so(debtor: Counterparty, collector: User) -> None:
    # Saturday 14.03.2026, 11:00 in Bucharest: called back on Monday morning.
    text = _said(debtor, collector, "ru", "2026-03-14 11:00:00+02:00")
    assert (
        "Перезвон назначен на 16.03.2026 10:00, а не через 30 минут: у должника тогда"
        " выходной (местное время 11:30)." in text
    )


def test_a_call_back_in_30_minutes_says_only_when(debtor: Counterparty, collector: User) -> None:
    text = _said(debtor, collector, "ru", "2026-03-10 11:00:00+02:00")
    assert "Результат записан: Грубость. Перезвон назначен на 10.03.2026 11:30." in text
    assert "не через 30 минут" not in text
