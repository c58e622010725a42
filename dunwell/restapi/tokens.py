"""Creating, finding and revoking API tokens (services: each call is one transaction)."""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_import, can_manage_integrations
from dunwell.processcache import Kept
from dunwell.rawrows import select_one
from dunwell.restapi.models import ApiToken, Scope

TOKEN_START = "dw_"  # noqa: S105 - the public start of every token, no secret
PREFIX_LENGTH = 8
ALL_SCOPES = tuple(s.value for s in Scope)
# last_used_at is written at most this often per token: not one write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A bearer secret's token and user are read at most once per TOKEN_KEPT_SECONDS per process,
# not on every request. Revoking a token (revoke_token) or saving or deleting its user or token
# takes effect at once in the process that did it; in the other web processes within
# TOKEN_KEPT_SECONDS (docs/integrations.md). Expiry is checked on every request.
TOKEN_KEPT_SECONDS = 5
_kept: Kept[str, tuple[ApiToken, User] | None] = Kept(TOKEN_KEPT_SECONDS)


class TokenError(ValueError):
    """A token cannot be created or revoked as asked; the message is translated."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole bearer token, shown once


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def grantable_scopes(user: User) -> list[str]:
    """What a token of `user` may carry: pushing needs the right to import."""
    return [s for s in ALL_SCOPES if s != Scope.LEDGER_WRITE or can_import(user)]


def parse_scopes(text: str | Iterable[str]) -> list[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    scopes = [s.strip() for s in items if s.strip()]
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise TokenError(
            _("Unknown scope %(scopes)s; use %(known)s.")
            % {"scopes": ", ".join(unknown), "known": ", ".join(ALL_SCOPES)}
        )
    if not scopes:
        raise TokenError(_("Give a token at least one scope."))
    return [s for s in ALL_SCOPES if s in scopes]


def create_token(
    user: User,
    scopes: Iterable[str],
    *,
    name: str = "",
    expires_in_days: int | None = None,
    created_by: User | None = None,
) -> IssuedToken:
    """Issue a token for `user`. Only the hash is stored; the secret is in the result once."""
    if not user.is_active:
        raise TokenError(_("%(user)s is not active.") % {"user": user.username})
    wanted = parse_scopes(list(scopes))
    refused = [s for s in wanted if s not in grantable_scopes(user)]
    if refused:
        raise TokenError(
            _("%(user)s may not be given %(scopes)s.")
            % {"user": user.username, "scopes": ", ".join(refused)}
        )
    if expires_in_days is not None and expires_in_days < 1:
        raise TokenError(_("A token expires after at least one day."))
    now = timezone.now()
    with transaction.atomic():
        while True:
            prefix = TOKEN_START + secrets.token_hex(PREFIX_LENGTH // 2)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        secret = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scopes=wanted,
            created_at=now,
            created_by=created_by,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
    return IssuedToken(token, secret)


def manageable_tokens(user: User) -> QuerySet[ApiToken]:
    """The tokens `user` sees on the tokens page: their own, or everyone's for a manager."""
    tokens = ApiToken.objects.select_related("user")
    if can_manage_integrations(user):
        return tokens.all()
    return tokens.filter(user=user)


def can_revoke(user: User, token: ApiToken) -> bool:
    return token.user_id == user.pk or can_manage_integrations(user)


def revoke_token(token_id: int, *, by: User | None = None) -> ApiToken:
    """Revoke a token from now on (a revoked token stays listed, dated). `by` None is the
    command line, which may revoke any token."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or (by is not None and not can_revoke(by, token)):
            raise TokenError(_("There is no token %(id)s.") % {"id": token_id})
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    forget_tokens()
    transaction.on_commit(forget_tokens)  # called inside a longer transaction: once more after it
    return token


def forget_tokens(*args: object, **kwargs: object) -> None:
    """Read every token and user again on their next request (a token revoked or a user
    changed in this process; also a signal receiver, hence the arguments)."""
    _kept.forget()


def _read_token(secret_hash: str) -> tuple[ApiToken, User] | None:
    """The token with this hash and its user, from the database (two indexed reads)."""
    # Plain SQL rather than ORM queries: every API request whose token is not kept comes here.
    token = select_one(ApiToken, "secret_hash = %s", [secret_hash])
    if token is None:
        return None
    user = select_one(User, "id = %s", [token.user_id])
    if user is None:
        return None
    return token, user


def find_token(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token a bearer secret names (not revoked, not expired, active user)."""
    if not secret.startswith(TOKEN_START) or len(secret) > 200:
        return None
    secret_hash = hash_secret(secret)
    found = _kept.get(secret_hash, lambda: _read_token(secret_hash))
    if found is None:
        return None
    kept_token, kept_user = found
    moment = now or timezone.now()
    if not kept_token.is_usable(moment) or not kept_user.is_active:
        return None
    last_used = kept_token.last_used_at
    if last_used is None or last_used <= moment - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=kept_token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=moment - LAST_USED_RESOLUTION)
        ).update(last_used_at=moment)
        kept_token.last_used_at = moment
    # The request gets its own copies: nothing it sets on them reaches another request.
    token = copy.copy(kept_token)
    token.user = copy.copy(kept_user)
    return token
