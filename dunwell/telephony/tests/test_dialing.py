"""Click-to-call: the Originate sent to Asterisk and each cloud provider's callback request, as
the providers document them (a local fake AMI server / HTTP server records what arrives)."""

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings
from django.utils import translation

from dunwell.ledger.models import Contact
from dunwell.telephony import services
from dunwell.telephony.dialing import DialError, start_call
from dunwell.telephony.models import Call, CallState, Direction, Disposition, Provider
from dunwell.telephony.tests import fake_ami
from dunwell.telephony.tests.fake_ami import FakeAmi, running
from dunwell.telephony.tests.test_ami import collect, follow

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NUMBER = "+40721234567"


@pytest.fixture
def contact(make_counterparty, collector):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone=NUMBER)


class Recorder:
    """A local HTTP server answering `answer` (JSON) and keeping every request."""

    def __init__(self, answer, status=200):
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append(
                    (self.command, self.path, dict(self.headers), self.rfile.read(length))
                )
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_originate_rings_the_collectors_extension_then_the_contacts_number(contact, collector):
    server = FakeAmi(originate_script=fake_ami.originated(T0, talk=60))
    with running(server), override_settings(DUNWELL_PBX="asterisk", DUNWELL_AMI_URL=server.url):
        call = start_call(collector, NUMBER, contact_id=contact.pk)
        (originate,) = server.sent("Originate")
        login = server.sent("Login")[0]
    assert login["Events"] == "off"
    assert {k: originate[k] for k in ("Channel", "Context", "Exten", "Priority", "Async")} == {
        "Channel": "PJSIP/101",
        "Context": "from-internal",
        "Exten": NUMBER,
        "Priority": "1",
        "Async": "true",
    }
    assert originate["Variable"] == f"DUNWELL_CALL={call.provider_call_id}"
    assert originate["ActionID"] == call.provider_call_id
    assert (call.provider, call.direction, call.state) == (
        Provider.ASTERISK,
        Direction.OUTBOUND,
        CallState.RINGING,
    )
    assert (call.agent, call.extension, call.contact, call.counterparty, call.external_number) == (
        collector,
        "101",
        contact,
        contact.counterparty,
        NUMBER,
    )


def test_the_originated_calls_events_update_the_same_record(contact, collector):
    server = FakeAmi(originate_script=fake_ami.originated(T0, talk=60))
    with running(server), override_settings(DUNWELL_PBX="asterisk", DUNWELL_AMI_URL=server.url):
        call = start_call(collector, NUMBER, contact_id=contact.pk)
        # the worker's view of the same Originate: the events Asterisk sends after it
        assert server.originate_script is not None
        script = server.originate_script({**server.sent("Originate")[0]})
        follow(script)
    call.refresh_from_db()
    assert Call.objects.count() == 1
    assert (call.state, call.disposition, call.duration) == (
        CallState.ENDED,
        Disposition.ANSWERED,
        60,
    )
    assert call.answered_at == T0 + timedelta(seconds=12)  # the contact answered, not the agent
    assert (call.agent, call.contact) == (collector, contact)


def test_the_worker_sees_an_originate_on_its_own_connection(contact, collector):
    server = FakeAmi(originate_script=fake_ami.originated(T0, talk=30))
    events = []
    with running(server), override_settings(DUNWELL_PBX="asterisk", DUNWELL_AMI_URL=server.url):
        worker = threading.Thread(target=lambda: events.extend(collect(server.url, 12)))
        worker.start()
        for _ in range(500):  # the worker is logged in before the collector clicks
            if server.logins:
                break
            time.sleep(0.01)
        start_call(collector, NUMBER, contact_id=contact.pk)
        worker.join(5)
    assert any(e["Event"] == "OriginateResponse" for e in events)
    follow(events)
    call = Call.objects.get()
    assert (call.state, call.duration, call.agent) == (CallState.ENDED, 30, collector)


def test_a_refused_originate_is_a_translated_error_and_writes_nothing(contact, collector):
    server = FakeAmi()
    with (
        running(server),
        override_settings(DUNWELL_PBX="asterisk", DUNWELL_AMI_URL=server.url_with("wrong")),
        translation.override("ru"),
        pytest.raises(DialError) as error,
    ):
        start_call(collector, NUMBER)
    assert (
        str(error.value) == "АТС не начала звонок; попробуйте ещё раз или наберите номер вручную."
    )
    assert not Call.objects.exists()


def test_without_an_extension_or_a_provider_the_collector_is_told(contact, collector):
    with override_settings(DUNWELL_PBX=""), pytest.raises(DialError, match="dial the number"):
        start_call(collector, NUMBER)
    collector.extension = ""
    with override_settings(DUNWELL_PBX="zadarma"), pytest.raises(DialError, match="extension"):
        start_call(collector, NUMBER)


def zadarma_expected(path, query, secret):
    sign = hmac.new(
        secret.encode(),
        (path + query + hashlib.md5(query.encode()).hexdigest()).encode(),  # noqa: S324
        hashlib.sha1,
    ).hexdigest()
    return base64.b64encode(sign.encode()).decode()


def test_zadarma_callback_is_signed_as_zadarma_documents(contact, collector):
    answer = {"status": "success", "from": 101, "to": 40721234567, "time": 1764579600}
    with (
        Recorder(answer) as api,
        override_settings(
            DUNWELL_PBX="zadarma",
            DUNWELL_ZADARMA_API_URL=api.url,
            DUNWELL_ZADARMA_KEY="zkey",
            DUNWELL_ZADARMA_SECRET="zsecret",
        ),
    ):
        call = start_call(collector, NUMBER, contact_id=contact.pk)
    ((method, path, headers, _body),) = api.requests
    url = urlsplit(path)
    assert (method, url.path) == ("GET", "/v1/request/callback/")
    assert parse_qs(url.query) == {"from": ["101"], "to": [NUMBER]}
    key, _, signature = headers["Authorization"].partition(":")
    assert key == "zkey"
    assert signature == zadarma_expected("/v1/request/callback/", url.query, "zsecret")
    assert signature != zadarma_expected("/v1/request/callback/", url.query, "forged")
    assert (call.provider, call.state, call.contact) == (
        Provider.ZADARMA,
        CallState.RINGING,
        contact,
    )


def test_mango_callback_is_signed_as_mango_documents(contact, collector):
    with (
        Recorder({"result": 1000}) as api,
        override_settings(
            DUNWELL_PBX="mango",
            DUNWELL_MANGO_API_URL=api.url + "/vpbx",
            DUNWELL_MANGO_KEY="mkey",
            DUNWELL_MANGO_SALT="msalt",
        ),
    ):
        call = start_call(collector, NUMBER, contact_id=contact.pk)
    ((method, path, _headers, body),) = api.requests
    assert (method, path) == ("POST", "/vpbx/commands/callback")
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    payload = json.loads(form["json"])
    assert payload == {
        "command_id": call.provider_call_id,
        "from": {"extension": "101"},
        "to_number": "40721234567",
    }
    assert form["vpbx_api_key"] == "mkey"
    assert form["sign"] == hashlib.sha256(("mkey" + form["json"] + "msalt").encode()).hexdigest()
    assert call.provider == Provider.MANGO


def test_twilio_call_is_created_with_basic_auth(contact, collector):
    with (
        Recorder({"sid": "CA0123456789abcdef", "status": "queued"}, status=201) as api,
        (
            override_settings(
                DUNWELL_PBX="twilio",
                DUNWELL_TWILIO_API_URL=api.url,
                DUNWELL_TWILIO_SID="AC42",
                DUNWELL_TWILIO_AUTH_TOKEN="ttoken",
                DUNWELL_TWILIO_FROM="+40210000000",
                DUNWELL_TWILIO_DIAL_URL="https://crm.example/telephony/twiml/dial",
            )
        ),
    ):
        call = start_call(collector, NUMBER)
    ((method, path, headers, body),) = api.requests
    assert (method, path) == ("POST", "/2010-04-01/Accounts/AC42/Calls.json")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"AC42:ttoken").decode()
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    assert form == {
        "From": "+40210000000",
        "To": "client:101",
        "Url": "https://crm.example/telephony/twiml/dial?to=%2B40721234567",
    }
    assert (call.provider, call.provider_call_id) == (Provider.TWILIO, "CA0123456789abcdef")


def test_a_provider_refusal_is_a_translated_error_and_writes_nothing(contact, collector):
    with (
        Recorder({"status": "error", "message": "wrong sign"}, status=401) as api,
        (
            override_settings(
                DUNWELL_PBX="zadarma",
                DUNWELL_ZADARMA_API_URL=api.url,
                DUNWELL_ZADARMA_KEY="zkey",
                DUNWELL_ZADARMA_SECRET="zsecret",
            )
        ),
        translation.override("uk"),
        pytest.raises(DialError) as error,
    ):
        start_call(collector, NUMBER)
    assert (
        str(error.value) == "АТС не розпочала дзвінок; спробуйте ще раз або наберіть номер вручну."
    )
    assert not Call.objects.exists()


def test_missing_api_keys_are_reported(contact, collector):
    settings = override_settings(DUNWELL_PBX="mango", DUNWELL_MANGO_KEY="", DUNWELL_MANGO_SALT="")
    with settings, pytest.raises(DialError, match="API keys"):
        start_call(collector, NUMBER)
    assert not Call.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_listeners_see_the_clicked_contact(installation_data, contact, collector, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "LISTENERS", [lambda call, event: seen.append(call.contact_id)])
    # another contact shares the number: the one clicked wins
    Contact.objects.create(counterparty=contact.counterparty, name="Ion Pop", phone=NUMBER)
    with (
        Recorder({"status": "success"}) as api,
        override_settings(
            DUNWELL_PBX="zadarma",
            DUNWELL_ZADARMA_API_URL=api.url,
            DUNWELL_ZADARMA_KEY="zkey",
            DUNWELL_ZADARMA_SECRET="zsecret",
        ),
    ):
        start_call(collector, NUMBER, contact_id=contact.pk)
    assert seen == [contact.pk]


# --- the provider's events of a click-to-call land on the same record -----------------------


@pytest.fixture
def zadarma_api(settings):
    from dunwell.telephony.tests.test_webhooks import ZADARMA_SECRET

    with Recorder({"status": "success", "from": 101, "to": 40721234567}) as api:
        settings.DUNWELL_PBX = "zadarma"
        settings.DUNWELL_ZADARMA_API_URL = api.url
        settings.DUNWELL_ZADARMA_KEY = "zkey"
        settings.DUNWELL_ZADARMA_SECRET = ZADARMA_SECRET
        yield api


def zadarma_out(pbx_call_id, destination="40721234567", *, duration="45"):
    """NOTIFY_OUT_START then NOTIFY_OUT_END of an outgoing call from extension 101, signed as
    Zadarma documents (internal + destination + call_start)."""
    from dunwell.telephony.tests.test_webhooks import zadarma_post, zadarma_sign

    start = {
        "event": "NOTIFY_OUT_START",
        "call_start": "2026-12-01 11:00:00",
        "pbx_call_id": pbx_call_id,
        "internal": "101",
        "destination": destination,
    }
    end = start | {
        "event": "NOTIFY_OUT_END",
        "caller_id": "40312345678",
        "duration": duration,
        "disposition": "answered",
        "status_code": "16",
        "is_recorded": "0",
    }
    client = Client()
    for fields in (start, end):
        signature = zadarma_sign("101" + destination + start["call_start"])
        assert zadarma_post(client, fields, signature).status_code == 200


def test_a_zadarma_click_to_call_and_its_webhooks_are_one_call(contact, collector, zadarma_api):
    clicked = start_call(collector, NUMBER, contact_id=contact.pk)
    zadarma_out("out_5c1f0a9b")
    call = Call.objects.get()
    assert call.pk == clicked.pk
    assert (call.provider_call_id, call.state, call.disposition, call.duration) == (
        "out_5c1f0a9b",
        CallState.ENDED,
        Disposition.ANSWERED,
        45,
    )
    assert (call.agent, call.contact, call.direction) == (collector, contact, Direction.OUTBOUND)
    assert [e["kind"] for e in call.events][:2] == ["ringing", "adopted"]


def test_an_outgoing_call_from_the_same_extension_to_another_number_is_its_own_call(
    contact, collector, zadarma_api
):
    clicked = start_call(collector, NUMBER, contact_id=contact.pk)
    zadarma_out("out_other", destination="40729999999")
    clicked.refresh_from_db()
    assert clicked.provider_call_id.startswith(services.PROVISIONAL_PREFIX)
    assert clicked.state == CallState.RINGING
    other = Call.objects.get(provider_call_id="out_other")
    assert (other.external_number, other.duration) == ("+40729999999", 45)


def test_a_click_to_call_older_than_the_window_is_not_adopted(contact, collector, zadarma_api):
    import time_machine

    with time_machine.travel(T0, tick=False):
        clicked = start_call(collector, NUMBER, contact_id=contact.pk)
    with time_machine.travel(T0 + services.ADOPT_WITHIN + timedelta(seconds=1), tick=False):
        zadarma_out("out_late")
    clicked.refresh_from_db()
    assert clicked.provider_call_id.startswith(services.PROVISIONAL_PREFIX)
    assert Call.objects.count() == 2
    assert Call.objects.get(provider_call_id="out_late").state == CallState.ENDED


def test_two_clicks_are_adopted_in_order_one_call_each(contact, collector, zadarma_api):
    first = start_call(collector, NUMBER, contact_id=contact.pk)
    second = start_call(collector, NUMBER, contact_id=contact.pk)
    zadarma_out("out_1")
    zadarma_out("out_2", duration="10")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.provider_call_id, first.duration) == ("out_1", 45)
    assert (second.provider_call_id, second.duration) == ("out_2", 10)
    assert Call.objects.count() == 2


def test_a_mango_click_to_call_is_renamed_by_its_command_id(contact, collector, settings):
    from dunwell.telephony.tests.test_webhooks import MANGO_KEY, MANGO_SALT, mango_form

    with Recorder({"result": 1000}) as api:
        settings.DUNWELL_PBX = "mango"
        settings.DUNWELL_MANGO_API_URL = api.url + "/vpbx"
        settings.DUNWELL_MANGO_KEY = MANGO_KEY
        settings.DUNWELL_MANGO_SALT = MANGO_SALT
        clicked = start_call(collector, NUMBER, contact_id=contact.pk)
    leg = {
        "entry_id": "MjE0NDY2Nzc3OA==",
        "call_id": "MToxMDE3NTU4MTo5",
        "command_id": clicked.provider_call_id,
        "from": {"extension": "101", "number": "sip:colin@demo.mangosip.ru"},
        "to": {"number": "40721234567"},
    }
    summary = {
        "entry_id": leg["entry_id"],
        "call_direction": 2,
        "from": leg["from"],
        "to": leg["to"],
        "create_time": 1796115600,
        "talk_time": 1796115610,
        "end_time": 1796115640,
        "entry_result": 1,
    }
    client = Client()
    for event, data in [
        ("call", leg | {"seq": 1, "timestamp": 1796115600, "call_state": "Appeared"}),
        ("call", leg | {"seq": 2, "timestamp": 1796115610, "call_state": "Connected"}),
        ("summary", summary),
    ]:
        response = client.post(f"/telephony/webhooks/mango/events/{event}", mango_form(data))
        assert response.status_code == 200
    call = Call.objects.get()
    assert (call.pk, call.provider_call_id, call.duration, call.state) == (
        clicked.pk,
        "MjE0NDY2Nzc3OA==",
        30,
        CallState.ENDED,
    )


def test_an_incoming_call_from_the_clicked_number_is_not_taken_for_the_click(
    contact, collector, zadarma_api
):
    from dunwell.telephony.tests.test_webhooks import zadarma_post, zadarma_sign

    clicked = start_call(collector, NUMBER, contact_id=contact.pk)
    start = {
        "event": "NOTIFY_START",
        "call_start": "2026-12-01 11:00:00",
        "pbx_call_id": "in_1",
        "caller_id": "40721234567",
        "called_did": "40312345678",
        "internal": "101",
    }
    signature = zadarma_sign(start["caller_id"] + start["called_did"] + start["call_start"])
    assert zadarma_post(Client(), start, signature).status_code == 200
    clicked.refresh_from_db()
    assert clicked.provider_call_id.startswith(services.PROVISIONAL_PREFIX)
    assert Call.objects.get(provider_call_id="in_1").direction == Direction.INBOUND
