"""The call card of a debtor nobody is recorded as deciding payments for says to find out who
does, and gives the step's instructions. The task "Apel de nivelul doi către persoana care decide
plățile" opened on a debtor whose only contact is the accountant: the card picked the script
"Primul apel" and said nothing about the decider (nor what the step asks)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy, Task
from dunwell.ledger.models import Contact, Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


def _text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def _decider_task(cp: Counterparty, collector: User) -> Task:
    step = Policy.objects.get(code="standard").steps.get(
        name="Second-level call to the person who decides payments"
    )
    return Task.objects.create(
        counterparty=cp,
        assignee=collector,
        action="call",
        title=step.name,
        instructions=step.instructions,
        due_at=timezone.now(),
        key=f"test:decider:{cp.pk}",
        step=step,
    )


@pytest.mark.parametrize(
    ("language", "prompt", "instructions"),
    [
        (
            "ro",
            "Nimeni din fișă nu este marcat că decide plățile. Întrebați cine decide plățile și "
            "salvați persoana la „Persoană greșită”.",
            "Cereți persoana care decide plățile.",
        ),
        (
            "ru",
            "Никто в карточке не отмечен как решающий платежи. Спросите, кто у вас решает "
            "платежи, и сохраните его в «Не тот человек».",
            "Попросите лицо, принимающее решения об оплате.",
        ),
        (
            "en",
            "Nobody on this card is marked as deciding payments. Ask who decides on payments "
            "and save them under “Wrong person”.",
            "Ask for the person who decides payments.",
        ),
    ],
)
def test_a_call_for_the_decider_with_no_decider_says_to_find_out_who_decides(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    language: str,
    prompt: str,
    instructions: str,
) -> None:
    cp = make_counterparty(collector=collector, language="ro")
    make_document(cp, "427", due_date=date(2026, 3, 2))
    Contact.objects.create(counterparty=cp, name="Andrei Radu", accountant=True)
    task = _decider_task(cp, collector)
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[cp.pk]), {"task": task.pk}).content.decode()
    [ask] = re.findall(r'<p[^>]*id="call-ask-decider"[^>]*>(.*?)</p>', page, re.S)
    assert _text(ask) == prompt
    [said] = re.findall(r'<p[^>]*id="call-task-instructions"[^>]*>(.*?)</p>', page, re.S)
    assert _text(said).startswith(instructions)


def test_a_known_decider_needs_no_prompt(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    cp = make_counterparty(collector=collector)
    make_document(cp, "428", due_date=date(2026, 3, 2))
    Contact.objects.create(counterparty=cp, name="Ion Popa", decides_payments=True)
    task = _decider_task(cp, collector)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[cp.pk]), {"task": task.pk}).content.decode()
    assert 'id="call-ask-decider"' not in page
