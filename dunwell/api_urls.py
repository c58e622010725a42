"""REST API (django-ninja) under /api/v1/. Each app adds its router in `dunwell/api.py`."""

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from ninja.openapi.views import openapi_json

from dunwell.api import api
from dunwell.restapi.problems import as_problem, not_found


def _problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # ninja answers a method an address does not serve with a bare 405 of its own.
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return as_problem(view(request, *args, **kwargs), request)

    return wrapped


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            continue
        if pattern.name == "openapi-json":
            # The schema is public (no data in it; code generators fetch it without a
            # session); ninja would put it behind the docs' login.
            pattern.callback = partial(openapi_json, api=api)
        else:
            pattern.callback = _problem_405(pattern.callback)
    return [path("", include((patterns, app_name), namespace=namespace))]


urlpatterns = [
    *_api_patterns(),
    # Anything else under /api/v1/ is a problem+json 404, not the HTML page.
    re_path(r"^.*$", not_found, name="api_not_found"),
]
