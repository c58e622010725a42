"""Answering a debtor's email from Dunwell: the incoming message offers "Reply", the composer
opens on its sender with "Re: <their subject>", and the email sent carries In-Reply-To and
References, so the answer lands in the debtor's thread instead of starting a new one."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dunwell.correspondence.models import InboundMessage, InboundState, Mailbox
from dunwell.ledger.models import Contact
from dunwell.mail.models import OutgoingMessage
from dunwell.mail.sending import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_email(debtor: Any) -> InboundMessage:
    Contact.objects.create(counterparty=debtor, name="Maria Lungu", email="maria@nord.example")
    box = Mailbox.objects.create(address="imap://collections@127.0.0.1/INBOX")
    return InboundMessage.objects.create(
        mailbox=box,
        uidvalidity=1,
        uid=7,
        message_id="<their-7@nord.example>",
        fingerprint="test:7",
        from_email="Maria@nord.example",
        from_name="Maria Lungu",
        subject="Factura F-101",
        received_at=timezone.now(),
        text="Am plătit F-101 ieri.",
        state=InboundState.MATCHED,
        counterparty=debtor,
    )


def test_the_incoming_email_offers_a_reply_that_opens_on_its_sender(
    client: Any, collector: Any, debtor: Any, their_email: InboundMessage, frozen: Any
) -> None:
    collector.language = "uk"
    collector.save(update_fields=["language"])
    client.force_login(collector)
    page = client.get(reverse("correspondence:message", args=[their_email.pk]))
    text = page.content.decode()
    link = f"{reverse('letters:compose')}?counterparty={debtor.pk}&amp;reply={their_email.pk}"
    assert f'href="{link}"' in text
    assert "Відповісти" in text

    composer = client.get(link.replace("&amp;", "&"))
    assert composer.status_code == 200
    initial = composer.context["form"].initial
    assert initial["subject"] == "Re: Factura F-101"
    maria = Contact.objects.get(name="Maria Lungu")
    assert initial["contact"] == maria.pk  # who wrote, not the usual addressee
    assert "У відповідь на" in composer.content.decode()
    assert ">Factura F-101</a> (Maria@nord.example)" in composer.content.decode()


def test_the_reply_sent_stays_in_the_debtors_thread(
    client: Any, collector: Any, debtor: Any, their_email: InboundMessage, frozen: Any
) -> None:
    client.force_login(collector)
    page = client.get(
        f"{reverse('letters:compose')}?counterparty={debtor.pk}&reply={their_email.pk}"
    )
    initial = page.context["form"].initial
    sent = client.post(
        reverse("letters:compose"),
        {
            "counterparty": debtor.pk,
            "reply": their_email.pk,
            "contact": initial["contact"],
            "subject": initial["subject"],
            "body": initial["body"],
            "token": initial["token"],
            "send": "email",
        },
    )
    assert sent.status_code == 302
    message = OutgoingMessage.objects.get()
    assert message.to_email == "maria@nord.example"
    assert message.in_reply_to == "<their-7@nord.example>"
    _sender, _to, raw = build(message)
    headers = message_from_bytes(raw, policy=policy.default)
    assert headers["Subject"] == "Re: Factura F-101"
    assert headers["In-Reply-To"] == "<their-7@nord.example>"
    assert headers["References"] == "<their-7@nord.example>"


def test_an_email_of_another_debtor_cannot_be_answered_in_its_place(
    client: Any,
    collector: Any,
    debtor: Any,
    their_email: InboundMessage,
    make_counterparty: Any,
    frozen: Any,
) -> None:
    other = make_counterparty(collector=collector, name="Alt SRL")
    client.force_login(collector)
    url = f"{reverse('letters:compose')}?counterparty={other.pk}&reply={their_email.pk}"
    assert client.get(url).status_code == 404
