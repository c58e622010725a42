from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from dunwell.ladder.models import Action, Task
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.telephony import popups
from dunwell.telephony.listeners import within_next_working_hour
from dunwell.telephony.models import Direction, ScreenPop
from dunwell.telephony.services import CallEvent, record_event

# Thursday 3 December 2026, 09:00 UTC (a working day in Romania, 11:00 in Bucharest;
# 1 December is a public holiday there).
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def debtor_contact(make_counterparty, collector):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")


def send(kind, seconds=0, call_id="c-1", capture=None, **fields):
    ev = CallEvent(provider="zadarma", provider_call_id=call_id, kind=kind,
                   at=T0 + timedelta(seconds=seconds), **fields)  # fmt: skip
    with capture(execute=True):
        return record_event(ev)


@pytest.fixture
def call_events(django_capture_on_commit_callbacks):
    def run(kind, seconds=0, **fields):
        return send(kind, seconds, capture=django_capture_on_commit_callbacks, **fields)

    return run


def test_an_answered_call_is_on_the_timeline_once_with_its_length(debtor_contact, call_events):
    call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    call_events("answered", 5)
    call_events("ended", 95)
    call_events("ended", 120)  # the provider's retry
    entries = TimelineEntry.objects.filter(kind="telephony.call")
    assert [e.summary for e in entries] == ["Incoming call from Ana Pop (+40 721 234 567), 1:30"]
    assert not Task.objects.filter(counterparty=debtor_contact.counterparty).exists()


def test_a_missed_incoming_call_creates_one_call_back_task_for_the_collector(
    debtor_contact, call_events, collector
):
    call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    call_events("ended", 20)
    call_events("ended", 25)
    task = Task.objects.get(counterparty=debtor_contact.counterparty)
    assert (task.action, task.assignee) == (Action.CALL, collector)
    assert task.title == "Call back: missed call from Ana Pop (+40 721 234 567)"
    assert task.due_at == T0 + timedelta(seconds=20) + timedelta(hours=1)
    assert TimelineEntry.objects.get(kind="telephony.call").summary == (
        "Missed incoming call from Ana Pop (+40 721 234 567)"
    )


def test_the_missed_call_task_is_stored_in_english_and_read_in_the_readers_language(
    debtor_contact, call_events
):
    with translation.override("ru"):  # the worker or the PBX's request in another language
        call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                    extension="101")  # fmt: skip
        call_events("ended", 20)
    task = Task.objects.get(counterparty=debtor_contact.counterparty)
    assert task.title == "Call back: missed call from Ana Pop (+40 721 234 567)"
    with translation.override("ro"):
        assert (
            task.localized_title == "Sunați înapoi: apel nepreluat de la Ana Pop (+40 721 234 567)"
        )
    with translation.override("ru"):
        assert task.localized_title == "Перезвонить: пропущенный звонок с Ana Pop (+40 721 234 567)"


def test_an_unanswered_outgoing_call_creates_no_task(debtor_contact, call_events):
    call_events("ringing", direction=Direction.OUTBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    call_events("ended", 30)
    assert not Task.objects.exists()
    assert TimelineEntry.objects.get(kind="telephony.call").summary == (
        "Outgoing call to Ana Pop (+40 721 234 567), not answered"
    )


def test_the_call_back_after_closing_time_is_due_an_hour_after_the_next_opening(
    make_counterparty,
):
    debtor = make_counterparty()
    debtor.time_zone = "Europe/Bucharest"
    zone = ZoneInfo("Europe/Bucharest")
    friday_evening = datetime(2026, 12, 4, 19, 0, tzinfo=zone)
    assert within_next_working_hour(debtor, friday_evening) == datetime(
        2026, 12, 7, 10, 0, tzinfo=zone
    )
    late_afternoon = datetime(2026, 12, 3, 17, 30, tzinfo=zone)
    assert within_next_working_hour(debtor, late_afternoon) == datetime(
        2026, 12, 3, 18, 0, tzinfo=zone
    )


def test_a_ringing_known_call_pops_for_the_agent_only_once(debtor_contact, call_events, collector):
    call = call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                       extension="101")  # fmt: skip
    call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    pop = ScreenPop.objects.get()
    assert pop.user == collector
    data = popups.payload(pop)
    assert data["known"] and data["url"].startswith(
        f"/work/debtors/{debtor_contact.counterparty_id}/call/"
    )
    assert call.pk == data["call"]


def test_a_supervisor_following_the_team_gets_the_pop_too(
    debtor_contact, call_events, supervisor, collector
):
    popups.set_following(supervisor, True)
    call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    assert set(ScreenPop.objects.values_list("user", flat=True)) == {collector.pk, supervisor.pk}


def test_a_supervisor_not_following_gets_no_pop(debtor_contact, call_events, supervisor):
    call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    assert not ScreenPop.objects.filter(user=supervisor).exists()


def test_a_missed_call_on_a_public_holiday_is_due_the_next_working_morning(
    debtor_contact, django_capture_on_commit_callbacks
):
    holiday = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Romania's national day
    for kind, at in (("ringing", holiday), ("ended", holiday + timedelta(seconds=20))):
        ev = CallEvent(provider="zadarma", provider_call_id="h-1", kind=kind, at=at,
                       direction=Direction.INBOUND, external_number="+40721234567")  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            record_event(ev)
    task = Task.objects.get()
    assert task.due_at == datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Bucharest"))


def test_the_call_on_the_timeline_reads_in_the_readers_language(
    debtor_contact, call_events, client, collector
):
    call_events("ringing", direction=Direction.INBOUND, external_number="+40721234567",
                extension="101")  # fmt: skip
    call_events("ended", 20)
    collector.language = "ru"
    collector.save()
    client.force_login(collector)
    from django.urls import reverse

    page = client.get(reverse("work:debtor", args=[debtor_contact.counterparty_id]),
                      HTTP_ACCEPT_LANGUAGE="ru").content.decode()  # fmt: skip
    assert "Пропущенный входящий звонок с Ana Pop (+40 721 234 567)" in page
    assert "Телефонный звонок" in page
