"""A click-to-call that no event of the exchange ever takes over does not ring forever: the
worker ends it as not connected after DUNWELL_PBX_UNADOPTED_SECONDS, with its timeline entry,
once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from dunwell import periodic
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.telephony.models import Call, CallState, Direction, Disposition
from dunwell.telephony.services import end_unadopted, provisional_call_id

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def click(make_counterparty, collector):
    """A collector's click-to-call, as dialing.start_call records it."""
    debtor = make_counterparty(collector=collector)
    contact = Contact.objects.create(counterparty=debtor, name="Ana", phone="+40721234567")

    def make(minutes_ago: float, provider: str = "zadarma", call_id: str = "") -> Call:
        call_id = call_id or provisional_call_id()
        return Call.objects.create(provider=provider, provider_call_id=call_id,
                                   direction=Direction.OUTBOUND, external_number=contact.phone,
                                   contact=contact, counterparty=debtor, agent=collector,
                                   extension="101",
                                   started_at=NOW - timedelta(minutes=minutes_ago))  # fmt: skip

    return make


def texts(call, language):
    entries = list(TimelineEntry.objects.filter(kind="telephony.call", data__call=call.pk))
    with translation.override(language):
        return [entry.text for entry in with_texts(entries)]


def test_a_click_to_call_nobody_took_over_ends_as_not_connected_with_its_timeline_entry(
    click, django_capture_on_commit_callbacks
):
    stale = click(3)
    with django_capture_on_commit_callbacks(execute=True):
        assert end_unadopted(NOW) == 1
    stale.refresh_from_db()
    assert (stale.state, stale.disposition, stale.duration, stale.ended_at) == (
        CallState.ENDED,
        Disposition.FAILED,
        0,
        NOW,
    )
    assert stale.events[-1]["unadopted"] is True
    assert texts(stale, "en") == ["Outgoing call to Ana (+40 721 234 567), not connected"]
    assert texts(stale, "ru") == [
        "Исходящий звонок на Ana (+40 721 234 567), соединение не установлено"
    ]


def test_ending_unadopted_calls_is_idempotent(click, django_capture_on_commit_callbacks):
    stale = click(5)
    with django_capture_on_commit_callbacks(execute=True):
        end_unadopted(NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert end_unadopted(NOW + timedelta(minutes=1)) == 0
    assert TimelineEntry.objects.filter(kind="telephony.call", data__call=stale.pk).count() == 1


def test_young_adopted_or_answered_calls_are_left_alone(click):
    young = click(1)
    adopted = click(10, call_id="out_8f3a")  # renamed to the exchange's id
    answered = click(10)
    answered.state = CallState.ANSWERED
    answered.save()
    assert end_unadopted(NOW) == 0
    for call in (young, adopted, answered):
        call.refresh_from_db()
        assert call.state != CallState.ENDED


def test_the_wait_is_configurable(click, settings):
    settings.DUNWELL_PBX_UNADOPTED_SECONDS = 600
    call = click(5)
    assert end_unadopted(NOW) == 0
    assert end_unadopted(NOW + timedelta(minutes=6)) == 1
    call.refresh_from_db()
    assert call.state == CallState.ENDED


def test_the_worker_runs_it_every_minute():
    assert periodic.JOBS["telephony.unadopted"] is end_unadopted
