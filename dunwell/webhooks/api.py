"""Webhook subscriptions over the API (/api/v1/webhooks): for tokens of users who may manage
integrations; reading needs work:read, changing work:write. The secret is in the answer to the
POST that creates a subscription, and nowhere else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.ledger.models import Company
from dunwell.restapi.auth import api_user, forbid, require_scope
from dunwell.restapi.filters import Cursor, Limit
from dunwell.restapi.models import Scope
from dunwell.restapi.pagination import bad_parameter, paginate
from dunwell.restapi.problems import ApiProblem
from dunwell.restapi.schemas import page_schema
from dunwell.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from dunwell.webhooks.services import WebhookError, create_subscription, replay

router = Router(tags=["webhooks"])


class SubscriptionIn(Schema):
    url: str
    events: list[str]
    company: str | None = None  # the company's code; none for every company
    description: str = ""


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    company: str | None
    description: str
    active: bool
    created_at: datetime


class CreatedOut(SubscriptionOut):
    secret: str


class AttemptOut(Schema):
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    event_id: str
    event: str
    occurred_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    tries: list[AttemptOut]


DeliveryPage = page_schema(DeliveryOut, "DeliveryPage")


def _integrator(request: HttpRequest, scope: str) -> User:
    require_scope(request, scope)
    user = api_user(request)
    if not can_manage_integrations(user):
        raise forbid(_("Only a director or an administrator manages webhooks."))
    return user


def _out(subscription: Subscription) -> dict[str, Any]:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "company": subscription.company.code if subscription.company else None,
        "description": subscription.description,
        "active": subscription.active,
        "created_at": subscription.created_at,
    }


def _subscription(pk: int) -> Subscription:
    found = Subscription.objects.select_related("company").filter(pk=pk).first()
    if found is None:
        raise ApiProblem(404, _("Not found"), _("No webhook subscription %(id)d.") % {"id": pk})
    return found


@router.get("/webhooks", response=list[SubscriptionOut], summary="Webhook subscriptions")
def list_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    _integrator(request, Scope.WORK_READ)
    return [_out(s) for s in Subscription.objects.select_related("company").order_by("id")]


@router.post(
    "/webhooks", response={201: CreatedOut}, summary="Subscribe (the answer holds the secret)"
)
def subscribe(request: HttpRequest, body: SubscriptionIn) -> Status:
    user = _integrator(request, Scope.WORK_WRITE)
    company = None
    if body.company:
        company = Company.objects.filter(code=body.company).first()
        if company is None:
            raise bad_parameter("company", _("no company with this code"))
    try:
        subscription, secret = create_subscription(
            url=body.url,
            events=body.events,
            user=user,
            company=company,
            description=body.description,
        )
    except WebhookError as exc:
        raise bad_parameter(exc.field, str(exc)) from None
    return Status(201, {**_out(subscription), "secret": secret})


@router.delete("/webhooks/{pk}", response={204: None}, summary="Unsubscribe")
def unsubscribe(request: HttpRequest, pk: int) -> Status:
    _integrator(request, Scope.WORK_WRITE)
    _subscription(pk).delete()
    return Status(204, None)


@router.get("/webhooks/{pk}/deliveries", response=DeliveryPage, summary="Delivery log")
def deliveries(
    request: HttpRequest,
    pk: int,
    cursor: Cursor = None,
    limit: Limit = None,
    status: str | None = None,
) -> dict[str, Any]:
    _integrator(request, Scope.WORK_READ)
    subscription = _subscription(pk)
    queryset = Delivery.objects.filter(subscription=subscription).select_related("event")
    if status:
        if status not in DeliveryStatus.values:
            raise bad_parameter("status", ", ".join(DeliveryStatus.values))
        queryset = queryset.filter(status=status)
    page = paginate(queryset, cursor=cursor, limit=limit)
    tries: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(delivery__in=page.items).order_by("at", "id"):
        tries.setdefault(attempt.delivery_id, []).append(attempt)
    items = [
        {
            "id": d.pk,
            "event_id": f"evt_{d.event_id}",
            "event": d.event.kind,
            "occurred_at": d.event.occurred_at,
            "status": d.status,
            "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
            "delivered_at": d.delivered_at,
            "tries": [
                {
                    "at": a.at,
                    "status_code": a.status_code,
                    "error": a.error,
                    "duration_ms": a.duration_ms,
                }
                for a in tries.get(d.pk, [])
            ],
        }
        for d in page.items
    ]
    return {"items": items, "next": page.next}


@router.post(
    "/webhooks/{pk}/deliveries/{delivery_id}/replay",
    response={202: None},
    summary="Send a delivery again",
)
def replay_delivery(request: HttpRequest, pk: int, delivery_id: int) -> Status:
    _integrator(request, Scope.WORK_WRITE)
    delivery = Delivery.objects.filter(pk=delivery_id, subscription_id=pk).first()
    if delivery is None:
        raise ApiProblem(404, _("Not found"), _("No such delivery."))
    replay(delivery)
    return Status(202, None)
