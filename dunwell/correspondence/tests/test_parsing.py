"""Pure parts of incoming mail: reading a message, the clues in it, the mailbox addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dunwell.correspondence import clues
from dunwell.correspondence.imap_urls import ImapUrlError, parse_imap_url, parse_imap_urls
from dunwell.correspondence.parsing import parse_mail, text_from_html
from dunwell.correspondence.tests.mime import PDF, dsn, mail


def test_html_only_mail_keeps_its_text_without_tags_or_scripts():
    raw = mail(
        sender="a@b.ro",
        subject="HTML",
        text="",
        html="<html><head><style>p{}</style></head><body><p>Hello&nbsp;<b>there</b></p>"
        "<script>alert(1)</script><p>Line two</p></body></html>",
    )
    parsed = parse_mail(raw)
    assert parsed.text == "Hello there\n\nLine two"
    assert text_from_html("<p>Hello <b>there</b></p><script>x()</script><p>Two</p>") == (
        "Hello there\n\nTwo"
    )


def test_a_reply_names_the_messages_it_answers_nearest_first():
    raw = mail(sender="A <A@B.ro>", subject="Re", text="ok", in_reply_to="<ours@dunwell.local>")
    parsed = parse_mail(raw)
    assert parsed.from_email == "a@b.ro" and parsed.from_name == "A"
    assert parsed.thread_ids[0] == "<ours@dunwell.local>"
    assert parsed.bounce is None


def test_attachments_keep_their_names_without_folders():
    raw = mail(
        sender="a@b.ro",
        subject="x",
        text="x",
        attachments=(("../../etc/act.pdf", PDF, "application/pdf"),),
    )
    [attachment] = parse_mail(raw).attachments
    assert (attachment.filename, attachment.content) == ("act.pdf", PDF)


def test_a_dsn_names_the_original_the_address_and_the_reason():
    bounce = parse_mail(dsn("<ours@dunwell.local>", "x@buyer.ro")).bounce
    assert bounce is not None
    assert bounce.original_ids == ("<ours@dunwell.local>",)
    assert bounce.recipient == "x@buyer.ro"
    assert bounce.permanent and "5.1.1" in bounce.reason


def test_garbage_does_not_raise():
    parsed = parse_mail(b"\x00\xff not a mail at all")
    assert parsed.message_id == "" and parsed.date is None


def test_a_date_without_a_zone_is_read_as_utc():
    raw = b"From: a@b.ro\r\nDate: Mon, 2 Mar 2026 10:00:00\r\nSubject: x\r\n\r\nbody\r\n"
    parsed = parse_mail(raw).date
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


def test_numbers_in_text_are_words_with_digits():
    words = clues.numbers_in("Invoice FV-2026/0042, and RO18547290.", "paid 12 lei on 2026-03-01")
    assert "FV-2026/0042" in words and "RO18547290" in words and "12" not in words
    assert clues.tax_id_candidates(words) == ["RO18547290"]


@pytest.mark.parametrize("domain", ["gmail.com", "mail.ru", "yandex.ru", "ukr.net", "i.ua"])
def test_public_mail_domains_are_known(domain):
    assert clues.is_public_domain(domain)


def test_imap_addresses_are_parsed_and_bad_ones_named_without_the_password():
    accounts = parse_imap_urls(
        "imaps://inbox%40firm.ro:s3cret@mail.firm.ro/INBOX imap://u:p@127.0.0.1:1143/Replies?starttls=1"
    )
    assert accounts[0].user == "inbox@firm.ro" and accounts[0].port == 993
    assert accounts[0].label == "imaps://inbox@firm.ro@mail.firm.ro:993/INBOX"
    assert accounts[1].starttls and accounts[1].folder == "Replies" and accounts[1].port == 1143
    assert parse_imap_urls("  ") == []
    for bad in ("pop3://u:s3cret@h/INBOX", "imap://h/INBOX", "imaps://u:s3cret@h/?starttls=1"):
        with pytest.raises(ImapUrlError) as caught:
            parse_imap_url(bad)
        assert "s3cret" not in str(caught.value)
