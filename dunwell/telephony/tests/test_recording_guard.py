"""A recording address comes from a provider's webhook: the worker fetches only public hosts
(dunwell/netguard.py), follows no redirect to a private one, and a refused address is given up
at once with the reason kept on the call."""

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from dunwell import netguard
from dunwell.telephony import recordings
from dunwell.telephony.models import Call, Direction
from dunwell.telephony.services import CallEvent, record_event

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


@pytest.fixture
def server():
    """Answers /rec.wav with audio and /moved with a redirect to `server.location`."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", httpd.location)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(WAV)))
            self.end_headers()
            self.wfile.write(WAV)

        def log_message(self, *args):
            pass

    httpd: Any = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.location = ""
    httpd.hits = hits
    httpd.url = f"http://127.0.0.1:{httpd.server_port}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def ended_call(url: str) -> Call:
    for kind, seconds in (("ringing", 0), ("answered", 3), ("ended", 63)):
        call = record_event(
            CallEvent(provider="twilio", provider_call_id="CA1", kind=kind,
                      at=T0 + timedelta(seconds=seconds), direction=Direction.INBOUND,
                      external_number="+40721234567",
                      recording_url=url if kind == "ended" else "")
        )  # fmt: skip
    return call


def assert_given_up(call: Call, host: str) -> None:
    call.refresh_from_db()
    assert not call.recording
    assert call.recording_attempts == len(recordings.BACKOFF_MINUTES)
    assert recordings.due(T0 + timedelta(days=1)) == []  # no retry loop
    refused = call.events[-1]
    assert refused["kind"] == "recording_refused"
    assert f"The host {host} is on a private network" in refused["reason"]


@pytest.mark.parametrize("host", ["127.0.0.1", "10.20.30.40", "169.254.169.254"])
def test_a_recording_on_a_private_or_metadata_address_is_refused_at_once(
    db, server, settings, host
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    port = server.server_port
    call = ended_call(f"http://{host}:{port}/rec.wav")
    assert recordings.fetch_due(T0 + timedelta(minutes=5)) == 0
    assert server.hits == []  # nothing was requested
    assert_given_up(call, host)


def test_a_public_address_redirecting_to_a_private_one_is_not_followed(
    db, server, settings, monkeypatch
):
    # The test server stands for a public host: only its own address counts as public here.
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    judge = netguard.is_public_address
    monkeypatch.setattr(
        netguard, "is_public_address", lambda address: str(address) == "127.0.0.1" or judge(address)
    )
    server.location = "http://169.254.169.254/latest/meta-data/iam/"
    call = ended_call(server.url + "/moved")
    assert recordings.fetch_due(T0 + timedelta(minutes=5)) == 0
    assert server.hits == ["/moved"]
    assert_given_up(call, "169.254.169.254")


def test_a_redirect_between_public_addresses_is_followed(db, server, settings, monkeypatch):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    judge = netguard.is_public_address
    monkeypatch.setattr(
        netguard, "is_public_address", lambda address: str(address) == "127.0.0.1" or judge(address)
    )
    server.location = server.url + "/rec.wav"
    call = ended_call(server.url + "/moved")
    assert recordings.fetch_due(T0 + timedelta(minutes=5)) == 1
    call.refresh_from_db()
    assert call.recording.read() == WAV
    assert server.hits == ["/moved", "/rec.wav"]


def test_the_connection_itself_is_checked_when_dns_changes_its_answer(
    db, server, settings, monkeypatch
):
    """The name was public when checked, but the request reached a private address."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(netguard, "check_public_url", lambda url: None)
    call = ended_call(server.url + "/rec.wav")
    assert recordings.fetch_due(T0 + timedelta(minutes=5)) == 0
    assert_given_up(call, "127.0.0.1")
