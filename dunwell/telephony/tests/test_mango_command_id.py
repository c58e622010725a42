"""Mango's `command_id`: a top-level field of `events/call` naming the external system's
command that made the call appear (our commands/callback, so our provisional id); in
`events/recording` it names a recording command, and `events/summary` has none. Only the call
events adopt a click-to-call (Mango's VPBX API description, "Уведомление о вызове" and the
`events/recording` parameters; summarised from MangoOffice_VPBX_API.pdf)."""

from datetime import UTC, datetime

from dunwell.telephony.models import Call, CallState, Direction
from dunwell.telephony.services import provisional_call_id, record_event
from dunwell.telephony.webhooks import mango_events

OURS = provisional_call_id()
LEG = {
    "entry_id": "MjE0NDY2Nzc3OQ==",
    "call_id": "MToxMDE3NTU4MToy",
    "timestamp": 1796115600,
    "seq": 1,
    "call_state": "Appeared",
    "location": "abonent",
    "command_id": OURS,
    "from": {"extension": "101", "number": "sip:colin@demo.mangosip.ru"},
    "to": {"number": "40721234567"},
}


def test_a_call_event_carries_our_command_id_as_the_provisional_id():
    (event,) = mango_events("call", LEG)
    assert (event.kind, event.provisional_id, event.direction) == (
        "ringing",
        OURS,
        Direction.OUTBOUND,
    )


def test_a_summary_or_recording_event_never_names_a_click_to_call(db):
    summary = {"entry_id": LEG["entry_id"], "call_direction": 2, "command_id": OURS,
               "from": LEG["from"], "to": LEG["to"], "talk_time": 0, "end_time": 1796115640,
               "entry_result": 0}  # fmt: skip
    recording = {"entry_id": LEG["entry_id"], "call_id": LEG["call_id"], "command_id": OURS,
                 "recording_id": "rec-1", "recording_state": "Completed", "extension": "101",
                 "timestamp": 1796115700}  # fmt: skip
    events = mango_events("summary", summary) + mango_events("recording", recording)
    assert events and {event.provisional_id for event in events} == {""}


def test_a_leg_of_our_callback_between_extensions_is_still_ours(db, collector):
    """The callback rings the collector first; a leg that names our command is never skipped
    as a colleague-to-colleague leg, so the click-to-call is taken over."""
    collector.extension = "101"
    collector.save()
    clicked = Call.objects.create(provider="mango", provider_call_id=OURS, extension="101",
                                  direction=Direction.OUTBOUND, external_number="+40721234567",
                                  agent=collector, started_at=datetime.now(UTC))  # fmt: skip
    agent_leg = LEG | {"to": {"extension": "101", "number": "sip:colin@demo.mangosip.ru"}}
    for event in mango_events("call", agent_leg):
        record_event(event)
    clicked.refresh_from_db()
    assert (clicked.provider_call_id, clicked.state) == (LEG["entry_id"], CallState.RINGING)
    assert Call.objects.count() == 1
