"""Asterisk's AMI events → our CallEvents, keyed by Linkedid (the Uniqueid of the call's first
channel, shared by every channel the call creates).

`CallTracker.feed(event)` is pure logic: it remembers the channels of each call and returns what
happened in our terms:
- `DialBegin` towards an internal channel (or from one, outbound) → "ringing";
- `DialEnd` with `DialStatus: ANSWER` → "answered" (the answering extension);
- the last `Hangup` of the call → "ended" (talk time from the answer, disposition from the last
  DialStatus or the Hangup `Cause`);
- a `BlindTransfer`/`AttendedTransfer`, or a second agent's channel entering the call's bridge
  after the answer → "transferred" to that agent's extension.
A `VarSet` of `DUNWELL_CALL` (set by our Originate) ties the Linkedid to the call record that
click-to-call created, so its events update that record.

`apply()` hands the results to `services.record_event` (the one door).
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import close_old_connections, connections

from dunwell.telephony import ami, services
from dunwell.telephony.models import Call, CallState, Direction, Disposition, Provider
from dunwell.telephony.services import CallEvent

log = logging.getLogger(__name__)

CALL_VARIABLE = "DUNWELL_CALL"
STALE_AFTER = timedelta(hours=12)
DEFAULT_TRUNK_CONTEXTS = ("from-external", "from-trunk", "from-pstn")
DIAL_STATUS = {
    "BUSY": Disposition.BUSY,
    "NOANSWER": Disposition.NO_ANSWER,
    "CANCEL": Disposition.NO_ANSWER,
    "CHANUNAVAIL": Disposition.FAILED,
    "CONGESTION": Disposition.FAILED,
    "DONTCALL": Disposition.FAILED,
    "TORTURE": Disposition.FAILED,
    "INVALIDARGS": Disposition.FAILED,
}
# Q.850 causes on Hangup when no DialEnd told us: 17 user busy, 18/19 no answer, 21 rejected.
HANGUP_CAUSE = {
    "17": Disposition.BUSY,
    "18": Disposition.NO_ANSWER,
    "19": Disposition.NO_ANSWER,
    "21": Disposition.FAILED,
    "34": Disposition.FAILED,
}
# An extension is a numeric peer ("PJSIP/101-0000002a"); trunks have names ("PJSIP/trunk-…").
_TECH_PEER = re.compile(r"^(?:PJSIP|SIP|IAX2)/(\d{2,8})-[0-9a-fA-F]+$")


@dataclass
class _Channel:
    name: str
    caller: str = ""
    exten: str = ""
    context: str = ""


@dataclass
class _Call:
    linkedid: str
    key: str
    direction: str = ""
    external: str = ""
    extension: str = ""
    answered: datetime | None = None
    status: str = ""
    cause: str = ""
    channels: dict[str, _Channel] = field(default_factory=dict)
    seen: datetime | None = None


def event_time(event: dict[str, str]) -> datetime:
    """`Timestamp: 1764580000.123456` when Asterisk writes it (manager.conf
    `timestampevents=yes`), else now."""
    stamp = event.get("Timestamp", "")
    try:
        return datetime.fromtimestamp(float(stamp), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(tz=UTC)


class CallTracker:
    def __init__(
        self,
        trunk_prefixes: tuple[str, ...] = (),
        trunk_contexts: tuple[str, ...] = DEFAULT_TRUNK_CONTEXTS,
    ) -> None:
        self.trunk_prefixes = tuple(p for p in trunk_prefixes if p)
        self.trunk_contexts = tuple(c for c in trunk_contexts if c)
        self.calls: dict[str, _Call] = {}
        self.keys: dict[str, str] = {}  # Linkedid -> our provider call id (click-to-call)
        self.fed = 0

    # -- channels ----------------------------------------------------------------------------
    def is_trunk(self, name: str, context: str = "") -> bool:
        if self.trunk_prefixes:
            return name.startswith(self.trunk_prefixes)
        return context in self.trunk_contexts

    def extension_of(self, name: str) -> str:
        """`PJSIP/101-0000002a` → "101"; "" for trunks and Local channels."""
        if self.is_trunk(name):
            return ""
        match = _TECH_PEER.match(name)
        return match.group(1) if match else ""

    def _call(self, event: dict[str, str], prefix: str = "") -> _Call | None:
        linkedid = event.get(f"{prefix}Linkedid") or event.get("Linkedid", "")
        if not linkedid:
            return None
        call = self.calls.get(linkedid)
        if call is None:
            call = _Call(linkedid, self.keys.get(linkedid, linkedid))
            self.calls[linkedid] = call
        call.seen = event_time(event)
        return call

    def _internal(self, call: _Call, name: str) -> bool:
        channel = call.channels.get(name)
        context = channel.context if channel else ""
        return bool(name) and not self.is_trunk(name, context) and bool(self.extension_of(name))

    # -- events ------------------------------------------------------------------------------
    def forget_stale(self, now: datetime) -> list[str]:
        """Calls whose Hangup we never saw (it came while we were disconnected) are forgotten
        after STALE_AFTER without an event; returns their Linkedids."""
        stale = [
            linkedid
            for linkedid, call in self.calls.items()
            if call.seen is not None and now - call.seen > STALE_AFTER
        ]
        for linkedid in stale:
            del self.calls[linkedid]
            self.keys.pop(linkedid, None)
        return stale

    def feed(self, event: dict[str, str]) -> list[CallEvent]:
        self.fed += 1
        if self.fed % 1000 == 0:
            self.forget_stale(event_time(event))
        name = event.get("Event", "")
        handler = getattr(self, f"_on_{name.lower()}", None)
        if handler is None:
            return []
        result: list[CallEvent] = handler(event, event_time(event))
        return result

    def _new(
        self, call: _Call, kind: str, at: datetime, raw: dict[str, str], **extra: object
    ) -> CallEvent:
        keys = ("Event", "Channel", "DestChannel", "DialStatus", "Cause", "Uniqueid")
        kept: dict[str, Any] = {k: raw[k] for k in keys if k in raw}
        kept["Linkedid"] = call.linkedid  # the catch-up after a disconnect looks for it
        return CallEvent(
            provider=Provider.ASTERISK,
            provider_call_id=call.key,
            kind=kind,
            at=at,
            direction=call.direction,
            external_number=call.external,
            raw=kept,
            **extra,  # type: ignore[arg-type]
        )

    def _on_newchannel(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        call = self._call(event)
        if call is None:
            return []
        name = event.get("Channel", "")
        channel = _Channel(
            name,
            event.get("CallerIDNum", ""),
            event.get("Exten", ""),
            event.get("Context", ""),
        )
        call.channels[name] = channel
        if event.get("Uniqueid") == call.linkedid and not call.direction:
            if self.is_trunk(name, channel.context):
                call.direction = Direction.INBOUND
                call.external = channel.caller
            else:
                call.direction = Direction.OUTBOUND
                call.extension = self.extension_of(name) or channel.caller
                call.external = channel.exten if channel.exten not in ("", "s") else ""
        return []

    def _on_varset(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        if event.get("Variable") != CALL_VARIABLE or not event.get("Value"):
            return []
        call = self._call(event)
        if call is not None:
            self.keys[call.linkedid] = call.key = event["Value"]
            call.direction = Direction.OUTBOUND
        return []

    def _on_dialbegin(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        call = self._call(event, "Dest")
        if call is None:
            return []
        dest = event.get("DestChannel", "")
        call.channels.setdefault(dest, _Channel(dest, event.get("DestCallerIDNum", "")))
        if self._internal(call, dest):
            extension = self.extension_of(dest)
        else:
            extension = call.extension
            if not call.external:
                # the dialled number: "trunk/0721234567" or the callee's caller id
                dial = event.get("DialString", "")
                call.external = dial.rsplit("/", 1)[-1] if dial else event.get("DestExten", "")
        if not call.direction:
            call.direction = (
                Direction.OUTBOUND if dest and self.is_trunk(dest) else Direction.INBOUND
            )
        if call.answered is not None:
            return []  # a transfer's leg rings: "transferred" comes on its answer
        if not call.extension:
            call.extension = extension
        return [self._new(call, "ringing", at, event, extension=extension)]

    def _on_dialend(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        call = self._call(event, "Dest")
        if call is None:
            return []
        status = event.get("DialStatus", "").upper()
        call.status = status
        if status != "ANSWER":
            return []
        dest = event.get("DestChannel", "")
        internal = self._internal(call, dest)
        extension = self.extension_of(dest) if internal else call.extension
        if call.answered is None:
            if internal and call.direction == Direction.OUTBOUND:
                # click-to-call: the collector took the first leg; the contact rings next
                call.extension = extension
                return []
            call.answered = at
            if extension:
                call.extension = extension
            return [self._new(call, "answered", at, event, extension=extension)]
        if extension and extension != call.extension:
            call.extension = extension
            return [self._new(call, "transferred", at, event, extension=extension)]
        return []

    def _on_bridgeenter(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        call = self._call(event)
        if call is None or call.answered is None:
            return []
        name = event.get("Channel", "")
        extension = self.extension_of(name) if self._internal(call, name) else ""
        if extension and extension != call.extension:
            call.extension = extension
            return [self._new(call, "transferred", at, event, extension=extension)]
        return []

    def _on_blindtransfer(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        call = self._call(event, "Transferee")
        target = event.get("Extension", "")
        if call is None or not target or target == call.extension:
            return []
        call.extension = target
        return [self._new(call, "transferred", at, event, extension=target)]

    def _on_attendedtransfer(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        """The collector talked to a colleague on a second call, then joined the contact to
        them: the contact's call is the one we know among the transferer/transferee Linkedids;
        the new agent is the transfer target's channel, or whom the second call reached."""
        call = next(
            (
                self.calls[linkedid]
                for prefix in ("OrigTransferer", "Transferee", "SecondTransferer")
                if (linkedid := event.get(f"{prefix}Linkedid", "")) in self.calls
            ),
            None,
        )
        target = (
            self.extension_of(event.get("TransferTargetChannel", ""))
            or self.extension_of(event.get("SecondTransfererChannel", ""))
            and event.get("SecondTransfererConnectedLineNum", "")
        )
        if call is None or not target or target == call.extension:
            return []
        call.extension = target
        return [self._new(call, "transferred", at, event, extension=target)]

    def _on_hangup(self, event: dict[str, str], at: datetime) -> list[CallEvent]:
        linkedid = event.get("Linkedid", "")
        call = self.calls.get(linkedid)
        if call is None:
            return []
        call.channels.pop(event.get("Channel", ""), None)
        if event.get("Cause"):
            call.cause = event["Cause"]
        if call.channels:
            return []
        del self.calls[linkedid]
        self.keys.pop(linkedid, None)
        if call.answered is not None:
            duration = max(0, int((at - call.answered).total_seconds()))
            disposition = Disposition.ANSWERED
        else:
            duration = 0
            disposition = DIAL_STATUS.get(call.status) or HANGUP_CAUSE.get(
                call.cause, Disposition.NO_ANSWER
            )
        return [self._new(call, "ended", at, event, duration=duration, disposition=disposition)]


# --- catching up after a disconnect ------------------------------------------------------
# While the worker is not connected (a dropped connection, a restart), Asterisk's events are
# lost: a call that ended meanwhile would stay "ringing" or "answered" for ever. After every
# login the worker lists the live channels (`CoreShowChannels`: one `CoreShowChannel` event per
# channel, with its Linkedid, then `CoreShowChannelsComplete`, all carrying our ActionID) and
# ends, through the one door, each open call none of whose channels is still up.
LIST_ACTION = "CoreShowChannels"
LIST_COMPLETE = "CoreShowChannelsComplete"
OPEN_CALLS_LIMIT = 1000


@dataclass(frozen=True)
class OpenCall:
    provider_call_id: str
    linkedids: frozenset[str]  # the Linkedids its recorded events named
    extension: str
    answered: bool


def open_calls() -> list[OpenCall]:
    """The Asterisk calls the database has as not ended (read before the channels are listed,
    so that a call starting after the listing is not among them)."""
    rows = (
        Call.objects.filter(provider=Provider.ASTERISK)
        .exclude(state=CallState.ENDED)
        .order_by("started_at")
        .values_list("provider_call_id", "events", "extension", "answered_at")[:OPEN_CALLS_LIMIT]
    )
    return [
        OpenCall(
            key,
            frozenset({key} | {str(e["Linkedid"]) for e in events or [] if e.get("Linkedid")}),
            extension,
            answered is not None,
        )
        for key, events, extension, answered in rows
    ]


def gone_calls(
    calls: list[OpenCall], channels: list[dict[str, str]], tracker: CallTracker
) -> list[OpenCall]:
    """The open calls with no live channel. A click-to-call whose Linkedid we never learnt (its
    events came while we were away) counts as live while its collector's phone has a channel."""
    live = {ch.get("Linkedid", "") for ch in channels} | {ch.get("Uniqueid", "") for ch in channels}
    live.discard("")
    busy = {tracker.extension_of(ch.get("Channel", "")) for ch in channels} - {""}
    known = {key: linkedid for linkedid, key in tracker.keys.items()}
    gone = []
    for call in calls:
        linkedids = set(call.linkedids)
        if call.provider_call_id in known:
            linkedids.add(known[call.provider_call_id])
        if linkedids & live:
            continue
        never_linked = linkedids == {call.provider_call_id} and call.provider_call_id.startswith(
            services.PROVISIONAL_PREFIX
        )
        if never_linked and call.extension in busy:
            continue
        gone.append(call)
    return gone


def end_gone(calls: list[OpenCall], at: datetime, country: str = "") -> None:
    """Record "ended" for calls that ended while we were not listening: answered ones as
    answered (talk time up to now), the others as not answered; the event says it was caught
    up."""
    for call in calls:
        apply(
            [
                CallEvent(
                    provider=Provider.ASTERISK,
                    provider_call_id=call.provider_call_id,
                    kind="ended",
                    at=at,
                    disposition=Disposition.ANSWERED if call.answered else Disposition.NO_ANSWER,
                    raw={"caught_up": True},
                )
            ],
            country,
        )


def apply(results: list[CallEvent], country: str = "") -> None:
    for result in results:
        try:
            services.record_event(result, country=country)
        except Exception:  # one bad call must not stop the worker
            log.exception("could not record the AMI call event %r", result)


async def serve(
    config: ami.AmiConfig,
    stop: asyncio.Event,
    *,
    tracker: CallTracker | None = None,
    country: str = "",
    **options: float,
) -> None:
    """The worker: follow the AMI events until `stop` is set, recording calls. Database writes
    run in one thread, in the events' order (the ORM is synchronous)."""
    tracker = tracker or CallTracker()
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ami-db")
    loop = asyncio.get_running_loop()

    def record(results: list[CallEvent]) -> None:
        close_old_connections()
        apply(results, country)

    async def on_event(event: ami.Message) -> None:
        results = tracker.feed(event)
        if results:
            await loop.run_in_executor(executor, record, results)

    def read_open_calls() -> list[OpenCall]:
        close_old_connections()
        return open_calls()

    def end(calls: list[OpenCall]) -> None:
        close_old_connections()
        end_gone(calls, datetime.now(tz=UTC), country)

    async def catch_up(client: ami.AmiClient) -> None:
        # The writes run in the events' thread, in order: every event read before the listing
        # is recorded before the calls are read, and a call ending before the listing has its
        # Hangup recorded before we would end it.
        remembered = set(tracker.calls)
        calls = await loop.run_in_executor(executor, read_open_calls)
        try:
            channels = await client.list_action(LIST_ACTION, LIST_COMPLETE)
        except (ami.AmiError, ConnectionError) as exc:
            log.warning("cannot list Asterisk's live channels to catch up: %s", exc)
            return
        live = {ch.get("Linkedid", "") for ch in channels}
        for linkedid in remembered - live:  # their Hangup came while we were away
            tracker.calls.pop(linkedid, None)
            tracker.keys.pop(linkedid, None)
        gone = gone_calls(calls, channels, tracker)
        if gone:
            log.info("%s call(s) ended while the worker was not listening", len(gone))
            await loop.run_in_executor(executor, end, gone)

    try:
        await ami.run_forever(  # type: ignore[misc]
            config, on_event, stop, on_connect=catch_up, **options
        )
    finally:
        await loop.run_in_executor(executor, connections.close_all)
        executor.shutdown(wait=True)
