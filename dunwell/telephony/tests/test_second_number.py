"""A contact's second number (`phone_alt`, with its extension) is on the debtor card and the
call card with its own dial button: it was stored, imported and pushed but shown nowhere, so a
collector whose call to the first number went unanswered had no second number to try."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.ledger.models import Contact
from dunwell.telephony.models import Call, Direction

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(make_counterparty: Any, collector: Any) -> Contact:
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(
        counterparty=debtor,
        name="Ana Pop",
        phone="+40721234567",
        phone_alt="+37322213456",
        phone_alt_ext="214",
    )


def test_the_cards_show_the_second_number_readable_with_its_extension(
    contact: Contact, collector: Any
) -> None:
    collector.language = "ro"
    collector.save()
    client = Client()
    client.force_login(collector)
    for name in ("work:debtor", "work:call"):
        page = client.get(reverse(name, args=[contact.counterparty_id])).content.decode()
        assert 'href="tel:+37322213456"' in page, name
        assert "+373 22 213 456" in page, name
        assert "int. 214" in page, name
        assert 'href="tel:+40721234567"' in page, name  # the first number stays first


def test_the_second_numbers_button_dials_the_second_number(
    contact: Contact, collector: Any, settings: Any
) -> None:
    from dunwell.telephony import dialing

    dialed = []

    def dialer(user: Any, number: str, contact_id: int | None) -> Call:
        dialed.append(number)
        return Call.objects.create(
            provider="zadarma",
            provider_call_id=f"out-{len(dialed)}",
            direction=Direction.OUTBOUND,
            external_number=number,
            agent=user,
            started_at=datetime.now(UTC),
        )

    settings.DUNWELL_PBX = "fake"
    dialing.DIALERS["fake"] = dialer
    try:
        collector.extension = "101"
        collector.save()
        client = Client()
        client.force_login(collector)
        page = client.get(reverse("work:call", args=[contact.counterparty_id])).content.decode()
        assert f'data-testid="dial-{contact.pk}-alt"' in page
        url = reverse("telephony:dial", args=[contact.pk])
        client.post(url, {"which": "alt"})
        client.post(url)
    finally:
        del dialing.DIALERS["fake"]
    assert dialed == ["+37322213456", "+40721234567"]
