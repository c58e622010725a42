"""What a collector reads along the day: the calendar keeps the tasks left from past days on
today (My day lists them), a dispute's message says what was registered and who settles it
by when, and an open letter task's heading asks to write and send (it read "Sent")."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


def _client(user: User, language: str) -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ro", "1 sarcină întârziată"), ("uk", "1 прострочене завдання"), ("en", "1 overdue task")],
)
def test_the_calendar_shows_the_tasks_left_from_past_days_on_today(
    debtor: Counterparty, collector: User, language: str, heading: str
) -> None:
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(days=20),
        title="Ring the buyer",
        user=None,
    )
    page = _client(collector, language).get(reverse("work:calendar")).content.decode()
    assert heading in page
    assert "18.02.2026</span> <a" in page
    assert f"Ring the buyer — {debtor.name}</a>" in page
    # A week in the past shows it on its own day only.
    past = _client(collector, language).get(reverse("work:calendar") + "?date=2026-02-18")
    assert heading not in past.content.decode()


def _day_texts(page: str) -> dict[str, str]:
    """Each day column of the calendar as the reader reads it, by its date ("10.03.2026")."""
    days = {}
    for section in re.findall(r'<section class="day">(.*?)</section>', page, re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())
        date = re.search(r'<span class="date">([^<]+)</span>', section)
        assert date is not None
        days[date.group(1)] = text
    return days


@pytest.mark.parametrize("view", ["day", "week"])
def test_today_under_the_overdue_tasks_has_no_dash_when_nothing_else_is_due(
    debtor: Counterparty, collector: User, view: str
) -> None:
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(days=20),
        title="Ring the buyer",
        user=None,
    )
    page = _client(collector, "uk").get(reverse("work:calendar"), {"view": view})
    days = _day_texts(page.content.decode())
    # Today lists the overdue task and nothing after it: no "—" as if the day were free.
    assert days["10.03.2026"] == (
        f"Вт 10.03.2026 1 прострочене завдання 18.02.2026 Ring the buyer — {debtor.name}"
    )
    if view == "week":  # a free day of the week still reads "—"
        assert days["11.03.2026"] == "Ср 11.03.2026 —"


def test_the_dispute_message_says_the_amount_and_who_settles_it_by_when(
    debtor: Counterparty, collector: User, make_user: object
) -> None:
    sales = make_user("vlad", Role.SALES)  # type: ignore[operator]
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    response = _client(collector, "ro").post(
        reverse("work:call", args=[debtor.pk]),
        {
            "outcome": "dispute",
            "dispute_reason": "quality",
            "dispute_amount": "1000",
            "dispute_currency": "RON",
        },
        follow=True,
    )
    dispute = Dispute.objects.get(counterparty=debtor)
    assert dispute.responsible is not None and dispute.deadline is not None
    who = str(dispute.responsible)
    when = dispute.deadline.strftime("%d.%m.%Y")
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"Dispută înregistrată: Calitate, 1.000,00\u00a0RON. {who} o soluționează până la {when}."
    ]


@pytest.mark.parametrize(
    ("language", "heading", "sent"),
    [("ro", "Scrieți și trimiteți", "Trimis"), ("en", "Write and send", "Sent")],
)
def test_an_open_letter_task_asks_to_write_and_send(
    debtor: Counterparty, collector: User, language: str, heading: str, sent: str
) -> None:
    task = ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="letter",
        due_at=timezone.now(),
        title="Reminder letter",
        user=None,
    )
    page = _client(collector, language).get(reverse("work:task", args=[task.pk])).content
    text = page.decode()
    assert f">{heading}</h2>" in text
    assert f">{sent}</h2>" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ro", "niciuna în contracte; limita clientului este la Expunere de credit"),
        ("uk", "у договорах немає; ліміт клієнта — у блоці «Кредитний ризик»"),
    ],
)
def test_the_card_does_not_read_no_credit_limit_beside_the_customers_limit(
    debtor: Counterparty, collector: User, language: str, expected: str
) -> None:
    """The tile counts the contracts' limits; a bare "Credit limit: —" beside the credit
    panel's "limit 20,000.00 RON exceeded" read as two answers to one question."""
    page = _client(collector, language).get(reverse("work:debtor", args=[debtor.pk]))
    text = page.content.decode()
    assert f'<small id="no-contract-limit">{expected}</small>' in text


def test_a_call_again_task_beside_its_debtor_does_not_name_it_twice(
    debtor: Counterparty, collector: User
) -> None:
    """The nightly run's "Call again (no answer): ACME" read the debtor twice on the open
    tasks page, whose own column names it."""
    from dunwell.ladder.models import CALL_AGAIN_NO_ANSWER

    task = ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now(),
        title=CALL_AGAIN_NO_ANSWER % {"debtor": debtor.name},
        user=None,
    )
    page = _client(collector, "ro").get(reverse("work:bulk_tasks")).content.decode()
    assert f'<a href="/work/tasks/{task.pk}/">Sunați din nou (fără răspuns)</a>' in page
    assert f">Sunați din nou (fără răspuns): {debtor.name}<" not in page
