"""The collector keeps the debtor's people right from the debtor card and the call card (DESIGN
§1.5): adds the accountant, corrects the decider's phone, marks who no longer works there. The
only way to add anyone was the call outcome "Wrong person", and it saved the decider alone."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Contact, Counterparty, Document, TimelineEntry

pytestmark = pytest.mark.usefixtures("frozen")


def _text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def _client(user: User, language: str = "en") -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def _form(**values: str) -> dict[str, str]:
    return {"name": "", "position": "", "phone": "", "phone_alt": "", "email": "", **values}


def _row(page: str, contact: Contact) -> str:
    [row] = re.findall(rf'<tr id="contact-{contact.pk}"[^>]*>(.*?)</tr>', page, re.S)
    return _text(row)


def _timeline(client: Client, cp: Counterparty) -> str:
    return _text(client.get(reverse("work:debtor", args=[cp.pk]) + "?timeline=").content.decode())


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


def test_the_collector_adds_an_accountant_with_a_local_phone_and_the_timeline_tells_it(
    moldovan: Counterparty, collector: User, supervisor: User
) -> None:
    client = _client(collector, "ru")
    card = client.get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    assert "Добавить контакт" in card
    response = client.post(
        reverse("work:contact_add", args=[moldovan.pk]),
        _form(
            name="  Maria   Rusu ",
            position="Contabil-șef",
            accountant="on",
            phone="069 123 456",
            email="maria@example.md",
            language="ro",
            notes="Only mornings",
        ),
    )
    assert response.status_code == 302
    maria = Contact.objects.get(counterparty=moldovan)
    assert (maria.name, maria.phone, maria.accountant, maria.decides_payments) == (
        "Maria Rusu",
        "+37369123456",
        True,
        False,
    )
    card = client.get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    assert _row(card, maria).startswith("Maria Rusu Contabil-șef")
    assert "Бухгалтер" in _row(card, maria)
    assert "Контакт добавлен: Maria Rusu (должность, бухгалтер, телефон" in _timeline(
        client, moldovan
    )
    # The supervisor reads it in Ukrainian, with who did it.
    timeline = _timeline(_client(supervisor, "uk"), moldovan)
    assert "Контакт додано: Maria Rusu (посада, бухгалтер, телефон" in timeline


def test_a_phone_that_is_not_one_is_refused_on_the_form(
    moldovan: Counterparty, collector: User
) -> None:
    response = _client(collector).post(
        reverse("work:contact_add", args=[moldovan.pk]), _form(name="Ion", phone="ask Ion")
    )
    assert response.status_code == 400
    assert "“ask Ion” is not a phone number." in _text(response.content.decode())
    assert not Contact.objects.filter(counterparty=moldovan).exists()


def test_correcting_the_deciders_phone_is_told_and_marking_another_unmarks_them(
    moldovan: Counterparty, collector: User
) -> None:
    decider = Contact.objects.create(
        counterparty=moldovan, name="Ion Popa", decides_payments=True, phone="+37369000000"
    )
    client = _client(collector)
    url = reverse("work:contact_edit", args=[moldovan.pk, decider.pk])
    form = client.get(url).content.decode()
    assert 'value="Ion Popa"' in form and 'value="+373 690 00 000"' in form
    response = client.post(
        url, _form(name="Ion Popa", decides_payments="on", phone="0 22 123 456", active="on")
    )
    assert response.status_code == 302
    decider.refresh_from_db()
    assert decider.phone == "+37322123456"
    assert "Contact Ion Popa changed: phone" in _timeline(client, moldovan)
    other = Contact.objects.create(counterparty=moldovan, name="Ana Lungu")
    client.post(
        reverse("work:contact_edit", args=[moldovan.pk, other.pk]),
        _form(name="Ana Lungu", decides_payments="on", active="on"),
    )
    assert list(
        Contact.objects.filter(counterparty=moldovan, decides_payments=True).values_list(
            "name", flat=True
        )
    ) == ["Ana Lungu"]


def test_who_no_longer_works_there_stays_on_the_card_and_leaves_the_call_card(
    moldovan: Counterparty, collector: User
) -> None:
    gone = Contact.objects.create(
        counterparty=moldovan, name="Ion Popa", decides_payments=True, phone="+37369000000"
    )
    Contact.objects.create(counterparty=moldovan, name="Maria Rusu", accountant=True)
    client = _client(collector, "ro")
    client.post(
        reverse("work:contact_edit", args=[moldovan.pk, gone.pk]),
        _form(name="Ion Popa", decides_payments="on", phone="+37369000000"),
    )
    gone.refresh_from_db()
    assert not gone.active
    card = client.get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    assert "nu mai lucrează acolo" in _row(card, gone)
    assert "+373 690 00 000" in _row(card, gone)
    assert f'data-testid="call-{gone.pk}"' not in card
    assert "Ion Popa nu mai lucrează acolo" in _timeline(client, moldovan)
    call = client.get(reverse("work:call", args=[moldovan.pk])).content.decode()
    people = _text(call.split('class="contacts"')[1].split("</ul>")[0])
    assert "Maria Rusu" in people and "Ion Popa" not in people
    # Nobody known decides payments any more: the call card asks who does.
    assert 'id="call-ask-decider"' in call


def test_an_imported_contact_warns_that_the_next_import_overwrites_the_edit(
    moldovan: Counterparty, collector: User
) -> None:
    imported = Contact.objects.create(counterparty=moldovan, name="Ion Popa", external_id="C1")
    page = _client(collector, "uk").get(
        reverse("work:contact_edit", args=[moldovan.pk, imported.pk])
    )
    [warning] = re.findall(r'<p[^>]*id="contact-imported"[^>]*>(.*?)</p>', page.content.decode())
    assert "наступний імпорт" in _text(warning)


def test_the_call_card_links_to_adding_and_correcting_a_contact(
    moldovan: Counterparty, collector: User
) -> None:
    person = Contact.objects.create(counterparty=moldovan, name="Ion Popa")
    call = _client(collector).get(reverse("work:call", args=[moldovan.pk])).content.decode()
    assert reverse("work:contact_add", args=[moldovan.pk]) + "?next=" in call
    assert reverse("work:contact_edit", args=[moldovan.pk, person.pk]) + "?next=" in call


def test_who_may_change_contacts(
    moldovan: Counterparty,
    collector: User,
    teammate: User,
    outsider: User,
    supervisor: User,
    make_user: Callable[..., User],
) -> None:
    url = reverse("work:contact_add", args=[moldovan.pk])
    assert _client(collector).get(url).status_code == 200
    assert _client(supervisor).get(url).status_code == 200
    assert _client(teammate).get(url).status_code == 404
    assert _client(outsider).post(url, _form(name="X")).status_code == 404
    finance = make_user("fiona", Role.FINANCE)
    assert _client(finance).post(url, _form(name="X")).status_code == 403
    card = _client(finance).get(reverse("work:debtor", args=[moldovan.pk])).content.decode()
    assert 'id="contact-add"' not in card
    assert not Contact.objects.filter(counterparty=moldovan).exists()
    assert not TimelineEntry.objects.filter(kind__startswith="work.contact").exists()
