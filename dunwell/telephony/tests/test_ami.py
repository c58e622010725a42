"""The AMI client and the Asterisk adapter against the fake AMI server (the real protocol over
TCP): login, ActionID, events, Ping, reconnection; each documented call sequence gives the
right call record."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from dunwell.ledger.models import Contact
from dunwell.telephony import ami, asterisk, services
from dunwell.telephony.models import Call, CallState, Direction, Disposition
from dunwell.telephony.tests import fake_ami
from dunwell.telephony.tests.fake_ami import FakeAmi, running

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CALLER = "40721234567"


def collect(url, count, *, timeout=5.0, **options):
    """Stay connected (reconnecting) until `count` call events arrived; return them in order."""
    events: list[dict[str, str]] = []

    async def main():
        stop = asyncio.Event()

        def on_event(event):
            if event.get("Event") != "FullyBooted":
                events.append(event)
            if len(events) >= count:
                stop.set()

        task = asyncio.create_task(
            ami.run_forever(ami.parse_ami_url(url), on_event, stop, first_delay=0.01, **options)
        )
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({task, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        timed_out = not stop.is_set() and not task.done()
        stop.set()
        await asyncio.wait_for(task, timeout)  # raises what the client raised
        if timed_out:
            raise TimeoutError

    asyncio.run(main())
    return events


def follow(events, prefixes=("PJSIP/trunk-",)):
    tracker = asterisk.CallTracker(prefixes)
    for event in events:
        asterisk.apply(tracker.feed(event))
    return tracker


@pytest.fixture
def debtor_contact(make_counterparty, collector):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+" + CALLER)


def test_an_answered_inbound_call_is_timed_and_matched(debtor_contact, collector):
    script = fake_ami.inbound(T0, CALLER, answer_after=5, talk=60)
    with running(FakeAmi(script=script)) as server:
        follow(collect(server.url, len(script)))
    call = Call.objects.get()
    assert (call.direction, call.state, call.disposition) == (
        Direction.INBOUND,
        CallState.ENDED,
        Disposition.ANSWERED,
    )
    assert (call.started_at, call.answered_at, call.ended_at) == (
        T0 + timedelta(seconds=0.1),
        T0 + timedelta(seconds=5),
        T0 + timedelta(seconds=65),
    )
    assert (call.duration, call.extension, call.agent) == (60, "101", collector)
    assert (call.external_number, call.contact, call.counterparty) == (
        "+" + CALLER,
        debtor_contact,
        debtor_contact.counterparty,
    )
    assert call.provider_call_id == fake_ami.LINKEDID


def test_a_missed_inbound_call_ends_unanswered(debtor_contact, collector):
    script = fake_ami.inbound(T0, CALLER, answer_after=None)
    with running(FakeAmi(script=script)) as server:
        follow(collect(server.url, len(script)))
    call = Call.objects.get()
    assert (call.state, call.disposition, call.duration, call.answered_at) == (
        CallState.ENDED,
        Disposition.NO_ANSWER,
        0,
        None,
    )
    assert (call.agent, call.counterparty) == (collector, debtor_contact.counterparty)


def test_the_trunk_is_recognised_by_its_context_without_prefixes(debtor_contact):
    script = fake_ami.inbound(T0, CALLER, answer_after=5)
    with running(FakeAmi(script=script)) as server:
        follow(collect(server.url, len(script)), prefixes=())
    call = Call.objects.get()
    assert (call.direction, call.external_number, call.extension) == (
        Direction.INBOUND,
        "+" + CALLER,
        "101",
    )


def test_a_blind_transfer_moves_the_call_to_the_new_agent(debtor_contact, collector, teammate):
    teammate.extension = "102"
    teammate.save()
    script = fake_ami.inbound_transferred(T0, CALLER)
    with running(FakeAmi(script=script)) as server:
        follow(collect(server.url, len(script)))
    call = Call.objects.get()
    assert (call.extension, call.agent) == ("102", teammate)
    assert (call.state, call.duration) == (CallState.ENDED, 95)
    assert [e["kind"] for e in call.events].count("transferred") == 1


def test_a_dropped_connection_is_resumed_without_losing_or_doubling_the_call(debtor_contact):
    script = fake_ami.inbound(T0, CALLER, answer_after=5, talk=60)
    with running(FakeAmi(script=script, drop_after=4)) as server:
        events = collect(server.url, 4 + len(script))
        assert server.logins == 2
    follow(events)
    call = Call.objects.get()
    assert (call.state, call.duration, call.answered_at) == (
        CallState.ENDED,
        60,
        T0 + timedelta(seconds=5),
    )


def test_every_action_carries_an_action_id_and_the_client_pings():
    with running(FakeAmi()) as server:

        async def main():
            client = ami.AmiClient(ami.parse_ami_url(server.url))
            await client.connect()
            pong = await client.action("Ping")
            await client.logoff()
            return client.banner, pong

        banner, pong = asyncio.run(main())
        login, ping, logoff = server.actions
    assert banner.startswith("Asterisk Call Manager/")
    assert (login["Action"], login["Username"], login["Secret"], login["Events"]) == (
        "Login",
        "dunwell",
        "s3cret",
        "on",
    )
    assert pong["Ping"] == "Pong" and pong["ActionID"] == ping["ActionID"]
    assert len({login["ActionID"], ping["ActionID"], logoff["ActionID"]}) == 3
    assert logoff["Action"] == "Logoff"


def test_the_keepalive_pings_while_the_connection_is_idle():
    with running(FakeAmi()) as server:
        with pytest.raises(TimeoutError):
            collect(server.url, 1, timeout=0.5, ping_interval=0.1)
        assert len(server.sent("Ping")) >= 2


def test_a_refused_login_is_reported_and_not_retried(caplog):
    with running(FakeAmi()) as server:
        with pytest.raises(ami.AmiLoginError, match="Authentication failed"):
            collect(server.url_with("wrong"), 1)
        assert len(server.sent("Login")) == 1


def test_the_command_reports_a_refused_login_without_the_secret(db, caplog):
    with (
        running(FakeAmi()) as server,
        caplog.at_level(logging.INFO),
        pytest.raises(CommandError) as error,
    ):
        call_command("pbx", "asterisk", "--ami-url", server.url_with("hunter2"))
    assert "login" in str(error.value) and "hunter2" not in str(error.value)
    assert "hunter2" not in caplog.text


def test_an_unreachable_server_is_retried_with_growing_delays():
    assert [ami.next_delay(d, 1, 8) for d in (0, 1, 2, 4, 8)] == [1, 2, 4, 8, 8]


def test_the_address_is_parsed_and_its_secret_hidden():
    config = ami.parse_ami_url("ami://dunwell:p%40ss@10.0.0.5")
    assert (config.host, config.port, config.username, config.secret) == (
        "10.0.0.5",
        5038,
        "dunwell",
        "p@ss",
    )
    assert "p@ss" not in repr(config) and "p@ss" not in str(config)
    with pytest.raises(ValueError):
        ami.parse_ami_url("ami://10.0.0.5:5038")


def test_a_value_with_a_line_break_cannot_inject_an_action():
    with pytest.raises(ValueError):
        ami.encode({"Action": "Originate", "Exten": "123\r\nAction: Command"})


def _a_call_ended() -> bool:
    """Asked from a thread of the event loop: its connection is closed after, so no session is
    left on the test database when it is dropped."""
    try:
        return Call.objects.filter(state=CallState.ENDED).exists()
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_the_worker_records_the_calls_and_logs_off_when_stopped(
    installation_data, debtor_contact, collector
):
    script = fake_ami.inbound(T0, CALLER, answer_after=5, talk=60)
    with running(FakeAmi(script=script, drop_after=3)) as server:

        async def main():
            stop = asyncio.Event()
            task = asyncio.create_task(
                asterisk.serve(
                    ami.parse_ami_url(server.url),
                    stop,
                    tracker=asterisk.CallTracker(("PJSIP/trunk-",)),
                    first_delay=0.01,
                )
            )
            for _ in range(300):
                await asyncio.sleep(0.01)
                if await asyncio.to_thread(_a_call_ended):
                    break
            stop.set()
            await asyncio.wait_for(task, 5)

        asyncio.run(main())
        assert server.sent("Logoff")
        assert server.logins == 2
    call = Call.objects.get()
    assert (call.state, call.duration, call.agent) == (CallState.ENDED, 60, collector)


def test_sigterm_stops_the_command_cleanly():
    """The real process: it logs in, and SIGTERM makes it log off and exit 0."""
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DUNWELL_DEBUG": "1"}
    with running(FakeAmi()) as server:
        process = subprocess.Popen(
            [sys.executable, str(root / "manage.py"), "pbx", "asterisk",
             "--ami-url", server.url, "--country", "RO"],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            for _ in range(3000):
                if server.logins or process.poll() is not None:
                    break
                time.sleep(0.01)
            assert server.logins == 1
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0, err
        assert server.sent("Logoff")
    assert "stopped" in out and server.secret not in out + err


def test_a_call_whose_hangup_was_never_seen_is_forgotten_later():
    tracker = asterisk.CallTracker(("PJSIP/trunk-",))
    for event in fake_ami.inbound(T0, CALLER, answer_after=5)[:4]:
        tracker.feed(event)
    assert tracker.forget_stale(T0 + timedelta(hours=1)) == []
    assert tracker.forget_stale(T0 + timedelta(hours=13)) == [fake_ami.LINKEDID]
    assert tracker.calls == {}


def test_a_number_dialled_on_the_desk_phone_is_an_outgoing_call_and_busy_is_kept(
    debtor_contact, collector
):
    L, agent, trunk = "1764579800.7", "PJSIP/101-00000007", "PJSIP/trunk-00000008"
    t1 = T0 + timedelta(seconds=8)
    follow(
        [
            fake_ami.channel("Newchannel", T0, agent, L, L, CallerIDNum="101", Exten=CALLER),
            fake_ami.channel("Newchannel", T0, trunk, L + "1", L, Exten=CALLER),
            fake_ami.dial(
                "DialBegin", T0, (agent, L), (trunk, L + "1"), L, DialString=f"trunk/{CALLER}"
            ),
            fake_ami.dial("DialEnd", t1, (agent, L), (trunk, L + "1"), L, DialStatus="BUSY"),
            fake_ami.hangup(t1, trunk, L + "1", L, "17", "User busy"),
            fake_ami.hangup(t1, agent, L, L, "17", "User busy"),
        ]  # fmt: skip
    )
    call = Call.objects.get()
    assert (call.direction, call.external_number, call.agent, call.counterparty) == (
        Direction.OUTBOUND,
        "+" + CALLER,
        collector,
        debtor_contact.counterparty,
    )
    assert (call.state, call.disposition, call.duration) == (CallState.ENDED, Disposition.BUSY, 0)


def test_an_event_the_handler_fails_on_does_not_cost_the_following_ones(caplog):
    script = fake_ami.inbound(T0, CALLER, answer_after=5)
    seen = []

    async def main(url):
        stop = asyncio.Event()

        def on_event(event):
            if event.get("Event") == "Newchannel" and "boom" not in seen:
                seen.append("boom")
                raise RuntimeError("boom")
            seen.append(event["Event"])
            if event["Event"] == "Hangup" and event["Channel"] == fake_ami.TRUNK:
                stop.set()

        await asyncio.wait_for(
            ami.run_forever(ami.parse_ami_url(url), on_event, stop, first_delay=0.01), 5
        )

    with running(FakeAmi(script=script)) as server:
        asyncio.run(main(server.url))
        assert server.logins == 1
    calls = [name for name in seen if name != "FullyBooted"]
    assert (calls[0], calls[-1], len(calls)) == ("boom", "Hangup", len(script))
    assert "could not be handled" in caplog.text


def answered_then_attended_transfer():
    """An answered inbound call (its hangup cut off), then Asterisk's AttendedTransfer event
    handing it to extension 102 after 50 s."""
    answered = fake_ami.inbound(T0, CALLER, answer_after=5)[:-2]
    t1 = T0 + timedelta(seconds=50)
    transfer = {
        "Event": "AttendedTransfer", "Timestamp": fake_ami.stamp(t1), "Result": "Success",
        "OrigTransfererChannel": fake_ami.AGENT, "OrigTransfererLinkedid": fake_ami.LINKEDID,
        "SecondTransfererChannel": "PJSIP/101-00000009",
        "SecondTransfererLinkedid": "1764579650.9",
        "SecondTransfererConnectedLineNum": "102",
        "TransferTargetChannel": "PJSIP/102-0000000a", "DestType": "Bridge",
    }  # fmt: skip
    return answered, transfer, t1


def test_an_attended_transfer_moves_the_call_to_the_colleague(debtor_contact, teammate):
    teammate.extension = "102"
    teammate.save()
    answered, transfer, _at = answered_then_attended_transfer()
    follow([*answered, transfer])
    call = Call.objects.get()
    assert (call.extension, call.agent) == ("102", teammate)


# --- transfers go through the one door: the new agent's pop, the timeline -------------------


def transfer_texts(call, language):
    from django.utils import translation

    from dunwell.ledger.models import TimelineEntry
    from dunwell.ledger.timeline import with_texts

    entries = list(TimelineEntry.objects.filter(kind="telephony.transfer", data__call=call.pk))
    with translation.override(language):
        return [entry.text for entry in with_texts(entries)]


def test_a_blind_transfer_pops_the_card_for_the_new_agent_and_is_on_the_timeline(
    debtor_contact, collector, teammate, django_capture_on_commit_callbacks
):
    from dunwell.telephony import popups
    from dunwell.telephony.models import ScreenPop

    teammate.extension = "102"
    teammate.save()
    script = fake_ami.inbound_transferred(T0, CALLER)
    with running(FakeAmi(script=script)) as server:
        events = collect(server.url, len(script))
    with django_capture_on_commit_callbacks(execute=True):
        follow(events)
    call = Call.objects.get()
    assert {pop.user for pop in ScreenPop.objects.filter(call=call)} == {collector, teammate}
    pop = ScreenPop.objects.get(call=call, user=teammate)
    name = debtor_contact.counterparty.name
    assert popups.payload(pop)["text"] == f"Call transferred to you: {name} (+40 721 234 567)"
    assert popups.payload(ScreenPop.objects.get(call=call, user=collector))["text"].startswith(
        "Incoming call from"
    )
    assert transfer_texts(call, "en") == [
        "Call with +40 721 234 567 transferred to tanya (extension 102)"
    ]
    assert transfer_texts(call, "ru") == [
        "Звонок с номером +40 721 234 567 переведён на tanya (внутренний номер 102)"
    ]


def test_an_attended_transfer_pops_for_the_colleague_once_even_when_replayed(
    debtor_contact, teammate, django_capture_on_commit_callbacks
):
    from dunwell.telephony.models import ScreenPop

    teammate.extension = "102"
    teammate.save()
    answered, transfer, t1 = answered_then_attended_transfer()
    with django_capture_on_commit_callbacks(execute=True):
        tracker = follow([*answered, transfer])
    call = Call.objects.get()
    again = services.CallEvent(
        provider="asterisk", provider_call_id=call.provider_call_id, kind="transferred", at=t1,
        extension="102",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.record_event(again)  # a replay after a reconnect
    assert tracker.calls  # still talking
    assert ScreenPop.objects.filter(call=call, user=teammate).count() == 1
    assert transfer_texts(call, "uk") == [
        "Дзвінок з номером +40 721 234 567 переведено на tanya (внутрішній номер 102)"
    ]
    call.refresh_from_db()
    assert [e["extension"] for e in call.events if e["kind"] == "transferred"] == ["102", "102"]


# --- catching up after a disconnect -----------------------------------------------------------


def relabel(events, names):
    """The same call sequence under other channel names and ids (a second call)."""
    return [{k: names.get(v, v) for k, v in event.items()} for event in events]


def serve_until(server, *steps, timeout=5.0):
    """Run the worker against the fake server; each step is (a database check, what to do once
    it holds). True when every check held in time."""

    async def main():
        stop = asyncio.Event()
        task = asyncio.create_task(
            asterisk.serve(
                ami.parse_ami_url(server.url),
                stop,
                tracker=asterisk.CallTracker(("PJSIP/trunk-",)),
                first_delay=0.01,
            )
        )
        try:
            for check, then in steps:
                for _ in range(int(timeout / 0.02)):
                    await asyncio.sleep(0.02)
                    if await asyncio.to_thread(check):
                        break
                else:
                    return False
                then()
            return True
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)

    return asyncio.run(main())


@pytest.mark.django_db(transaction=True)
def test_calls_that_ended_while_disconnected_are_ended_after_the_reconnect(
    installation_data, debtor_contact, collector, teammate
):
    from dunwell.ladder.models import Task

    teammate.extension = "102"
    teammate.save()
    t0 = datetime.now(tz=UTC) - timedelta(seconds=30)
    missed = fake_ami.inbound(t0, CALLER, answer_after=None)
    talking = relabel(
        fake_ami.inbound(t0, "40729999999", answer_after=5)[:-2],
        {fake_ami.LINKEDID: "1764579601.1", "1764579600.2": "1764579601.2",
         fake_ami.TRUNK: "PJSIP/trunk-00000011", fake_ami.AGENT: "PJSIP/102-00000012",
         "101": "102"},
    )  # fmt: skip
    server = FakeAmi(script=[*missed[:3], *talking])

    def both_seen():
        return (
            Call.objects.filter(state=CallState.RINGING).count() == 1
            and Call.objects.filter(state=CallState.ANSWERED).count() == 1
        )

    def drop_while_the_caller_gives_up():
        server.script = []  # nothing is replayed: the Hangups reach nobody
        server.happen(missed[3:])
        server.drop_all()

    def caught_up():
        return Call.objects.filter(state=CallState.ENDED).exists()

    with running(server):
        assert serve_until(
            server, (both_seen, drop_while_the_caller_gives_up), (caught_up, lambda: None)
        )
        assert server.logins == 2
        listed = server.sent("CoreShowChannels")  # after each login, with its own ActionID
        assert len(listed) == 2 and len({a["ActionID"] for a in listed}) == 2
    ended = Call.objects.get(provider_call_id=fake_ami.LINKEDID)
    assert (ended.state, ended.disposition, ended.duration) == (
        CallState.ENDED,
        Disposition.NO_ANSWER,
        0,
    )
    assert ended.events[-1]["caught_up"] is True
    task = Task.objects.get(counterparty=debtor_contact.counterparty)  # the missed-call listener
    assert task.assignee == collector
    live = Call.objects.get(provider_call_id="1764579601.1")
    assert (live.state, live.agent) == (CallState.ANSWERED, teammate)


def test_a_click_to_call_never_linked_stays_open_while_the_collectors_phone_is_up():
    tracker = asterisk.CallTracker(("PJSIP/trunk-",))
    pending = asterisk.OpenCall("dunwell-0a1b", frozenset({"dunwell-0a1b"}), "101", False)
    answered = asterisk.OpenCall(
        "dunwell-9f9f", frozenset({"dunwell-9f9f", "1764579700.3"}), "102", True
    )
    phone_up = [{"Event": "CoreShowChannel", "Channel": "PJSIP/101-00000003",
                 "Uniqueid": "1764579800.1", "Linkedid": "1764579800.1"}]  # fmt: skip
    assert asterisk.gone_calls([pending, answered], phone_up, tracker) == [answered]
    assert asterisk.gone_calls([pending], [], tracker) == [pending]
    still = [{"Channel": "PJSIP/trunk-00000004", "Uniqueid": "x", "Linkedid": "1764579700.3"}]
    assert asterisk.gone_calls([answered], still, tracker) == []


def test_a_refused_list_action_is_an_error_and_the_connection_stays_usable():
    with running(FakeAmi()) as server:

        async def main():
            client = ami.AmiClient(ami.parse_ami_url(server.url))
            await client.connect()
            try:
                with pytest.raises(ami.AmiError, match="refused"):
                    await client.list_action("Status", "StatusComplete")
                channels = await client.list_action("CoreShowChannels", "CoreShowChannelsComplete")
                pong = await client.action("Ping")
            finally:
                await client.logoff()
            return channels, pong

        channels, pong = asyncio.run(main())
    assert channels == [] and pong["Ping"] == "Pong"
