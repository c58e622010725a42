"""Cloud PBX webhooks: Zadarma, Mango Office and Twilio tell us about calls; each request is
checked against the provider's signature, turned into `CallEvent`s and recorded through
`services.record_event` (idempotent: a provider's retry changes nothing).

A bad or missing signature gets 403, writes nothing and is logged (never the secret, never the
signature). A provider whose secret is not configured answers 404. Field names, event names and
signature rules follow each provider's documentation (docs/telephony.md)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dunwell.telephony import fastroute, signatures
from dunwell.telephony.models import Direction, Disposition, Provider
from dunwell.telephony.routing import route_call
from dunwell.telephony.secrets import provider_secret
from dunwell.telephony.services import PROVISIONAL_PREFIX, CallEvent, record_event

log = logging.getLogger(__name__)

# How long Zadarma rings the extension we name before the call returns to its voice menu.
ZADARMA_RETURN_TIMEOUT = 20
ZD_ECHO = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def _refuse(provider: str, request: HttpRequest, why: str) -> HttpResponse:
    log.warning(
        "telephony webhook refused: provider=%s path=%s from=%s: %s",
        provider,
        request.path,
        request.META.get("REMOTE_ADDR", "?"),
        why,
    )
    return HttpResponse("forbidden\n", status=403, content_type="text/plain")


def _secret(name: str) -> str:
    return provider_secret(name)


def _record(events: list[CallEvent]) -> None:
    with transaction.atomic():
        for event in events:
            record_event(event)


# --- Zadarma ------------------------------------------------------------------------------

_ZADARMA_DISPOSITIONS = {
    "answered": Disposition.ANSWERED,
    "busy": Disposition.BUSY,
    "no answer": Disposition.NO_ANSWER,
    "cancel": Disposition.NO_ANSWER,
}


def _int(value: Any) -> int | None:
    try:
        return max(0, int(str(value).strip()))
    except (TypeError, ValueError):
        return None


def zadarma_events(fields: Mapping[str, str], at: datetime) -> list[CallEvent]:
    """The CallEvents of one Zadarma notification. `call_start` is the PBX's local time in the
    account's zone, so the arrival time stands for the event's moment."""
    event = fields.get("event", "")
    call_id = fields.get("pbx_call_id", "")
    if not call_id:
        return []
    raw = {k: v for k, v in fields.items() if k != "event"} | {"zadarma": event}
    base: dict[str, Any] = {"provider": Provider.ZADARMA, "provider_call_id": call_id, "at": at}
    incoming = event in {"NOTIFY_START", "NOTIFY_INTERNAL", "NOTIFY_ANSWER", "NOTIFY_END"}
    if incoming:
        base |= {
            "direction": Direction.INBOUND,
            "external_number": fields.get("caller_id", ""),
            "line": fields.get("called_did", ""),
            "extension": fields.get("internal", ""),
        }
    elif event in {"NOTIFY_OUT_START", "NOTIFY_OUT_END"}:
        base |= {
            "direction": Direction.OUTBOUND,
            "external_number": fields.get("destination", ""),
            "line": fields.get("caller_id", ""),
            "extension": fields.get("internal", ""),
        }
    if event in {"NOTIFY_START", "NOTIFY_INTERNAL", "NOTIFY_OUT_START"}:
        return [CallEvent(kind="ringing", raw=raw, **base)]
    if event == "NOTIFY_ANSWER":
        # Zadarma has no transfer notification: a call transferred to a colleague is reported
        # as NOTIFY_INTERNAL (the new `internal` rings) and NOTIFY_ANSWER (`internal`, or
        # `destination`, the extension that answered) under the same `pbx_call_id`. The
        # fields are those of Zadarma's own library, github.com/zadarma/user-api-v1,
        # lib/Webhook/NotifyInternal.php and NotifyAnswer.php; `services.record_event` turns
        # an answer at another extension of an answered call into "transferred".
        if not base["extension"]:
            base["extension"] = fields.get("destination", "")
        return [CallEvent(kind="answered", raw=raw, **base)]
    if event in {"NOTIFY_END", "NOTIFY_OUT_END"}:
        status = fields.get("disposition", "").strip().lower()
        disposition = _ZADARMA_DISPOSITIONS.get(status, Disposition.FAILED)
        answered = disposition == Disposition.ANSWERED
        duration = _int(fields.get("duration")) if answered else 0
        events = []
        if answered:
            events.append(CallEvent(kind="answered", raw=raw, **base))
        events.append(
            CallEvent(kind="ended", duration=duration, disposition=disposition, raw=raw, **base)
        )
        return events
    if event == "NOTIFY_RECORD" and fields.get("call_id_with_rec"):
        return [
            CallEvent(
                kind="recording",
                recording_url=zadarma_recording_request(fields["call_id_with_rec"], call_id),
                raw=raw,
                **base,
            )
        ]
    return []


def zadarma_recording_request(call_id_with_rec: str, pbx_call_id: str) -> str:
    """Zadarma publishes a recording through its API method `GET /v1/pbx/record/request/`
    (signed with the API key and secret), which answers with the file's temporary link."""
    query = urllib.parse.urlencode({"call_id": call_id_with_rec, "pbx_call_id": pbx_call_id})
    base = str(settings.DUNWELL_ZADARMA_API_URL).rstrip("/")
    return f"{base}/v1/pbx/record/request/?{query}"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def zadarma(request: HttpRequest) -> HttpResponse:
    secret = _secret("DUNWELL_ZADARMA_SECRET")
    if not secret:
        raise Http404
    if request.method == "GET":
        # Zadarma checks the address when it is saved: echo `zd_echo` back, nothing else.
        echo = request.GET.get("zd_echo", "")
        if not ZD_ECHO.match(echo):
            return HttpResponse("missing zd_echo\n", status=400, content_type="text/plain")
        return HttpResponse(echo, content_type="text/plain")
    fields = {key: request.POST.get(key, "") for key in request.POST}
    event = fields.get("event", "")
    header = request.headers.get("Signature", "")
    if not header:
        return _refuse("zadarma", request, "no Signature header")
    if not signatures.zadarma_valid(event, fields, secret, header):
        return _refuse("zadarma", request, f"bad signature for event {event[:40]!r}")
    _record(zadarma_events(fields, timezone.now()))
    if event == "NOTIFY_START":
        route = route_call(fields.get("caller_id", ""))
        if route.target:
            log.info(
                "zadarma call %s routed to %s (%s)",
                fields.get("pbx_call_id"),
                route.target,
                route.reason,
            )
            return JsonResponse(
                {"redirect": route.target, "return_timeout": ZADARMA_RETURN_TIMEOUT}
            )
    return JsonResponse({})


# --- Mango Office -------------------------------------------------------------------------


def _mango_at(value: Any) -> datetime:
    seconds = _int(value)
    if not seconds:
        return timezone.now()
    return datetime.fromtimestamp(seconds, tz=UTC)


def _side(data: Mapping[str, Any], name: str) -> dict[str, str]:
    side = data.get(name)
    if not isinstance(side, dict):
        return {}
    return {k: str(v) for k, v in side.items() if v is not None}


def mango_events(kind: str, data: Mapping[str, Any]) -> list[CallEvent]:
    """The CallEvents of one Mango Office event (`call`, `summary` or `recording`)."""
    entry = str(data.get("entry_id") or "")
    if not entry:
        return []
    raw = {"mango": kind} | {
        k: v for k, v in data.items() if isinstance(v, (str, int, float, bool, dict))
    }
    src, dst = _side(data, "from"), _side(data, "to")
    # `command_id` is a top-level field of `events/call`: "the external system's command that
    # made the call appear" (Mango's VPBX API description, MangoOffice_VPBX_API.pdf,
    # "Уведомление о вызове"), so the legs of a call started by our commands/callback name our
    # provisional id. `events/summary` has no command_id; in `events/recording` it names the
    # command that started the recording (recording/start), not a call: neither may adopt a
    # click-to-call.
    base: dict[str, Any] = {
        "provider": Provider.MANGO,
        "provider_call_id": entry,
        "raw": raw,
        "provisional_id": str(data.get("command_id") or "") if kind == "call" else "",
    }
    if kind == "recording":
        if str(data.get("recording_state", "")).lower() != "completed":
            return []
        recording = str(data.get("recording_id") or "")
        if not recording:
            return []
        return [
            CallEvent(
                kind="recording",
                at=_mango_at(data.get("timestamp")),
                recording_url=mango_recording_link(recording),
                extension=str(data.get("extension") or ""),
                **base,
            )
        ]
    if kind == "summary":
        direction_code = _int(data.get("call_direction"))
        if direction_code not in (1, 2):  # 0: between two extensions, not a debtor's call
            return []
        outgoing = direction_code == 2
        talk, end = _int(data.get("talk_time")), _int(data.get("end_time"))
        answered = str(data.get("entry_result", "")) == "1" and bool(talk)
        duration = max(0, (end or 0) - (talk or 0)) if answered else 0
        base |= {
            "direction": Direction.OUTBOUND if outgoing else Direction.INBOUND,
            "external_number": dst.get("number", "") if outgoing else src.get("number", ""),
            "extension": src.get("extension", "") if outgoing else dst.get("extension", ""),
            "line": str(data.get("line_number") or ""),
        }
        events = []
        if answered:
            events.append(CallEvent(kind="answered", at=_mango_at(talk), **base))
        events.append(
            CallEvent(
                kind="ended",
                at=_mango_at(end),
                duration=duration,
                disposition=Disposition.ANSWERED if answered else Disposition.NO_ANSWER,
                **base,
            )
        )
        return events
    if kind != "call":
        return []
    ours = base["provisional_id"].startswith(PROVISIONAL_PREFIX)  # a leg of our callback
    if src.get("extension") and dst.get("extension") and not ours:
        # A leg between two colleagues, e.g. the consultation of a transfer ("Перевод вызова с
        # консультацией" in Mango's VPBX API description: `from.extension` 123 calls
        # `to.extension` 321 with `from.taken_from_call_id` naming the held call): not a
        # debtor's call. The transfer itself arrives next as `Connected` with the debtor's
        # `from.number` and the colleague's `to.extension` under the same `entry_id`, an answer
        # at another extension, which `services.record_event` records as "transferred".
        return []
    outgoing = bool(src.get("extension")) and not dst.get("extension") and bool(dst.get("number"))
    if not outgoing and not src.get("number"):
        return []  # between two extensions
    base |= {
        "direction": Direction.OUTBOUND if outgoing else Direction.INBOUND,
        "external_number": dst.get("number", "") if outgoing else src.get("number", ""),
        "extension": src.get("extension", "") if outgoing else dst.get("extension", ""),
        "line": dst.get("line_number", "") if not outgoing else "",
    }
    state = str(data.get("call_state", ""))
    at = _mango_at(data.get("timestamp"))
    # A call that rings several extensions reports Disconnected for every leg; the end of the
    # whole call is the summary event.
    if state == "Appeared":
        return [CallEvent(kind="ringing", at=at, **base)]
    if state == "Connected":
        return [CallEvent(kind="answered", at=at, **base)]
    return []


def mango_recording_link(recording_id: str) -> str:
    """The download address of a Mango recording (`queries/recording/link`), signed with
    sha256(key + expiry + recording id + salt); valid for 30 days, the recording fetcher's
    retry window."""
    key, salt = _secret("DUNWELL_MANGO_KEY"), _secret("DUNWELL_MANGO_SALT")
    expires = str(int(time.time()) + 30 * 86_400)
    sign = hashlib.sha256((key + expires + recording_id + salt).encode()).hexdigest()
    base = _secret("DUNWELL_MANGO_API_URL").rstrip("/")
    quoted = urllib.parse.quote(recording_id, safe="")
    return f"{base}/queries/recording/link/{quoted}/download/{key}/{expires}/{sign}"


def send_mango_route(call_id: str, target: str) -> None:
    """Mango's `commands/route`: send a call waiting in the voice menu to `target`. Mango does
    not read webhook answers, so routing is a command of ours (after the commit)."""
    key, salt = _secret("DUNWELL_MANGO_KEY"), _secret("DUNWELL_MANGO_SALT")
    payload = json.dumps(
        {"command_id": f"dunwell-route-{call_id}", "call_id": call_id, "to_number": target},
        separators=(",", ":"),
    )
    body = urllib.parse.urlencode(
        {"vpbx_api_key": key, "sign": signatures.mango_sign(key, payload, salt), "json": payload}
    ).encode()
    url = _secret("DUNWELL_MANGO_API_URL").rstrip("/") + "/commands/route"
    request = urllib.request.Request(  # noqa: S310 - the configured https API address
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            response.read(1024)
    except OSError as exc:
        log.warning("mango route of call %s to %s failed: %s", call_id, target, exc)


MANGO_EVENTS = {"call", "summary", "recording"}


@csrf_exempt
@require_http_methods(["POST"])
def mango(request: HttpRequest, event: str) -> HttpResponse:
    key, salt = _secret("DUNWELL_MANGO_KEY"), _secret("DUNWELL_MANGO_SALT")
    if not (key and salt):
        raise Http404
    sent_key = request.POST.get("vpbx_api_key", "")
    sign = request.POST.get("sign", "")
    json_text = request.POST.get("json", "")
    if not sign:
        return _refuse("mango", request, "no sign")
    if not signatures.mango_valid(key, salt, sent_key, json_text, sign):
        return _refuse("mango", request, f"bad sign for events/{event[:40]}")
    try:
        data = json.loads(json_text)
    except ValueError:
        return HttpResponse("json: not JSON\n", status=400, content_type="text/plain")
    if not isinstance(data, dict):
        return HttpResponse("json: not an object\n", status=400, content_type="text/plain")
    if event not in MANGO_EVENTS:
        return HttpResponse(status=200)  # dtmf, sms… : signed, but nothing of ours
    _record(mango_events(event, data))
    if (
        event == "call"
        and data.get("call_state") == "Appeared"
        and data.get("location") == "ivr"
        and data.get("call_id")
    ):
        src = _side(data, "from")
        if src.get("number") and not src.get("extension"):
            route = route_call(src["number"])
            if route.target:
                call_id, target = str(data["call_id"]), route.target
                transaction.on_commit(lambda: send_mango_route(call_id, target))
    return HttpResponse(status=200)


# --- Twilio -------------------------------------------------------------------------------

_TWILIO_ENDED = {
    "completed": "",
    "busy": Disposition.BUSY,
    "no-answer": Disposition.NO_ANSWER,
    "canceled": Disposition.NO_ANSWER,
    "failed": Disposition.FAILED,
}


def _twilio_at(value: str) -> datetime:
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return timezone.now()
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def twilio_events(fields: Mapping[str, str]) -> list[CallEvent]:
    """The CallEvents of one Twilio status (or recording status) callback."""
    sid = fields.get("CallSid", "")
    if not sid:
        return []
    outgoing = fields.get("Direction", "inbound").startswith("outbound")
    raw = {k: v for k, v in fields.items() if k not in {"AccountSid"}}
    base: dict[str, Any] = {
        "provider": Provider.TWILIO,
        "provider_call_id": sid,
        "at": _twilio_at(fields.get("Timestamp", "")),
        "direction": Direction.OUTBOUND if outgoing else Direction.INBOUND,
        "external_number": fields.get("To" if outgoing else "From", ""),
        "line": fields.get("From" if outgoing else "To", ""),
        "raw": raw,
    }
    if fields.get("RecordingUrl") and fields.get("RecordingStatus", "completed") == "completed":
        return [CallEvent(kind="recording", recording_url=fields["RecordingUrl"], **base)]
    status = fields.get("CallStatus", "")
    if status in {"queued", "initiated", "ringing"}:
        return [CallEvent(kind="ringing", **base)]
    if status == "in-progress":
        return [CallEvent(kind="answered", **base)]
    if status in _TWILIO_ENDED:
        duration = _int(fields.get("CallDuration"))
        disposition = _TWILIO_ENDED[status] or (
            Disposition.ANSWERED if duration else Disposition.NO_ANSWER
        )
        events = []
        if disposition == Disposition.ANSWERED:
            events.append(CallEvent(kind="answered", **base))
        events.append(
            CallEvent(
                kind="ended",
                duration=duration if disposition == Disposition.ANSWERED else 0,
                disposition=disposition,
                **base,
            )
        )
        return events
    return []


@csrf_exempt
@require_http_methods(["POST"])
def twilio(request: HttpRequest) -> HttpResponse:
    token = _secret("DUNWELL_TWILIO_AUTH_TOKEN")
    if not token:
        raise Http404
    header = request.headers.get("X-Twilio-Signature", "")
    if not header:
        return _refuse("twilio", request, "no X-Twilio-Signature header")
    params = [(key, value) for key, values in request.POST.lists() for value in values]
    # Twilio signs the address it called; behind a TLS proxy set DUNWELL_BEHIND_TLS_PROXY so
    # that Django rebuilds it with https.
    url = request.build_absolute_uri()
    if not signatures.twilio_valid(url, params, token, header):
        return _refuse("twilio", request, "bad X-Twilio-Signature")
    _record(twilio_events({key: request.POST.get(key, "") for key in request.POST}))
    return HttpResponse(status=204)


# --- Routing for the dialplan -------------------------------------------------------------


def routing_token() -> str:
    return _secret("DUNWELL_PBX_ROUTING_TOKEN")


def route(request: HttpRequest) -> HttpResponse:
    """For the Asterisk dialplan (`CURL()` or an AGI script): the extension or queue that takes
    a call from `?number=`, as plain text ("" when nothing is configured). Authenticated by the
    shared token `DUNWELL_PBX_ROUTING_TOKEN`, in the `X-Dunwell-Token` header or `?token=`.
    The WSGI application answers this path before Django (`fastroute.py`); both use one rule."""
    status, body = fastroute.answer(
        request.method or "GET",
        request.headers.get("X-Dunwell-Token", "") or request.GET.get("token", ""),
        request.GET.get("number", ""),
        request.META.get("REMOTE_ADDR", ""),
    )
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    if status == 405:
        response["Allow"] = "GET"
    return response
