"""The cloud PBXs' webhooks, with their documented field names and signatures: a signed event
sequence makes the right Call; a forged or missing signature gets 403 and writes nothing."""

import base64
import hashlib
import hmac
import json
import urllib.parse
from unittest import mock

import pytest
from django.test import Client

from dunwell.ledger.models import Contact
from dunwell.telephony.models import Call, CallState, Direction, Disposition, TeamQueue

ZADARMA_SECRET = "zd-secret-123"
MANGO_KEY, MANGO_SALT = "mango-key-abc", "mango-salt-xyz"
TWILIO_TOKEN = "twilio-token-987"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.DUNWELL_ZADARMA_SECRET = ZADARMA_SECRET
    settings.DUNWELL_MANGO_KEY = MANGO_KEY
    settings.DUNWELL_MANGO_SALT = MANGO_SALT
    settings.DUNWELL_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.DUNWELL_PBX_DEFAULT_QUEUE = "600"


@pytest.fixture
def contact(make_counterparty, collector):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")


# --- Zadarma ------------------------------------------------------------------------------


def zadarma_sign(data: str) -> str:
    # Zadarma's PHP example: base64_encode(hash_hmac('sha1', $data, API_SECRET)), hex digest.
    hex_digest = hmac.new(ZADARMA_SECRET.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(hex_digest.encode()).decode()


def zadarma_post(client, fields, signature=None):
    headers = {} if signature is None else {"Signature": signature}
    return client.post("/telephony/webhooks/zadarma/", fields, headers=headers)


START = {
    "event": "NOTIFY_START",
    "call_start": "2026-12-01 11:00:00",
    "pbx_call_id": "in_5c1f0a9b",
    "caller_id": "40721234567",
    "called_did": "40312345678",
}


def zadarma_sequence():
    common = {k: START[k] for k in ("call_start", "pbx_call_id", "caller_id")}
    signed_in = START["caller_id"] + START["called_did"] + START["call_start"]
    answer = common | {"event": "NOTIFY_ANSWER", "destination": "101", "internal": "101"}
    end = common | {
        "event": "NOTIFY_END",
        "called_did": START["called_did"],
        "internal": "101",
        "duration": "75",
        "disposition": "answered",
        "status_code": "16",
        "is_recorded": "1",
        "call_id_with_rec": "1701421200.123",
    }
    record = {
        "event": "NOTIFY_RECORD",
        "pbx_call_id": START["pbx_call_id"],
        "call_id_with_rec": "1701421200.123",
    }
    return [
        (START, zadarma_sign(signed_in)),
        (answer, zadarma_sign(answer["caller_id"] + "101" + answer["call_start"])),
        (end, zadarma_sign(signed_in)),
        (record, zadarma_sign(record["pbx_call_id"] + record["call_id_with_rec"])),
    ]


def test_a_signed_zadarma_sequence_makes_an_answered_matched_call(contact, collector):
    client = Client()
    for fields, signature in zadarma_sequence():
        assert zadarma_post(client, fields, signature).status_code == 200
    call = Call.objects.get(provider="zadarma", provider_call_id="in_5c1f0a9b")
    assert (call.direction, call.state, call.disposition, call.duration) == (
        Direction.INBOUND,
        CallState.ENDED,
        Disposition.ANSWERED,
        75,
    )
    assert (call.external_number, call.contact, call.agent, call.line) == (
        "+40721234567",
        contact,
        collector,
        "40312345678",
    )
    assert "call_id=1701421200.123" in call.recording_url


def test_zadarma_notify_start_answers_with_the_redirect_to_the_collector(contact):
    signature = zadarma_sign(START["caller_id"] + START["called_did"] + START["call_start"])
    response = zadarma_post(Client(), START, signature)
    assert response.json() == {"redirect": "101", "return_timeout": 20}


def test_zadarma_notify_start_from_an_absent_collectors_debtor_goes_to_the_team(
    contact, collector, supervisor
):
    from datetime import date, timedelta

    from dunwell.telephony.models import Absence

    TeamQueue.objects.create(supervisor=supervisor, number="501")
    today = date.today()
    Absence.objects.create(
        user=collector, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1)
    )
    signature = zadarma_sign(START["caller_id"] + START["called_did"] + START["call_start"])
    assert zadarma_post(Client(), START, signature).json()["redirect"] == "501"


def test_a_missed_outgoing_zadarma_call(contact, collector):
    start = {
        "event": "NOTIFY_OUT_START",
        "call_start": "2026-12-01 12:00:00",
        "pbx_call_id": "out_77",
        "internal": "101",
        "destination": "40721234567",
    }
    end = start | {
        "event": "NOTIFY_OUT_END",
        "caller_id": "40312345678",
        "duration": "0",
        "disposition": "no answer",
        "is_recorded": "0",
    }
    client = Client()
    for fields in (start, end):
        signature = zadarma_sign("101" + "40721234567" + start["call_start"])
        assert zadarma_post(client, fields, signature).status_code == 200
    call = Call.objects.get(provider_call_id="out_77")
    assert (call.direction, call.disposition, call.duration, call.agent) == (
        Direction.OUTBOUND,
        Disposition.NO_ANSWER,
        0,
        collector,
    )


@pytest.mark.parametrize("signature", [None, "", "Zm9yZ2Vk", zadarma_sign("something else")])
def test_a_forged_or_missing_zadarma_signature_is_refused_and_writes_nothing(
    contact, signature, caplog
):
    response = zadarma_post(Client(), START, signature)
    assert response.status_code == 403
    assert "redirect" not in response.content.decode()
    assert not Call.objects.exists()
    assert "zadarma" in caplog.text and ZADARMA_SECRET not in caplog.text


def test_a_replayed_zadarma_webhook_changes_nothing(contact):
    client = Client()
    for fields, signature in zadarma_sequence():
        zadarma_post(client, fields, signature)
    before = Call.objects.values("state", "duration", "answered_at", "ended_at").get()
    for fields, signature in zadarma_sequence():
        assert zadarma_post(client, fields, signature).status_code == 200
    assert Call.objects.count() == 1
    assert Call.objects.values("state", "duration", "answered_at", "ended_at").get() == before


def test_zadarma_checks_the_address_with_zd_echo(db):
    response = Client().get("/telephony/webhooks/zadarma/", {"zd_echo": "a1b2c3"})
    assert (response.status_code, response.content) == (200, b"a1b2c3")


def test_zd_echo_echoes_no_markup(db):
    response = Client().get("/telephony/webhooks/zadarma/", {"zd_echo": "<script>"})
    assert response.status_code == 400


def test_an_unconfigured_provider_answers_404(settings, db):
    settings.DUNWELL_ZADARMA_SECRET = ""
    settings.DUNWELL_MANGO_SALT = ""
    settings.DUNWELL_TWILIO_AUTH_TOKEN = ""
    client = Client()
    assert client.get("/telephony/webhooks/zadarma/", {"zd_echo": "x"}).status_code == 404
    assert zadarma_post(client, START, "anything").status_code == 404
    assert client.post("/telephony/webhooks/mango/events/call", {}).status_code == 404
    assert client.post("/telephony/webhooks/twilio/", {}).status_code == 404


# --- Mango Office -------------------------------------------------------------------------


def mango_form(data, key=MANGO_KEY, salt=MANGO_SALT):
    text = json.dumps(data)
    sign = hashlib.sha256((key + text + salt).encode()).hexdigest()
    return {"vpbx_api_key": key, "sign": sign, "json": text}


MANGO_FROM = {"number": "40721234567"}
MANGO_TO = {
    "extension": "101",
    "number": "sip:colin@demo.mangosip.ru",
    "line_number": "40312345678",
}


def mango_sequence():
    call = {
        "entry_id": "MjE0NDY2Nzc3Ng==",
        "call_id": "MToxMDE3NTU4MTox",
        "seq": 1,
        "from": MANGO_FROM,
        "to": MANGO_TO,
    }
    return [
        ("call", call | {"timestamp": 1796115600, "call_state": "Appeared", "location": "abonent"}),
        (
            "call",
            call
            | {"timestamp": 1796115605, "seq": 2, "call_state": "Connected", "location": "abonent"},
        ),
        (
            "call",
            call
            | {
                "timestamp": 1796115695,
                "seq": 3,
                "call_state": "Disconnected",
                "location": "abonent",
                "disconnect_reason": 1110,
            },
        ),
        (
            "summary",
            {
                "entry_id": call["entry_id"],
                "call_direction": 1,
                "from": MANGO_FROM,
                "to": MANGO_TO,
                "line_number": "40312345678",
                "create_time": 1796115600,
                "forward_time": 1796115601,
                "talk_time": 1796115605,
                "end_time": 1796115695,
                "entry_result": 1,
                "disconnect_reason": 1110,
            },
        ),
        (
            "recording",
            {
                "entry_id": call["entry_id"],
                "call_id": call["call_id"],
                "extension": "101",
                "recording_id": "MToxMDE3NTU4MTox",
                "recording_state": "Completed",
                "seq": 1,
                "timestamp": 1796115700,
            },
        ),
    ]


def test_a_signed_mango_sequence_makes_an_answered_matched_call(contact, collector):
    client = Client()
    for event, data in mango_sequence():
        response = client.post(f"/telephony/webhooks/mango/events/{event}", mango_form(data))
        assert response.status_code == 200, event
    call = Call.objects.get(provider="mango", provider_call_id="MjE0NDY2Nzc3Ng==")
    assert (call.direction, call.state, call.disposition, call.duration) == (
        Direction.INBOUND,
        CallState.ENDED,
        Disposition.ANSWERED,
        90,
    )
    assert (call.contact, call.agent, call.line) == (contact, collector, "40312345678")
    assert call.started_at.timestamp() == 1796115600
    assert "/queries/recording/link/" in call.recording_url


def test_a_mango_call_waiting_in_the_voice_menu_is_routed_with_commands_route(
    contact, django_capture_on_commit_callbacks
):
    data = {
        "entry_id": "E1",
        "call_id": "C1",
        "timestamp": 1796115600,
        "seq": 1,
        "call_state": "Appeared",
        "location": "ivr",
        "from": MANGO_FROM,
        "to": {"number": "40312345678", "line_number": "40312345678"},
    }
    with (
        mock.patch("urllib.request.urlopen") as urlopen,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = Client().post("/telephony/webhooks/mango/events/call", mango_form(data))
    assert response.status_code == 200
    sent = urlopen.call_args.args[0]
    assert sent.full_url.endswith("/vpbx/commands/route")
    form = urllib.parse.parse_qs(sent.data.decode())
    command = json.loads(form["json"][0])
    assert (command["call_id"], command["to_number"]) == ("C1", "101")
    expected = hashlib.sha256((MANGO_KEY + form["json"][0] + MANGO_SALT).encode()).hexdigest()
    assert form["sign"] == [expected]


@pytest.mark.parametrize("forge", ["sign", "salt", "key", "missing"])
def test_a_forged_or_missing_mango_sign_is_refused_and_writes_nothing(contact, forge, caplog):
    _, data = mango_sequence()[0]
    form = mango_form(data)
    if forge == "sign":
        form["sign"] = "0" * 64
    elif forge == "salt":
        form = mango_form(data, salt="guessed")
    elif forge == "key":
        form = mango_form(data, key="other-key")
    else:
        del form["sign"]
    response = Client().post("/telephony/webhooks/mango/events/call", form)
    assert response.status_code == 403
    assert not Call.objects.exists()
    assert "mango" in caplog.text and MANGO_SALT not in caplog.text


def test_a_signed_mango_event_with_broken_json_is_a_bad_request(db):
    form = {
        "vpbx_api_key": MANGO_KEY,
        "json": "{not json",
        "sign": hashlib.sha256((MANGO_KEY + "{not json" + MANGO_SALT).encode()).hexdigest(),
    }
    response = Client().post("/telephony/webhooks/mango/events/call", form)
    assert response.status_code == 400
    assert not Call.objects.exists()


# --- Twilio -------------------------------------------------------------------------------

TWILIO_URL = "http://testserver/telephony/webhooks/twilio/"


def twilio_sign(params, url=TWILIO_URL, token=TWILIO_TOKEN):
    data = url + "".join(k + v for k, v in sorted(params.items()))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio_post(client, params, signature):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post("/telephony/webhooks/twilio/", params, headers=headers)


TWILIO_BASE = {
    "AccountSid": "AC0000",
    "CallSid": "CA1f2e3d",
    "From": "+40721234567",
    "To": "+40312345678",
    "Direction": "inbound",
    "ApiVersion": "2010-04-01",
}


def test_a_signed_twilio_status_sequence_makes_an_answered_call(contact):
    client = Client()
    steps = [
        {"CallStatus": "ringing", "Timestamp": "Tue, 01 Dec 2026 09:00:00 +0000"},
        {"CallStatus": "in-progress", "Timestamp": "Tue, 01 Dec 2026 09:00:04 +0000"},
        {
            "CallStatus": "completed",
            "CallDuration": "42",
            "Timestamp": "Tue, 01 Dec 2026 09:00:46 +0000",
        },
        {
            "CallStatus": "completed",
            "RecordingStatus": "completed",
            "RecordingSid": "RE1",
            "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/RE1",
        },
    ]
    for step in steps:
        params = TWILIO_BASE | step
        assert twilio_post(client, params, twilio_sign(params)).status_code == 204
    call = Call.objects.get(provider="twilio", provider_call_id="CA1f2e3d")
    assert (call.state, call.disposition, call.duration, call.contact) == (
        CallState.ENDED,
        Disposition.ANSWERED,
        42,
        contact,
    )
    assert call.recording_url.endswith("/Recordings/RE1")


def test_a_busy_outgoing_twilio_call(contact):
    params = TWILIO_BASE | {
        "Direction": "outbound-api",
        "From": "+40312345678",
        "To": "+40721234567",
        "CallStatus": "busy",
        "CallDuration": "0",
    }
    assert twilio_post(Client(), params, twilio_sign(params)).status_code == 204
    call = Call.objects.get()
    assert (call.direction, call.disposition, call.contact) == (
        Direction.OUTBOUND,
        Disposition.BUSY,
        contact,
    )


@pytest.mark.parametrize("how", ["missing", "other token", "other url", "changed param"])
def test_a_forged_or_missing_twilio_signature_is_refused_and_writes_nothing(contact, how, caplog):
    params = TWILIO_BASE | {"CallStatus": "ringing"}
    signature = {
        "missing": None,
        "other token": twilio_sign(params, token="guessed"),
        "other url": twilio_sign(params, url="https://evil.example/hook"),
        "changed param": twilio_sign(params | {"From": "+40700000000"}),
    }[how]
    assert twilio_post(Client(), params, signature).status_code == 403
    assert not Call.objects.exists()
    assert "twilio" in caplog.text and TWILIO_TOKEN not in caplog.text
