"""A letter queued is not a letter sent: after "Send by email" the collector reads (flash, task
page, the debtor's timeline) that the email is queued for sending, to whom and what, and while
mail is not configured that it waits for the administrator; once the real SMTP server accepts
it the timeline says "sent to <address>" once and the task page says when; when the server
refuses it for good, both say "not delivered" with the reason."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from dunwell.mail.sending import send_due
from dunwell.mail.tests.conftest import smtp_sink  # noqa: F401 - the real SMTP server
from dunwell.mail.tests.smtp_sink import SmtpSink

from .test_compose import form, url

pytestmark = pytest.mark.django_db

TO = "ana@nord.example"
SUBJECT = "A doua solicitare de plată: Fabrica Nord SRL"
FILES = "extras-EUR.pdf, extras-RON.pdf"

READS = {
    "en": {
        "flash": f"The email “{SUBJECT}” to {TO} is queued for sending.",
        "result": f"Result: Email “{SUBJECT}” to {TO} queued for sending",
        "queued": f"Email “{SUBJECT}” to {TO} queued for sending, attachments: {FILES}",
        "sent": f"Email “{SUBJECT}” sent to {TO}",
        "sent_on": f"Email “{SUBJECT}” sent to {TO} on ",
        "not_delivered": f"Email “{SUBJECT}” to {TO} not delivered: ",
        "waits": "Mail is not configured: the email waits in the outbox until an administrator "
        "sets up sending.",
        "old": "Letter sent",
        "sent_by_email": "Sent by email",
    },
    "ro": {
        "flash": f"E-mailul „{SUBJECT}” către {TO} a fost pus în coada de trimitere.",
        "result": f"Rezultat: E-mailul „{SUBJECT}” către {TO} a fost pus în coada de trimitere",
        "queued": f"E-mailul „{SUBJECT}” către {TO} a fost pus în coada de trimitere, "
        f"atașamente: {FILES}",
        "sent": f"E-mailul „{SUBJECT}” a fost trimis către {TO}",
        "sent_on": f"E-mailul „{SUBJECT}” a fost trimis către {TO} la ",
        "not_delivered": f"E-mailul „{SUBJECT}” către {TO} nu a fost livrat: ",
        "waits": "Poșta nu este configurată: e-mailul așteaptă în coada de trimitere până când "
        "un administrator configurează trimiterea.",
        "old": "Scrisoare trimisă",
        "sent_by_email": "Trimis prin e-mail",
    },
}


def text(page: Any) -> str:
    """The page as the reader sees it: tags gone, entities read, spaces collapsed."""
    body = re.sub(r"<(script|style).*?</\1>", " ", page.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def timeline(client: Any, debtor: Any) -> str:
    card = text(client.get(reverse("work:debtor", args=[debtor.pk])))
    return card[card.index("Cronologie" if "Cronologie" in card else "Timeline") :]


def sent_from_composer(client: Any, collector: Any, language: str, debtor: Any, task: Any) -> str:
    collector.language = language
    collector.save(update_fields=["language"])
    client.force_login(collector)
    data = form(client.get(url(debtor, task)))
    data["task"] = task.pk
    assert data["subject"] == SUBJECT
    return text(client.post(reverse("letters:compose"), data, follow=True))


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_collector_reads_queued_then_sent_once_the_server_accepts_it(
    client: Any,
    collector: Any,
    debtor: Any,
    letter_task: Any,
    frozen: Any,
    smtp_sink: SmtpSink,  # noqa: F811
    language: str,
) -> None:
    reads = READS[language]
    after = sent_from_composer(client, collector, language, debtor, letter_task)
    # The flash and the task page it lands on: queued, to whom, what; no file name.
    assert reads["flash"] in after
    assert reads["result"] in after
    assert reads["waits"] not in after  # mail is configured here
    assert reads["sent"] not in after
    assert reads["sent_by_email"] not in after
    before = timeline(client, debtor)
    assert reads["queued"] in before
    assert reads["sent"] not in before
    assert reads["old"] not in before and ".eml" not in before

    report = send_due()
    assert report.attempted == 1 and [r.rcpt_tos for r in smtp_sink.received] == [(TO,)]
    assert send_due().attempted == 0  # sent once
    sent = timeline(client, debtor)
    assert sent.count(reads["sent"]) == 1
    assert reads["queued"] in sent  # the history keeps when it was queued
    task_page = text(client.get(reverse("work:task", args=[letter_task.pk])))
    assert reads["sent_on"] + "10.03.2026" in task_page


def test_while_mail_is_not_configured_it_says_the_email_waits_for_the_administrator(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any, settings: Any
) -> None:
    settings.DUNWELL_EMAIL_URL = ""
    reads = READS["ro"]
    after = sent_from_composer(client, collector, "ro", debtor, letter_task)
    assert f"{reads['flash']} {reads['waits']}" in after
    task_page = text(client.get(reverse("work:task", args=[letter_task.pk])))
    assert reads["waits"] in task_page
    assert f"{reads['queued']}. {reads['waits']}" in timeline(client, debtor)
    assert send_due().attempted == 0
    assert reads["sent"] not in timeline(client, debtor)


@pytest.mark.parametrize("language", ["en", "ro"])
def test_a_refused_email_reads_not_delivered_with_the_reason_on_the_task_and_the_card(
    client: Any,
    collector: Any,
    debtor: Any,
    letter_task: Any,
    frozen: Any,
    smtp_sink: SmtpSink,  # noqa: F811
    language: str,
) -> None:
    reads = READS[language]
    smtp_sink.answer(TO, "550 5.1.1 Mailbox unavailable")
    sent_from_composer(client, collector, language, debtor, letter_task)
    send_due()
    task_page = text(client.get(reverse("work:task", args=[letter_task.pk])))
    said = task_page[task_page.index(reads["not_delivered"]) :]
    assert "Mailbox unavailable" in said[:200]
    card = timeline(client, debtor)
    assert "Mailbox unavailable" in card[card.index(reads["not_delivered"]) :][:200]
    assert reads["sent"] not in card
