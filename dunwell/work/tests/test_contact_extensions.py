"""A phone with an extension ("069 12 34 56 x 12", "доб. 12", "дод. 12", "int. 12") keeps it:
the dial button dials the main number and the card shows "ext. 12" for the collector to ask the
switchboard for. The "x 12" was read as part of nothing and dropped."""

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
from dunwell.ledger.phones import PhoneError
from dunwell.work.contacts import read_phone

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    "written",
    [
        "069 12 34 56 x 12",
        "069 12 34 56 ext. 12",
        "069123456 extension 12",
        "069 12 34 56 доб. 12",  # ru
        "069 12 34 56, добавочный 12",
        "069 12 34 56 вн. 12",
        "069 12 34 56 дод. 12",  # uk
        "069 12 34 56 внутр. 12",
        "069 12 34 56 int. 12",  # ro
        "069 12 34 56 interior 12",
        "+373 69 123 456 #12",
    ],
)
def test_the_extension_is_read_in_each_language(written: str) -> None:
    assert read_phone(written, "MD") == ("+37369123456", "12")


def test_a_phone_without_an_extension_and_an_extension_without_a_phone() -> None:
    assert read_phone("069 12 34 56", "MD") == ("+37369123456", "")
    assert read_phone("", "MD") == ("", "")
    with pytest.raises(PhoneError):
        read_phone("x 12", "MD")


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


def test_the_card_dials_the_main_number_and_shows_the_extension_to_ask_for(
    moldovan: Counterparty, collector: User
) -> None:
    User.objects.filter(pk=collector.pk).update(language="ro")
    client = Client()
    client.force_login(collector)
    response = client.post(
        reverse("work:contact_add", args=[moldovan.pk]),
        {"name": "Ana Rusu", "phone": "069 12 34 56 int. 12", "active": "on"},
    )
    assert response.status_code == 302
    ana = Contact.objects.get(counterparty=moldovan)
    assert (ana.phone, ana.phone_ext) == ("+37369123456", "12")
    card = client.get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    assert 'href="tel:+37369123456"' in card
    [row] = re.findall(rf'<tr id="contact-{ana.pk}"[^>]*>(.*?)</tr>', card, re.S)
    assert "+373 691 23 456 int. 12" in _text(row)
    call = client.get(reverse("work:call", args=[moldovan.pk])).content.decode()
    assert 'href="tel:+37369123456"' in call
    assert "int. 12" in _text(call.split('class="contacts"')[1].split("</ul>")[0])
    # The form shows the number with its extension, and saving it again changes nothing.
    edit = reverse("work:contact_edit", args=[moldovan.pk, ana.pk])
    assert 'value="+373 691 23 456 int. 12"' in client.get(edit).content.decode()
    # The same main number with another extension is another person behind the switchboard.
    response = client.post(
        reverse("work:contact_add", args=[moldovan.pk]),
        {"name": "Ion Popa", "phone": "069 12 34 56 x 13", "active": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("work:contact_add", args=[moldovan.pk]),
        {"name": "Ana R.", "phone": "+37369123456 ext. 12", "active": "on"},
    )
    assert response.status_code == 400
    assert "+373 691 23 456 int. 12 este deja numărul contactului Ana Rusu." in _text(
        response.content.decode()
    )
