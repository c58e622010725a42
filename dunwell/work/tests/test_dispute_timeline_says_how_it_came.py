"""The timeline entry of a dispute registered on the card says how the claim came (e-mail,
letter, meeting, call), in the reader's language, as the Disputes page does; it said only
"Dispute (quality) for 1,500.00 RON"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("channel", "language", "words"),
    [
        ("letter", "en", "Dispute (price) for 1,500.00\xa0RON, received by letter"),
        ("email", "uk", "Спір (ціна) на 1\xa0500,00\xa0RON, надійшов електронною поштою"),
        ("meeting", "ro", "Dispută (preț) pentru 1.500,00\xa0RON, semnalată la o întâlnire"),
        ("call", "ru", "Спор (цена) на 1\xa0500,00\xa0RON, заявлен во время звонка"),
    ],
)
def test_the_timeline_says_how_the_claim_came(
    channel: str,
    language: str,
    words: str,
    debtor: Counterparty,
    collector: User,
    supervisor: User,
) -> None:
    first = debtor.documents.order_by("due_date").first()
    assert first is not None
    client_for(collector, "en").post(
        reverse("work:dispute_new", args=[debtor.pk]),
        {
            "reason": "price",
            "amount": "1500",
            "currency": "RON",
            "documents": [first.pk],
            "channel": channel,
        },
    )
    card = client_for(supervisor, language).get(reverse("work:debtor", args=[debtor.pk]))
    timeline = card.content.decode()
    timeline = timeline[timeline.index('id="timeline"') :]
    assert words in timeline
