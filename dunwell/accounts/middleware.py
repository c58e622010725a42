"""Per-user language and time zone (DESIGN §2: times shown in the user's time zone)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


# The language of the page an htmx request comes from (base.html sends it with every one): a
# part a page loads afterwards (the card's credit panel, a progress bar) speaks the page's
# language, also when the page was opened with ?lang= in another language than the user's.
PAGE_LANGUAGE_HEADER = "X-Dunwell-Language"


class UserLanguageMiddleware:
    """Activates the logged-in user's language (overridable with ?lang=, and for an htmx
    request by its page's language) and time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        page = (
            request.headers.get(PAGE_LANGUAGE_HEADER) if request.headers.get("HX-Request") else None
        )
        language = (
            request.GET.get("lang") or page or (user.language if user and signed_in else None)
        )
        if language not in _LANGUAGES:
            language = None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        if user and signed_in:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            response = self.get_response(request)
        finally:
            # The thread serves the next request (or test) with a clean slate.
            translation.deactivate()
            timezone.deactivate()
        if language:
            response.headers["Content-Language"] = language
        return response


# The one inline handler in the templates (legal/cases.html: the "show" filter submits its form
# on change); its hash lets exactly that text run. Prefer a script file for anything new.
_INLINE_HANDLERS = ("this.form.submit()",)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy on every response: scripts, styles, images and fonts from the
    site itself only (no CDN), no plugins, no framing, forms post to the site only.
    A template that needs an inline <script> gives it nonce="{{ request.csp_nonce }}"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.handlers = " ".join(_sha256(text) for text in _INLINE_HANDLERS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "; ".join(
                [
                    "default-src 'self'",
                    f"script-src 'self' 'nonce-{nonce}' 'unsafe-hashes' {self.handlers}",
                    # htmx adds its indicator <style>; templates use a few style attributes.
                    "style-src 'self' 'unsafe-inline'",
                    "img-src 'self' data:",
                    "font-src 'self' data:",
                    "connect-src 'self'",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    "frame-ancestors 'none'",
                ]
            ),
        )
        return response
