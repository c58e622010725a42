from datetime import UTC, datetime, timedelta

import pytest

from dunwell.ledger.models import Contact
from dunwell.telephony import services
from dunwell.telephony.models import CallState, Direction, Disposition
from dunwell.telephony.services import CallEvent, record_event

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def debtor_contact(make_counterparty, collector):
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")


def event(kind, seconds=0, **fields):
    return CallEvent(provider="zadarma", provider_call_id="c-1", kind=kind,
                     at=T0 + timedelta(seconds=seconds), **fields)  # fmt: skip


def test_an_answered_call_is_matched_and_timed(debtor_contact, collector):
    collector.extension = "101"
    collector.save()
    record_event(event("ringing", direction=Direction.INBOUND, external_number="40721234567",
                       extension="101"))  # fmt: skip
    record_event(event("answered", 5))
    call = record_event(event("ended", 65))
    assert (call.counterparty, call.contact, call.agent) == (
        debtor_contact.counterparty,
        debtor_contact,
        collector,
    )
    assert (call.state, call.duration, call.disposition) == (
        CallState.ENDED,
        60,
        Disposition.ANSWERED,
    )
    assert call.external_number == "+40721234567"


def test_a_repeated_event_changes_nothing_and_an_unanswered_call_is_missed(debtor_contact):
    record_event(event("ringing", direction=Direction.INBOUND, external_number="+40721234567"))
    record_event(event("ended", 20))
    again = record_event(event("ended", 90))
    assert (again.ended_at, again.duration, again.disposition) == (
        T0 + timedelta(seconds=20),
        0,
        Disposition.NO_ANSWER,
    )


def test_listeners_hear_each_event_after_the_commit(
    debtor_contact, django_capture_on_commit_callbacks
):
    heard = []
    services.add_listener(lambda call, ev: heard.append((call.pk, ev.kind)))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call = record_event(event("ringing", direction=Direction.INBOUND,
                                      external_number="+40721234567"))  # fmt: skip
        assert heard == [(call.pk, "ringing")]
    finally:
        services.LISTENERS.pop()


def test_an_unknown_number_is_kept_without_a_debtor(db):
    call = record_event(
        event("ringing", direction=Direction.INBOUND, external_number="+40219999999")
    )
    assert call.counterparty is None and call.external_number == "+40219999999"


@pytest.mark.parametrize("written", ["+40721234567", "0040721234567", "40721234567"])
def test_the_numbers_as_pbxs_write_them_match_the_contact(debtor_contact, written):
    call = record_event(event("ringing", direction=Direction.INBOUND, external_number=written))
    assert call.contact == debtor_contact


def test_an_unknown_event_kind_is_refused_and_writes_nothing(db):
    with pytest.raises(ValueError):
        record_event(event("exploded", direction=Direction.INBOUND))
    from dunwell.telephony.models import Call

    assert not Call.objects.exists()


def test_the_state_never_goes_back_and_a_late_answer_keeps_the_end(debtor_contact):
    record_event(event("ringing", direction=Direction.INBOUND, external_number="+40721234567"))
    record_event(event("ended", 30))
    call = record_event(event("answered", 40))
    assert call.state == CallState.ENDED and call.disposition == Disposition.NO_ANSWER


def test_an_inactive_users_extension_finds_no_agent(debtor_contact, collector):
    collector.extension = "101"
    collector.is_active = False
    collector.save()
    call = record_event(event("ringing", direction=Direction.INBOUND,
                              external_number="+40721234567", extension="101"))  # fmt: skip
    assert call.agent is None and call.extension == "101"


def test_one_failing_listener_does_not_silence_the_others(
    debtor_contact, django_capture_on_commit_callbacks
):
    heard = []

    def broken(call, ev):
        raise RuntimeError("boom")

    services.add_listener(broken)
    services.add_listener(lambda call, ev: heard.append(ev.kind))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record_event(event("ringing", direction=Direction.INBOUND,
                               external_number="+40721234567"))  # fmt: skip
        assert heard == ["ringing"]
    finally:
        services.LISTENERS.pop()
        services.LISTENERS.pop()


def test_the_events_kept_for_support_are_capped(debtor_contact):
    record_event(event("ringing", direction=Direction.INBOUND, external_number="+40721234567"))
    for n in range(services.MAX_EVENTS + 5):
        call = record_event(event("recording", n, recording_url=f"https://pbx.example/{n}.mp3"))
    assert len(call.events) == services.MAX_EVENTS
    assert call.recording_url == f"https://pbx.example/{services.MAX_EVENTS + 4}.mp3"
