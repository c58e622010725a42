"""The composer: who may open it, what the collector reads, sending once, the task done with
the letter, printing for post with a register number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from dunwell.correspondence.models import PaperLetter
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.letters import services
from dunwell.mail.models import OutgoingMessage
from dunwell.work.models import TaskAttachment

from .conftest import wording_of

pytestmark = pytest.mark.django_db


def url(debtor: Any, task: Any = None) -> str:
    base = f"{reverse('letters:compose')}?counterparty={debtor.pk}"
    return base + (f"&task={task.pk}" if task else "")


def form(page: Any) -> dict[str, Any]:
    initial = page.context["form"].initial
    return {
        "counterparty": page.context["cp"].pk,
        "contact": initial["contact"],
        "subject": initial["subject"],
        "body": initial["body"],
        "token": initial["token"],
        "attach": ["statement"],
    }


class TestPermissions:
    def test_the_owner_collector_opens_the_draft(
        self, client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
    ) -> None:
        client.force_login(collector)
        page = client.get(url(debtor, letter_task))
        assert page.status_code == 200
        text = page.content.decode()
        assert "A doua solicitare de plată: Fabrica Nord SRL" in text  # firm, in Romanian
        assert "F-101" in text and "F-EU-7" in text

    @pytest.mark.parametrize("who", ["teammate", "outsider"])
    def test_others_get_404_and_nothing_is_queued(
        self, client: Any, request: Any, who: str, debtor: Any, letter_task: Any
    ) -> None:
        client.force_login(request.getfixturevalue(who))
        assert client.get(url(debtor, letter_task)).status_code == 404
        posted = client.post(
            reverse("letters:compose"),
            {
                "counterparty": debtor.pk,
                "task": letter_task.pk,
                "subject": "s",
                "body": "b",
                "token": "t",
                "contact": 1,
            },
        )
        assert posted.status_code == 404
        assert not OutgoingMessage.objects.exists()

    def test_a_supervisor_of_the_team_may_write(
        self, client: Any, supervisor: Any, debtor: Any, letter_task: Any
    ) -> None:
        client.force_login(supervisor)
        assert client.get(url(debtor, letter_task)).status_code == 200

    def test_without_a_debtor_the_composer_is_404(self, client: Any, collector: Any) -> None:
        client.force_login(collector)
        assert client.get(reverse("letters:compose")).status_code == 404


def test_unusable_addresses_are_shown_with_the_reason(
    client: Any, collector: Any, debtor: Any
) -> None:
    Contact.objects.filter(name="Ana Pop").update(
        email_bad_reason="550 mailbox unavailable", email_bad_at="2026-03-01T00:00:00Z"
    )
    client.force_login(collector)
    text = client.get(url(debtor)).content.decode()
    assert "the address was refused (550 mailbox unavailable)" in text
    assert "the contact asked not to receive emails" in text


def test_sending_queues_once_and_completes_the_task_with_the_email(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
) -> None:
    client.force_login(collector)
    data = form(client.get(url(debtor, letter_task)))
    data["task"] = letter_task.pk
    data["body"] = data["body"].replace("Bună ziua", "Bună ziua, dragă")
    first = client.post(reverse("letters:compose"), data)
    assert first.status_code == 302
    second = client.post(reverse("letters:compose"), data)  # a double click
    assert second.status_code in (200, 302, 400)
    message = OutgoingMessage.objects.get()
    assert (message.to_email, message.language, message.task_id) == (
        "ana@nord.example",
        "ro",
        letter_task.pk,
    )
    assert "Bună ziua, dragă" in message.body_text
    assert [a.filename for a in message.attachments.all()] == ["extras-EUR.pdf", "extras-RON.pdf"]
    letter_task.refresh_from_db()
    assert letter_task.status == "done"
    stored = TaskAttachment.objects.get(task=letter_task)
    assert (stored.method, stored.content_type) == ("email", "message/rfc822")
    eml = message_from_bytes(stored.file.read(), policy=policy.default)
    assert eml["Message-ID"] == message.message_id
    assert [p.get_filename() for p in eml.iter_attachments()] == [
        "extras-EUR.pdf",
        "extras-RON.pdf",
    ]
    assert TimelineEntry.objects.filter(counterparty=debtor, kind="letters.queued").count() == 1


def test_without_a_task_the_same_token_queues_once_and_the_timeline_says_so(
    collector: Any, debtor: Any, frozen: Any
) -> None:
    ana = Contact.objects.get(name="Ana Pop")
    for _twice in range(2):
        services.send_email(
            collector,
            debtor,
            task=None,
            contact_id=ana.pk,
            subject="Plată",
            body="Vă rugăm.",
            token="abc",
        )
    assert OutgoingMessage.objects.count() == 1
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="letters.queued")
    address = OutgoingMessage.objects.get().to_email
    with translation.override("en"):
        assert with_texts([entry])[0].text.startswith(
            f"Email “Plată” to {address} queued for sending, attachments: —"
        )
    with translation.override("ru"):
        assert with_texts([entry])[0].text.startswith(
            f"Письмо «Plată» на {address} поставлено в очередь отправки, вложения: —"
        )


def test_an_opted_out_contact_is_refused(collector: Any, debtor: Any) -> None:
    ion = Contact.objects.get(name="Ion Rusu")
    with pytest.raises(services.LetterError) as refused:
        services.send_email(
            collector, debtor, task=None, contact_id=ion.pk, subject="s", body="b", token="x"
        )
    assert refused.value.field == "contact"
    assert not OutgoingMessage.objects.exists()


def test_a_threat_typed_into_a_friendly_letter_is_refused(
    client: Any, collector: Any, debtor: Any, letter_task: Any
) -> None:
    client.force_login(collector)
    data = form(client.get(url(debtor, letter_task)))
    data["task"] = letter_task.pk
    data["body"] += "\nAltfel ne vom adresa instanței."
    page = client.post(reverse("letters:compose"), data)
    assert page.status_code == 400
    assert "must not threaten" in page.content.decode()
    assert not OutgoingMessage.objects.exists()


def test_printing_for_post_registers_the_letter_and_completes_the_task(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
) -> None:
    client.force_login(collector)
    data = form(client.get(url(debtor, letter_task)))
    data.update(task=letter_task.pk, send="post")
    page = client.post(reverse("letters:compose"), data)
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    letter = PaperLetter.objects.get()
    assert letter.our_number == "OUT-2026-0001"
    message = OutgoingMessage.objects.get()
    assert (message.channel, letter.message_id) == ("post", message.pk)
    assert "Str. Mare 1, Iasi" in message.postal_address
    assert "OUT-2026-0001.pdf" in [a.filename for a in message.attachments.all()]
    letter_task.refresh_from_db()
    assert letter_task.status == "done"
    assert TaskAttachment.objects.get(task=letter_task).method == "post"
    again = client.post(reverse("letters:compose"), data)
    assert again.status_code in (200, 400)
    assert PaperLetter.objects.count() == 1 and OutgoingMessage.objects.count() == 1


def test_the_task_page_and_the_debtor_card_offer_the_composer(
    client: Any, collector: Any, debtor: Any, letter_task: Any
) -> None:
    client.force_login(collector)
    task_page = client.get(reverse("work:task", args=[letter_task.pk])).content.decode()
    assert f"/letters/compose/?counterparty={debtor.pk}&amp;task={letter_task.pk}" in task_page
    assert "Write the letter" in task_page
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Write a letter" in card
    call = client.get(reverse("work:call", args=[debtor.pk])).content.decode()
    assert "Write a letter" in call


def test_automatic_steps_go_out_only_with_an_approved_wording(
    frozen: Any, supervisor: Any, debtor: Any, letter_task: Any
) -> None:
    kind = services.kind_for_task(letter_task, debtor)
    services.set_auto_send(supervisor, kind, True)
    assert services.send_automatic_steps() == 0  # the wording is not approved yet
    assert not OutgoingMessage.objects.exists()
    services.approve_wording(supervisor, wording_of(kind, "ro"))
    assert services.send_automatic_steps() == 1
    assert services.send_automatic_steps() == 0
    message = OutgoingMessage.objects.get()
    assert (message.to_email, message.language) == ("ana@nord.example", "ro")
    letter_task.refresh_from_db()
    assert letter_task.status == "done"


def test_a_debtor_without_contacts_gets_a_draft_for_the_post(
    client: Any, collector: Any, make_counterparty: Any, make_document: Any
) -> None:
    bare = make_counterparty(collector=collector, name="Bare SRL", language="en")
    make_document(bare, "80.00", number="B-1")
    client.force_login(collector)
    page = client.get(url(bare))
    text = page.content.decode()
    assert page.status_code == 200
    assert "No contact of this debtor has an email address" in text
    assert page.context["form"].initial["body"].startswith("Dear Sir or Madam,")
    assert "B-1" in page.context["form"].initial["body"]


def test_automatic_sending_leaves_other_kinds_alone(
    frozen: Any, supervisor: Any, debtor: Any, letter_task: Any
) -> None:
    services.set_auto_send(supervisor, "friendly", True)  # the task's step is a firm request
    services.approve_wording(supervisor, wording_of("friendly", "ro"))
    services.approve_wording(supervisor, wording_of("firm", "ro"))
    assert services.send_automatic_steps() == 0
    letter_task.refresh_from_db()
    assert letter_task.status == "open"


@pytest.mark.parametrize(("language", "label"), [("ro", "Către"), ("uk", "Кому"), ("ru", "Кому")])
def test_the_recipient_field_reads_to_whom_not_until_when(
    client: Any, collector: Any, debtor: Any, letter_task: Any, language: str, label: str
) -> None:
    collector.language = language
    collector.save()
    client.force_login(collector)
    page = client.get(url(debtor, letter_task)).content.decode()
    assert f'<label for="id_contact">{label}</label>' in page


def test_an_active_promise_reads_as_running_in_ukrainian(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
) -> None:
    ladder.record_promise(
        counterparty=debtor,
        amount=Decimal("100"),
        promised_date=date(2026, 3, 20),
        user=collector,
        currency="RON",
    )
    collector.language = "uk"
    collector.save()
    client.force_login(collector)
    page = client.get(url(debtor, letter_task)).content.decode()
    assert "RON · діє</li>" in page and "активний" not in page


def test_the_composer_warns_when_the_greeted_person_cannot_receive_the_email(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any
) -> None:
    collector.language = "ro"
    collector.save()
    client.force_login(collector)
    assert 'id="addressee-elsewhere"' not in client.get(url(debtor, letter_task)).content.decode()
    Contact.objects.filter(counterparty=debtor, name="Ana Pop").update(email="")
    Contact.objects.create(counterparty=debtor, name="Maria Lungu", email="maria@nord.example")
    page = client.get(url(debtor, letter_task))
    text = page.content.decode()
    # The letter greets the person it goes to (see test_compose_greets_the_recipient.py).
    assert page.context["form"].initial["body"].startswith("Bună ziua, Maria Lungu,")
    assert "Ana Pop nu poate primi scrisoarea prin e-mail: ea este scrisă pentru Maria Lungu" in (
        text
    )
