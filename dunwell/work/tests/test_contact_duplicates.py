"""The debtor's contacts stay clean (DESIGN §1.5): a phone or e-mail already on one of the
debtor's people who work there is refused on the contact form, naming who has it and linking
to correct them instead; "Wrong person" finds the decider by phone or e-mail before adding
anyone. Both created a second person with the same number."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty, Document

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


@pytest.fixture
def ion(moldovan: Counterparty) -> Contact:
    return Contact.objects.create(
        counterparty=moldovan,
        name="Ion Popescu",
        phone="+37322123456",
        phone_alt="+37369123456",
        email="Ion@Firma.md",
    )


def test_a_phone_already_on_a_contact_is_refused_naming_them_with_a_link_to_edit_them(
    moldovan: Counterparty, collector: User, ion: Contact
) -> None:
    call = reverse("work:call", args=[moldovan.pk])
    add = reverse("work:contact_add", args=[moldovan.pk]) + f"?next={call}"
    response = _client(collector).post(add, _form(name="Ion P.", phone="069 123 456"))
    assert response.status_code == 400
    page = response.content.decode()
    said = "+373 691 23 456 is already Ion Popescu's number. Edit Ion Popescu instead"
    assert said in _text(page)
    # The link opens Ion's form, returning where this one would have (the call card).
    edit = reverse("work:contact_edit", args=[moldovan.pk, ion.pk])
    assert f'href="{edit}?next={quote(call, safe="")}"' in page
    assert Contact.objects.filter(counterparty=moldovan).count() == 1


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ro", "ion@firma.md este deja adresa de e-mail a contactului Ion Popescu."),
        ("ru", "ion@firma.md — уже адрес эл. почты контакта Ion Popescu."),
    ],
)
def test_an_email_in_another_case_is_refused_in_the_readers_language(
    moldovan: Counterparty, collector: User, ion: Contact, language: str, said: str
) -> None:
    response = _client(collector, language).post(
        reverse("work:contact_add", args=[moldovan.pk]),
        _form(name="Maria Rusu", email="ion@firma.md"),
    )
    assert response.status_code == 400
    assert said in _text(response.content.decode())
    assert Contact.objects.filter(counterparty=moldovan).count() == 1


def test_editing_one_contact_to_anothers_number_is_refused_and_its_own_number_is_kept(
    moldovan: Counterparty, collector: User, ion: Contact
) -> None:
    maria = Contact.objects.create(counterparty=moldovan, name="Maria Rusu")
    client = _client(collector)
    url = reverse("work:contact_edit", args=[moldovan.pk, maria.pk])
    response = client.post(url, _form(name="Maria Rusu", phone_alt="022 123 456", active="on"))
    assert response.status_code == 400
    assert "+373 22 123 456 is already Ion Popescu's number." in _text(response.content.decode())
    # Saving Ion with his own numbers is no clash.
    response = client.post(
        reverse("work:contact_edit", args=[moldovan.pk, ion.pk]),
        _form(
            name="Ion Popescu",
            phone="+37322123456",
            phone_alt="+37369123456",
            email="ion@firma.md",
            position="Director",
            active="on",
        ),
    )
    assert response.status_code == 302


def test_the_number_of_one_who_no_longer_works_there_may_be_given_to_another(
    moldovan: Counterparty, collector: User, ion: Contact
) -> None:
    Contact.objects.filter(pk=ion.pk).update(active=False)
    response = _client(collector).post(
        reverse("work:contact_add", args=[moldovan.pk]),
        _form(name="Maria Rusu", phone="069 123 456", email="ion@firma.md", active="on"),
    )
    assert response.status_code == 302
    assert Contact.objects.filter(counterparty=moldovan, phone="+37369123456").count() == 1


def test_wrong_person_with_a_known_number_marks_that_contact_as_the_decider(
    moldovan: Counterparty, collector: User, ion: Contact
) -> None:
    old = Contact.objects.create(counterparty=moldovan, name="Old Boss", decides_payments=True)
    client = _client(collector)
    response = client.post(
        reverse("work:call", args=[moldovan.pk]),
        {
            "outcome": "wrong_person",
            "decider_name": "Ion Popescu-Rusu",
            "decider_phone": "069123456",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.filter(counterparty=moldovan).count() == 2
    ion.refresh_from_db()
    old.refresh_from_db()
    assert ion.decides_payments and ion.name == "Ion Popescu-Rusu" and not old.decides_payments
    # By e-mail too, in another case.
    client.post(
        reverse("work:call", args=[moldovan.pk]),
        {"outcome": "wrong_person", "decider_name": "I. Popescu", "decider_email": "ION@firma.md"},
    )
    assert Contact.objects.filter(counterparty=moldovan).count() == 2
    ion.refresh_from_db()
    assert ion.name == "I. Popescu" and ion.decides_payments


def test_the_service_refuses_a_clash_itself_and_saves_nothing(
    moldovan: Counterparty, ion: Contact, collector: User
) -> None:
    """The rule lives in `save_contact`, not only in the form: a caller that skips the form
    gets the same refusal, and nothing is written."""
    from dunwell.ledger.models import TimelineEntry
    from dunwell.work.contacts import FIELDS, ContactClash, save_contact

    values = dict.fromkeys(FIELDS, "") | {
        "name": "Ana Rusu",
        "phone": "+37369123456",
        "active": True,
        **dict.fromkeys(("orders", "accepts", "accountant", "signs"), False),
        "decides_payments": False,
    }
    before = TimelineEntry.objects.count()
    with pytest.raises(ContactClash) as caught:
        save_contact(collector, moldovan, None, values)
    assert str(caught.value.message) == "+373 691 23 456 is already Ion Popescu's number."
    assert caught.value.found == {"phone": ion}
    assert list(Contact.objects.filter(counterparty=moldovan)) == [ion]
    assert TimelineEntry.objects.count() == before


def test_a_clash_saved_meanwhile_is_refused_on_its_field(
    moldovan: Counterparty, ion: Contact, collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ion saved with the number in another tab after this form was checked: the save refuses
    it on the phone field, as the form does, and the page keeps what was typed."""
    from dunwell.work import contacts

    monkeypatch.setattr(contacts.ContactForm, "clean", lambda form: form.cleaned_data)
    response = _client(collector).post(
        reverse("work:contact_add", args=[moldovan.pk]),
        _form(name="Ana Rusu", phone="069 123 456", active="on"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    text = _text(response.content.decode())
    assert "+373 691 23 456 is already Ion Popescu's number. Edit Ion Popescu instead" in text
    assert list(Contact.objects.filter(counterparty=moldovan)) == [ion]
