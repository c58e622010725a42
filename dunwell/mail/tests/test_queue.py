import pytest

from dunwell.mail.models import MessageState
from dunwell.mail.services import Attachment, MailError, find_by_message_ids, queue_message


def test_a_queued_message_has_a_message_id_and_its_attachments(company):
    message = queue_message(
        company=company,
        to="buyer@example.ro",
        subject="Invoice 12",
        text="Please pay.",
        attachments=[Attachment("statement.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    assert message.state == MessageState.QUEUED
    assert message.message_id.startswith("<") and message.message_id.endswith(">")
    stored = message.attachments.get()
    assert stored.filename == "statement.pdf"
    assert stored.file.read() == b"%PDF-1.4 x"
    assert find_by_message_ids(["<nobody@x>", message.message_id]) == message


def test_the_same_key_queues_once(company):
    first = queue_message(company=company, to="a@b.md", subject="s", text="t", key="task:1")
    again = queue_message(company=company, to="a@b.md", subject="s", text="t", key="task:1")
    assert again.pk == first.pk


def test_an_email_without_an_address_is_refused(company):
    with pytest.raises(MailError):
        queue_message(company=company, to=" ", subject="s", text="t")
