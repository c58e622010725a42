"""Recordings in an S3-compatible bucket (DUNWELL_RECORDINGS_S3_URL), against moto's S3 server
on 127.0.0.1, which speaks the S3 protocol (real S3 cannot run here): the fetched recording is
an object in the bucket, the player streams it through our permission-checked view, and the
retention deletes the object."""

import io
import os
import subprocess
import sys
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer

from dunwell.ledger.models import Contact
from dunwell.telephony import recordings, storage
from dunwell.telephony.models import Call, Direction
from dunwell.telephony.services import CallEvent, record_event

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
BUCKET = "dunwell-recordings"
REGION = "eu-central-1"
KEYS = {"aws_access_key_id": "dunwell-test", "aws_secret_access_key": "dunwell-test-secret"}


def small_wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x10" * 800)
    return out.getvalue()


AUDIO = small_wav()


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_recordings(settings, bucket, s3_endpoint, monkeypatch, tmp_path):
    """Configured as a deployment would be; the field's storage is built again from the
    settings, as it is at start-up. The data directory is empty, to show nothing lands there."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DUNWELL_RECORDINGS_S3_URL = (
        f"s3://{BUCKET}/calls?endpoint={s3_endpoint}&region={REGION}"
    )
    settings.DUNWELL_RECORDINGS_S3_ACCESS_KEY = KEYS["aws_access_key_id"]
    settings.DUNWELL_RECORDINGS_S3_SECRET_KEY = KEYS["aws_secret_access_key"]
    monkeypatch.setattr(Call._meta.get_field("recording"), "storage", storage.recording_storage())
    # The provider's server is not the point here (its download is tested in test_recordings).
    monkeypatch.setattr(recordings, "_download", lambda url: (AUDIO, "audio/wav"))
    return bucket


@pytest.fixture
def ended_call(make_counterparty, collector, django_capture_on_commit_callbacks):
    debtor = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")
    events = [
        CallEvent(provider="zadarma", provider_call_id="s3-1", kind="ringing", at=T0,
                  direction=Direction.INBOUND, external_number="+40721234567"),
        CallEvent(provider="zadarma", provider_call_id="s3-1", kind="answered",
                  at=T0 + timedelta(seconds=3)),
        CallEvent(provider="zadarma", provider_call_id="s3-1", kind="ended",
                  at=T0 + timedelta(seconds=63),
                  recording_url="https://api.zadarma.test/rec/s3-1.wav"),
    ]  # fmt: skip
    for event in events:
        with django_capture_on_commit_callbacks(execute=True):
            call = record_event(event)
    return call


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_fetched_recording_is_an_object_in_the_bucket(s3_recordings, ended_call, settings):
    assert recordings.fetch_due(T0 + timedelta(minutes=1)) == 1
    ended_call.refresh_from_db()
    key = f"calls/{ended_call.recording.name}"
    assert _keys(s3_recordings) == [key]
    assert key.startswith("calls/recordings/") and key.endswith(f"call-{ended_call.pk}.wav")
    body = s3_recordings.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body == AUDIO
    # Nothing under the data directory.
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("who,status", [("collector", 200), ("supervisor", 200),
                                         ("teammate", 404), ("outsider", 404)])  # fmt: skip
def test_the_player_streams_the_object_through_our_view_with_permission(
    s3_recordings, ended_call, client, request, who, status
):
    recordings.fetch_due(T0 + timedelta(minutes=1))
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("telephony:recording", args=[ended_call.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "audio/wav"
        assert b"".join(response.streaming_content) == AUDIO


def test_the_retention_deletes_the_object_from_the_bucket(s3_recordings, ended_call, settings):
    settings.DUNWELL_RECORDING_RETENTION_DAYS = 30
    recordings.fetch_due(T0 + timedelta(minutes=1))
    assert len(_keys(s3_recordings)) == 1
    assert recordings.delete_expired(T0 + timedelta(days=29)) == 0
    assert len(_keys(s3_recordings)) == 1
    assert recordings.delete_expired(T0 + timedelta(days=31)) == 1
    assert _keys(s3_recordings) == []
    ended_call.refresh_from_db()
    assert not ended_call.recording and ended_call.recording_deleted_at is not None


# --- the setting ---------------------------------------------------------------------------


def test_without_the_setting_recordings_stay_in_the_data_directory(settings):
    settings.DUNWELL_RECORDINGS_S3_URL = ""
    assert storage.recording_storage() is default_storage


def test_the_address_names_bucket_prefix_endpoint_and_region():
    location = storage.parse_s3_url(
        "s3://Rec-Bucket/dunwell/calls?endpoint=https://minio.local:9000&region=eu-west-1"
    )
    assert location == storage.S3Location(
        bucket="Rec-Bucket",
        prefix="dunwell/calls",
        endpoint="https://minio.local:9000",
        region="eu-west-1",
        addressing="path",
    )
    assert storage.parse_s3_url("s3://bucket").addressing == "auto"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://bucket/x", "expected s3://bucket"),
        ("s3://key:secret@bucket", "DUNWELL_RECORDINGS_S3_ACCESS_KEY"),
        ("s3://bucket?endpoint=ftp://host", "http or https"),
        ("s3://bucket?regoin=eu", "unknown parameter 'regoin'"),
        ("s3://bucket?addressing=sideways", "path, virtual or auto"),
    ],
)
def test_a_bad_address_is_refused_with_the_reason(url, problem):
    with pytest.raises(ValueError, match=problem):
        storage.parse_s3_url(url)


def test_a_bad_address_stops_the_start():
    env = {**os.environ, "DUNWELL_DEBUG": "1", "DUNWELL_RECORDINGS_S3_URL": "s3://b?endpoint=x"}
    result = subprocess.run(
        [sys.executable, "-c", "import dunwell.settings"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DUNWELL_RECORDINGS_S3_URL: endpoint must be an http or https address" in result.stderr


def test_a_failed_delete_keeps_the_recording_for_the_next_run(
    s3_recordings, ended_call, settings, monkeypatch
):
    settings.DUNWELL_RECORDING_RETENTION_DAYS = 30
    recordings.fetch_due(T0 + timedelta(minutes=1))
    field_storage = Call._meta.get_field("recording").storage
    real_delete = field_storage.delete
    down = [True]

    def delete(name):
        if down[0]:
            raise ConnectionError("bucket unreachable")
        real_delete(name)

    monkeypatch.setattr(field_storage, "delete", delete)
    assert recordings.delete_expired(T0 + timedelta(days=31)) == 0
    ended_call.refresh_from_db()
    assert ended_call.recording and ended_call.recording_deleted_at is None
    assert len(_keys(s3_recordings)) == 1
    down[0] = False
    assert recordings.delete_expired(T0 + timedelta(days=31)) == 1
    assert _keys(s3_recordings) == []
