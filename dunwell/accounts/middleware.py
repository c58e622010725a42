"""Per-user language and time zone (DESIGN §2: times shown in the user's time zone)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Activates the logged-in user's language (overridable with ?lang=) and time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        language = request.GET.get("lang") or (user.language if user and signed_in else None)
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
