"""GET /api/v1/token: what the request's token is (its user, scopes, expiry): a client checks
its set-up with it."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from dunwell.restapi.auth import api_token

router = Router(tags=["token"])


class TokenOut(Schema):
    prefix: str
    name: str
    user: str
    scopes: list[str]
    expires_at: datetime | None


@router.get("/token", response=TokenOut, summary="The token this request uses")
def token_info(request: HttpRequest) -> TokenOut:
    token = api_token(request)
    return TokenOut(
        prefix=token.prefix,
        name=token.name,
        user=token.user.username,
        scopes=list(token.scopes),
        expires_at=token.expires_at,
    )
