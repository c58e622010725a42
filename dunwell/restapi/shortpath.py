"""API endpoints that machines call under load, answered on a short path.

An ERP asks `POST /api/v1/credit-check` while a salesperson confirms an order, 20 at a time
(issue 13: p95 <= 50 ms on two cores). Django's full stack costs about a quarter of such a
request: eleven middleware that serve pages (sessions, CSRF, messages, locale from the URL,
htmx…), URL resolution and ninja's dispatch. So the WSGI application answers the endpoints
listed in `ENDPOINTS` itself, before Django's handler, through the few middleware that apply
to an API answer (security headers and the HTTPS redirect, frame and content-security
policies) and the same authentication, view and problem answers as ninja's route.

What differs is nothing a client sees but the Vary header (no cookie is read). A request
that could depend on what the short path leaves out goes the long way: one with a query
string (`?lang=`), with cookies (a signed-in browser's session and language), or a method the
endpoint does not serve. The test client and any other WSGI server that loads Django's
handler directly reach the same view through ninja.

Django's request signals still run (`request_started` / `request_finished`): they reuse and
close the database connection as for any request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core import signals
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_script_name
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.module_loading import import_string

from dunwell.accounts.middleware import ContentSecurityPolicyMiddleware
from dunwell.restapi.auth import bearer
from dunwell.restapi.problems import response_for, unauthenticated

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
View = Callable[[HttpRequest], Any]  # a response

# (path, method) -> the endpoint's view, as ninja calls it (the token is on `request.auth`).
ENDPOINTS = {
    ("/api/v1/credit-check", "POST"): "dunwell.credit.api.credit_check",
}


def endpoint(view: View) -> View:
    """The endpoint as ninja runs it: bearer authentication (401 without a usable token,
    429 over the token's rate), the caller's language, every error a problem."""

    def run(request: HttpRequest) -> HttpResponse:
        request.get_host()  # ALLOWED_HOSTS: a 400 otherwise, as Django's CommonMiddleware
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        try:
            scheme, _space, secret = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
            token = bearer.authenticate(request, secret) if scheme.lower() == "bearer" else None
            if token is None:
                response = unauthenticated(request)
            else:
                request.auth = token  # type: ignore[attr-defined]
                response = view(request)
        except Exception as exc:  # noqa: BLE001 - every error is answered as a problem
            response = response_for(request, exc)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = "Accept-Language"
        return response

    return run


def _chain(view: View) -> View:
    """`view` inside the middleware that apply to an API answer, innermost last in
    settings.MIDDLEWARE order (each turns its own exceptions into a response, as Django's)."""
    handler: Any = convert_exception_to_response(endpoint(view))
    middleware: Any
    for middleware in (ContentSecurityPolicyMiddleware, XFrameOptionsMiddleware):
        handler = convert_exception_to_response(middleware(handler))
    return SecurityMiddleware(handler)


def _goes_long_way(environ: dict[str, Any]) -> bool:
    return bool(environ.get("QUERY_STRING") or environ.get("HTTP_COOKIE"))


def wrap(application: WsgiApp) -> WsgiApp:
    """The WSGI application with the short-path endpoints answered first."""
    chains: dict[tuple[str, str], View] = {}

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = (environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", ""))
        if key not in ENDPOINTS or _goes_long_way(environ):
            return application(environ, start_response)
        chain = chains.get(key)
        if chain is None:
            chain = chains[key] = _chain(import_string(ENDPOINTS[key]))
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=app, environ=environ)
        request = WSGIRequest(environ)
        response: Any = chain(request)
        response._handler_class = WSGIHandler
        response._resource_closers.append(request.close)
        # As Django's WSGIHandler: the response closes itself (request_finished) when the
        # server is done with it.
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [
                *response.items(),
                *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
            ],
        )
        return response

    return app
