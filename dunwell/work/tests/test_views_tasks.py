"""Task pages: every task kind is done its own way; holds keep tasks out of "My day"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dunwell.accounts.models import Role, User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Policy, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.work.models import Notification, TaskAttachment

pytestmark = pytest.mark.usefixtures("frozen")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ladder_task(cp: Counterparty, user: User | None, action: str, **kw: Any) -> Task:
    """A task as the daily run makes it: from a step, naming the debtor's open documents."""
    docs = Document.objects.filter(counterparty=cp, open_amount__gt=0)
    return Task.objects.create(
        counterparty=cp,
        assignee=user,
        action=action,
        title=kw.pop("title", f"{action} for {cp.name}"),
        due_at=kw.pop("due_at", timezone.now()),
        key=f"test:{action}:{cp.pk}:{Task.objects.count()}",
        step=Policy.objects.get(code="standard").steps.first(),
        document_ids=list(docs.values_list("pk", flat=True)),
        **kw,
    )


@pytest.fixture
def other_supervisor(make_user: Callable[..., User]) -> User:
    return make_user("oleg", Role.SUPERVISOR)


# --- who sees and does a task --------------------------------------------------------------


def test_task_page_is_for_the_owner_and_their_supervisor_only(
    debtor: Counterparty, collector: User, teammate: User, outsider: User,
    supervisor: User, other_supervisor: User,
) -> None:  # fmt: skip
    task = ladder_task(debtor, collector, "letter")
    url = reverse("work:task", args=[task.pk])
    for user in (teammate, outsider, other_supervisor):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(reverse("work:task_done", args=[task.pk])).status_code == 404
        assert client_for(user).post(reverse("work:task_skip", args=[task.pk])).status_code == 404
    for user in (collector, supervisor):
        page = client_for(user).get(url)
        assert page.status_code == 200 and debtor.name in page.content.decode()


def test_a_collector_cannot_skip_a_supervisor_skips_with_a_reason(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    task = ladder_task(debtor, collector, "email")
    page = client_for(collector).get(reverse("work:task", args=[task.pk])).content.decode()
    assert 'id="skip-form"' not in page
    skip = reverse("work:task_skip", args=[task.pk])
    assert client_for(collector).post(skip, {"reason": "no"}).status_code == 403
    boss = client_for(supervisor)
    assert 'id="skip-form"' in boss.get(reverse("work:task", args=[task.pk])).content.decode()
    assert boss.post(skip, {"reason": " "}).status_code == 400
    assert boss.post(skip, {"reason": "paid in cash at the office"}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.SKIPPED and task.skip_reason == "paid in cash at the office"


def test_the_call_card_offers_skip_to_managers_only(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    task = ladder_task(debtor, collector, "call")
    url = reverse("work:call", args=[debtor.pk]) + f"?task={task.pk}"
    assert 'id="skip-form"' not in client_for(collector).get(url).content.decode()
    assert 'id="skip-form"' in client_for(supervisor).get(url).content.decode()


# --- which page a task opens ---------------------------------------------------------------


def test_each_task_in_my_day_opens_the_page_of_its_kind(
    debtor: Counterparty, collector: User
) -> None:
    call = ladder_task(debtor, collector, "call")
    letter = ladder_task(debtor, collector, "letter")
    pretension = ladder_task(debtor, collector, "pretension")
    page = client_for(collector).get(reverse("work:worklist")).content.decode()
    assert f'href="{reverse("work:call", args=[debtor.pk])}?task={call.pk}"' in page
    assert f'href="{reverse("work:task", args=[letter.pk])}"' in page
    # a legal step is done on the legal case
    assert f'href="{reverse("legal:case_for_task", args=[pretension.pk])}"' in page
    response = client_for(collector).get(reverse("work:task", args=[call.pk]))
    assert response.status_code == 302 and f"?task={call.pk}" in response["Location"]


# --- letters and emails: sent by hand with the file ----------------------------------------


def test_a_letter_task_offers_the_composer_first_and_by_hand_as_the_other_way(
    debtor: Counterparty, collector: User
) -> None:
    task = ladder_task(debtor, collector, "letter")
    collector.language = "uk"
    collector.save()
    page = client_for(collector).get(reverse("work:task", args=[task.pk])).content.decode()
    assert reverse("letters:compose") in page
    # It used to say letters were not sent from Dunwell yet, beside the button that sends them.
    assert "Поки листи не надсилаються з Dunwell" not in page
    assert "Надіслали не через Dunwell" in page


def test_a_letter_is_marked_sent_by_hand_with_its_file(
    debtor: Counterparty, collector: User, outsider: User
) -> None:
    task = ladder_task(debtor, collector, "letter")
    client = client_for(collector)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "INV-1" in page and "Total in RON" in page and "2,200.00" in page
    response = client.post(
        reverse("work:task_done", args=[task.pk]),
        {"file": SimpleUploadedFile("letter.pdf", PDF), "note": "registered mail"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == collector
    attachment = TaskAttachment.objects.get(task=task)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.file.read() == PDF
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="work.task.sent")
    assert "letter.pdf" in entry.summary and "registered mail" in entry.summary
    with translation.override("ru"):  # a Russian reader of the card
        (read,) = with_texts([entry])
    assert read.text == f"{task.title}: Отправлено вручную, файл letter.pdf — registered mail"
    download = reverse("work:task_file", args=[attachment.pk])
    assert b"".join(client.get(download).streaming_content) == PDF  # type: ignore[attr-defined]
    assert client_for(outsider).get(download).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 50, "only PDF, DOCX, ODT, EML, TXT, PNG"),
        ("scan.pdf", PNG, "does not match its content"),
        ("big.pdf", PDF + b"x" * 2000, "larger than"),
    ],
)
def test_a_file_that_is_not_an_accepted_document_is_refused_and_nothing_is_written(
    name: str, content: bytes, error: str, debtor: Counterparty, collector: User, settings: Any
) -> None:
    settings.WORK_TASK_FILE_MAX_BYTES = 1024
    task = ladder_task(debtor, collector, "email")
    response = client_for(collector).post(
        reverse("work:task_done", args=[task.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400 and error in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not TaskAttachment.objects.exists()


# --- stop shipments and the regulation's notices -------------------------------------------


def test_stop_shipments_is_confirmed_with_who_and_when(
    debtor: Counterparty, collector: User
) -> None:
    task = ladder_task(debtor, collector, "stop_shipments")
    response = client_for(collector).post(
        reverse("work:task_done", args=[task.pk]), {"note": "warehouse told"}
    )
    assert response.status_code == 302
    debtor.refresh_from_db()
    task.refresh_from_db()
    assert debtor.stop_shipments and task.status == TaskStatus.DONE
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="ladder.shipments_stopped")
    assert entry.actor == collector and "10.03.2026" in entry.summary
    card = client_for(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Shipments stopped" in card


def test_notify_task_tells_the_sales_manager_and_the_supervisor_once(
    debtor: Counterparty, collector: User, supervisor: User, make_user: Callable[..., User]
) -> None:
    sales = make_user("sam", Role.SALES)
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    task = ladder_task(debtor, collector, "notify_supervisor")
    client = client_for(collector)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "sam" in page and "sofia" in page
    done = reverse("work:task_done", args=[task.pk])
    assert client.post(done).status_code == 302
    assert client.post(done).status_code == 302  # a double click sends nothing more
    recipients = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == ["sam", "sofia"]
    assert "missed a payment" in Notification.objects.get(recipient=sales).message
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert 'id="notified"' in page


def test_a_meeting_task_is_done_with_a_note(debtor: Counterparty, collector: User) -> None:
    task = ladder_task(debtor, collector, "meeting")
    done = reverse("work:task_done", args=[task.pk])
    client = client_for(collector)
    client.post(done, {"note": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    client.post(done, {"note": "met the director, schedule agreed"})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.result == "met the director, schedule agreed"


# --- holds ---------------------------------------------------------------------------------


def test_a_promise_moves_the_debtors_tasks_out_of_my_day_until_it_ends(
    debtor: Counterparty, collector: User, time_machine: Any
) -> None:
    letter = ladder_task(debtor, collector, "letter", title="Reminder letter")
    client = client_for(collector)
    assert "Reminder letter" in client.get(reverse("work:worklist")).content.decode()
    ladder.record_promise(
        counterparty=debtor, amount=Decimal("2200.00"), promised_date=date(2026, 3, 20), user=None
    )
    day = client.get(reverse("work:worklist")).content.decode()
    assert "Reminder letter" not in day and "1 on hold" in day
    held = client.get(reverse("work:on_hold")).content.decode()
    assert "Reminder letter" in held and "until 20.03.2026 (promise)" in held
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "on hold until 20.03.2026 (promise)" in card
    page = client.get(reverse("work:task", args=[letter.pk])).content.decode()
    assert "On hold until 20.03.2026 (promise)" in page
    time_machine.move_to(timezone.now() + timedelta(days=11))  # the hold is over
    assert "Reminder letter" in client.get(reverse("work:worklist")).content.decode()


def test_an_active_agreement_pauses_the_ladder_on_the_card(
    debtor: Counterparty, collector: User
) -> None:
    ladder_task(debtor, collector, "letter", title="Reminder letter")
    ladder.create_agreement(
        counterparty=debtor, signed_on=date(2026, 3, 9), user=None,
        instalments=[(date(2026, 4, 15), Decimal("1000")), (date(2026, 5, 15), Decimal("1200"))],
    )  # fmt: skip
    client = client_for(collector)
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Paused until 15.05.2026 (repayment agreement, RON)" in card
    assert "Reminder letter" not in client.get(reverse("work:worklist")).content.decode()


def test_an_agreement_holds_the_debt_of_its_currency_only(
    debtor: Counterparty, collector: User, make_document: Callable[..., Document]
) -> None:
    """A schedule of the lei debt does not pay the euro one: the euro letter stays on My day
    and the card says which debt the agreement pauses."""
    ladder_task(debtor, collector, "letter", title="Lei letter")
    euro = make_document(debtor, "400.00", currency="EUR", due_date=date(2026, 2, 20))
    Task.objects.create(
        counterparty=debtor, assignee=collector, action="letter", title="Euro letter",
        due_at=timezone.now(), key="test:euro", document_ids=[euro.pk],
        step=Policy.objects.get(code="standard").steps.first(),
    )  # fmt: skip
    ladder.create_agreement(
        counterparty=debtor, signed_on=date(2026, 3, 9), user=None, currency="RON",
        instalments=[(date(2026, 4, 15), Decimal("1000")), (date(2026, 5, 15), Decimal("1200"))],
    )  # fmt: skip
    client = client_for(collector)
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Paused until 15.05.2026 (repayment agreement, RON)" in card
    day = client.get(reverse("work:worklist")).content.decode()
    assert "Euro letter" in day
    assert "Lei letter" not in day


def test_my_day_with_holds_uses_a_bounded_number_of_queries(
    debtor: Counterparty, collector: User, make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document], django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    def load(n: int) -> None:
        for _ in range(n):  # more debtors, holds and tasks must not mean more queries
            cp = make_counterparty(collector=collector)
            make_document(cp, "100.00")
            eur = make_document(cp, "50.00", currency="EUR")
            ladder_task(cp, collector, "letter")
            ladder_task(cp, collector, "call")
            ladder.record_promise(
                counterparty=cp, amount=Decimal("100.00"), promised_date=date(2026, 3, 20),
                user=None, currency="RON",
            )  # fmt: skip
            ladder.register_dispute(
                counterparty=cp, reason="price", amount=Decimal("50"), currency="EUR",
                user=None, documents=[eur],
            )  # fmt: skip

    client = client_for(collector)
    load(2)
    with django_assert_max_num_queries(24) as few:
        page = client.get(reverse("work:worklist")).content.decode()
    load(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("work:worklist")).content.decode()
    # RON held by the promise, EUR by the dispute: every task of the 12 debtors is on hold
    assert "24 on hold" in page and "Nothing left for today" in page


def test_the_debtor_card_with_holds_stays_within_its_query_bound(
    debtor: Counterparty, collector: User, django_assert_max_num_queries: Any
) -> None:
    for action in ("letter", "stop_shipments", "notify_supervisor"):
        ladder_task(debtor, collector, action)
    ladder.record_promise(
        counterparty=debtor, amount=Decimal("1500.00"), promised_date=date(2026, 3, 20), user=None
    )
    ladder.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("700.00"), user=None,
        documents=list(Document.objects.filter(counterparty=debtor, open_amount=700)),
    )  # fmt: skip
    client = client_for(collector)
    # 34 without holds (test_views_worklist); promises, disputes and their documents add 3
    with django_assert_max_num_queries(37):
        card = client.get(reverse("work:debtor", args=[debtor.pk]))
    assert card.content.decode().count("on hold until") == 3


@pytest.mark.parametrize(
    ("language", "button", "hold"),
    [
        ("en", "Mark as sent by hand", "On hold until"),
        ("ru", "Отметить как отправленное вручную", "На паузе до"),
        ("uk", "Позначити як надіслане вручну", "На паузі до"),
        ("ro", "Marcați ca trimis manual", "În așteptare până la"),
    ],
)
def test_the_task_page_speaks_the_users_language(
    language: str, button: str, hold: str, debtor: Counterparty, collector: User
) -> None:
    collector.language = language
    collector.save()
    task = ladder_task(debtor, collector, "letter")
    ladder.record_promise(
        counterparty=debtor, amount=Decimal("2200.00"), promised_date=date(2026, 3, 20), user=None
    )
    page = client_for(collector).get(reverse("work:task", args=[task.pk])).content.decode()
    assert button in page and hold in page


@pytest.mark.parametrize(
    ("language", "column", "opened"),
    [
        ("uk", "Залишок", "Відкрито"),
        ("ru", "Остаток", "Открыто"),
        ("ro", "Sold deschis", "Deschis"),
    ],
)
def test_a_task_pages_documents_name_the_open_amount_as_the_card_does(
    debtor: Counterparty,
    collector: User,
    make_document: Callable[..., Document],
    language: str,
    column: str,
    opened: str,
) -> None:
    """The amount column read 'Відкрито' / 'Deschis' ('opened') beside the card's 'Залишок'."""
    make_document(debtor, "1500.00")
    task = ladder_task(debtor, collector, "email")
    collector.language = language
    collector.save()
    page = client_for(collector).get(reverse("work:task", args=[task.pk])).content.decode()
    assert f'<th class="num">{column}</th>' in page
    assert f'<th class="num">{opened}</th>' not in page


def test_a_notice_names_its_task_in_each_readers_language(
    debtor: Counterparty, collector: User, supervisor: User, make_user: Callable[..., User]
) -> None:
    """The missed-payment notice stores its message in every language: the task's title (the
    step's name, stored in English) is read in each, not left in English inside Russian; and
    the step's name alone, since the notice names the debtor itself (it read "X missed a
    payment: … (Payment missed: notify … — X)")."""
    from django.utils import translation

    step = Policy.objects.get(code="standard").steps.get(action="notify_supervisor")
    sales = make_user("sam", Role.SALES)
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    task = Task.objects.create(
        counterparty=debtor,
        assignee=collector,
        action="notify_supervisor",
        title=f"{step.name} — {debtor.name}",
        due_at=timezone.now(),
        key="test:notify",
        step=step,
        document_ids=[],
    )
    client_for(collector).post(reverse("work:task_done", args=[task.pk]))
    notice = Notification.objects.get(recipient=sales)
    for language in ("ru", "ro"):
        with translation.override(language):
            name = step.localized_name
        assert name != step.name
        assert f"({name})" in notice.text(language)
        assert notice.text(language).count(debtor.name) == 1, notice.text(language)
    assert f"({step.name})" in notice.text("en")
    assert notice.text("en").count(debtor.name) == 1
