"""Request hygiene shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext


class RefuseNulBytesMiddleware:
    """A NUL character in a query or form parameter is refused with the 400 page naming the
    parameter: PostgreSQL cannot store or compare text containing NUL, so such a value would
    otherwise surface as a server error on whatever page first puts it in a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        params = list(request.GET.lists())
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            params += list(request.POST.lists())
        bad = sorted({name for name, values in params if any("\x00" in v for v in values)})
        bad += sorted({name for name, _values in params if "\x00" in name} - set(bad))
        if bad:
            reason = gettext("contains a NUL character")
            return render(
                request,
                "bad_query.html",
                {"problems": [(name.replace("\x00", "\\0"), reason) for name in bad],
                 "back": request.path},
                status=400,
            )  # fmt: skip
        return self.get_response(request)
