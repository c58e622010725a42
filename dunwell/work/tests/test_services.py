from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from django.utils import timezone, translation

from dunwell.accounts.models import Role, User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Dispute, Promise, PromiseStatus, Task, TaskStatus
from dunwell.ledger.models import Contact, Counterparty, Document, TimelineEntry
from dunwell.work import services
from dunwell.work.models import CallActivity, Notification, Outcome, Reassignment, StallingAlert
from dunwell.work.services import OutcomeInput, WorkError

pytestmark = pytest.mark.usefixtures("frozen")


def record(
    user: User, cp: Counterparty, outcome: str, now: datetime | None = None, **kw: object
) -> CallActivity:
    """Record an outcome as the call card does; what the service schedules for after the
    commit (stalling detection) runs as it would in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        data = OutcomeInput(outcome=outcome, **kw)  # type: ignore[arg-type]
        return services.record_call_outcome(user, cp, data, now=now)


def test_promise_is_recorded_in_the_ladder_and_on_the_timeline(
    debtor: Counterparty, collector: User
) -> None:
    record(
        collector,
        debtor,
        Outcome.PROMISE,
        promised_on=date(2026, 3, 20),
        promised_amount=Decimal("1500.00"),
        promised_by="Ana Pop",
    )
    promise = Promise.objects.get(counterparty=debtor)
    assert promise.amount == Decimal("1500.00")
    assert promise.promised_date == date(2026, 3, 20)
    assert promise.status == PromiseStatus.ACTIVE
    assert TimelineEntry.objects.filter(counterparty=debtor, kind="work.call.promise").exists()
    from dunwell.work.ladder_bridge import facts_for

    assert facts_for(debtor, date(2026, 3, 10)).paused_until == date(2026, 3, 20)


def test_a_promise_recorded_at_a_given_moment_carries_it_everywhere(
    debtor: Counterparty, collector: User
) -> None:
    moment = timezone.now() - timedelta(days=3, hours=2)
    record(
        collector,
        debtor,
        Outcome.PROMISE,
        promised_on=timezone.localdate(moment) + timedelta(days=5),
        promised_amount=Decimal("10"),
        now=moment,
    )
    promise = Promise.objects.get(counterparty=debtor)
    assert promise.recorded_at == moment
    assert CallActivity.objects.get(counterparty=debtor).at == moment
    kinds = {"work.call.promise", "ladder.promise_recorded"}
    entries = TimelineEntry.objects.filter(counterparty=debtor, kind__in=kinds)
    assert sorted(e.kind for e in entries) == sorted(kinds)
    assert {e.at for e in entries} == {moment}


def test_a_call_back_task_reads_in_each_readers_language_not_its_makers(
    debtor: Counterparty, collector: User
) -> None:
    from django.utils import translation

    with translation.override("ro"):  # the collector works in Romanian
        asked = record(
            collector, debtor, Outcome.CALL_BACK, call_back_at=timezone.now() + timedelta(hours=2)
        )
        decider = record(collector, debtor, Outcome.WRONG_PERSON, decider_name="Ion Rusu")
    call_back = Task.objects.get(pk=asked.data["task"])
    call_decider = Task.objects.get(pk=decider.data["task"])
    with translation.override("uk"):  # the supervisor reads Ukrainian
        assert call_back.localized_title == "Передзвонити, як просили"
        assert call_decider.localized_title == "Зателефонувати тому, хто вирішує платежі: Ion Rusu"
    with translation.override("ro"):
        assert call_back.localized_title == "Reapel, cum s-a cerut"
    written = Task(title="Sună: Ion", counterparty=debtor)  # a title a person wrote stays
    assert written.localized_title == "Sună: Ion"


def test_a_promise_in_the_past_is_refused(debtor: Counterparty, collector: User) -> None:
    with pytest.raises(WorkError):
        record(
            collector,
            debtor,
            Outcome.PROMISE,
            promised_on=date(2026, 3, 1),
            promised_amount=Decimal("10"),
        )
    assert not Promise.objects.exists()


def test_abusive_call_flags_the_contact_and_schedules_a_call_back_in_30_minutes(
    debtor: Counterparty, collector: User
) -> None:
    contact = Contact.objects.get(counterparty=debtor)
    record(collector, debtor, Outcome.ABUSIVE, contact_id=contact.pk)
    contact.refresh_from_db()
    assert contact.abusive
    task = Task.objects.get(counterparty=debtor)
    assert task.assignee == collector
    assert task.due_at == timezone.now() + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("called_at", "called_back_at"),
    [
        # half an hour later the debtor's working day (09:00–18:00) is over: next morning
        ("2026-03-10 17:45+02:00", "2026-03-11 10:00+02:00"),
        ("2026-03-10 22:00+02:00", "2026-03-11 10:00+02:00"),
        # Friday evening: Monday morning
        ("2026-03-13 17:50+02:00", "2026-03-16 10:00+02:00"),
        # before the working day starts: that morning
        ("2026-03-10 06:30+02:00", "2026-03-10 10:00+02:00"),
        ("2026-03-10 08:45+02:00", "2026-03-10 09:15+02:00"),
    ],
)
def test_an_abusive_call_is_called_back_within_the_debtors_working_hours(
    debtor: Counterparty, collector: User, called_at: str, called_back_at: str
) -> None:
    record(collector, debtor, Outcome.ABUSIVE, now=datetime.fromisoformat(called_at))
    task = Task.objects.get(counterparty=debtor)
    assert task.due_at == datetime.fromisoformat(called_back_at)


def test_the_wrong_persons_follow_up_skips_the_debtors_holidays(
    debtor: Counterparty, collector: User
) -> None:
    """Called on Thursday 30 April 2026 in Bucharest: 1 May is Labour Day in Romania, then a
    weekend, so the decider is called on Monday 4 May at 10:00."""
    activity = record(
        collector,
        debtor,
        Outcome.WRONG_PERSON,
        now=datetime.fromisoformat("2026-04-30 15:00+03:00"),
        decider_name="Ion Rusu",
    )
    task = Task.objects.get(pk=activity.data["task"])
    assert task.due_at == datetime.fromisoformat("2026-05-04 10:00+03:00")


def test_dispute_is_routed_to_the_supervisor_with_a_deadline(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    doc = debtor.documents.order_by("due_date").first()
    assert doc is not None
    record(
        collector,
        debtor,
        Outcome.DISPUTE,
        dispute_reason="documents_missing",
        dispute_document_ids=(doc.pk,),
    )
    dispute = Dispute.objects.get(counterparty=debtor)
    assert dispute.responsible == supervisor
    assert dispute.amount == doc.open_amount
    assert dispute.deadline is not None and dispute.deadline > date(2026, 3, 10)
    notice = Notification.objects.get(recipient=supervisor, kind="dispute")
    # the deadline as the recipient's language writes a date, not 2026-03-17
    day = dispute.deadline.strftime("%d.%m.%Y")
    amount = f"{doc.open_amount:,.2f}\u00a0{doc.currency}"
    assert notice.message == (
        f"Dispute with {debtor.name}: Documents missing, {amount}; settle it by {day}. "
        f"Documents: {doc.number}."
    )
    # in Ukrainian the card's word for it, not the pretension letter's ("Претензія")
    assert notice.texts["uk"].startswith(f"Спір із {debtor.name}: Немає документів, ")


def test_a_notice_writes_dates_and_moments_in_the_recipients_language_and_time_zone(
    supervisor: User,
) -> None:
    from dunwell.work.services import notify

    supervisor.language, supervisor.time_zone = "ru", "Europe/Moscow"
    supervisor.save(update_fields=["language", "time_zone"])
    moment = datetime(2026, 3, 10, 21, 30, tzinfo=UTC)  # already the 11th in Moscow
    notice = notify(
        supervisor,
        Notification.Kind.OTHER,
        "%(day)s / %(at)s",
        params={"day": date(2026, 3, 17), "at": moment},
    )
    assert notice is not None and notice.message == "17.03.2026 / 11.03.2026 00:30"


def test_wrong_person_records_who_decides_payments_with_an_e164_phone(
    debtor: Counterparty, collector: User
) -> None:
    record(
        collector, debtor, Outcome.WRONG_PERSON, decider_name="Ion Rusu",
        decider_phone="0721 234 567",
    )  # fmt: skip
    decider = Contact.objects.get(counterparty=debtor, name="Ion Rusu")
    assert decider.decides_payments and decider.phone == "+40721234567"  # RO debtor
    record(collector, debtor, Outcome.WRONG_PERSON, decider_name="ion rusu", decider_email="i@x.md")
    decider.refresh_from_db()
    assert decider.phone == "+40721234567" and decider.email == "i@x.md"
    assert Contact.objects.filter(counterparty=debtor, decides_payments=True).count() == 1


def test_a_bad_decider_phone_is_refused_naming_the_field_and_nothing_is_written(
    debtor: Counterparty, collector: User
) -> None:
    with pytest.raises(WorkError, match="Phone"):
        record(collector, debtor, Outcome.WRONG_PERSON, decider_name="Ion Rusu", decider_phone="12")
    assert not Contact.objects.filter(name="Ion Rusu").exists()
    assert not CallActivity.objects.exists() and not Task.objects.exists()


def test_a_new_decider_replaces_the_old_one_and_gets_a_call_the_next_working_day(
    debtor: Counterparty, collector: User
) -> None:
    old = Contact.objects.create(counterparty=debtor, name="Old Boss", decides_payments=True)
    record(collector, debtor, Outcome.WRONG_PERSON, decider_name="Maria Ionescu")
    old.refresh_from_db()
    assert not old.decides_payments
    assert list(
        Contact.objects.filter(counterparty=debtor, decides_payments=True).values_list(
            "name", flat=True
        )
    ) == ["Maria Ionescu"]
    task = Task.objects.get(counterparty=debtor)
    assert task.action == "call" and task.assignee == collector
    assert "Maria Ionescu" in task.title
    # Tuesday 10 March -> Wednesday 11 March, 10:00 in Bucharest
    assert task.due_at == datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Europe/Bucharest"))


def test_outcome_completes_the_task_it_came_from(debtor: Counterparty, collector: User) -> None:
    task = ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now(),
        title="Call",
        user=None,
    )
    record(collector, debtor, Outcome.NO_ANSWER, task_id=task.pk)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_a_teammate_cannot_record_on_someone_elses_debtor(
    debtor: Counterparty, teammate: User
) -> None:
    with pytest.raises(WorkError):
        record(teammate, debtor, Outcome.NO_ANSWER)
    assert not CallActivity.objects.exists()


def test_three_call_backs_without_a_promise_raise_a_stalling_alert_once(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    for hours in (1, 2, 3):
        record(
            collector,
            debtor,
            Outcome.CALL_BACK,
            call_back_at=timezone.now() + timedelta(hours=hours),
        )
    alert = StallingAlert.objects.get(counterparty=debtor)
    assert alert.reason == "call_backs" and alert.count == 3
    assert (
        Task.objects.filter(counterparty=debtor, title__icontains="decides payments").count() == 1
    )
    assert Notification.objects.filter(recipient=supervisor, kind="stalling").count() == 1
    record(collector, debtor, Outcome.CALL_BACK, call_back_at=timezone.now() + timedelta(hours=5))
    assert StallingAlert.objects.filter(counterparty=debtor).count() == 1


def test_call_backs_before_anything_is_due_are_not_stalling(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document],
    collector: User, supervisor: User,
) -> None:  # fmt: skip
    """A debtor whose documents are not due yet may ask to be called back: the banner told the
    collector to escalate a debt nobody owed yet."""
    early = make_counterparty(collector=collector)
    make_document(early, "900.00", due_date=timezone.localdate() + timedelta(days=10))
    for hours in (1, 2, 3):
        record(collector, early, Outcome.CALL_BACK,
               call_back_at=timezone.now() + timedelta(hours=hours))  # fmt: skip
    assert not StallingAlert.objects.filter(counterparty=early).exists()
    assert not Notification.objects.filter(recipient=supervisor, kind="stalling").exists()


def test_the_stalling_call_task_reads_in_each_readers_language(
    debtor: Counterparty, collector: User
) -> None:
    # Stored in English whatever language the collector or the request had (it read in
    # English on a Romanian worklist when the collector's language changed afterwards).
    collector.language = "ru"
    collector.save(update_fields=["language"])
    with translation.override("ru"):
        for hours in (1, 2, 3):
            record(collector, debtor, Outcome.CALL_BACK,
                   call_back_at=timezone.now() + timedelta(hours=hours))  # fmt: skip
    task = Task.objects.get(counterparty=debtor, title__icontains="decides payments")
    assert task.title == "Reach the person who decides payments"
    with translation.override("ro"):
        assert task.localized_title == "Contactați persoana care decide plățile"
    with translation.override("ru"):
        assert task.localized_title == "Выйти на того, кто решает платежи"


def _decider_asks_three_call_backs(debtor: Counterparty, collector: User) -> Contact:
    decider = Contact.objects.create(
        counterparty=debtor, name="Elena Popova", decides_payments=True
    )
    for hours in (1, 2, 3):
        record(collector, debtor, Outcome.CALL_BACK, contact_id=decider.pk,
               call_back_at=timezone.now() + timedelta(hours=hours))  # fmt: skip
    return decider


@pytest.mark.parametrize(
    ("language", "title"),
    [
        (
            "en",
            "Escalate: the person who decides payments keeps asking to be called back"
            " (Elena Popova)",
        ),
        (
            "ru",
            "Подключить руководство: тот, кто решает платежи, раз за разом просит перезвонить"
            " (Elena Popova)",
        ),
        (
            "uk",
            "Залучити керівництво: той, хто вирішує платежі, раз у раз просить передзвонити"
            " (Elena Popova)",
        ),
        (
            "ro",
            "Implicați supervizorul: persoana care decide plățile cere mereu să fie sunată"
            " înapoi (Elena Popova)",
        ),
    ],
)
def test_when_the_decider_is_the_one_stalling_the_task_says_to_escalate(
    debtor: Counterparty, collector: User, language: str, title: str
) -> None:
    """'Reach the person who decides payments' was no task when that person asked for the
    call-backs: they have been reached."""
    _decider_asks_three_call_backs(debtor, collector)
    task = Task.objects.get(counterparty=debtor, title__startswith="Escalate")
    assert task.assignee == collector
    assert not Task.objects.filter(title="Reach the person who decides payments").exists()
    with translation.override(language):
        assert task.localized_title == title


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Escalate: the person who decides payments keeps breaking promises (Elena Popova)"),
        (
            "ru",
            "Подключить руководство: тот, кто решает платежи, раз за разом нарушает обещания"
            " (Elena Popova)",
        ),
        (
            "uk",
            "Залучити керівництво: той, хто вирішує платежі, раз у раз порушує обіцянки"
            " (Elena Popova)",
        ),
        (
            "ro",
            "Implicați supervizorul: persoana care decide plățile își încalcă mereu promisiunile"
            " (Elena Popova)",
        ),
    ],
)
def test_when_the_decider_broke_the_promises_the_task_says_to_escalate(
    debtor: Counterparty, collector: User, language: str, title: str
) -> None:
    Contact.objects.create(counterparty=debtor, name="Elena Popova", decides_payments=True)
    now = timezone.now()
    for days in (10, 6):
        Promise.objects.create(
            counterparty=debtor, amount=Decimal("100.00"), currency="RON",
            promised_date=timezone.localdate() - timedelta(days=days - 2),
            promised_by="Elena Popova", recorded_at=now - timedelta(days=days),
            status=PromiseStatus.BROKEN, resolved_at=now - timedelta(days=days - 3),
        )  # fmt: skip
    assert services.detect_stalling(debtor.pk) is not None
    task = Task.objects.get(counterparty=debtor, title__startswith="Escalate")
    with translation.override(language):
        assert task.localized_title == title


def test_when_someone_else_stalls_the_task_is_still_to_reach_the_decider(
    debtor: Counterparty, collector: User
) -> None:
    Contact.objects.create(counterparty=debtor, name="Elena Popova", decides_payments=True)
    accountant = Contact.objects.get(counterparty=debtor, name="Ana Pop")
    for hours in (1, 2, 3):
        record(collector, debtor, Outcome.CALL_BACK, contact_id=accountant.pk,
               call_back_at=timezone.now() + timedelta(hours=hours))  # fmt: skip
    assert Task.objects.filter(
        counterparty=debtor, title="Reach the person who decides payments"
    ).exists()
    notice = Notification.objects.get(kind="stalling")
    assert notice.texts["en"].endswith("is stalling: consider reassigning it.")


def test_a_very_long_decider_name_is_cut_to_fit_the_escalation_task(
    debtor: Counterparty, collector: User
) -> None:
    decider = Contact.objects.create(
        counterparty=debtor, name="Elena " + "Popova" * 40, decides_payments=True
    )
    for hours in (1, 2, 3):
        record(collector, debtor, Outcome.CALL_BACK, contact_id=decider.pk,
               call_back_at=timezone.now() + timedelta(hours=hours))  # fmt: skip
    task = Task.objects.get(counterparty=debtor, title__startswith="Escalate")
    assert len(task.title) == 255 and task.title.endswith("Popova)")
    with translation.override("ru"):
        assert task.localized_title.startswith("Подключить руководство:")


def test_a_very_long_name_is_cut_to_fit_the_call_to_the_decider(
    debtor: Counterparty, collector: User
) -> None:
    """A decider named at the call card may have a name almost as long as a title (a contact's
    name holds 255 characters, as a title does): the name is cut, the title's words stay, and
    the task is saved (it failed with a too long title)."""
    activity = record(collector, debtor, Outcome.WRONG_PERSON, decider_name="Ion " + "Rusu" * 60)
    task = Task.objects.get(pk=activity.data["task"])
    assert len(task.title) == 255
    assert task.title.startswith("Call the person who decides payments: Ion RusuRusu")
    with translation.override("ro"):
        assert task.localized_title.startswith("Sunați persoana care decide plățile: Ion Rusu")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "{debtor} is stalling: Elena Popova decides payments and is the one stalling. Call"
            " them yourself, have the pretension sent, or give the debtor to fresh eyes.",
        ),
        (
            "ru",
            "{debtor} затягивает: платежи решает Elena Popova, и затягивает именно этот человек."
            " Позвоните этому человеку сами, отправьте претензию — или передайте должника"
            " другому взыскателю.",
        ),
        (
            "uk",
            "{debtor} затягує: платежі вирішує Elena Popova, і затягує саме ця людина."
            " Зателефонуйте цій людині самі, надішліть претензію — або передайте боржника"
            " іншому стягувачу.",
        ),
        (
            "ro",
            "{debtor} tergiversează: plățile le decide Elena Popova și tocmai această persoană"
            " tergiversează. Sunați-o personal, trimiteți notificarea de plată sau atribuiți"
            " debitorul altui recuperator.",
        ),
    ],
)
def test_the_supervisor_is_told_the_options_when_the_decider_is_the_one_stalling(
    debtor: Counterparty, collector: User, supervisor: User, language: str, text: str
) -> None:
    """'consider reassigning it' left out what the banner offers a supervisor when the decider
    is the one stalling: to call them, to send the pretension."""
    _decider_asks_three_call_backs(debtor, collector)
    notice = Notification.objects.get(recipient=supervisor, kind="stalling")
    assert notice.texts[language] == text.format(debtor=debtor.name)


def test_two_broken_promises_raise_a_stalling_alert_in_the_nightly_run(
    debtor: Counterparty, collector: User, frozen: Any
) -> None:
    from dunwell.ladder.engine import run

    # Promise on Tuesday for Thursday; Friday's daily run finds it broken.
    record(collector, debtor, Outcome.PROMISE, promised_on=date(2026, 3, 12),
           promised_amount=Decimal("100"))  # fmt: skip
    frozen.move_to("2026-03-13 07:00:00+02:00")
    run(date(2026, 3, 13))
    record(collector, debtor, Outcome.PROMISE, promised_on=date(2026, 3, 16),
           promised_amount=Decimal("100"))  # fmt: skip
    assert not StallingAlert.objects.exists()  # one broken promise is not stalling yet
    frozen.move_to("2026-03-17 07:00:00+02:00")
    run(date(2026, 3, 17))
    assert Promise.objects.filter(status=PromiseStatus.BROKEN).count() == 2
    # the run that breaks the second promise raises the alert, before anyone calls
    alert = StallingAlert.objects.get(counterparty=debtor)
    assert alert.reason == "broken_promises" and alert.count == 2
    record(collector, debtor, Outcome.NO_ANSWER)
    assert StallingAlert.objects.filter(counterparty=debtor).count() == 1


def test_stalling_is_detected_only_once_the_outcome_is_committed(
    debtor: Counterparty, collector: User
) -> None:
    for hours in (1, 2, 3):
        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            services.record_call_outcome(
                collector, debtor,
                OutcomeInput(outcome=Outcome.CALL_BACK,
                             call_back_at=timezone.now() + timedelta(hours=hours)),
            )  # fmt: skip
    assert callbacks and not StallingAlert.objects.exists()
    for callback in callbacks:
        callback()
    assert StallingAlert.objects.get(counterparty=debtor).reason == "call_backs"


def test_three_call_backs_on_the_call_card_raise_a_stalling_alert(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(collector)
    for hours in (1, 2, 3):
        when = timezone.localtime(timezone.now() + timedelta(hours=hours))
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                reverse("work:call", args=[debtor.pk]),
                {"outcome": "call_back", "call_back_at": when.strftime("%Y-%m-%dT%H:%M")},
            )
        assert response.status_code == 302
    assert StallingAlert.objects.get(counterparty=debtor).count == 3
    assert Notification.objects.filter(recipient=supervisor, kind="stalling").count() == 1


def test_reassignment_moves_tasks_keeps_history_and_tells_the_old_collector(
    debtor: Counterparty, collector: User, teammate: User, supervisor: User
) -> None:
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now(),
        title="Call",
        user=None,
    )
    StallingAlert.objects.create(
        counterparty=debtor, reason="call_backs", count=3, detected_at=timezone.now()
    )
    services.reassign_counterparty(supervisor, debtor, teammate, "fresh eyes")
    debtor.refresh_from_db()
    assert debtor.collector == teammate
    assert Task.objects.get(counterparty=debtor).assignee == teammate
    assert Reassignment.objects.get(counterparty=debtor).from_user == collector
    assert Notification.objects.filter(recipient=collector, kind="reassigned").exists()
    assert not StallingAlert.objects.filter(closed_at__isnull=True).exists()


def test_only_managers_reassign_and_only_within_their_team(
    debtor: Counterparty,
    collector: User,
    teammate: User,
    outsider: User,
    supervisor: User,
) -> None:
    with pytest.raises(WorkError):
        services.reassign_counterparty(collector, debtor, teammate)
    with pytest.raises(WorkError):
        services.reassign_counterparty(supervisor, debtor, outsider)


def test_reassignment_candidates_exclude_people_who_worked_with_the_debtor(
    debtor: Counterparty,
    collector: User,
    teammate: User,
    supervisor: User,
    make_user: Callable[..., User],
) -> None:
    fresh = make_user("frank", Role.COLLECTOR, supervisor=supervisor)
    CallActivity.objects.create(
        counterparty=debtor, user=teammate, at=timezone.now(), outcome="no_answer"
    )
    from dunwell.work.selectors import reassignment_candidates

    candidates = reassignment_candidates(debtor, supervisor)
    assert fresh in candidates
    assert teammate not in candidates and collector not in candidates


def test_a_sales_manager_is_not_offered_nor_accepted_as_collector(
    debtor: Counterparty, supervisor: User, make_user: Callable[..., User]
) -> None:
    sales = make_user("sam", Role.SALES, supervisor=supervisor)
    from dunwell.work.selectors import reassignment_candidates

    assert sales not in reassignment_candidates(debtor, supervisor)
    with pytest.raises(WorkError, match="collector or the director"):
        services.reassign_counterparty(supervisor, debtor, sales)
    debtor.refresh_from_db()
    assert debtor.collector is not None and debtor.collector.username == "colin"


def test_notifications_are_written_in_the_recipients_language(
    debtor: Counterparty, collector: User, teammate: User, supervisor: User
) -> None:
    collector.language = "ru"
    collector.save()
    teammate.language = "ro"
    teammate.save()
    services.reassign_counterparty(supervisor, debtor, teammate)  # the supervisor reads English
    note = Notification.objects.get(recipient=collector)
    assert note.message == f"{debtor.name} передан сотруднику {teammate}."
    welcome = Notification.objects.get(recipient=teammate)
    assert welcome.message == ROMANIAN_NOW_YOURS % {"who": supervisor, "debtor": debtor.name}


ROMANIAN_NOW_YOURS = "%(who)s v-a atribuit debitorul %(debtor)s."


def test_a_notification_reads_in_the_language_the_reader_switched_to(
    client: Any, debtor: Counterparty, collector: User, teammate: User, supervisor: User
) -> None:
    collector.language = "ru"
    collector.save()
    services.reassign_counterparty(supervisor, debtor, teammate)
    collector.language = "ro"  # later the collector reads the app in Romanian
    collector.save()
    client.force_login(collector)
    page = client.get("/work/notifications/").content.decode()
    assert f"{debtor.name} a fost reatribuit lui {teammate}." in page
    assert "передан" not in page
    collector.language = "uk"
    collector.save()
    page = client.get("/work/notifications/").content.decode()
    assert f"{debtor.name} передано працівнику {teammate}." in page


def test_day_plus_one_notice_goes_to_the_supervisor_once(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(days=2),
        title="Call",
        user=None,
    )
    assert services.send_scheduled_notices() == 1
    assert services.send_scheduled_notices() == 0
    assert Notification.objects.filter(recipient=supervisor, kind="overdue_day_one").count() == 1


def test_calendar_token_revocation_issues_a_new_token(collector: User) -> None:
    first = services.calendar_token(collector)
    assert services.calendar_token(collector) == first
    second = services.revoke_calendar_token(collector)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.token != first.token


def test_meeting_and_agreement(debtor: Counterparty, collector: User) -> None:
    meeting = services.save_meeting(
        collector,
        debtor,
        {
            "starts_at": datetime(2026, 3, 12, 10, tzinfo=timezone.get_current_timezone()),
            "authority_checked": True,
            "ideal_terms": "all in April",
        },
    )
    assert meeting.checklist_done == 2
    from dunwell.work.ladder_bridge import create_agreement

    create_agreement(
        collector,
        debtor,
        date(2026, 3, 12),
        [(date(2026, 4, 1), Decimal("500")), (date(2026, 5, 1), Decimal("1000"))],
        date(2026, 6, 1),
        "",
    )
    from dunwell.ladder.models import Agreement

    assert Agreement.objects.get(counterparty=debtor).total == Decimal("1500")


def test_approvers_are_told_once_that_a_step_waits_for_them(
    debtor: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    director = make_user("dora", Role.DIRECTOR)
    task = ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="hand_to_lawyer",
        due_at=timezone.now() + timedelta(hours=1),
        title="To the lawyers",
        user=None,
    )
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.AWAITING_APPROVAL, approval_role=Role.DIRECTOR
    )
    assert services.send_scheduled_notices() == 1
    assert services.send_scheduled_notices() == 0
    note = Notification.objects.get(recipient=director)
    assert note.kind == "approval" and note.url == "/ladder/approvals/"


def test_each_call_outcome_reads_in_the_readers_language_with_the_note_as_typed(
    debtor: Counterparty, collector: User
) -> None:
    from django.utils import translation

    from dunwell.ledger.timeline import with_texts

    task = ladder.create_manual_task(
        counterparty=debtor, assignee=collector, action="call", due_at=timezone.now(),
        title="Call Ana", user=collector,
    )  # fmt: skip
    with translation.override("en"):
        record(
            collector, debtor, Outcome.PROMISE, promised_on=date(2026, 3, 20),
            promised_amount=Decimal("1500.00"), promised_by="Ana Pop", note="by transfer",
            task_id=task.pk,
        )  # fmt: skip
        record(collector, debtor, Outcome.DISPUTE, dispute_reason="documents_missing")
        record(collector, debtor, Outcome.WRONG_PERSON, decider_name="Ion Rusu")
        record(collector, debtor, Outcome.NO_ANSWER)
        record(
            collector, debtor, Outcome.CALL_BACK,
            call_back_at=datetime(2026, 3, 11, 14, 30, tzinfo=ZoneInfo("UTC")),
        )  # fmt: skip
    calls = TimelineEntry.objects.filter(counterparty=debtor, kind__startswith="work.call.")
    assert "Call: dispute registered (Documents missing)" in [e.summary for e in calls]

    with translation.override("ru"):
        texts = [e.text for e in with_texts(list(calls.order_by("pk")))]
    assert texts == [
        "Звонок: обещание оплатить 1\u00a0500,00\u00a0RON до 20.03.2026 (Ana Pop) — by transfer",
        "Звонок: зарегистрирован спор (Нет документов)",
        "Звонок: не тот человек; платежи решает Ion Rusu",
        "Звонок: нет ответа",
        "Звонок: просили перезвонить в 11.03.2026 14:30",
    ]
    done = TimelineEntry.objects.get(counterparty=debtor, kind="ladder.task_done")
    assert done.summary == "Call Ana: Promise to pay"
    with translation.override("ru"):
        assert with_texts([done])[0].text == "Call Ana: Обещание оплаты"


def test_reassignment_and_meetings_read_in_the_readers_language(
    debtor: Counterparty, collector: User, teammate: User, supervisor: User
) -> None:
    from django.utils import translation

    from dunwell.ledger.timeline import with_texts

    with translation.override("en"):
        services.reassign_counterparty(supervisor, debtor, teammate)
        at = datetime(2026, 3, 12, 10, 0, tzinfo=ZoneInfo("UTC"))
        meeting = services.save_meeting(teammate, debtor, {"starts_at": at})
        services.save_meeting(teammate, debtor, {"starts_at": at + timedelta(days=1)}, meeting)
    entries = TimelineEntry.objects.filter(
        counterparty=debtor, kind__in=["work.reassigned", "work.meeting.planned",
                                       "work.meeting.updated"],
    ).order_by("pk")  # fmt: skip
    assert entries[1].summary == "Negotiation meeting planned for 12.03.2026 10:00"
    with translation.override("ru"):
        texts = [e.text for e in with_texts(list(entries))]
    assert texts == [
        f"Передан от {collector} к {teammate}",
        "Переговоры назначены на 12.03.2026 10:00",
        "Переговоры изменены (13.03.2026 10:00)",
    ]


def test_the_day_plus_one_notice_names_a_call_back_in_each_language(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    from dunwell.ladder.models import CALL_BACK_AS_ASKED

    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(days=2),
        title=CALL_BACK_AS_ASKED,
        user=None,
    )
    assert services.send_scheduled_notices() == 1
    notice = Notification.objects.get(recipient=supervisor, kind="overdue_day_one")
    assert "«Перезвонить, как просили»" in notice.text("ru")
    assert "“Call back as asked”" in notice.text("en")


def test_a_stalling_found_on_a_saturday_evening_is_a_task_for_monday_morning(
    debtor: Counterparty, collector: User
) -> None:
    """The stalling task was due an hour after the check whatever the hour: 21:00 on a
    Saturday, 02:00 after the nightly check. It comes on the debtor's next working morning."""
    import time_machine

    accountant = Contact.objects.get(counterparty=debtor, name="Ana Pop")
    saturday = datetime.fromisoformat("2026-03-14 20:00+02:00")
    with time_machine.travel(saturday, tick=False):
        for hours in (1, 2, 3):
            record(collector, debtor, Outcome.CALL_BACK, contact_id=accountant.pk,
                   call_back_at=saturday + timedelta(days=2, hours=hours))  # fmt: skip
    task = Task.objects.get(counterparty=debtor, title="Reach the person who decides payments")
    assert task.due_at == datetime.fromisoformat("2026-03-16 10:00+02:00")
