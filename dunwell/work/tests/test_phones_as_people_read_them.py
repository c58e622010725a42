"""Phones read as people write them ("+373 22 213 456", "+7 926 176-87-12"), not as stored
("+37322213456"), on the worklist's dial button, the debtor card and the call card; the `tel:`
link keeps the E.164 number to dial. The worklist's button shows the extension beside it, as
the card does (it had none)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Contact, Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


def _text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def _client(user: User, language: str) -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


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


def _decider(cp: Counterparty, phone: str, extension: str = "") -> Contact:
    return Contact.objects.create(
        counterparty=cp, name="Ana Rusu", decides_payments=True, phone=phone, phone_ext=extension
    )


def _call_task(cp: Counterparty, user: User) -> None:
    ladder.create_manual_task(
        counterparty=cp,
        assignee=user,
        action="call",
        due_at=timezone.now(),
        title=f"Call {cp.name}",
        user=None,
    )


@pytest.mark.parametrize(
    ("language", "extension"), [("ru", "доб. 12"), ("en", "ext. 12"), ("ro", "int. 12")]
)
def test_the_worklists_dial_button_reads_the_number_and_its_extension(
    moldovan: Counterparty, collector: User, language: str, extension: str
) -> None:
    ana = _decider(moldovan, "+37322213456", "12")
    _call_task(moldovan, collector)
    page = _client(collector, language).get(reverse("work:worklist")).content.decode()
    [row] = re.findall(r'<tr data-href="[^"]*" data-task="\d+">(.*?)</tr>', page, re.S)
    assert 'href="tel:+37322213456"' in row  # dialled as stored
    assert f"+373 22 213 456 {extension}" in _text(row)
    assert f'data-testid="ext-{ana.pk}"' in row


def test_a_russian_number_reads_as_in_russia_on_the_worklist(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    cp = make_counterparty(collector=collector, country="RU", time_zone="Europe/Moscow")
    make_document(cp, "700", due_date=date(2026, 2, 4))
    _decider(cp, "+79261768712")
    _call_task(cp, collector)
    page = _client(collector, "ru").get(reverse("work:worklist")).content.decode()
    assert "+7 926 176-87-12" in _text(page)
    assert "+79261768712" not in _text(page)
    assert 'href="tel:+79261768712"' in page


def test_the_card_and_the_call_card_read_the_number_with_its_extension(
    moldovan: Counterparty, collector: User
) -> None:
    ana = _decider(moldovan, "+37322213456", "12")
    gone = Contact.objects.create(
        counterparty=moldovan, name="Ion Popa", phone="+37369123456", active=False
    )
    client = _client(collector, "uk")
    card = client.get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    [row] = re.findall(rf'<tr id="contact-{ana.pk}"[^>]*>(.*?)</tr>', card, re.S)
    assert 'href="tel:+37322213456"' in row
    assert "+373 22 213 456 дод. 12" in _text(row)
    # one who no longer works there has no dial button: the number is still read so
    [row] = re.findall(rf'<tr id="contact-{gone.pk}"[^>]*>(.*?)</tr>', card, re.S)
    assert "+373 691 23 456" in _text(row)
    call = client.get(reverse("work:call", args=[moldovan.pk])).content.decode()
    who = call.split('class="contacts"')[1].split("</ul>")[0]
    assert 'href="tel:+37322213456"' in who
    assert "+373 22 213 456 дод. 12" in _text(who)


def test_more_rows_with_phones_read_no_more(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    """The numbers are formatted in Python once each (issue 15: no per-row work that costs):
    the worklist reads as much for six debtors with a phone and an extension as for two."""
    client = _client(collector, "ru")

    def worklist_queries(debtors: int) -> int:
        for n in range(debtors):
            cp = make_counterparty(collector=collector, country="MD")
            make_document(cp, "100.00")
            _decider(cp, f"+3732221345{n}", str(10 + n))
            _call_task(cp, collector)
        client.get(reverse("work:worklist"))  # what the process keeps
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("work:worklist")).content.decode()
        assert "доб. 1" in page
        return len(queries)

    two = worklist_queries(2)
    assert worklist_queries(4) == two  # six rows now


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "+373 22 213 456 ext. 12"),
        ("ru", "+373 22 213 456 доб. 12"),
        ("uk", "+373 22 213 456 дод. 12"),
        ("ro", "+373 22 213 456 int. 12"),
    ],
)
def test_the_form_shows_the_number_as_people_write_it_and_reads_it_back_the_same(
    moldovan: Counterparty, collector: User, language: str, shown: str
) -> None:
    from dunwell.ledger.models import TimelineEntry

    ana = _decider(moldovan, "+37322213456", "12")
    client = _client(collector, language)
    url = reverse("work:contact_edit", args=[moldovan.pk, ana.pk])
    assert f'value="{shown}"' in client.get(url).content.decode()
    before = TimelineEntry.objects.count()
    response = client.post(
        url, {"name": "Ana Rusu", "decides_payments": "on", "phone": shown, "active": "on"}
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.phone, ana.phone_ext) == ("+37322213456", "12")
    assert TimelineEntry.objects.count() == before  # nothing changed
