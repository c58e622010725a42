"""`dunwell demo`'s received emails (`demo.inbox`): a new user opening the inbox finds what
debtors wrote, each on its debtor through the product's own door for a received message, and a
stranger's email waiting in triage."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from dunwell.accounts.models import User
from dunwell.correspondence.models import InboundMessage, InboundState
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.work.models import Notification

MOMENT = "2026-03-31 08:00:00+00:00"  # a Tuesday


def run_demo() -> str:
    out = io.StringIO()
    with time_machine.travel(MOMENT, tick=False):
        call_command("demo", "--debtors=30", "--documents=400", "--no-run", stdout=out)
    return out.getvalue()


def page(user: User, url: str, language: str = "en") -> str:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    with time_machine.travel(MOMENT, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_inbox_has_the_debtors_emails_and_a_strangers_in_triage(
    settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    text = run_demo()
    assert "received emails: 3 on debtors, 1 to triage" in text
    collector = User.objects.get(username="collector1")
    mails = {m.subject.split(" nr. ")[0].split(" № ")[0]: m for m in InboundMessage.objects.all()}
    assert set(mails) == {
        "Оплата счёта",
        "Contestație factura",
        "Request for a statement of account",
        "Facturi neachitate",
    }
    promise, dispute = mails["Оплата счёта"], mails["Contestație factura"]
    statement, stranger = mails["Request for a statement of account"], mails["Facturi neachitate"]
    # Collector1's debtors wrote, each matched by the sender's address among its contacts.
    for mail in (promise, dispute, statement):
        assert mail.state == InboundState.MATCHED and mail.matched_by == "address"
        assert mail.counterparty is not None and mail.counterparty.collector == collector
        assert mail.counterparty.contacts.filter(email=mail.from_email).exists()
    assert "Оплату перечислим до 03.04.2026" in promise.text  # three working days on
    assert "Nu suntem de acord cu factura nr." in dispute.text
    assert "statement of account as of" in statement.text
    # Received on the last working days, in office hours, not at the moment the demo ran.
    zone = ZoneInfo("Europe/Bucharest")
    for mail in mails.values():
        local = mail.received_at.astimezone(zone)
        assert date(2026, 3, 26) <= local.date() <= date(2026, 3, 30), local
        assert 9 <= local.hour < 17
        assert mail.sent_at is not None and mail.sent_at < mail.received_at
    # The debtor's timeline and the collector's notifications say so, at that moment.
    entry = TimelineEntry.objects.get(
        kind="correspondence.email_received", counterparty=promise.counterparty
    )
    assert entry.at == promise.received_at
    assert Notification.objects.filter(recipient=collector, key=f"inbound:{promise.pk}").exists()
    # The stranger writes from a public mail service about a firm: nothing matches.
    assert stranger.state == InboundState.TRIAGE
    assert stranger.counterparty is None and stranger.candidates == []
    # It names a firm no other debtor's name is: the supervisor finds the one it means.
    firm = stranger.text.split("contabilă a firmei ")[1].split(" și preiau")[0]
    assert Counterparty.objects.filter(name=firm).count() == 1, firm

    inbox = page(collector, reverse("correspondence:inbox"), "ru")
    for mail in (promise, dispute, statement):
        assert escape(mail.subject) in inbox
        assert escape(mail.counterparty.name) in inbox  # type: ignore[union-attr]
    assert "Facturi neachitate" not in inbox  # triage is the supervisor's
    opened = page(collector, reverse("correspondence:message", args=[promise.pk]), "ru")
    assert "Подтверждаем задолженность по счёту" in opened
    supervisor = User.objects.get(username="supervisor1")
    triage = page(supervisor, reverse("correspondence:inbox") + "?show=triage", "ro")
    assert "Facturi neachitate" in triage
    assert "Contestație factura" not in triage

    # A second `dunwell demo` receives nothing more.
    assert "received emails: 0 on debtors, 0 to triage" in run_demo()
    assert InboundMessage.objects.count() == 4
    assert TimelineEntry.objects.filter(kind="correspondence.email_received").count() == 3
