"""The stalling banner on the call card and the debtor card (DESIGN §1.5): it names the
contact who decides payments when the debtor has one, and asks who decides only when nobody
is known."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty
from dunwell.work.models import StallingAlert

pytestmark = pytest.mark.django_db


def banner(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(url).content.decode()
    found = re.search(r'<p[^>]*id="stalling-banner"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no stalling banner"
    text = re.sub(r"<[^>]+>", "", found.group(1))
    return html.unescape(" ".join(text.split()))


@pytest.fixture
def stalling(debtor: Counterparty) -> Counterparty:
    StallingAlert.objects.create(
        counterparty=debtor, reason="broken_promises", count=2, detected_at=timezone.now()
    )
    return debtor


@pytest.mark.parametrize(
    ("language", "call_card", "debtor_card"),
    [
        (
            "en",
            "Stalling: Repeated broken promises. Elena Popova decides payments: reach them.",
            "Stalling: Repeated broken promises (2). Elena Popova decides payments: reach"
            " them, or give the debtor to fresh eyes.",
        ),
        (
            "ru",
            "Затягивание: Повторно нарушенные обещания. Платежи решает Elena Popova:"
            " выйдите на этого человека.",
            "Затягивание: Повторно нарушенные обещания (2). Платежи решает Elena Popova:"
            " выйдите на этого человека — или передайте должника свежему взгляду.",
        ),
    ],
)
def test_the_banner_names_the_known_decider_instead_of_asking(
    stalling: Counterparty,
    collector: User,
    supervisor: User,
    language: str,
    call_card: str,
    debtor_card: str,
) -> None:
    Contact.objects.create(counterparty=stalling, name="Elena Popova", decides_payments=True)
    User.objects.filter(pk__in=[collector.pk, supervisor.pk]).update(language=language)
    call = reverse("work:call", args=[stalling.pk])
    assert banner(collector, call) == call_card
    # The supervisor, who may reassign, is offered fresh eyes too (with its button).
    assert banner(supervisor, reverse("work:debtor", args=[stalling.pk])) == debtor_card + (
        " Reassign" if language == "en" else " Передать"
    )


def test_the_banner_asks_who_decides_only_when_nobody_is_known(
    stalling: Counterparty, collector: User, supervisor: User
) -> None:
    # The debtor's only contact is its accountant.
    call = reverse("work:call", args=[stalling.pk])
    assert banner(collector, call) == (
        "Stalling: Repeated broken promises. Ask: who decides on payments?"
    )
    assert banner(supervisor, reverse("work:debtor", args=[stalling.pk])) == (
        "Stalling: Repeated broken promises (2). Ask who decides payments and reach that"
        " person, or give the debtor to fresh eyes. Reassign"
    )


def test_a_collector_is_not_told_to_give_the_debtor_to_fresh_eyes_they_cannot_give(
    stalling: Counterparty, collector: User
) -> None:
    # Reassigning is the supervisor's (who has the alert too): the collector's card says
    # only what the collector can do.
    card = reverse("work:debtor", args=[stalling.pk])
    assert banner(collector, card) == (
        "Stalling: Repeated broken promises (2). Ask: who decides on payments?"
    )
    Contact.objects.create(counterparty=stalling, name="Elena Popova", decides_payments=True)
    User.objects.filter(pk=collector.pk).update(language="uk")
    assert banner(collector, card) == (
        "Затягування: Повторно порушені обіцянки (2). Платежі вирішує Elena Popova:"
        " вийдіть на цю людину."
    )
