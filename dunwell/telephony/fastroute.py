"""The dialplan's routing endpoint (`GET /telephony/route/?number=…`) on a short path.

The PBX asks it on every incoming call and waits for the answer before the phone rings, under
load from many calls at once (target p95 <= 50 ms at 100 concurrent lookups on two cores). The
answer is plain text for a machine, authenticated by a shared token: none of Django's
middleware applies to it (sessions, CSRF, locale, messages, security headers for pages), and
running it costs more than the lookup. So the WSGI application answers this one path itself,
before Django's handler, with the same rules as the view `webhooks.route` (which the test client
and any other server still reach): 404 while no token is configured, 405 for a method other
than GET, 403 and a log line for a bad token, else the target as text.

Django's request signals still run (`request_started` / `request_finished`): they reuse and
close the database connection as for any request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from django.core import signals

log = logging.getLogger("dunwell.telephony.webhooks")

PATH = "/telephony/route/"
_PLAIN = [("Content-Type", "text/plain; charset=utf-8")]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def respond(
    method: str,
    token: str,
    number: str,
    remote: str,
    expected: bytes | None,
    target: Callable[[str], str],
) -> tuple[int, str]:
    """(HTTP status, body) for a routing request, given the configured token's digest (None
    when none is configured) and the lookup; the one rule for every server."""
    if not expected:
        return 404, "not found\n"
    if method != "GET":
        return 405, "method not allowed\n"
    if not hmac.compare_digest(token_digest(token), expected):
        log.warning(
            "telephony webhook refused: provider=routing path=%s from=%s: bad or missing token",
            PATH,
            remote or "?",
        )
        return 403, "forbidden\n"
    return 200, target(number[:64])


def answer(method: str, token: str, number: str, remote: str) -> tuple[int, str]:
    """(HTTP status, body) for a routing request, looked up in the database."""
    from dunwell.telephony.routing import route_call

    expected = routing_token_cached()
    return respond(
        method,
        token,
        number,
        remote,
        token_digest(expected) if expected else None,
        lambda n: route_call(n).target,
    )


# The token an administrator stored is read at most once per TOKEN_TTL seconds per process
# (it was one query per lookup); a change made in this process applies at once (the
# ProviderSecret signals call `forget_token`), in the other processes within TOKEN_TTL.
TOKEN_TTL = 2.0
_stored_token: tuple[float, str | None] | None = None


def routing_token_cached() -> str:
    """`webhooks.routing_token()` with its database part cached."""
    global _stored_token
    from django.conf import settings

    from dunwell.telephony.secrets import stored_secret

    now = time.monotonic()
    if _stored_token is None or now - _stored_token[0] > TOKEN_TTL:
        _stored_token = (now, stored_secret("DUNWELL_PBX_ROUTING_TOKEN"))
    stored = _stored_token[1]
    return stored or str(getattr(settings, "DUNWELL_PBX_ROUTING_TOKEN", "") or "")


def forget_token(*args: Any, **kwargs: Any) -> None:
    global _stored_token
    _stored_token = None


_REASONS = {200: "OK", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}


def wrap(application: WsgiApp) -> WsgiApp:
    """The WSGI application with the routing path answered first."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return application(environ, start_response)
        signals.request_started.send(sender=app, environ=environ)
        try:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            token = environ.get("HTTP_X_DUNWELL_TOKEN", "") or query.get("token", [""])[0]
            status, body = answer(
                environ.get("REQUEST_METHOD", "GET"),
                token,
                query.get("number", [""])[0],
                environ.get("REMOTE_ADDR", ""),
            )
        finally:
            signals.request_finished.send(sender=app)
        data = body.encode()
        headers = [*_PLAIN, ("Content-Length", str(len(data)))]
        if status == 405:
            headers.append(("Allow", "GET"))
        start_response(f"{status} {_REASONS[status]}", headers)
        return [data]

    return app
