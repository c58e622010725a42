"""A mailing's message is from the debtor's own collector (signed with their name and reply
address, From their sender address), as a letter from the composer is; the supervisor who
prepared the mailing signs only for a debtor without a collector."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from dunwell.ledger.models import Contact
from dunwell.letters import services
from dunwell.mail.models import OutgoingMessage
from dunwell.mail.services import set_sender_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(
    frozen: Any,
    debtor: Any,
    make_counterparty: Any,
    make_document: Any,
    collector: Any,
    supervisor: Any,
) -> dict[str, Any]:
    collector.first_name, collector.last_name, collector.email = (
        "Colin",
        "Pascal",
        "colin@us.example",
    )
    collector.save()
    supervisor.first_name, supervisor.last_name = "Sofia", "Munteanu"
    supervisor.email = "sofia@us.example"
    supervisor.save()
    set_sender_address(email="colin@us.example", display_name="Colin Pascal", user=collector)
    set_sender_address(email="sofia@us.example", display_name="Sofia Munteanu", user=supervisor)
    orphan = make_counterparty(collector=None, name="Nobody's SRL", language="en")
    make_document(orphan, "80.00", due_date=date(2026, 2, 1))
    Contact.objects.create(counterparty=orphan, name="Eve", email="eve@orphan.example")
    return {"nord": debtor, "orphan": orphan}


def test_each_message_is_signed_and_sent_by_the_debtors_collector(
    signed: Any, supervisor: Any, collector: Any
) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    services.approve_mailing(supervisor, mailing)
    nord = OutgoingMessage.objects.get(counterparty=signed["nord"])
    assert nord.sender == collector
    assert "Colin Pascal" in nord.from_email and "colin@us.example" in nord.from_email
    assert "Colin Pascal" in nord.body_text and "colin@us.example" in nord.body_text
    assert "Sofia" not in nord.body_text and "sofia@" not in nord.body_text
    assert not OutgoingMessage.objects.filter(counterparty=signed["orphan"]).exists()


def test_a_debtor_without_a_collector_gets_the_preparers_signature(
    signed: Any, director: Any
) -> None:
    director.first_name, director.last_name, director.email = "Dora", "Lungu", "dora@us.example"
    director.save()
    mailing = services.create_mailing(
        director, services.Selection(counterparty_ids=(signed["orphan"].pk,))
    )
    services.approve_mailing(director, mailing)
    orphan = OutgoingMessage.objects.get(counterparty=signed["orphan"])
    assert orphan.sender == director
    assert "Dora Lungu" in orphan.body_text and "dora@us.example" in orphan.body_text


def test_the_preview_shows_the_collectors_signature(
    client: Any, signed: Any, supervisor: Any
) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    client.force_login(supervisor)
    page = client.get(reverse("letters:mailing", args=[mailing.pk])).content.decode()
    nord = page.split("Fabrica Nord SRL · ana@nord.example")[1].split("</article>")[0]
    assert "Colin Pascal" in nord and "colin@us.example" in nord
    assert "Sofia" not in nord
