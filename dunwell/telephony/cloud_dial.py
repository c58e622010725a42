"""Cloud PBX click-to-call: each provider's callback API rings the collector first, then the
contact. Pure request building (testable without a network) plus one small HTTP sender.

- Zadarma: `GET /v1/request/callback/?from=<extension>&to=<number>`, header
  `Authorization: <key>:<signature>`, signature = base64 of the hex HMAC-SHA1 (secret) of
  method path + sorted url-encoded parameters + md5 of those parameters.
- Mango Office: `POST /vpbx/commands/callback`, form fields `vpbx_api_key`, `sign` =
  sha256(api key + json + salt) in hex, `json` = {command_id, from: {extension}, to_number}.
- Twilio: `POST /2010-04-01/Accounts/<Sid>/Calls.json`, HTTP Basic (Sid, auth token), form
  `From`, `To` (the agent), `Url` (TwiML that dials the contact).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class ProviderError(Exception):
    """The provider refused or could not be reached; the text is for the log."""


def zadarma_signature(method_path: str, params: dict[str, str], secret: str) -> str:
    query = urlencode(sorted(params.items()))
    digest = hashlib.md5(query.encode()).hexdigest()  # noqa: S324 (Zadarma's algorithm)
    mac = hmac.new(secret.encode(), (method_path + query + digest).encode(), hashlib.sha1)
    return base64.b64encode(mac.hexdigest().encode()).decode()


def zadarma_callback(
    base_url: str, key: str, secret: str, extension: str, number: str
) -> HttpRequest:
    path = "/v1/request/callback/"
    params = {"from": extension, "to": number}
    query = urlencode(sorted(params.items()))
    return HttpRequest(
        "GET",
        f"{base_url.rstrip('/')}{path}?{query}",
        {"Authorization": f"{key}:{zadarma_signature(path, params, secret)}"},
    )


ZADARMA_RECORD_PATH = "/v1/pbx/record/request/"


def zadarma_signed_get(url: str, key: str, secret: str) -> HttpRequest:
    """A GET of Zadarma's API at `url` (its own query as the parameters), signed."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    query = urlencode(sorted(params.items()))
    return HttpRequest(
        "GET",
        f"{parts.scheme}://{parts.netloc}{parts.path}?{query}",
        {"Authorization": f"{key}:{zadarma_signature(parts.path, params, secret)}"},
    )


def zadarma_record_link(answer: dict[str, Any]) -> str:
    """The file's temporary link in the answer of `/v1/pbx/record/request/` (`link`, or the first
    of `links` when the call had several recordings); ProviderError when it has none."""
    if answer.get("status") != "success":
        raise ProviderError(f"Zadarma: {str(answer.get('message', 'no recording'))[:200]}")
    links = answer.get("links") or []
    link = answer.get("link") or (links[0] if isinstance(links, list) and links else "")
    if not isinstance(link, str) or not link:
        raise ProviderError("Zadarma answered without a recording link")
    return link


def mango_sign(key: str, payload: str, salt: str) -> str:
    return hashlib.sha256((key + payload + salt).encode()).hexdigest()


def mango_callback(
    base_url: str, key: str, salt: str, command_id: str, extension: str, number: str
) -> HttpRequest:
    payload = json.dumps(
        {"command_id": command_id, "from": {"extension": extension}, "to_number": number},
        separators=(",", ":"),
    )
    body = urlencode({"vpbx_api_key": key, "sign": mango_sign(key, payload, salt), "json": payload})
    return HttpRequest(
        "POST",
        f"{base_url.rstrip('/')}/commands/callback",
        {"Content-Type": "application/x-www-form-urlencoded"},
        body.encode(),
    )


def twilio_call(
    base_url: str, sid: str, token: str, caller: str, agent: str, twiml_url: str
) -> HttpRequest:
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    body = urlencode({"From": caller, "To": agent, "Url": twiml_url})
    return HttpRequest(
        "POST",
        f"{base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Calls.json",
        {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        body.encode(),
    )


def send(request: HttpRequest, timeout: float = 10.0) -> dict[str, Any]:
    """Send and read the JSON answer; ProviderError for a network error, an HTTP error or an
    answer that is not JSON."""
    if not request.url.startswith(("https://", "http://")):
        raise ProviderError("the provider's API address must be http(s)")
    http = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        request.url, data=request.body or None, headers=request.headers, method=request.method
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as response:  # noqa: S310 (https)
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise ProviderError(f"HTTP {exc.code} from {request.url.split('?')[0]}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ProviderError(f"{request.url.split('?')[0]} unreachable: {exc}") from None
    try:
        answer = json.loads(text)
    except ValueError:
        raise ProviderError(f"{request.url.split('?')[0]} did not answer JSON") from None
    if not isinstance(answer, dict):
        raise ProviderError(f"{request.url.split('?')[0]} answered {type(answer).__name__}")
    return answer
