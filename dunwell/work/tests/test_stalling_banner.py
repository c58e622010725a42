"""The stalling banner on the call card and the debtor card (DESIGN §1.5): it names the
contact who decides payments when the debtor has one, and asks who decides only when nobody
is known. Both cards count what was seen (39b169d: the call card gave the reason alone)."""

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
            "Stalling: Repeated broken promises (2). Elena Popova decides payments: reach them.",
            "Stalling: Repeated broken promises (2). Elena Popova decides payments: reach"
            " them, or give the debtor to fresh eyes.",
        ),
        (
            "ru",
            "Затягивание: Повторно нарушенные обещания (2). Платежи решает Elena Popova:"
            " выйдите на этого человека.",
            "Затягивание: Повторно нарушенные обещания (2). Платежи решает Elena Popova:"
            " выйдите на этого человека — или передайте должника другому взыскателю.",
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
        "Stalling: Repeated broken promises (2). Ask: who decides on payments?"
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


def _broken_promise(cp: Counterparty, who: str) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from dunwell.ladder.models import Promise, PromiseStatus

    now = timezone.now()
    Promise.objects.create(
        counterparty=cp,
        amount=Decimal("100.00"),
        currency="RON",
        promised_date=timezone.localdate() - timedelta(days=5),
        promised_by=who,
        promised_by_contact=who,
        recorded_at=now - timedelta(days=10),
        status=PromiseStatus.BROKEN,
        resolved_at=now - timedelta(days=2),
    )


@pytest.mark.parametrize(
    ("language", "collectors", "supervisors"),
    [
        (
            "en",
            "Stalling: Repeated broken promises (2). Elena Popova decides payments and is the one"
            " stalling: another call will not help. Ask your supervisor to call them, or write"
            " the final warning before the pretension.",
            "Stalling: Repeated broken promises (2). Elena Popova decides payments and is the"
            " one stalling: another call will not help. Call them yourself, have the pretension"
            " sent, or give the debtor to fresh eyes. Reassign",
        ),
        (
            "ro",
            "Tergiversare: Promisiuni încălcate repetat (2). Plățile le decide Elena Popova și"
            " tocmai această persoană tergiversează: încă un apel nu va ajuta. Implicați"
            " supervizorul: cereți-i să o sune pe această persoană sau scrieți ultimul"
            " avertisment înainte de notificarea de plată.",
            None,
        ),
        (
            "uk",
            "Затягування: Повторно порушені обіцянки (2). Платежі вирішує Elena Popova, і затягує"
            " саме ця людина: ще один дзвінок нічого не дасть. Залучіть керівництво: попросіть"
            " керівника зателефонувати цій людині або напишіть останнє попередження перед"
            " претензією.",
            None,
        ),
    ],
)
def test_when_the_decider_broke_the_promises_the_banner_says_to_escalate(
    stalling: Counterparty,
    collector: User,
    supervisor: User,
    language: str,
    collectors: str,
    supervisors: str | None,
) -> None:
    """'Elena Popova decides payments: reach them' was no advice when Elena Popova made the
    promises and broke them: she has been reached."""
    Contact.objects.create(counterparty=stalling, name="Elena Popova", decides_payments=True)
    _broken_promise(stalling, "Elena Popova")
    _broken_promise(stalling, "elena  popova")
    User.objects.filter(pk__in=[collector.pk, supervisor.pk]).update(language=language)
    assert banner(collector, reverse("work:call", args=[stalling.pk])) == collectors
    if supervisors is not None:
        assert banner(supervisor, reverse("work:debtor", args=[stalling.pk])) == supervisors


def test_when_someone_else_broke_the_promises_the_decider_is_still_to_be_reached(
    stalling: Counterparty, collector: User
) -> None:
    Contact.objects.create(counterparty=stalling, name="Elena Popova", decides_payments=True)
    _broken_promise(stalling, "Ana Pop")
    _broken_promise(stalling, "Ana Pop")
    assert banner(collector, reverse("work:call", args=[stalling.pk])) == (
        "Stalling: Repeated broken promises (2). Elena Popova decides payments: reach them."
    )


def test_a_decider_who_keeps_asking_to_be_called_back_is_the_one_stalling(
    debtor: Counterparty, collector: User
) -> None:
    from datetime import timedelta

    from dunwell.work.models import CallActivity

    decider = Contact.objects.create(
        counterparty=debtor, name="Elena Popova", decides_payments=True
    )
    now = timezone.now()
    for days in (3, 2, 1):
        CallActivity.objects.create(
            counterparty=debtor,
            user=collector,
            contact=decider,
            at=now - timedelta(days=days),
            outcome="call_back",
        )
    StallingAlert.objects.create(counterparty=debtor, reason="call_backs", count=3, detected_at=now)
    assert "Ask your supervisor to call them" in banner(
        collector, reverse("work:call", args=[debtor.pk])
    )
