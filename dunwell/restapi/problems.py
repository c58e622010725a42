"""RFC 9457 problem details: every error the API answers is `application/problem+json` with
type, title, status, detail and instance. Endpoints raise `ApiProblem`; `install(api)` makes
ninja's own errors (authentication, validation, 404, 405 and unhandled ones) problems too."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

CONTENT_TYPE = "application/problem+json"
# Problem types are URNs documented in docs/integrations.md ("Errors"); a plain HTTP status
# with nothing more to say uses "about:blank" as RFC 9457 §4.2.1 suggests.
TYPE_PREFIX = "urn:dunwell:problem:"

logger = logging.getLogger("dunwell.restapi")

TITLES: dict[int, Promise] = {
    400: _("Bad request"),
    401: _("Not authenticated"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    413: _("Request too large"),
    422: _("Invalid request"),
    429: _("Too many requests"),
    500: _("Server error"),
}


def problem(
    status: int,
    title: str | Promise | None = None,
    detail: str | Promise | None = None,
    *,
    request: HttpRequest | None = None,
    type: str | None = None,  # noqa: A002 - the RFC's member name
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A problem+json response. `type` is a short slug (made a URN) or "about:blank";
    `instance` is the request's path when `request` is given; `extra` adds members."""
    body: dict[str, Any] = {
        "type": about(type),
        "title": str(title if title is not None else TITLES.get(status, TITLES[400])),
        "status": status,
        "detail": str(detail) if detail is not None else None,
        "instance": extra.pop("instance", request.get_full_path() if request else None),
    }
    body.update(extra)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def about(slug: str | None) -> str:
    if not slug or slug == "about:blank":
        return "about:blank"
    return slug if ":" in slug else TYPE_PREFIX + slug


class ApiProblem(Exception):
    """Raised by endpoints and the auth; the exception handler answers it as a problem."""

    def __init__(
        self,
        status: int,
        title: str | Promise | None = None,
        detail: str | Promise | None = None,
        *,
        type: str | None = None,  # noqa: A002
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(f"{status} {title or ''}: {detail or ''}")
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.headers = dict(headers or {})
        self.extra = extra

    def response(self, request: HttpRequest) -> HttpResponse:
        return problem(
            self.status,
            self.title,
            self.detail,
            request=request,
            type=self.type,
            headers=self.headers,
            **self.extra,
        )


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    """ninja's ("query", "limit") -> "limit"; ("body", "payload", "items", 3) -> "items[3]"."""
    parts = list(loc)
    if parts and parts[0] in {"query", "path", "header", "cookie", "body", "form", "file"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validation_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _location(err.get("loc", ())), "detail": str(err.get("msg", ""))}
        for err in exc.errors
    ]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors if e["field"]))
    return problem(
        422,
        _("Invalid request"),
        _("Check these parameters: %(fields)s.") % {"fields": fields} if fields else None,
        request=request,
        type="validation",
        errors=errors,
    )


def response_for(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The problem that answers an exception raised by an endpoint or its authentication:
    the one mapping for ninja's handlers (`install`) and the short paths (shortpath.py)."""
    if isinstance(exc, ApiProblem):
        return exc.response(request)
    if isinstance(exc, ValidationError):
        return validation_problem(request, exc)
    if isinstance(exc, AuthenticationError):
        return unauthenticated(request)
    if isinstance(exc, HttpError):
        return problem(exc.status_code, detail=str(exc), request=request)
    if isinstance(exc, Http404):
        return problem(404, detail=_("There is nothing at this address."), request=request)
    if isinstance(exc, PermissionDenied):
        return problem(403, detail=str(exc) or None, request=request)
    if isinstance(exc, RequestDataTooBig):
        return problem(413, detail=_("The request body is too large."), request=request)
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem(
        500,
        detail=_("Something went wrong on our side; nothing was changed. Try again later."),
        request=request,
    )


def _handler(request: HttpRequest, exc: Any) -> HttpResponse:
    return response_for(request, exc)


def install(api: NinjaAPI) -> None:
    """Answer every error of `api` as a problem (ninja picks a handler by the exception's
    class, and has defaults of its own for some: each is registered to `response_for`)."""
    for kind in (
        Exception,
        RequestDataTooBig,
        Http404,
        PermissionDenied,
        HttpError,
        AuthenticationError,
        ValidationError,
        ApiProblem,
    ):
        api.add_exception_handler(kind, _handler)


def unauthenticated(request: HttpRequest) -> HttpResponse:
    return problem(
        401,
        _("Not authenticated"),
        _("Send a valid, unexpired API token: Authorization: Bearer <token>."),
        request=request,
        headers={"WWW-Authenticate": 'Bearer realm="dunwell"'},
    )


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The answer for an address under /api/v1/ that no endpoint serves."""
    return problem(404, detail=_("There is nothing at this address."), request=request)


def as_problem(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """ninja answers a wrong method with a bare 405: keep its Allow header, make it a problem."""
    if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
        allowed = response.get("Allow", "")
        return problem(
            405,
            detail=_("Allowed methods: %(methods)s.") % {"methods": allowed},
            request=request,
            headers={"Allow": allowed},
        )
    return response
