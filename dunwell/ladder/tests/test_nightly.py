"""The nightly rules, driven through the real daily run (`engine.run`) with time frozen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.ladder import graces, services
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Grace, Task, TaskStatus
from dunwell.ladder.nightly import exceeded_limits
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.ledger.timeline import with_texts

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 2)  # a Monday
BUCHAREST = ZoneInfo("Europe/Bucharest")


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def morning(n: int, hour: int = 6) -> datetime:
    """Day +n at `hour` in Bucharest, as the worker would start the run."""
    return datetime.combine(day(n), time(hour), tzinfo=BUCHAREST)


def run_at(n: int, hour: int = 6) -> Any:
    with time_machine.travel(morning(n, hour), tick=False):
        return run(day(n))


def state() -> tuple[Any, ...]:
    return (
        sorted(Task.objects.values_list("key", "status", "assignee_id", "due_at")),
        TimelineEntry.objects.count(),
        sorted(Grace.objects.values_list("id", "until", "ended_at")),
    )


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector)


@pytest.fixture
def invoice(debtor: Counterparty, make_document: Callable[..., Document]) -> Document:
    return make_document(debtor, "1500.00", due_date=DUE)


# --- graces ----------------------------------------------------------------------------------


def test_grace_past_its_date_ends_with_a_timeline_entry_and_the_ladder_resumes(
    debtor: Counterparty, invoice: Document, director: User
) -> None:
    with time_machine.travel(morning(0), tick=False):
        graces.grant_grace(counterparty=debtor, until=day(5), reason="seasonal", user=director)
    for n in range(1, 6):
        run_at(n)
    assert not Task.objects.exists()
    summary = run_at(6)
    grace = Grace.objects.get()
    assert grace.ended_at is not None and grace.end_reason == "expired"
    assert summary.transitions["grace_ended"] == 1
    entry = TimelineEntry.objects.get(kind="ladder.grace_ended")
    assert "Grace ended" in entry.summary and "07.03.2026" in entry.summary
    # the card reads it in the reader's language
    with translation.override("ru"):
        (shown,) = with_texts([entry])
    assert shown.text == "Отсрочка закончилась (прощено до 07.03.2026): шкала давления возобновлена"
    # the ladder resumed in the same run: the day +3 call is due
    assert Task.objects.filter(action=Action.CALL, step__isnull=False).exists()


def test_rerun_on_the_same_day_changes_nothing(
    debtor: Counterparty, invoice: Document, director: User
) -> None:
    with time_machine.travel(morning(0), tick=False):
        graces.grant_grace(counterparty=debtor, until=day(2), reason="seasonal", user=director)
    run_at(3)
    before = state()
    summary = run_at(3, hour=7)
    assert state() == before
    assert summary.transitions["grace_ended"] == 0


def test_grace_ends_when_the_open_amount_outgrows_its_limit_in_that_currency(
    debtor: Counterparty,
    invoice: Document,
    make_document: Callable[..., Document],
    director: User,
) -> None:
    make_document(debtor, "400.00", due_date=DUE, currency="EUR")
    with time_machine.travel(morning(0), tick=False):
        graces.grant_grace(
            counterparty=debtor,
            until=day(30),
            reason="seasonal",
            user=director,
            limits={"RON": Decimal("2000"), "EUR": Decimal("500")},
        )
    run_at(1)
    assert Grace.objects.get().ended_at is None  # 400 EUR and 1500 RON: covered
    make_document(debtor, "500.00", due_date=DUE, currency="EUR")  # a new invoice arrives
    run_at(2)
    grace = Grace.objects.get()
    assert grace.ended_at is not None and grace.until == day(1)
    assert "900.00 EUR > 500.00 EUR" in grace.end_reason
    assert "RON" not in grace.end_reason  # 1500 RON is within its own 2000 RON limit
    entry = TimelineEntry.objects.get(kind="ladder.grace_ended")
    with translation.override("ro"):
        (shown,) = with_texts([entry])
    assert shown.text == (
        "Păsuire încheiată: suma deschisă depășește limita (900,00\xa0EUR > 500,00\xa0EUR)"
    )
    assert Task.objects.filter(step__isnull=False).exists()


def test_limits_are_compared_per_currency_never_added() -> None:
    limits = {"RON": "1000", "EUR": "1000"}
    assert exceeded_limits(limits, {"RON": Decimal("800"), "EUR": Decimal("800")}) == []
    assert exceeded_limits(limits, {"EUR": Decimal("1000.01")}) == [
        ("EUR", Decimal("1000.01"), Decimal("1000"))
    ]


# --- overdue disputes ------------------------------------------------------------------------


def test_overdue_dispute_escalates_to_the_supervisor_once(
    debtor: Counterparty, invoice: Document, collector: User, supervisor: User
) -> None:
    supervisor.language = "ru"
    supervisor.save()
    with time_machine.travel(morning(0), tick=False):
        services.register_dispute(
            counterparty=debtor, reason="quality", amount=Decimal("1500"), user=collector,
            documents=[invoice], responsible=collector, deadline=day(3),
        )  # fmt: skip
    run_at(3)
    # the settler's own task is there from the start; the escalation only once it is overdue
    assert not Task.objects.filter(action=Action.REVIEW_DISPUTE, assignee=supervisor).exists()
    run_at(4)
    task = Task.objects.get(action=Action.REVIEW_DISPUTE, assignee=supervisor)
    assert task.assignee == supervisor
    assert task.title == f"Просроченный спор: {debtor.name}"
    assert list(task.documents.all()) == [invoice]
    assert task.amount == Decimal("1500.00") and task.currency == "RON"
    assert timezone_local(task.window_start).date() == day(4)
    assert TimelineEntry.objects.filter(kind="ladder.dispute_overdue").count() == 1
    run_at(5)
    run_at(5, hour=8)
    assert Task.objects.filter(action=Action.REVIEW_DISPUTE, assignee=supervisor).count() == 1


def timezone_local(value: datetime | None) -> datetime:
    assert value is not None
    return value.astimezone(BUCHAREST)


# --- stale call-backs ------------------------------------------------------------------------


def test_missed_call_back_is_closed_and_retried_on_the_next_working_day(
    debtor: Counterparty, collector: User
) -> None:
    # Friday 06.03 at 15:00 the debtor asked to be called back; nobody did.
    at = datetime(2026, 3, 6, 15, tzinfo=BUCHAREST)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        call_back = services.create_manual_task(
            counterparty=debtor, assignee=collector, action=Action.CALL, due_at=at,
            title="Call back as asked", user=collector,
        )  # fmt: skip
    with time_machine.travel(at + timedelta(hours=2), tick=False):
        run(day(4))  # not stale yet: 2 hours after its time
    assert Task.objects.get(pk=call_back.pk).status == TaskStatus.OPEN
    summary = run_at(7)  # Sunday morning: the retry lands on Monday
    call_back.refresh_from_db()
    assert call_back.status == TaskStatus.SKIPPED
    # Stored in English (the API's words), read in the viewer's language.
    assert call_back.skip_reason == "missed: not done in time, retried"
    with translation.override("ro"):
        assert call_back.localized_skip_reason == "ratat: neefectuat la timp, apel reprogramat"
    retry = Task.objects.get(key=f"retry:{call_back.pk}")
    assert retry.status == TaskStatus.OPEN and retry.assignee == collector
    assert retry.title == "Call again: Call back as asked"
    assert timezone_local(retry.window_start) == datetime(2026, 3, 9, 9, tzinfo=BUCHAREST)
    assert timezone_local(retry.window_end) == datetime(2026, 3, 9, 18, tzinfo=BUCHAREST)
    assert summary.transitions["call_back_missed"] == 1
    run_at(7, hour=9)
    assert Task.objects.filter(key__startswith="retry:").count() == 1


def test_a_retry_missed_again_keeps_its_title(debtor: Counterparty, collector: User) -> None:
    """A retry nobody made is retried once more under the same title: My day and the calendar
    read 'Позвонить ещё раз: Позвонить ещё раз: Позвонить ещё раз (нет ответа): …' after three
    missed days."""
    at = datetime(2026, 3, 6, 15, tzinfo=BUCHAREST)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        services.create_manual_task(
            counterparty=debtor, assignee=collector, action=Action.CALL, due_at=at,
            title="Call back as asked", user=collector,
        )  # fmt: skip
        services.create_manual_task(
            counterparty=debtor, assignee=collector, action=Action.CALL, due_at=at,
            title=f"Call again (no answer): {debtor.name}", user=collector,
        )  # fmt: skip
    run_at(7)  # retried on Monday 09.03; nobody calls
    assert sorted(
        Task.objects.filter(key__startswith="retry:").values_list("title", flat=True)
    ) == [
        "Call again (no answer): " + debtor.name,
        "Call again: Call back as asked",
    ]
    run_at(11)  # retried again on Wednesday
    titles = sorted(
        Task.objects.filter(status=TaskStatus.OPEN, key__startswith="retry:").values_list(
            "title", flat=True
        )
    )
    assert titles == ["Call again (no answer): " + debtor.name, "Call again: Call back as asked"]
    retry = Task.objects.filter(status=TaskStatus.OPEN, title__startswith="Call again: ").get()
    with translation.override("ru"):
        assert retry.localized_title == "Позвонить ещё раз: Перезвонить, как просили"


def test_a_missed_call_back_is_retried_in_each_readers_language(
    debtor: Counterparty, collector: User
) -> None:
    """The retry's title and its timeline entry were English on a Romanian card: the title was
    written in the assignee's language by the run, the entry in English always."""
    collector.language = "ro"
    collector.save()
    at = datetime(2026, 3, 6, 15, tzinfo=BUCHAREST)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        services.create_manual_task(
            counterparty=debtor, assignee=collector, action=Action.CALL, due_at=at,
            title="Call back as asked", user=collector,
        )  # fmt: skip
    run_at(7)
    retry = Task.objects.select_related("step", "counterparty").get(key__startswith="retry:")
    assert retry.title == "Call again: Call back as asked"
    entry = TimelineEntry.objects.get(kind="ladder.call_back_missed")
    for language, title, text in [
        (
            "ro",
            "Sunați din nou: Reapel, cum s-a cerut",
            "Reapel, cum s-a cerut: neefectuat la timp, sunat din nou pe 09.03.2026",
        ),
        (
            "uk",
            "Зателефонувати ще раз: Передзвонити, як просили",
            "Передзвонити, як просили: не виконано вчасно, повторний дзвінок 09.03.2026",
        ),
    ]:
        with translation.override(language):
            assert retry.localized_title == title
            assert with_texts([entry])[0].text == text


def test_a_ladder_call_task_left_open_is_not_a_call_back(
    debtor: Counterparty, invoice: Document
) -> None:
    run_at(1)
    run_at(5)
    assert not Task.objects.filter(key__startswith="retry:").exists()
    assert not Task.objects.filter(status=TaskStatus.SKIPPED).exists()


@pytest.mark.parametrize("hours", [0, 3])
def test_stale_hours_come_from_settings(
    debtor: Counterparty, collector: User, settings: Any, hours: int
) -> None:
    settings.LADDER_STALE_CALL_BACK_HOURS = 2
    at = datetime(2026, 3, 3, 10, tzinfo=UTC)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        services.create_manual_task(
            counterparty=debtor, assignee=collector, action=Action.CALL, due_at=at,
            title="Call back", user=collector,
        )  # fmt: skip
    with time_machine.travel(at + timedelta(hours=hours), tick=False):
        run(day(1))
    assert Task.objects.filter(key__startswith="retry:").exists() == (hours > 2)


def test_retry_entries_written_before_read_in_the_readers_language(debtor: Counterparty) -> None:
    """Entries the run wrote in English before it kept the day in their data (the demo's)."""
    old = [
        TimelineEntry.objects.create(
            counterparty=debtor,
            at=datetime(2026, 3, 7, 6, tzinfo=UTC),
            kind=kind,
            summary=summary,
            data={"key": "retry:call1"},
        )
        for kind, summary in [
            ("ladder.no_answer_retry", "No answer: called again on 09.03.2026"),
            (
                "ladder.call_back_missed",
                "Call back as asked: not done in time, called again on 09.03.2026",
            ),
        ]
    ]
    with translation.override("ro"):
        assert [e.text for e in with_texts(old)] == [
            "Fără răspuns: sunat din nou pe 09.03.2026",
            "Reapel, cum s-a cerut: neefectuat la timp, sunat din nou pe 09.03.2026",
        ]
