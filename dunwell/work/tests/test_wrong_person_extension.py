""" "Wrong person" keeps the decider's extension ("069 12 34 56 доб. 12"), as the contact form
does: the number was saved without it ("доб." read and dropped), or refused as no phone
("дод.", "int."), so the call to the decider reached a switchboard not knowing whom to ask."""

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

pytestmark = pytest.mark.usefixtures("frozen")


def _text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


@pytest.fixture
def moldovan(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> Counterparty:
    cp = make_counterparty(
        collector=collector, country="MD", language="ro", time_zone="Europe/Chisinau"
    )
    make_document(cp, "700", due_date=date(2026, 2, 4))
    return cp


def _wrong_person(client: Client, cp: Counterparty, name: str, phone: str) -> str:
    response = client.post(
        reverse("work:call", args=[cp.pk]),
        {"outcome": "wrong_person", "decider_name": name, "decider_phone": phone},
        follow=True,
    )
    assert response.status_code == 200
    return _text(response.content.decode())


@pytest.mark.parametrize(
    ("language", "written", "shown"),
    [
        ("ru", "069 12 34 56 доб. 12", "+373 691 23 456 доб. 12"),
        ("uk", "069 12 34 56 дод. 12", "+373 691 23 456 дод. 12"),
        ("ro", "069 12 34 56 int. 12", "+373 691 23 456 int. 12"),
    ],
)
def test_the_deciders_extension_is_kept_and_shown_on_the_card(
    moldovan: Counterparty, collector: User, language: str, written: str, shown: str
) -> None:
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    _wrong_person(client, moldovan, "Ana Rusu", written)
    ana = Contact.objects.get(counterparty=moldovan, decides_payments=True)
    assert (ana.name, ana.phone, ana.phone_ext) == ("Ana Rusu", "+37369123456", "12")
    card = client.get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    [row] = re.findall(rf'<tr id="contact-{ana.pk}"[^>]*>(.*?)</tr>', card, re.S)
    assert shown in _text(row)


def test_the_person_behind_the_same_switchboard_is_told_by_the_extension(
    moldovan: Counterparty, collector: User
) -> None:
    """The same number with the same extension is the person already known; another
    extension is another person, as on the contact form."""
    ana = Contact.objects.create(
        counterparty=moldovan, name="Ana Rusu", phone="+37369123456", phone_ext="12"
    )
    client = Client()
    client.force_login(collector)
    _wrong_person(client, moldovan, "Ana Rusu-Popa", "069 12 34 56 x 12")
    ana.refresh_from_db()
    assert ana.decides_payments and ana.name == "Ana Rusu-Popa"
    assert Contact.objects.filter(counterparty=moldovan).count() == 1
    _wrong_person(client, moldovan, "Ion Popa", "069 12 34 56 x 13")
    ion = Contact.objects.get(counterparty=moldovan, decides_payments=True)
    assert (ion.name, ion.phone, ion.phone_ext) == ("Ion Popa", "+37369123456", "13")
    assert Contact.objects.filter(counterparty=moldovan).count() == 2


def test_a_decider_given_by_their_second_phone_keeps_both_phones(
    moldovan: Counterparty, collector: User
) -> None:
    ana = Contact.objects.create(
        counterparty=moldovan, name="Ana Rusu", phone="+37322213456", phone_alt="+37369123456"
    )
    client = Client()
    client.force_login(collector)
    _wrong_person(client, moldovan, "Ana Rusu", "069 12 34 56")
    ana.refresh_from_db()
    assert ana.decides_payments
    assert (ana.phone, ana.phone_alt) == ("+37322213456", "+37369123456")
