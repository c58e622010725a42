"""A letter greets the person it goes to: when the addressee has no email address, the
composer's email goes to a contact who has one and greets that contact; sending it to someone
it does not greet is refused with a clear message and a way to write it for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dunwell.ledger.models import Contact
from dunwell.mail.models import OutgoingMessage

from .test_compose import form, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_email(debtor: Any) -> dict[str, Any]:
    """Ana Pop decides payments but has no email; the warehouse head and Maria have one."""
    Contact.objects.filter(counterparty=debtor, name="Ana Pop").update(email="")
    maria = Contact.objects.create(
        counterparty=debtor, name="Maria Lungu", email="maria@nord.example", accountant=True
    )
    store = Contact.objects.create(
        counterparty=debtor,
        name="Petru Ciobanu",
        position="Șef depozit",
        email="depozit@nord.example",
    )
    return {"maria": maria, "store": store}


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("ro", "Ana Pop nu poate primi scrisoarea prin e-mail: ea este scrisă pentru Maria Lungu"),
        ("ru", "Ana Pop не может получить письмо по эл. почте: оно написано для Maria Lungu"),
    ],
)
def test_the_email_greets_whom_it_goes_to(
    client: Any,
    collector: Any,
    debtor: Any,
    letter_task: Any,
    frozen: Any,
    no_email: Any,
    language: str,
    note: str,
) -> None:
    collector.language = language
    collector.save(update_fields=["language"])
    client.force_login(collector)
    page = client.get(url(debtor, letter_task))
    data = form(page)
    assert data["contact"] == no_email["maria"].pk
    assert data["body"].startswith("Bună ziua, Maria Lungu,")  # the debtor writes Romanian
    assert note in page.content.decode()
    data.update(task=letter_task.pk, greets=page.context["form"].initial["greets"])
    assert client.post(reverse("letters:compose"), data).status_code == 302
    message = OutgoingMessage.objects.get()
    assert message.to_email == "maria@nord.example"
    assert message.body_text.startswith("Bună ziua, Maria Lungu,")


@pytest.mark.parametrize(
    ("language", "error"),
    [
        (
            "en",
            "The letter greets Maria Lungu, not Petru Ciobanu: send it to Maria Lungu, or write "
            "it again for Petru Ciobanu.",
        ),
        (
            "uk",
            "Лист звертається до Maria Lungu, а не до Petru Ciobanu: надішліть його Maria Lungu "
            "або напишіть лист заново для Petru Ciobanu.",
        ),
    ],
)
def test_sending_to_someone_the_letter_does_not_greet_is_refused(
    client: Any,
    collector: Any,
    debtor: Any,
    letter_task: Any,
    frozen: Any,
    no_email: Any,
    language: str,
    error: str,
) -> None:
    collector.language = language
    collector.save(update_fields=["language"])
    client.force_login(collector)
    page = client.get(url(debtor, letter_task))
    data = form(page)
    data.update(
        task=letter_task.pk,
        greets=page.context["form"].initial["greets"],
        contact=no_email["store"].pk,
    )
    refused = client.post(reverse("letters:compose"), data)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert error in text
    assert f"&amp;greet={no_email['store'].pk}" in text  # write it again for him
    assert not OutgoingMessage.objects.exists()
    again = client.get(url(debtor, letter_task) + f"&greet={no_email['store'].pk}")
    data = form(again)
    assert data["body"].startswith("Bună ziua, Petru Ciobanu,")
    data.update(task=letter_task.pk, greets=again.context["form"].initial["greets"])
    data["contact"] = no_email["store"].pk
    assert client.post(reverse("letters:compose"), data).status_code == 302
    assert OutgoingMessage.objects.get().to_email == "depozit@nord.example"


def test_no_note_when_the_same_person_has_a_second_record_with_an_email(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
) -> None:
    Contact.objects.filter(counterparty=debtor, name="Ana Pop").update(email="")
    Contact.objects.create(counterparty=debtor, name="Ana Pop", email="ana.pop@nord.example")
    client.force_login(collector)
    page = client.get(url(debtor, letter_task))
    assert form(page)["body"].startswith("Bună ziua, Ana Pop,")
    assert 'id="addressee-elsewhere"' not in page.content.decode()
