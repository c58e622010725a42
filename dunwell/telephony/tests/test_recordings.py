import io
import threading
import wave
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from dunwell import periodic
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.telephony import recordings
from dunwell.telephony.models import Call, Direction
from dunwell.telephony.services import CallEvent, record_event

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def small_wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x10" * 800)  # a tenth of a second
    return out.getvalue()


@pytest.fixture
def pbx_server():
    """Publishes the recording late: the first request gets 404, the next ones the file."""
    audio = small_wav()
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            if len(hits) == 1:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(audio)))
            self.end_headers()
            self.wfile.write(audio)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/rec/c-1.wav", hits, audio
    server.shutdown()


@pytest.fixture
def ended_call(make_counterparty, collector, django_capture_on_commit_callbacks, pbx_server):
    url = pbx_server[0]
    debtor = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")
    events = [
        CallEvent(provider="zadarma", provider_call_id="c-1", kind="ringing", at=T0,
                  direction=Direction.INBOUND, external_number="+40721234567"),
        CallEvent(provider="zadarma", provider_call_id="c-1", kind="answered",
                  at=T0 + timedelta(seconds=3)),
        CallEvent(provider="zadarma", provider_call_id="c-1", kind="ended",
                  at=T0 + timedelta(seconds=63), recording_url=url),
    ]  # fmt: skip
    for ev in events:
        with django_capture_on_commit_callbacks(execute=True):
            call = record_event(ev)
    return call


def test_a_late_recording_is_retried_then_stored_and_put_on_the_timeline(ended_call, pbx_server):
    _, hits, audio = pbx_server
    assert recordings.fetch_due(T0 + timedelta(minutes=2)) == 0
    ended_call.refresh_from_db()
    assert ended_call.recording_attempts == 1
    assert ended_call.recording_next_at == T0 + timedelta(minutes=3)
    assert recordings.fetch_due(T0 + timedelta(minutes=2, seconds=30)) == 0  # not yet due
    assert len(hits) == 1
    assert recordings.fetch_due(T0 + timedelta(minutes=3)) == 1
    ended_call.refresh_from_db()
    assert ended_call.recording.read() == audio
    entry = TimelineEntry.objects.get(kind="telephony.call")
    assert entry.data["recording_url"] == reverse("telephony:recording", args=[ended_call.pk])
    assert recordings.fetch_due(T0 + timedelta(hours=1)) == 0  # stored once
    assert len(hits) == 2


def test_a_recording_is_given_up_after_the_last_attempt(ended_call, settings):
    Call.objects.filter(pk=ended_call.pk).update(
        recording_url="http://127.0.0.1:9/nothing-listens", recording_attempts=0
    )
    at = T0
    for _ in recordings.BACKOFF_MINUTES:
        recordings.fetch_due(at)
        at += timedelta(days=1)
    ended_call.refresh_from_db()
    assert ended_call.recording_attempts == len(recordings.BACKOFF_MINUTES)
    assert recordings.due(at + timedelta(days=1)) == []


@pytest.mark.parametrize("who,status", [("collector", 200), ("supervisor", 200),
                                         ("teammate", 404), ("outsider", 404)])  # fmt: skip
def test_who_may_play_the_recording(client, request, ended_call, who, status):
    recordings.fetch_due(T0)
    recordings.fetch_due(T0 + timedelta(minutes=5))
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("telephony:recording", args=[ended_call.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "audio/wav"
        assert b"".join(response.streaming_content).startswith(b"RIFF")


def test_the_debtor_card_plays_the_recording_in_the_timeline(client, collector, ended_call):
    recordings.fetch_due(T0)
    recordings.fetch_due(T0 + timedelta(minutes=5))
    client.force_login(collector)
    page = client.get(reverse("work:debtor", args=[ended_call.counterparty_id])).content.decode()
    assert (
        f'<audio controls preload="none" src="/telephony/calls/{ended_call.pk}/recording/"' in page
    )
    assert "Incoming call from Ana Pop (+40 721 234 567), 1:00" in page


def test_the_worker_deletes_recordings_past_the_retention_period_and_says_so(
    ended_call, settings, client, collector
):
    settings.DUNWELL_RECORDING_RETENTION_DAYS = 30
    recordings.fetch_due(T0)
    recordings.fetch_due(T0 + timedelta(minutes=5))
    ended_call.refresh_from_db()
    path = ended_call.recording.path
    assert recordings.delete_expired(T0 + timedelta(days=29)) == 0
    assert recordings.delete_expired(T0 + timedelta(days=31)) == 1
    ended_call.refresh_from_db()
    assert not ended_call.recording and ended_call.recording_deleted_at is not None
    import os

    assert not os.path.exists(path)
    client.force_login(collector)
    page = client.get(reverse("work:debtor", args=[ended_call.counterparty_id])).content.decode()
    assert "recording deleted after the retention period" in page
    state = client.get(reverse("telephony:call_state", args=[ended_call.pk])).content.decode()
    assert "The recording was deleted on" in state


def test_the_worker_runs_the_recordings_job():
    assert periodic.JOBS["telephony.recordings"] is recordings.run


@pytest.fixture
def zadarma_api(settings):
    """Zadarma's API as documented: `GET /v1/pbx/record/request/` signed with the account's key
    (`Authorization: key:signature`), answering with the file's temporary link once the
    recording is published (an error before); the link serves the file."""
    from urllib.parse import parse_qsl, urlsplit

    from dunwell.telephony.cloud_dial import zadarma_signature

    settings.DUNWELL_ZADARMA_KEY, settings.DUNWELL_ZADARMA_SECRET = "zkey", "zsecret-" + "s" * 12
    audio = small_wav()
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def _json(self, answer):
            import json

            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            if parts.path == "/v1/pbx/record/request/":
                params = dict(parse_qsl(parts.query))
                expected = "zkey:" + zadarma_signature(
                    parts.path, params, settings.DUNWELL_ZADARMA_SECRET
                )
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                seen.append(params)
                if len(seen) == 1:
                    self._json({"status": "error", "message": "record not found"})
                    return
                port = server.server_port
                self._json({"status": "success", "link": f"http://127.0.0.1:{port}/file/r.wav",
                            "lifetime_till": "2026-12-03 10:30:00"})  # fmt: skip
                return
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.end_headers()
            self.wfile.write(audio)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.DUNWELL_ZADARMA_API_URL = f"http://127.0.0.1:{server.server_port}"
    yield seen, audio
    server.shutdown()


def test_a_zadarma_recording_is_asked_of_its_signed_api_then_downloaded(
    zadarma_api, make_counterparty, collector, django_capture_on_commit_callbacks
):
    from dunwell.telephony.webhooks import zadarma_events

    seen, audio = zadarma_api
    debtor = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")
    fields = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_9", "call_id_with_rec": "rec-9"}
    for ev in [
        CallEvent(provider="zadarma", provider_call_id="in_9", kind="ringing", at=T0,
                  direction=Direction.INBOUND, external_number="+40721234567"),
        CallEvent(provider="zadarma", provider_call_id="in_9", kind="ended",
                  at=T0 + timedelta(seconds=63)),
        *zadarma_events(fields, T0 + timedelta(seconds=70)),
    ]:  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            call = record_event(ev)
    assert recordings.fetch_due(T0 + timedelta(minutes=2)) == 0  # not published yet
    assert recordings.fetch_due(T0 + timedelta(minutes=3)) == 1
    call.refresh_from_db()
    assert call.recording.read() == audio
    assert seen[-1] == {"call_id": "rec-9", "pbx_call_id": "in_9"}


def test_without_the_zadarma_keys_the_recording_waits_for_them(
    zadarma_api, settings, make_counterparty, collector, django_capture_on_commit_callbacks
):
    from dunwell.telephony.webhooks import zadarma_events

    seen, _audio = zadarma_api
    settings.DUNWELL_ZADARMA_KEY = ""
    debtor = make_counterparty(collector=collector)
    fields = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_8", "call_id_with_rec": "rec-8"}
    for ev in [
        CallEvent(provider="zadarma", provider_call_id="in_8", kind="ended", at=T0,
                  direction=Direction.INBOUND, external_number="+40721000000"),
        *zadarma_events(fields, T0),
    ]:  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            call = record_event(ev)
    assert debtor.pk and recordings.fetch_due(T0 + timedelta(minutes=2)) == 0
    call.refresh_from_db()
    assert (call.recording_attempts, bool(call.recording), seen) == (1, False, [])
