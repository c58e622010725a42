"""A collector opens a letter task, edits the draft in the composer and sends it; the outbox
holds the email in the debtor's language with the invoice numbers and the PDF statement."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ladder.models import Policy, Task
from dunwell.ledger.models import Contact, Counterparty
from dunwell.mail.models import OutgoingMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seed_data(installation_data: None) -> None:
    """The installation's data (conftest.installation_data) plus the policies and wordings
    this test sends with."""
    from django.apps import apps

    for module, function in (
        ("dunwell.ladder.migrations.0002_default_policies", "add_policies"),
        ("dunwell.letters.migrations.0002_default_wordings", "add_wordings"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def chromium_page(chromium: Any) -> Iterator[Any]:
    """A wide page of the shared headless browser (conftest.chromium), not yet signed in."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(15000)
    yield page
    page.close()


def test_collector_edits_the_draft_and_sends_it_by_email(
    chromium_page: Any,
    live_server: Any,
    make_counterparty: Any,
    make_document: Any,
    collector: User,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    debtor: Counterparty = make_counterparty(collector=collector, name="Fabrica Nord SRL")
    make_document(
        debtor, "1500.00", number="F-101", date=date(2026, 1, 5), due_date=date(2026, 2, 4)
    )
    make_document(debtor, "300.00", number="F-EU-7", currency="EUR", due_date=date(2026, 1, 20))
    Contact.objects.create(
        counterparty=debtor, name="Ana Pop", email="ana@nord.example", decides_payments=True
    )
    step = Policy.objects.get(code="standard").steps.get(action="letter")
    task = Task.objects.create(
        counterparty=debtor,
        assignee=collector,
        action="letter",
        title=f"{step.name} — {debtor.name}",
        due_at=timezone.now(),
        key=f"browser:letter:{debtor.pk}",
        step=step,
    )

    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", collector.username)
    page.fill("input[name=password]", "pw-" + collector.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")
    page.goto(f"{live_server.url}/work/tasks/{task.pk}/")
    page.click("#open-composer")
    page.wait_for_url("**/letters/compose/**")
    assert "A doua solicitare de plată" in page.input_value("#id_subject")
    body = page.input_value("#id_body")
    assert "F-101" in body and "F-EU-7" in body
    page.fill("#id_body", body.replace("Cu stimă,", "Vă mulțumim anticipat.\n\nCu stimă,"))
    page.screenshot(path=str(SCREENSHOTS / "letter-composer.png"), full_page=True)
    page.click("#send-email")
    page.wait_for_url(f"**/work/tasks/{task.pk}/")
    assert "ana@nord.example" in page.inner_text("main")

    message = OutgoingMessage.objects.get(counterparty=debtor)
    assert (message.state, message.language, message.to_email) == (
        "queued",
        "ro",
        "ana@nord.example",
    )
    assert "F-101" in message.body_text and "F-EU-7" in message.body_text
    assert "Vă mulțumim anticipat." in message.body_text
    pdfs = [a for a in message.attachments.all() if a.content_type == "application/pdf"]
    assert [a.filename for a in pdfs] == ["extras-EUR.pdf", "extras-RON.pdf"]
    assert pdfs[0].file.read().startswith(b"%PDF")
    task.refresh_from_db()
    assert task.status == "done"
