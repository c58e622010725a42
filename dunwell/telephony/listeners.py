"""What a call does to the work (registered in `TelephonyConfig.ready`): the screen pop while
it rings (and for the colleague a call is transferred to), one timeline entry when it ends and
one per transfer, a call-back task for a missed incoming call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dunwell.ladder.models import CALL_BACK_MISSED, Action
from dunwell.ladder.services import create_manual_task
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.ledger.phones import format_phone
from dunwell.ledger.services import work_calendar
from dunwell.ledger.timeline import referenced
from dunwell.telephony import popups
from dunwell.telephony.models import Call, CallState, Direction, Disposition
from dunwell.telephony.services import CallEvent

# The product's working hours (the ladder's default call window).
WORK_START = time(9, 0)
WORK_END = time(18, 0)
TIMELINE_KIND = "telephony.call"
TRANSFER_KIND = "telephony.transfer"


def screen_pop(call: Call, event: CallEvent) -> None:
    if event.kind == "ringing" and call.state == CallState.RINGING:
        popups.create_pops(call)
    elif event.kind == "transferred" and _took_transfer(call, event):
        popups.create_pops(call)  # the new agent's card (one pop per person per call)


def _took_transfer(call: Call, event: CallEvent) -> bool:
    """The call is now at the extension it was transferred to (and still going)."""
    moved = bool(event.extension) and call.extension == event.extension
    return moved and call.state != CallState.ENDED


def transfer_text(number: str, agent: str, extension: str) -> str:
    """A transfer as the timeline says it, in the active language."""
    number = format_phone(number)
    if agent:
        return _("Call with %(number)s transferred to %(agent)s (extension %(extension)s)") % {
            "number": number,
            "agent": agent,
            "extension": extension,
        }
    return _("Call with %(number)s transferred to extension %(extension)s") % {
        "number": number,
        "extension": extension,
    }


def render_transfers(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "extension" in data:
            out[entry.pk] = transfer_text(
                data.get("number", ""), data.get("agent", ""), data["extension"]
            )
    return out


@transaction.atomic
def call_transferred(call: Call, event: CallEvent) -> None:
    """One timeline entry per transfer (a replayed event adds nothing): to whom it went."""
    if event.kind != "transferred" or call.counterparty_id is None:
        return
    if not _took_transfer(call, event):
        return
    at = event.at.isoformat()
    if TimelineEntry.objects.filter(
        counterparty_id=call.counterparty_id, kind=TRANSFER_KIND, data__call=call.pk, data__at=at
    ).exists():
        return
    agent = call.agent
    name = str(agent) if agent is not None else ""
    TimelineEntry.objects.create(
        counterparty_id=call.counterparty_id,
        at=event.at,
        actor=agent,
        kind=TRANSFER_KIND,
        summary=transfer_text(call.external_number, name, event.extension),
        data={
            "call": call.pk,
            "at": at,
            "number": call.external_number,
            "extension": event.extension,
            "agent": name,
        },
    )


def within_next_working_hour(counterparty: Counterparty, now: datetime) -> datetime:
    """An hour from now when that is within working hours of a working day; else an hour
    after the next opening (company calendar, the debtor's time zone)."""
    zone = ZoneInfo(counterparty.time_zone or settings.TIME_ZONE)
    calendar = work_calendar(counterparty.company, counterparty.company.calendar_country)
    local = now.astimezone(zone)
    day = local.date()
    if calendar.is_working_day(day) and WORK_START <= local.time() < WORK_END:
        closing = datetime.combine(day, WORK_END, tzinfo=zone)
        return min(local + timedelta(hours=1), closing)
    if not calendar.is_working_day(day) or local.time() >= WORK_END:
        day = calendar.next_working_day(day + timedelta(days=1))
    opening = datetime.combine(day, WORK_START, tzinfo=zone)
    return opening + timedelta(hours=1)


def summary_text(
    direction: str, number: str, answered: bool, seconds: int, disposition: str = ""
) -> str:
    """The call as the timeline says it, in the active language."""
    minutes, rest = divmod(seconds, 60)
    length = f"{minutes}:{rest:02d}"
    incoming = direction == Direction.INBOUND
    if not answered:
        if incoming:
            return _("Missed incoming call from %(number)s") % {"number": number}
        if disposition == Disposition.FAILED:
            return _("Outgoing call to %(number)s, not connected") % {"number": number}
        return _("Outgoing call to %(number)s, not answered") % {"number": number}
    if incoming:
        return _("Incoming call from %(number)s, %(length)s") % {"number": number, "length": length}
    return _("Outgoing call to %(number)s, %(length)s") % {"number": number, "length": length}


def who(number: str, name: str = "") -> str:
    """The other end of a call as the timeline and a call-back task name it: the contact with
    their number, or the bare number of an unknown caller; the number as people read it
    ("+40 721 234 567")."""
    number = format_phone(number)
    return f"{name} ({number})" if name and number else number


def summary_of(call: Call) -> str:
    return summary_text(
        call.direction,
        who(call.external_number, call.contact.name if call.contact else ""),
        call.answered_at is not None,
        call.duration or 0,
        call.disposition,
    )


def render_calls(entries: Sequence[Any]) -> dict[int, str]:
    """Timeline renderer: each call entry in the reader's language (from its data), naming the
    call's contact (one query for the page's calls)."""
    calls = referenced(entries, "call", Call.objects.select_related("contact"))
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "number" not in data:
            continue
        call = calls.get(entry.pk)
        name = call.contact.name if call is not None and call.contact is not None else ""
        out[entry.pk] = summary_text(
            data.get("direction", ""),
            who(data["number"], name),
            bool(data.get("answered")),
            int(data.get("duration") or 0),
            str(data.get("disposition") or ""),
        )
    return out


@transaction.atomic
def call_ended(call: Call, event: CallEvent) -> None:
    """Once per call: the timeline entry, and for a missed incoming call the call-back task."""
    if event.kind != "ended" or call.counterparty_id is None:
        return
    counterparty = (
        Counterparty.objects.select_for_update(of=("self",))
        .select_related("company", "collector")
        .get(pk=call.counterparty_id)
    )
    if TimelineEntry.objects.filter(
        counterparty=counterparty, kind=TIMELINE_KIND, data__call=call.pk
    ).exists():
        return
    missed = call.answered_at is None and call.direction == Direction.INBOUND
    task_id = None
    if missed:
        task = create_manual_task(
            counterparty=counterparty,
            assignee=counterparty.collector,
            action=Action.CALL,
            due_at=within_next_working_hour(counterparty, call.ended_at or event.at),
            # English, shown in each reader's language (ladder.models.stepless_title)
            title=CALL_BACK_MISSED
            % {"number": who(call.external_number, call.contact.name if call.contact else "")},
            user=None,
        )
        task_id = task.pk
    TimelineEntry.objects.create(
        counterparty=counterparty,
        at=call.ended_at or event.at,
        actor=call.agent,
        kind=TIMELINE_KIND,
        summary=summary_of(call),
        data={
            "call": call.pk,
            "number": call.external_number,
            "direction": call.direction,
            "duration": call.duration or 0,
            "answered": call.answered_at is not None,
            "disposition": call.disposition,
            "task": task_id,
        },
    )


def register() -> None:
    from django.utils.translation import gettext_lazy

    from dunwell import periodic
    from dunwell.ledger.timeline import KIND_LABELS, register_renderer
    from dunwell.telephony import recordings
    from dunwell.telephony.services import add_listener, end_unadopted

    add_listener(screen_pop)
    add_listener(call_ended)
    add_listener(call_transferred)
    KIND_LABELS.setdefault("telephony", gettext_lazy("Telephony"))
    KIND_LABELS.setdefault(TIMELINE_KIND, gettext_lazy("Phone call"))
    KIND_LABELS.setdefault("telephony.contact_added", gettext_lazy("Contact added from a call"))
    KIND_LABELS.setdefault(TRANSFER_KIND, gettext_lazy("Call transferred"))
    register_renderer(TIMELINE_KIND, render_calls)
    register_renderer(TRANSFER_KIND, render_transfers)
    periodic.register("telephony.recordings", recordings.run)
    periodic.register("telephony.pops", popups.delete_old)
    periodic.register("telephony.unadopted", end_unadopted)
