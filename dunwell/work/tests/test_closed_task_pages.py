"""A closed task's page says what happened to it: who closed it and when, its result in the
reader's language and, for a call, the call that closed it and the promise it took; it offers
no button to do it again. A closed call task opens this page, not the call card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Policy, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document
from dunwell.work import ladder_bridge
from dunwell.work.models import CallActivity

pytestmark = pytest.mark.usefixtures("frozen")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user: User, language: str = "en") -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def ladder_task(cp: Counterparty, user: User | None, action: str, **kw: Any) -> Task:
    docs = Document.objects.filter(counterparty=cp, open_amount__gt=0)
    return Task.objects.create(
        counterparty=cp,
        assignee=user,
        action=action,
        title=f"{action} for {cp.name}",
        due_at=timezone.now(),
        key=f"test:{action}:{cp.pk}:{Task.objects.count()}",
        step=Policy.objects.get(code="standard").steps.first(),
        document_ids=list(docs.values_list("pk", flat=True)),
        **kw,
    )


def promise_call(client: Client, debtor: Counterparty, task: Task) -> None:
    response = client.post(
        reverse("work:call", args=[debtor.pk]) + f"?task={task.pk}",
        {
            "outcome": "promise",
            "task": str(task.pk),
            "promised_on": "2026-03-20",
            "promised_amount": "1500",
            "promised_by": "Ana Pop",
            "note": "pays after the board meets",
        },
    )
    assert response.status_code == 302


def text(page: Any) -> str:
    return " ".join(page.content.decode().replace("\u00a0", " ").split())


@pytest.mark.parametrize(
    ("language", "result", "done", "call", "promise", "again"),
    [
        (
            "ru",
            "Результат: Обещание оплаты",
            "Выполнил(а) colin 10.03.2026",
            "Звонок: обещание оплатить 1 500,00 RON до 20.03.2026 (Ana Pop) — pays after",
            "Статус обещания: действует",
            "Позвонить должнику ещё раз",
        ),
        (
            "ro",
            "Rezultat: Promisiune de plată",
            "Efectuată de colin la 10.03.2026",
            "Apel: promisiune de plată 1.500,00 RON până la 20.03.2026 (Ana Pop) — pays after",
            "Starea promisiunii: activă",
            "Sunați din nou debitorul",
        ),
    ],
)
def test_a_done_call_task_shows_its_outcome_who_and_when_not_the_call_card(
    debtor: Counterparty,
    collector: User,
    language: str,
    result: str,
    done: str,
    call: str,
    promise: str,
    again: str,
) -> None:
    task = ladder_task(debtor, collector, "call")
    client = client_for(collector, language)
    promise_call(client, debtor, task)
    response = client.get(reverse("work:task", args=[task.pk]))
    assert response.status_code == 200  # it used to send the reader to the call card
    page = text(response)
    for words in (result, done, call, promise, again):
        assert words in page
    html = response.content.decode()
    # A new call from the call card, not one that would close this task again.
    assert f'href="{reverse("work:call", args=[debtor.pk])}" id="new-call"' in html
    for form in ("done-form", "skip-form", "sent-form"):
        assert f'id="{form}"' not in html


def test_an_open_call_task_still_opens_the_call_card(debtor: Counterparty, collector: User) -> None:
    task = ladder_task(debtor, collector, "call")
    response = client_for(collector).get(reverse("work:task", args=[task.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("work:call", args=[debtor.pk]) + f"?task={task.pk}"


def test_the_supervisor_reads_a_closed_call_found_by_its_moment(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    """A call recorded before calls kept the task they closed is still told: the one its
    closer recorded on the debtor as the task was closed."""
    task = ladder_task(debtor, collector, "call")
    promise_call(client_for(collector), debtor, task)
    activity = CallActivity.objects.get(counterparty=debtor)
    assert activity.data.pop("closed_task") == task.pk
    activity.save(update_fields=["data"])
    page = text(client_for(supervisor, "uk").get(reverse("work:task", args=[task.pk])))
    assert "Виконав(ла) colin 10.03.2026" in page
    assert "Результат: Обіцянка оплати" in page
    assert "Дзвінок: обіцянка сплатити 1 500,00 RON до 20.03.2026 (Ana Pop)" in page


def test_the_calendar_and_my_day_lead_a_closed_call_to_its_page(
    debtor: Counterparty, collector: User
) -> None:
    task = ladder_task(debtor, collector, "call")
    promise_call(client_for(collector), debtor, task)
    start = timezone.now() - timedelta(days=1)
    (event,) = ladder_bridge.task_events(collector, start, start + timedelta(days=2))
    assert event.done and event.url == reverse("work:task", args=[task.pk])


def test_a_letter_sent_by_hand_says_who_sent_it_and_when_and_offers_nothing_to_redo(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    task = ladder_task(debtor, collector, "letter")
    client = client_for(collector)
    client.post(
        reverse("work:task_done", args=[task.pk]), {"file": SimpleUploadedFile("l.pdf", PDF)}
    )
    response = client_for(supervisor, "uk").get(reverse("work:task", args=[task.pk]))
    page, html = text(response), response.content.decode()
    assert "Виконав(ла) colin 10.03.2026" in page
    assert "Результат: Надіслано вручну" in page
    for absent in ('id="sent-form"', 'id="skip-form"', reverse("letters:compose")):
        assert absent not in html


def test_a_skipped_letter_says_who_skipped_it_and_why_and_not_that_it_was_sent(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    task = ladder_task(debtor, collector, "letter")
    skip = reverse("work:task_skip", args=[task.pk])
    assert client_for(supervisor).post(skip, {"reason": "paid in cash"}).status_code == 302
    page = text(client_for(collector, "ru").get(reverse("work:task", args=[task.pk])))
    assert "Пропустил(а) sofia 10.03.2026" in page and "Причина: paid in cash" in page
    # "Sent" stood over nothing: the letter never went out.
    assert "<h2>Отправлено</h2>" not in page


def test_a_task_closed_as_paid_and_a_done_notice_and_meeting_read_as_closed(
    debtor: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    paid = ladder_task(debtor, collector, "letter")
    Task.objects.filter(pk=paid.pk).update(
        status=TaskStatus.CANCELLED_PAID, done_at=datetime.fromisoformat("2026-03-09T10:00+02:00")
    )
    client = client_for(collector, "ro")
    page = text(client.get(reverse("work:task", args=[paid.pk])))
    assert "Închisă la 09.03.2026" in page and "documentele ei au fost plătite" in page

    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=make_user("sam", Role.SALES))
    notice = ladder_task(debtor, collector, "notify_supervisor")
    client.post(reverse("work:task_done", args=[notice.pk]))
    html = client.get(reverse("work:task", args=[notice.pk])).content.decode()
    # Who was notified, not who "is notified" as if it were still to do.
    assert 'id="notified"' in html and 'id="notify-recipients"' not in html

    meeting = ladder_task(debtor, collector, "meeting")
    client.post(reverse("work:task_done", args=[meeting.pk]), {"note": "met, schedule agreed"})
    html = client.get(reverse("work:task", args=[meeting.pk])).content.decode()
    assert "met, schedule agreed" in html
    assert reverse("work:meeting_new", args=[debtor.pk]) not in html


def test_a_call_back_the_nightly_retry_skipped_names_no_one(
    debtor: Counterparty, collector: User
) -> None:
    task = ladder_task(debtor, collector, "call")
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.SKIPPED,
        skip_reason="missed: not done in time, retried",
        done_at=datetime.fromisoformat("2026-03-09T23:00+02:00"),
    )
    page = text(client_for(collector, "ru").get(reverse("work:task", args=[task.pk])))
    assert "Пропущена 09.03.2026" in page and "Пропустил(а) —" not in page


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("ru", "Причина: пропущено: не выполнено вовремя, назначен повторный звонок"),
        ("uk", "Причина: пропущено: не виконано вчасно, призначено повторний дзвінок"),
        ("ro", "Motiv: ratat: neefectuat la timp, apel reprogramat"),
        ("en", "Reason: missed: not done in time, retried"),
    ],
)
def test_the_nightly_retrys_skip_reason_reads_in_the_readers_language(
    debtor: Counterparty, collector: User, language: str, reason: str
) -> None:
    """The nightly retry stores its skip reason in English (the API's and the exports' words);
    the task page read it in English in every language. A row stored before reads translated."""
    task = ladder_task(debtor, collector, "call")
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.SKIPPED,
        skip_reason="missed: not done in time, retried",
        done_at=datetime.fromisoformat("2026-03-09T23:00+02:00"),
    )
    page = text(client_for(collector, language).get(reverse("work:task", args=[task.pk])))
    assert reason in page
    if language != "en":
        assert "not done in time" not in page


def test_a_skip_reason_a_person_typed_reads_as_typed(debtor: Counterparty, collector: User) -> None:
    task = ladder_task(debtor, collector, "call")
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.SKIPPED, skip_reason="retried")
    page = text(client_for(collector, "ru").get(reverse("work:task", args=[task.pk])))
    assert "Причина: retried" in page
