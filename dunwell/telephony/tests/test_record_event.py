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
