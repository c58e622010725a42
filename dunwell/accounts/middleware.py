"""Per-user language and time zone (DESIGN §2: times shown in the user's time zone)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserLanguageMiddleware:
    """Activates the logged-in user's language (overridable with ?lang=) and time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = request.GET.get("lang") or (
            user.language if user is not None and user.is_authenticated else None
        )
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
