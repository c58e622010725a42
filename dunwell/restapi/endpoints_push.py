"""POST /api/v1/{counterparties,contacts,contracts,documents,payments,orders,deals}: a batch of
up to 10,000 items through the file import's engine (all or nothing; docs/integrations.md)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from ninja import Router

from dunwell.accounts.visibility import can_import
from dunwell.ledger.importing import ImportRejected, import_table
from dunwell.ledger.importing.kinds import KINDS
from dunwell.restapi import push
from dunwell.restapi.auth import api_token, forbid, require_scope
from dunwell.restapi.idempotency import run_once
from dunwell.restapi.models import Scope
from dunwell.restapi.problems import ApiProblem, problem


def _rejected(request: HttpRequest, status: int, detail: Any, errors: list[Any]) -> HttpResponse:
    titles = {400: _("Bad request"), 413: _("Request too large"), 422: _("Items rejected")}
    return problem(
        status,
        titles.get(status, _("Invalid request")),
        detail,
        request=request,
        type="items-rejected" if errors else None,
        errors=[e.as_dict() for e in errors],
    )


def run_push(request: HttpRequest, kind: str, body: bytes) -> HttpResponse:
    """Parse, convert and import one push; every refusal is an answer, not an exception, so
    the Idempotency-Key store keeps it."""
    token = api_token(request)
    try:
        items = push.parse_body(body)
        active = push.take_active(items) if kind == "contacts" else {}
        table = push.build_table(kind, items)
        with transaction.atomic():
            result = import_table(
                kind,
                table,
                display_name=f"API {token.prefix}",
                user=token.user,
            )
            changed = push.apply_active(items, active)
    except push.PushRejected as exc:
        return _rejected(request, exc.status, exc.detail, exc.errors)
    except ImportRejected as exc:
        errors = push.item_errors(exc.errors)
        bad = len({e.index for e in errors})
        return _rejected(
            request,
            422,
            ngettext(
                "%(n)d item rejected; nothing was written.",
                "%(n)d items rejected; nothing was written.",
                bad,
            )
            % {"n": bad},
            errors,
        )
    except ApiProblem as exc:
        return exc.response(request)
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if active:
        # `active` is not among the fields the engine compares: a contact only (re)activated
        # or marked gone counts as unchanged there, and is counted here.
        counts["active_changed"] = changed
    return HttpResponse(json.dumps(counts), content_type="application/json")


def _push_schema(kind: str) -> dict[str, Any]:
    """The request body in the OpenAPI schema (the body is read by hand: exact numbers)."""
    scalar = {"type": ["string", "number", "boolean", "null"]}
    fields = {f.name: {**scalar, "description": f.type} for f in KINDS[kind].fields}
    if kind == "contacts":
        fields["active"] = {
            "type": ["boolean", "null"],
            "description": "false: no longer works at the debtor; absent or null keeps an "
            "existing contact's, a new one works there",
        }
    required = [f.name for f in KINDS[kind].fields if f.required]
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": push.MAX_ITEMS,
                                "items": {
                                    "type": "object",
                                    "properties": fields,
                                    "required": required,
                                    "additionalProperties": False,
                                },
                            }
                        },
                    }
                }
            },
        },
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
                "description": "A retry with the same key and body returns the first answer.",
            }
        ],
    }


def _add(router: Router, kind: str) -> None:
    def push_kind(request: HttpRequest) -> HttpResponse:
        require_scope(request, Scope.LEDGER_WRITE)
        token = api_token(request)
        if not can_import(token.user):
            raise forbid(_("This token's user may not load accounting data."))
        try:
            body = push.read_body(request)
        except push.PushRejected as exc:
            return _rejected(request, exc.status, exc.detail, exc.errors)
        key = request.headers.get("Idempotency-Key")
        if key is not None:
            return run_once(body, token, key, lambda: run_push(request, kind, body))
        return run_push(request, kind, body)

    push_kind.__name__ = f"push_{kind}"
    router.post(
        f"/{kind}",
        summary=f"Push {kind}",
        description=(
            f"Create or update {kind} (1 to {push.MAX_ITEMS:,} items) through the import "
            "engine: all or nothing; a 422 lists every bad item by index and field."
        ),
        openapi_extra=_push_schema(kind),
        operation_id=f"push_{kind}",
        tags=["push"],
    )(push_kind)


def register(router: Router) -> None:
    """Add the push endpoints to `router` (the ledger's: GET and POST share their paths)."""
    for kind in push.PUSH_KINDS:
        _add(router, kind)
