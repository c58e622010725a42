"""Call recordings: the worker fetches each ended call's `recording_url` with retries (providers
publish late), stores it under MEDIA or in the S3 bucket (`telephony.storage`), points the
call's timeline entry at the permission-checked player address, and deletes recordings past
`DUNWELL_RECORDING_RETENTION_DAYS`."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dunwell import netguard
from dunwell.ledger.models import TimelineEntry
from dunwell.telephony import cloud_dial
from dunwell.telephony.models import Call, CallState, Provider
from dunwell.telephony.secrets import provider_secret
from dunwell.telephony.services import MAX_EVENTS

log = logging.getLogger(__name__)

# Minutes to wait after each failed attempt; after the last one the recording is given up.
BACKOFF_MINUTES = (1, 2, 5, 15, 30, 60, 180)
MAX_BYTES = 200 * 1024 * 1024
TIMEOUT_SECONDS = 20
BATCH = 20
TIMELINE_KIND = "telephony.call"


def _download(url: str) -> tuple[bytes, str]:
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("a recording address must be http or https")
    netguard.check_public_url(url)  # the address came in a webhook: public hosts only (SSRF)
    request = urllib.request.Request(url, headers={"User-Agent": "Dunwell recordings"})  # noqa: S310
    with netguard.public_opener().open(request, timeout=TIMEOUT_SECONDS) as response:
        body = response.read(MAX_BYTES + 1)
        kind = response.headers.get_content_type()
    if len(body) > MAX_BYTES:
        raise ValueError("recording too large")
    if not body:
        raise ValueError("empty recording")
    return body, kind


EXTENSIONS = {"audio/mpeg": "mp3", "audio/wav": "wav", "audio/x-wav": "wav", "audio/ogg": "ogg"}


def due(now: datetime) -> list[int]:
    return list(
        Call.objects.filter(state=CallState.ENDED, recording="", recording_deleted_at=None)
        .exclude(recording_url="")
        .filter(recording_attempts__lt=len(BACKOFF_MINUTES))
        .exclude(recording_next_at__gt=now)
        .order_by("ended_at")
        .values_list("pk", flat=True)[:BATCH]
    )


def player_url(call: Call) -> str:
    return reverse("telephony:recording", args=[call.pk])


def _address(call: Call) -> str:
    """Where the file is. Zadarma reports a recording as a request to its API
    (`/v1/pbx/record/request/`, signed with the account's key and secret), whose answer holds the
    file's temporary link; every other provider reports the file's own address."""
    if call.provider == Provider.ZADARMA and (
        urlsplit(call.recording_url).path == cloud_dial.ZADARMA_RECORD_PATH
    ):
        key = provider_secret("DUNWELL_ZADARMA_KEY")
        secret = provider_secret("DUNWELL_ZADARMA_SECRET")
        if not key or not secret:
            raise ValueError("the Zadarma API key and secret are not set")
        request = cloud_dial.zadarma_signed_get(call.recording_url, key, secret)
        try:
            return cloud_dial.zadarma_record_link(cloud_dial.send(request, TIMEOUT_SECONDS))
        except cloud_dial.ProviderError as exc:  # not published yet, or refused: try later
            raise ValueError(str(exc)) from None
    return call.recording_url


def fetch_one(call_id: int, now: datetime | None = None) -> bool:
    """One attempt for one call; True when the recording is stored."""
    now = now or timezone.now()
    call = Call.objects.get(pk=call_id)
    try:
        body, kind = _download(_address(call))
    except netguard.UnsafeAddress as exc:  # retrying will not make the address public
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=call_id)
            reason = {"kind": "recording_refused", "at": now.isoformat(), "reason": str(exc)}
            call.events = [*call.events, reason][-MAX_EVENTS:]
            call.recording_attempts, call.recording_next_at = len(BACKOFF_MINUTES), None
            call.save(update_fields=["events", "recording_attempts", "recording_next_at"])
        log.warning("recording of call %s refused: %s", call.pk, exc)
        return False
    except (OSError, ValueError, urllib.error.URLError) as exc:
        attempts = call.recording_attempts + 1
        next_at = (
            now + timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
            if attempts <= len(BACKOFF_MINUTES)
            else None
        )
        Call.objects.filter(pk=call.pk).update(
            recording_attempts=attempts, recording_next_at=next_at
        )
        log.info("recording of call %s not fetched (attempt %s): %s", call.pk, attempts, exc)
        return False
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        name = f"call-{call.pk}.{EXTENSIONS.get(kind, 'mp3')}"
        call.recording.save(name, ContentFile(body), save=False)
        call.recording_attempts += 1
        call.recording_next_at = None
        call.save(update_fields=["recording", "recording_attempts", "recording_next_at"])
        if call.counterparty_id is not None:
            for entry in TimelineEntry.objects.select_for_update().filter(
                counterparty_id=call.counterparty_id, kind=TIMELINE_KIND, data__call=call.pk
            ):
                entry.data = {**entry.data, "recording_url": player_url(call)}
                entry.save(update_fields=["data"])
    return True


def fetch_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(fetch_one(pk, now) for pk in due(now))


def delete_expired(now: datetime | None = None) -> int:
    """Delete recordings of calls older than the retention period; the call says when."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.DUNWELL_RECORDING_RETENTION_DAYS)
    count = 0
    for call in Call.objects.exclude(recording="").filter(started_at__lt=limit)[:500]:
        try:
            call.recording.delete(save=False)
        # The storage's own errors (an S3 bucket answers with botocore's): the call keeps its
        # recording and the next run tries again; the others are not held up.
        except Exception:
            log.exception("recording of call %s not deleted; retried on the next run", call.pk)
            continue
        call.recording = ""
        call.recording_deleted_at = now
        call.save(update_fields=["recording", "recording_deleted_at"])
        if call.counterparty_id is not None:
            for entry in TimelineEntry.objects.filter(
                counterparty_id=call.counterparty_id, kind=TIMELINE_KIND, data__call=call.pk
            ):
                entry.data = {
                    key: value for key, value in entry.data.items() if key != "recording_url"
                }
                entry.data["recording_deleted"] = True
                entry.save(update_fields=["data"])
        count += 1
    return count


def run() -> None:
    fetch_due()
    delete_expired()
