"""The outbox pages: who sees which message, the Retry and Cancel buttons, the files, the
sender addresses; what the user reads is translated."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role
from dunwell.mail.models import MessageState, OutgoingMessage, SenderAddress
from dunwell.mail.services import Attachment, queue_message, sender_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(company: Any, make_counterparty: Any, collector: Any, settings: Any, tmp_path: Any):
    settings.MEDIA_ROOT = str(tmp_path)
    debtor = make_counterparty(collector=collector, name="Owner Debtor SRL")
    queued = queue_message(
        company=company,
        counterparty=debtor,
        sender=collector,
        created_by=collector,
        to="ana@owner.ro",
        subject="Factura INV-9",
        text="Vă rugăm să achitați.",
        attachments=[Attachment("Extras — cont.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    OutgoingMessage.objects.filter(pk=queued.pk).update(
        state=MessageState.GAVE_UP, attempts=6, last_error="RCPT TO: 550 No such user"
    )
    queued.refresh_from_db()
    return queued


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_owner_sees_the_message_with_its_state_attempts_and_error(
    message: OutgoingMessage, collector: Any
) -> None:
    page = _client(collector).get(reverse("mail:outbox")).content.decode()
    assert "Owner Debtor SRL" in page
    assert "Factura INV-9" in page
    assert "given up" in page
    assert "550 No such user" in page
    assert "Retry" in page


def test_a_teammate_and_an_outsider_neither_see_nor_open_it(
    message: OutgoingMessage, teammate: Any, outsider: Any
) -> None:
    for user in (teammate, outsider):
        client = _client(user)
        assert "Owner Debtor SRL" not in client.get(reverse("mail:outbox")).content.decode()
        assert client.get(reverse("mail:message", args=[message.pk])).status_code == 404
        file = message.attachments.get()
        url = reverse("mail:attachment", args=[message.pk, file.pk])
        assert client.get(url).status_code == 404
        assert client.post(reverse("mail:retry", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.state == MessageState.GAVE_UP


def test_the_supervisor_sees_the_teams_messages_and_finance_all(
    message: OutgoingMessage, supervisor: Any, make_user: Any
) -> None:
    finance = make_user("fiona", Role.FINANCE)
    for user in (supervisor, finance):
        assert "Owner Debtor SRL" in _client(user).get(reverse("mail:outbox")).content.decode()
    other_supervisor = make_user("sam", Role.SUPERVISOR)
    page = _client(other_supervisor).get(reverse("mail:outbox")).content.decode()
    assert "Owner Debtor SRL" not in page


def test_retry_queues_the_message_again_once(message: OutgoingMessage, collector: Any) -> None:
    client = _client(collector)
    url = reverse("mail:retry", args=[message.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a double click changes nothing more
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert message.attempts == 0
    assert client.get(url).status_code == 405


def test_a_sales_manager_who_sees_the_debtor_cannot_retry_someone_elses_email(
    message: OutgoingMessage, make_user: Any
) -> None:
    sales = make_user("sal", Role.SALES)
    debtor = message.counterparty
    assert debtor is not None
    debtor.sales_manager = sales
    debtor.save()
    client = _client(sales)
    assert client.get(reverse("mail:message", args=[message.pk])).status_code == 200
    assert client.post(reverse("mail:retry", args=[message.pk])).status_code == 403


def test_cancel_takes_a_queued_message_out_and_refuses_a_sent_one(
    message: OutgoingMessage, collector: Any
) -> None:
    OutgoingMessage.objects.filter(pk=message.pk).update(state=MessageState.QUEUED)
    client = _client(collector)
    client.post(reverse("mail:cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED
    OutgoingMessage.objects.filter(pk=message.pk).update(state=MessageState.SENT)
    response = client.post(reverse("mail:cancel", args=[message.pk]), follow=True)
    refused = "Only a message that is waiting to be sent can be cancelled."
    assert refused in response.content.decode()
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_the_detail_shows_the_text_and_downloads_the_attachment(
    message: OutgoingMessage, collector: Any
) -> None:
    client = _client(collector)
    page = client.get(reverse("mail:message", args=[message.pk])).content.decode()
    assert "Vă rugăm să achitați." in page
    assert "Extras — cont.pdf" in page
    file = message.attachments.get()
    response = client.get(reverse("mail:attachment", args=[message.pk, file.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content == b"%PDF-1.4 x"
    assert "attachment" in response["Content-Disposition"]


def test_the_page_says_in_russian_that_mail_is_not_configured(
    message: OutgoingMessage, collector: Any, settings: Any
) -> None:
    settings.DUNWELL_EMAIL_URL = ""
    collector.language = "ru"
    collector.save()
    page = _client(collector).get(reverse("mail:outbox")).content.decode()
    assert "Почта не настроена." in page
    assert "Исходящие" in page
    assert "отказались" in page or "не отправлено" in page


def test_a_letter_by_post_is_marked_posted_by_its_collector(
    company: Any, make_counterparty: Any, collector: Any
) -> None:
    debtor = make_counterparty(collector=collector)
    letter = queue_message(
        company=company, counterparty=debtor, sender=collector, channel="post",
        postal_address="Str. Lungă 1, Cluj", subject="Somație", text="…",
    )  # fmt: skip
    _client(collector).post(reverse("mail:posted", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.state == MessageState.SENT
    assert debtor.timeline.filter(kind="mail.posted").count() == 1


def test_a_collector_sets_their_own_sender_and_a_director_the_companys(
    company: Any, collector: Any, director: Any
) -> None:
    page = _client(collector).get(reverse("mail:senders")).content.decode()
    assert "Demo Supply LLC" not in page  # a collector does not edit the company's
    _client(collector).post(
        reverse("mail:senders"),
        {"which": "own", "own-email": "colin@demo.ro", "own-display_name": "Colin"},
    )
    _client(collector).post(
        reverse("mail:senders"),
        {"which": f"company-{company.pk}", f"c{company.pk}-email": "evil@x.ro"},
    )
    assert not SenderAddress.objects.filter(company=company).exists()
    _client(director).post(
        reverse("mail:senders"),
        {
            "which": f"company-{company.pk}",
            f"c{company.pk}-email": "billing@demo.ro",
            f"c{company.pk}-display_name": "Demo Billing",
            f"c{company.pk}-allow_personal": "on",
        },
    )
    assert sender_for(company, collector) == "Colin <colin@demo.ro>"
    assert sender_for(company, director) == "Demo Billing <billing@demo.ro>"
    SenderAddress.objects.filter(company=company).update(allow_personal=False)
    assert sender_for(company, collector) == "Demo Billing <billing@demo.ro>"


def test_the_list_reads_a_page_of_messages_in_a_few_queries(
    message: OutgoingMessage, collector: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        queue_message(
            company=message.company, counterparty=message.counterparty, sender=collector,
            to=f"x{n}@owner.ro", subject=f"S{n}", text="t",
        )  # fmt: skip
    client = _client(collector)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("mail:outbox")).status_code == 200


def test_the_list_shows_one_debtors_messages_when_asked(
    message: OutgoingMessage, collector: Any, make_counterparty: Any
) -> None:
    other = make_counterparty(collector=collector, name="Other Debtor SRL")
    queue_message(
        company=message.company, counterparty=other, sender=collector, to="o@other.ro",
        subject="Other subject", text="t",
    )  # fmt: skip
    client = _client(collector)
    page = client.get(reverse("mail:outbox"), {"counterparty": other.pk}).content.decode()
    assert "Other subject" in page and "Factura INV-9" not in page
    assert (
        "Factura INV-9"
        in client.get(reverse("mail:outbox"), {"counterparty": "x"}).content.decode()
    )
