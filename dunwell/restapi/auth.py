"""Bearer-token authentication for the API, shared by every router (ledger, work, webhooks).

    from dunwell.restapi.auth import api_user, bearer, require_scope

    @router.get("/things", auth=bearer)
    def things(request):
        require_scope(request, "work:read")     # 403 problem when the token lacks it
        user = api_user(request)                # the token's user: use its visibility

A missing, unknown, revoked or expired token, or one of an inactive user, is a 401 problem;
a token over its rate (ratelimit.py) a 429 problem with Retry-After.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from ninja.security import HttpBearer

from dunwell.accounts.models import User
from dunwell.restapi import ratelimit
from dunwell.restapi.models import ApiToken
from dunwell.restapi.problems import ApiProblem
from dunwell.restapi.tokens import find_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = find_token(token.strip())
        if found is None:
            return None
        wait = ratelimit.take(found)
        if wait is not None:
            rate = ratelimit.rate_per_minute()
            raise ApiProblem(
                429,
                _("Too many requests"),
                ngettext(
                    "This token may make %(rate)d request a minute; retry in %(s)d s.",
                    "This token may make %(rate)d requests a minute; retry in %(s)d s.",
                    rate,
                )
                % {"rate": rate, "s": wait},
                type="rate-limited",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
            )
        return found


bearer = TokenAuth()


def api_token(request: HttpRequest) -> ApiToken:
    token: Any = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise ApiProblem(401, _("Not authenticated"))
    return token


def api_user(request: HttpRequest) -> User:
    """The user the request's token acts as (their visibility applies)."""
    return api_token(request).user


def require_scope(request: HttpRequest, scope: str) -> None:
    """403 problem unless the request's token carries `scope`."""
    if scope not in api_token(request).scopes:
        raise ApiProblem(
            403,
            _("Missing scope"),
            _("This token does not have the %(scope)s scope.") % {"scope": scope},
            type="missing-scope",
            scope=scope,
        )


def forbid(detail: Any) -> ApiProblem:
    """A 403 problem for a token whose user may not do this (e.g. push without import right)."""
    return ApiProblem(403, _("Forbidden"), detail, type="forbidden")
