"""A task the app closes with words of its own (shipments stopped, notified, the pretension
sent, the lawsuit filed, a letter sent by hand) reads in the reader's language on the debtor
card's timeline; the words are stored in English, and older ones, stored in English or in the
doer's language, read translated too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty, Document
from dunwell.legal import services
from dunwell.work import services as work

pytestmark = pytest.mark.django_db

ENGLISH = ("shipments stopped", "notified", "Pretension sent", "Lawsuit filed", "Sent by hand")
READ = {
    "uk": (
        "відвантаження зупинено",
        "сповіщення надіслано",
        "Претензію надіслано",
        "Позов подано",
        "Надіслано вручну: Letter Beton.pdf",
    ),
    "ro": (
        "livrări oprite",
        "notificări trimise",
        "Notificare trimisă",
        "Acțiune depusă",
        "Trimis manual: Letter Beton.pdf",
    ),
}


def task(cp: Counterparty, action: str, user: User) -> Task:
    return ladder.create_manual_task(
        counterparty=cp,
        assignee=user,
        action=action,
        due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        title=action,
        user=user,
    )


def card(reader: User, cp: Counterparty, language: str) -> str:
    reader.language = language
    reader.save(update_fields=["language"])
    client = Client()
    client.force_login(reader)
    return client.get(reverse("work:debtor", args=[cp.pk])).content.decode()


@pytest.mark.parametrize("language", ["uk", "ro"])
def test_the_tasks_the_app_closes_read_in_the_readers_language_on_the_debtor_card(
    language: str,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
    media: object,
) -> None:
    cp = make_counterparty(name="Beton Grup SRL", collector=collector)
    make_document(cp, "1500.00", due_date=date(2026, 2, 2))
    work.confirm_shipments_stopped(collector, task(cp, "stop_shipments", collector))
    work.complete_notify_task(collector, task(cp, "notify_supervisor", collector))
    pdf = SimpleUploadedFile("Letter Beton.pdf", b"%PDF-1.7\n...", "application/pdf")
    work.mark_sent_by_hand(collector, task(cp, "letter", collector), pdf)
    case = services.open_case(cp, lawyer, lawyer=lawyer)
    pretension, filing = task(cp, "pretension", lawyer), task(cp, "court_filing", lawyer)
    case = services.record_pretension_sent(case, lawyer, sent_on=date(2026, 3, 3), channel="post")
    services.file_lawsuit(case, lawyer, court="Tribunalul Cluj", case_number="123/2026",
                          filed_on=date(2026, 4, 20), principal=Decimal("1500.00"),
                          interest=Decimal("10.00"), state_fee=Decimal("100.00"))  # fmt: skip
    # stored in English, for the API and the exports
    results = set(Task.objects.filter(counterparty=cp).values_list("result", flat=True))
    assert {"shipments stopped", "notified", "Sent by hand: Letter Beton.pdf"} <= results
    assert {"Pretension sent", "Lawsuit filed"} <= results
    pretension.refresh_from_db()
    filing.refresh_from_db()
    assert (pretension.result, filing.result) == ("Pretension sent", "Lawsuit filed")

    html = card(collector, cp, language)
    for words in READ[language]:
        assert words in html
    for words in ENGLISH:  # after the task's title ("stop_shipments: shipments stopped")
        assert f": {words}" not in html


def test_a_result_stored_in_the_doers_language_reads_in_the_readers(
    make_counterparty: Callable[..., Counterparty], collector: User, lawyer: User
) -> None:
    """Before, the case closed the ladder's pretension task in the lawyer's language."""
    cp = make_counterparty(name="Beton Grup SRL", collector=collector)
    done = ladder.complete_task(
        task(cp, "pretension", lawyer), user=lawyer, result="Notificare trimisă"
    )
    assert done.localized_result == "Pretension sent"  # the test reads in English
    assert "Претензію надіслано" in card(collector, cp, "uk")
    typed = ladder.complete_task(task(cp, "call", collector), user=collector, result="sunat")
    assert "pretension: Претензію надіслано" in card(collector, cp, "uk")
    assert "call: sunat" in card(collector, cp, "uk")
    assert typed.localized_result == "sunat"
