"""The credit check over the API (docs/credit.md): `POST /api/v1/credit-check` answers allow,
deny or needs_approval with every reason; `GET /api/v1/credit-check/{id}` is what the ERP polls
for the decision on an order that needed approval. Both need the `credit:check` scope and see
only the token user's counterparties. Reasons are written in the Accept-Language of the request,
else the token user's language."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from ninja import Router

from dunwell.accounts.visibility import can_see_counterparty
from dunwell.credit import selectors, services
from dunwell.credit.models import Channel, CreditCheck
from dunwell.credit.reasons import as_messages
from dunwell.money import MAX_AMOUNT, Money, is_currency_code
from dunwell.restapi.auth import api_token, api_user, require_scope
from dunwell.restapi.idempotency import run_once
from dunwell.restapi.models import Scope
from dunwell.restapi.problems import ApiProblem

router = Router(tags=["credit"])
FIELDS = {"counterparty", "amount", "currency", "order"}


def _invalid(field: str, detail: Any) -> ApiProblem:
    return ApiProblem(
        422,
        _("Invalid request"),
        detail,
        type="validation",
        errors=[{"field": field, "detail": str(detail)}],
    )


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, _("Bad request"), _("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise _invalid("", _("The body must be a JSON object."))
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise _invalid(unknown[0], _("unknown member"))
    return body


def _text(body: dict[str, Any], name: str, required: bool = True) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _invalid(name, _("missing required value"))
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _invalid(name, _("expected a string"))
    return str(value).strip()


def _amount(body: dict[str, Any]) -> Decimal:
    value = body.get("amount")
    if value is None or isinstance(value, bool):
        raise _invalid("amount", _("missing required value"))
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _invalid("amount", _("bad number %(value)s") % {"value": repr(value)}) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise _invalid("amount", _("at most two decimals"))
    if amount <= 0:
        raise _invalid("amount", _("The amount must be greater than zero."))
    if amount > MAX_AMOUNT:
        raise _invalid("amount", _("The amount is too large."))
    return amount


def _language(request: HttpRequest, user: Any) -> str:
    if request.headers.get("Accept-Language"):
        return translation.get_language() or user.language
    return user.language or "en"


def _answer(row: CreditCheck) -> dict[str, Any]:
    approval = getattr(row, "approval_request", None)
    out: dict[str, Any] = {
        "id": row.pk,
        "decision": row.decision,
        "reasons": as_messages(row.reasons),
        "counterparty": {
            "id": row.counterparty_id,
            "external_id": row.counterparty.external_id,
            "name": row.counterparty.name,
        },
        "order": row.order_ref or None,
        "amount": str(row.amount),
        "currency": row.currency,
        "checked_on": row.checked_on.isoformat(),
        "exposure": row.exposure,
        "approval": None,
        "exception": _exception(row),
    }
    if approval is not None:
        today = timezone.localdate()
        out["approval"] = {
            "id": approval.pk,
            "kind": approval.kind,
            "status": approval.status,
            "in_force": approval.in_force(today),
            "decided_at": approval.decided_at.isoformat() if approval.decided_at else None,
            "decided_by": approval.decided_by.username if approval.decided_by else None,
            "reason": approval.decision_reason or None,
            "expires_on": approval.expires_on.isoformat() if approval.expires_on else None,
        }
    return out


def _exception(row: CreditCheck) -> dict[str, Any] | None:
    """The approved exception to the stop of shipments that let this order through (read from
    the check's stored reason, as it was when checked), else None."""
    for reason in row.reasons:
        if reason.get("code") == "stop_exception":
            p = reason.get("params", {})
            amount = p.get("amount") or {}
            return {
                "id": p.get("request"),
                "order": row.order_ref or None,
                "amount": amount.get("amount"),
                "currency": amount.get("currency"),
                "approved_by": p.get("by_username") or None,
                "approved_on": p.get("on") or None,
                "expires_on": p.get("until") or None,
                "reason": p.get("reason") or None,
            }
    return None


def _json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    """The answer, saying which language its reasons are written in."""
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
    )
    response["Content-Language"] = translation.get_language()
    return response


_BODY_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["counterparty", "amount", "currency"],
                    "properties": {
                        "counterparty": {
                            "type": "string",
                            "description": "the customer's external id or tax id",
                        },
                        "amount": {"type": ["string", "number"], "example": "123.45"},
                        "currency": {"type": "string", "example": "RON"},
                        "order": {"type": ["string", "null"], "description": "order reference"},
                    },
                    "additionalProperties": False,
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
            "description": "A retry with the same key and body returns the first answer; "
            "the check is logged once.",
        }
    ],
}


@router.post(
    "/credit-check",
    summary="Check an order against the credit rules",
    description=(
        "Answers allow, deny or needs_approval with every reason (code and message). "
        "needs_approval files a request for a credit controller; poll "
        "GET /credit-check/{id} or subscribe to the credit.decided webhook. An order let "
        "through a stop of shipments by an approved exception answers allow with the "
        "exception named in `exception`."
    ),
    openapi_extra=_BODY_SCHEMA,
    operation_id="credit_check",
)
def credit_check(request: HttpRequest) -> HttpResponse:
    require_scope(request, Scope.CREDIT_CHECK)
    # A retry with the same Idempotency-Key and body gets the first answer, and the check is
    # logged once (restapi/idempotency.py, as for the pushes).
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        return run_once(request.body, api_token(request), key, lambda: _credit_check(request))
    return _credit_check(request)


def _credit_check(request: HttpRequest) -> HttpResponse:
    user = api_user(request)
    body = _body(request)
    key = _text(body, "counterparty")
    amount = _amount(body)
    currency = _text(body, "currency").upper()
    if not is_currency_code(currency):
        raise _invalid(
            "currency", _("not an ISO 4217 currency code: %(value)s") % {"value": currency}
        )
    order = _text(body, "order", required=False)
    if len(order) > 64:
        raise _invalid("order", _("longer than %(n)d characters") % {"n": 64})
    try:
        counterparty = selectors.find_counterparty(user, key)
    except selectors.NotFound as exc:
        raise ApiProblem(
            404,
            _("Not found"),
            str(exc),
            type="not-found",
            errors=[{"field": "counterparty", "detail": str(exc)}],
        ) from None
    try:
        result = services.check(
            counterparty, Money(amount, currency), order, user, channel=Channel.API
        )
    except services.CreditError as exc:
        raise _invalid(exc.field or "", str(exc)) from None
    with translation.override(_language(request, user)):
        return _json(_answer(result.check))


@router.get(
    "/credit-check/{check_id}",
    summary="A credit check and the decision on its approval",
    operation_id="credit_check_get",
)
def credit_check_get(request: HttpRequest, check_id: int) -> HttpResponse:
    require_scope(request, Scope.CREDIT_CHECK)
    user = api_user(request)
    row = (
        CreditCheck.objects.select_related(
            "counterparty", "approval_request", "approval_request__decided_by"
        )
        .filter(pk=check_id)
        .first()
    )
    if row is None or not can_see_counterparty(user, row.counterparty_id):
        raise ApiProblem(404, _("Not found"), _("No such credit check."), type="not-found")
    with translation.override(_language(request, user)):
        return _json(_answer(row))
