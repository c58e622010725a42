"""Idempotency-Key for pushes: the first answer (status and body) is kept per token and key
for 24 hours with a hash of the request body. A retry with the same key and body gets the kept
answer without running again; the same key with another body is refused. The row is inserted
before the push runs, so a concurrent retry finds it (unique constraint) and is told to retry
later instead of running twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dunwell.restapi.models import ApiToken, IdempotentRequest
from dunwell.restapi.problems import CONTENT_TYPE, ApiProblem

KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def body_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _replay(stored: IdempotentRequest) -> HttpResponse:
    status = stored.status or 200
    response = HttpResponse(
        stored.response,
        status=status,
        content_type=CONTENT_TYPE if status >= 400 else "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def run_once(
    body: bytes,
    token: ApiToken,
    key: str,
    run: Callable[[], HttpResponse],
    now: datetime | None = None,
) -> HttpResponse:
    """The answer to a request with `body` carrying `key`: the kept one, or `run()`'s, then
    kept."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiProblem(
            422,
            _("Invalid request"),
            _("Idempotency-Key must be 1 to %(n)d printable characters.") % {"n": MAX_KEY_LENGTH},
            type="validation",
            errors=[{"field": "Idempotency-Key", "detail": str(_("invalid key"))}],
        )
    moment = now or timezone.now()
    digest = body_hash(body)
    IdempotentRequest.objects.filter(token=token, key=key, created_at__lt=moment - KEEP).delete()
    try:
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(
                token=token, key=key, body_hash=digest, created_at=moment
            )
    except IntegrityError:
        stored = IdempotentRequest.objects.filter(token=token, key=key).first()
        if stored is None:  # expired and deleted by a concurrent request: start over
            return run_once(body, token, key, run, now)
        if stored.body_hash != digest:
            raise ApiProblem(
                422,
                _("Idempotency-Key reused"),
                _("This Idempotency-Key was used with another request body."),
                type="idempotency-key-reused",
            ) from None
        if stored.status is None:
            raise ApiProblem(
                409,
                _("Request in progress"),
                _("A request with this Idempotency-Key is still running; retry shortly."),
                type="idempotency-key-in-progress",
                headers={"Retry-After": "1"},
            ) from None
        return _replay(stored)
    try:
        response = run()
    except BaseException:
        # Nothing was answered: let a retry run it again.
        IdempotentRequest.objects.filter(pk=claim.pk).delete()
        raise
    IdempotentRequest.objects.filter(pk=claim.pk).update(
        status=response.status_code, response=response.content.decode()
    )
    return response


def forget_expired(now: datetime | None = None) -> int:
    """Periodic job: keys older than 24 hours."""
    moment = now or timezone.now()
    deleted, _kinds = IdempotentRequest.objects.filter(created_at__lt=moment - KEEP).delete()
    return deleted
