"""A received email names the mailbox it came to as people read a mailbox, its address, not
the IMAP address the worker reads ("imaps://…@host:993/INBOX" ran over three lines at 390 px)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.correspondence.imap_urls import mailbox_address, parse_imap_url
from dunwell.correspondence.inbound import store_message
from dunwell.correspondence.models import InboundMessage, Mailbox
from dunwell.correspondence.tests.mime import mail
from dunwell.ledger.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _received(make_counterparty, collector, url: str) -> InboundMessage:
    cp = make_counterparty(name="Inbox Buyer SRL", collector=collector)
    Contact.objects.create(counterparty=cp, name="Ion", email="ion@inbox-buyer.ro")
    place = Mailbox.objects.create(address=parse_imap_url(url).label, uidvalidity=7)
    store_message(place, 7, 1, mail(sender="ion@inbox-buyer.ro", subject="Plata", text="Azi."))
    return InboundMessage.objects.get(uid=1)


@pytest.mark.parametrize(("language", "received"), [("ru", "Получено"), ("ro", "Primit")])
def test_the_message_page_names_the_mailbox_by_its_address(
    make_counterparty, collector, language: str, received: str
) -> None:
    message = _received(
        make_counterparty,
        collector,
        "imaps://incasari%40carpati-distributie.example:pw@mail.carpati-distributie.example/INBOX",
    )
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("correspondence:message", args=[message.pk])).content.decode()
    facts = re.sub(r"<[^>]+>", " ", page[page.index('class="facts"') : page.index("</dl>")])
    text = re.sub(r"\s+", " ", facts)
    assert received in text
    assert "· incasari@carpati-distributie.example" in text
    assert "imaps://" not in text and ":993" not in text and "INBOX" not in text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("imaps://ana%40firma.ro:pw@imap.firma.ro/INBOX", "ana@firma.ro"),
        ("imap://collect:pw@mail.firma.ro:143/Datornici", "collect@mail.firma.ro (Datornici)"),
        ("imaps://a%40b.ro:pw@[2001:db8::1]:993/inbox", "a@b.ro"),
    ],
)
def test_a_mailbox_reads_as_its_address_and_its_folder_when_not_the_inbox(
    url: str, shown: str
) -> None:
    assert mailbox_address(parse_imap_url(url).label) == shown
