"""The calendar names each task in the reader's language, a call-back's as a step's (tasks
the app schedules itself are stored in English: ladder.models.stepless_title)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import CALL_BACK_AS_ASKED, REACH_THE_DECIDER
from dunwell.ledger.models import Counterparty


def test_a_call_back_reads_in_the_readers_language_on_the_calendar_and_in_its_feed(
    collector: User, debtor: Counterparty
) -> None:
    for title in (CALL_BACK_AS_ASKED, REACH_THE_DECIDER):
        ladder.create_manual_task(
            counterparty=debtor,
            assignee=collector,
            action="call",
            due_at=timezone.now(),
            title=title,
            user=None,
        )
    collector.language = "ru"
    collector.save(update_fields=["language"])
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:calendar")).content.decode()
    assert f"Перезвонить, как просили — {debtor.name}" in page
    assert f"Выйти на того, кто решает платежи — {debtor.name}" in page
    assert "Call back as asked" not in page and "Reach the person" not in page
    from icalendar import Calendar

    from dunwell.work.calendar import ical

    now = timezone.now()
    feed = Calendar.from_ical(ical(collector, now - timedelta(days=1), now + timedelta(days=1)))
    summaries = {str(event["summary"]) for event in feed.walk("VEVENT")}
    assert f"Перезвонить, как просили — {debtor.name}" in summaries


def test_a_title_that_names_its_debtor_is_not_followed_by_the_name_again(
    collector: User, debtor: Counterparty
) -> None:
    """A legal deadline's task ("Court hearing: X, case N") names its debtor already."""
    from dunwell.legal.deadline_titles import COURT_HEARING

    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now(),
        title=COURT_HEARING % {"debtor": debtor.name, "number": "123/3/2026"},
        user=None,
    )
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:calendar")).content.decode()
    assert f"Court hearing: {debtor.name}, case 123/3/2026</a>" in page
