"""A fake Asterisk manager interface for tests: a TCP server on 127.0.0.1 (free port) that speaks
AMI as Asterisk does — the banner `Asterisk Call Manager/<version>`, `Action: Login` accepted or
refused, the `ActionID` echoed in every response, `Key: Value` event blocks ended by an empty
line, `Ping`/`Pong`, `Originate` queued then `OriginateResponse`, `Logoff`/`Goodbye`, and
`CoreShowChannels` answered as Asterisk does: `Response: Success` with `EventList: start`, one
`CoreShowChannel` event per live channel, then `CoreShowChannelsComplete` (`EventList: Complete`,
`ListItems`), all with the action's ActionID. The live channels are those the events it sent
(or `happen()`ed while nobody listened) created with Newchannel and did not end with Hangup.

It runs its own event loop in a thread, so synchronous tests (and the code under test, which may
call `asyncio.run`) can use it. Scripted call sequences follow the channel events Asterisk's
documentation describes for a call (Newchannel, DialBegin, DialEnd, BridgeEnter, Hangup, keyed
by Linkedid; BlindTransfer; VarSet; OriginateResponse): see docs/telephony.md.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from dunwell.telephony.ami import encode, read_message

BANNER = "Asterisk Call Manager/9.0.0"
Event = dict[str, str]


def stamp(at: datetime) -> str:
    return f"{at.timestamp():.6f}"


@dataclass
class FakeAmi:
    username: str = "dunwell"
    secret: str = "s3cret"
    script: list[Event] = field(default_factory=list)  # sent to each connection after its login
    drop_after: int | None = None  # the first connection is cut after this many events
    originate_script: Callable[[dict[str, str]], list[Event]] | None = None
    port: int = 0
    actions: list[dict[str, str]] = field(default_factory=list)
    logins: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.Server | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)
    channels: dict[str, Event] = field(default_factory=dict)  # live, by channel name

    def _track(self, event: Event) -> None:
        """Asterisk's channel table, as the events describe it."""
        name = event.get("Channel", "")
        if event.get("Event") == "Newchannel" and name:
            self.channels[name] = dict(event)
        elif event.get("Event") == "Hangup":
            self.channels.pop(name, None)
        elif name in self.channels and "ChannelState" in event:
            self.channels[name]["ChannelState"] = event["ChannelState"]

    def happen(self, events: list[Event]) -> None:
        """Events that happen on the exchange while no client listens (they change the live
        channels, nobody receives them)."""
        for event in events:
            self._track(event)

    def _send(self, writer: asyncio.StreamWriter, event: Event) -> None:
        self._track(event)
        writer.write(encode(event))

    def channel_list(self, action_id: str) -> list[Event]:
        """The events answering CoreShowChannels (field names as Asterisk documents them)."""
        states = {"0": "Down", "4": "Ring", "5": "Ringing", "6": "Up"}
        items = [
            {"Event": "CoreShowChannel", "ActionID": action_id, "Channel": name,
             "ChannelState": ch.get("ChannelState", "6"),
             "ChannelStateDesc": states.get(ch.get("ChannelState", "6"), "Unknown"),
             "CallerIDNum": ch.get("CallerIDNum", ""), "CallerIDName": "",
             "ConnectedLineNum": "", "ConnectedLineName": "", "Language": "en",
             "AccountCode": "", "Context": ch.get("Context", ""), "Exten": ch.get("Exten", ""),
             "Priority": "1", "Uniqueid": ch.get("Uniqueid", ""),
             "Linkedid": ch.get("Linkedid", ""), "BridgeId": "", "Application": "Dial",
             "ApplicationData": "", "Duration": "00:00:42"}
            for name, ch in self.channels.items()
        ]  # fmt: skip
        return [
            *items,
            {"Event": "CoreShowChannelsComplete", "ActionID": action_id,
             "EventList": "Complete", "ListItems": str(len(items))},
        ]  # fmt: skip

    @property
    def url(self) -> str:
        return f"ami://{self.username}:{self.secret}@127.0.0.1:{self.port}"

    def url_with(self, secret: str) -> str:
        return f"ami://{self.username}:{secret}@127.0.0.1:{self.port}"

    def sent(self, action: str) -> list[dict[str, str]]:
        return [a for a in self.actions if a.get("Action", "").lower() == action.lower()]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(f"{BANNER}\r\n".encode())
        await writer.drain()
        logged_in = False
        try:
            while True:
                message = await read_message(reader)
                self.actions.append(message)
                action = message.get("Action", "").lower()
                reply = {"ActionID": message.get("ActionID", "")}
                if action == "login":
                    if (message.get("Username"), message.get("Secret")) != (
                        self.username,
                        self.secret,
                    ):
                        writer.write(encode({"Response": "Error", **reply,
                                             "Message": "Authentication failed"}))  # fmt: skip
                        await writer.drain()
                        return
                    self.logins += 1
                    logged_in = True
                    writer.write(encode({"Response": "Success", **reply,
                                         "Message": "Authentication accepted"}))  # fmt: skip
                    writer.write(encode({"Event": "FullyBooted", "Privilege": "system,all",
                                         "Status": "Fully Booted"}))  # fmt: skip
                    await writer.drain()
                    if message.get("Events", "on").lower() != "off":
                        if not await self._replay(writer, first=self.logins == 1):
                            return
                        self._writers.append(writer)
                elif not logged_in:
                    writer.write(encode({"Response": "Error", **reply,
                                         "Message": "Permission denied"}))  # fmt: skip
                elif action == "ping":
                    writer.write(encode({"Response": "Success", **reply, "Ping": "Pong",
                                         "Timestamp": "1764579600.000000"}))  # fmt: skip
                elif action == "coreshowchannels":
                    writer.write(encode({"Response": "Success", **reply, "EventList": "start",
                                         "Message": "Channels will follow"}))  # fmt: skip
                    for event in self.channel_list(reply["ActionID"]):
                        writer.write(encode(event))
                elif action == "originate":
                    writer.write(encode({"Response": "Success", **reply,
                                         "Message": "Originate successfully queued"}))  # fmt: skip
                    if self.originate_script is not None:
                        for event in self.originate_script(message):
                            self._track(event)
                            for listener in [*self._writers, writer]:
                                listener.write(encode(event))
                elif action == "logoff":
                    writer.write(encode({"Response": "Goodbye", **reply,
                                         "Message": "Thanks for all the fish."}))  # fmt: skip
                    await writer.drain()
                    return
                else:
                    writer.write(encode({"Response": "Error", **reply,
                                         "Message": "Invalid/unknown command"}))  # fmt: skip
                await writer.drain()
        except (ConnectionError, OSError):
            return
        finally:
            if writer in self._writers:
                self._writers.remove(writer)
            writer.close()

    async def _replay(self, writer: asyncio.StreamWriter, *, first: bool) -> bool:
        """Send the script; cut the first connection after `drop_after` events (False)."""
        for number, event in enumerate(self.script):
            if first and self.drop_after is not None and number == self.drop_after:
                writer.transport.abort()
                return False
            self._send(writer, event)
        await writer.drain()
        return True

    def drop_all(self) -> None:
        assert self._loop is not None
        for writer in list(self._writers):
            self._loop.call_soon_threadsafe(writer.transport.abort)


@contextmanager
def running(server: FakeAmi) -> Iterator[FakeAmi]:
    """Serve on a free port in a background thread for the duration of the block."""
    ready = threading.Event()
    loop = asyncio.new_event_loop()
    server._loop = loop

    async def start() -> None:
        server._server = await asyncio.start_server(server._handle, "127.0.0.1", 0)
        server.port = server._server.sockets[0].getsockname()[1]
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(5)
    ready.wait(5)
    try:
        yield server
    finally:

        async def stop() -> None:
            assert server._server is not None
            server._server.close()
            for writer in list(server._writers):
                writer.transport.abort()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


# -- scripted calls (field names and order as Asterisk documents them) ------------------------
def channel(
    event: str, at: datetime, name: str, uniqueid: str, linkedid: str, **fields: str
) -> Event:
    return {
        "Event": event,
        "Privilege": "call,all",
        "Timestamp": stamp(at),
        "Channel": name,
        "ChannelState": fields.pop("ChannelState", "4"),
        "CallerIDNum": fields.pop("CallerIDNum", "<unknown>"),
        "Context": fields.pop("Context", "from-internal"),
        "Exten": fields.pop("Exten", "s"),
        "Priority": "1",
        "Uniqueid": uniqueid,
        "Linkedid": linkedid,
        **fields,
    }


def dial(event: str, at: datetime, src: tuple[str, str] | None, dest: tuple[str, str],
         linkedid: str, **fields: str) -> Event:  # fmt: skip
    """DialBegin/DialEnd: the caller's channel fields (absent for an Originate's first leg), then
    the Dest… fields of the channel being dialled."""
    out: Event = {"Event": event, "Privilege": "call,all", "Timestamp": stamp(at)}
    if src is not None:
        out |= {"Channel": src[0], "Uniqueid": src[1], "Linkedid": linkedid}
    out |= {
        "DestChannel": dest[0],
        "DestCallerIDNum": dest[0].split("/")[1].split("-")[0],
        "DestUniqueid": dest[1],
        "DestLinkedid": linkedid,
        **fields,
    }
    return out


def bridge_enter(at: datetime, name: str, uniqueid: str, linkedid: str, count: int) -> Event:
    return channel("BridgeEnter", at, name, uniqueid, linkedid, ChannelState="6",
                   BridgeUniqueid="b-" + linkedid, BridgeType="basic",
                   BridgeTechnology="simple_bridge", BridgeNumChannels=str(count))  # fmt: skip


def hangup(at: datetime, name: str, uniqueid: str, linkedid: str, cause: str, text: str) -> Event:
    return channel("Hangup", at, name, uniqueid, linkedid, Cause=cause, **{"Cause-txt": text})


TRUNK = "PJSIP/trunk-00000001"
AGENT = "PJSIP/101-00000002"
LINKEDID = "1764579600.1"


def _t(t0: datetime, seconds: float) -> datetime:
    from datetime import timedelta

    return t0 + timedelta(seconds=seconds)


def inbound(
    t0: datetime, caller: str, *, answer_after: float | None, talk: float = 60
) -> list[Event]:
    """A call from the trunk rings extension 101: answered after `answer_after` seconds and
    talked `talk` seconds, or (None) the caller gives up after 20 seconds."""
    agent_id = "1764579600.2"
    events = [
        channel("Newchannel", t0, TRUNK, LINKEDID, LINKEDID, ChannelState="0",
                CallerIDNum=caller, Context="from-external", Exten="0212345678"),
        channel("Newchannel", _t(t0, 0.1), AGENT, agent_id, LINKEDID, ChannelState="0",
                CallerIDNum="101"),
        dial("DialBegin", _t(t0, 0.1), (TRUNK, LINKEDID), (AGENT, agent_id), LINKEDID,
             DialString="101"),
    ]  # fmt: skip
    if answer_after is None:
        end = _t(t0, 20)
        return [
            *events,
            dial("DialEnd", end, (TRUNK, LINKEDID), (AGENT, agent_id), LINKEDID,
                 DialStatus="CANCEL"),
            hangup(end, AGENT, agent_id, LINKEDID, "26", "Answered elsewhere"),
            hangup(end, TRUNK, LINKEDID, LINKEDID, "16", "Normal Clearing"),
        ]  # fmt: skip
    answered = _t(t0, answer_after)
    end = _t(answered, talk)
    return [
        *events,
        dial("DialEnd", answered, (TRUNK, LINKEDID), (AGENT, agent_id), LINKEDID,
             DialStatus="ANSWER"),
        bridge_enter(answered, TRUNK, LINKEDID, LINKEDID, 1),
        bridge_enter(answered, AGENT, agent_id, LINKEDID, 2),
        hangup(end, AGENT, agent_id, LINKEDID, "16", "Normal Clearing"),
        hangup(end, TRUNK, LINKEDID, LINKEDID, "16", "Normal Clearing"),
    ]  # fmt: skip


def inbound_transferred(t0: datetime, caller: str) -> list[Event]:
    """101 answers after 5 s, blind-transfers to 102 at 35 s; 102 answers at 40 s; the call ends
    at 100 s."""
    agent2, agent2_id = "PJSIP/102-00000005", "1764579600.5"
    events = inbound(t0, caller, answer_after=5, talk=60)[:-2]
    return [
        *events,
        {"Event": "BlindTransfer", "Privilege": "call,all", "Timestamp": stamp(_t(t0, 35)),
         "Result": "Success", "TransfererChannel": AGENT, "TransfererUniqueid": "1764579600.2",
         "TransfererLinkedid": LINKEDID, "TransfereeChannel": TRUNK,
         "TransfereeUniqueid": LINKEDID, "TransfereeLinkedid": LINKEDID,
         "IsExternal": "No", "Context": "from-internal", "Extension": "102"},
        hangup(_t(t0, 35), AGENT, "1764579600.2", LINKEDID, "16", "Normal Clearing"),
        channel("Newchannel", _t(t0, 35), agent2, agent2_id, LINKEDID, ChannelState="0",
                CallerIDNum="102"),
        dial("DialBegin", _t(t0, 35), (TRUNK, LINKEDID), (agent2, agent2_id), LINKEDID,
             DialString="102"),
        dial("DialEnd", _t(t0, 40), (TRUNK, LINKEDID), (agent2, agent2_id), LINKEDID,
             DialStatus="ANSWER"),
        bridge_enter(_t(t0, 40), agent2, agent2_id, LINKEDID, 2),
        hangup(_t(t0, 100), agent2, agent2_id, LINKEDID, "16", "Normal Clearing"),
        hangup(_t(t0, 100), TRUNK, LINKEDID, LINKEDID, "16", "Normal Clearing"),
    ]  # fmt: skip


def originated(t0: datetime, *, talk: float = 60) -> Callable[[dict[str, str]], list[Event]]:
    """What Asterisk reports after our Originate (Async): the collector's channel is created
    with our variable, rings and is answered (3 s), OriginateResponse, then the dialplan dials
    the number on the trunk, answered at 12 s."""

    def script(action: dict[str, str]) -> list[Event]:
        linkedid, trunk_id = "1764579700.3", "1764579700.4"
        agent = action["Channel"] + "-00000003"
        trunk = "PJSIP/trunk-00000004"
        variable, _, value = action.get("Variable", "").partition("=")
        number = action["Exten"]
        answered, end = _t(t0, 12), _t(t0, 12 + talk)
        return [
            channel("Newchannel", t0, agent, linkedid, linkedid, ChannelState="0",
                    CallerIDNum=action["Channel"].split("/")[-1], Exten=number,
                    Context=action["Context"]),
            {"Event": "VarSet", "Privilege": "dialplan,all", "Timestamp": stamp(t0),
             "Channel": agent, "Uniqueid": linkedid, "Linkedid": linkedid,
             "Variable": variable, "Value": value},
            dial("DialBegin", t0, None, (agent, linkedid), linkedid,
                 DialString=action["Channel"].split("/", 1)[-1]),
            dial("DialEnd", _t(t0, 3), None, (agent, linkedid), linkedid, DialStatus="ANSWER"),
            {"Event": "OriginateResponse", "Privilege": "call,all",
             "ActionID": action.get("ActionID", ""), "Response": "Success",
             "Channel": agent, "Context": action["Context"], "Exten": number,
             "Reason": "4", "Uniqueid": linkedid, "CallerIDNum": number},
            channel("Newchannel", _t(t0, 3), trunk, trunk_id, linkedid, ChannelState="0",
                    CallerIDNum=number, Context="from-internal"),
            dial("DialBegin", _t(t0, 3), (agent, linkedid), (trunk, trunk_id), linkedid,
                 DialString=f"trunk/{number}"),
            dial("DialEnd", answered, (agent, linkedid), (trunk, trunk_id), linkedid,
                 DialStatus="ANSWER"),
            bridge_enter(answered, agent, linkedid, linkedid, 1),
            bridge_enter(answered, trunk, trunk_id, linkedid, 2),
            hangup(end, trunk, trunk_id, linkedid, "16", "Normal Clearing"),
            hangup(end, agent, linkedid, linkedid, "16", "Normal Clearing"),
        ]  # fmt: skip

    return script
