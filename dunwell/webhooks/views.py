"""Webhook pages (under /integrations/webhooks/), for who may manage integrations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.outbox.models import EventKind
from dunwell.webhooks.forms import SubscriptionForm
from dunwell.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from dunwell.webhooks.services import (
    WebhookError,
    create_subscription,
    replay,
    secret_of,
    update_subscription,
)

LOG_PAGE = 50
# The session key of the new subscriptions whose signing secret is still to be shown once.
_TO_SHOW = "webhooks.secrets_to_show"


def _integrator(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_manage_integrations(user):
        raise PermissionDenied
    return user


def _labels(kinds: list[str]) -> list[str]:
    return [str(EventKind(k).label) if k in EventKind.values else k for k in kinds]


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    _integrator(request)
    rows = Subscription.objects.select_related("company").annotate(
        waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )
    listed = [{"sub": row, "labels": _labels(row.events)} for row in rows]
    return render(request, "webhooks/subscriptions.html", {"subscriptions": listed})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = _integrator(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription, _secret = create_subscription(
                url=data["url"],
                events=data["events"],
                user=user,
                company=data["company"],
                description=data["description"],
            )
        except WebhookError as exc:
            form.add_error(exc.field, str(exc))
        else:
            if not data["active"]:
                Subscription.objects.filter(pk=subscription.pk).update(active=False)
            # Post/Redirect/Get: the page shows the secret once; reloading it neither adds
            # a second subscription nor shows the secret again. The session keeps only which
            # subscription's secret is still to be shown (the secret itself is stored sealed).
            request.session[_TO_SHOW] = [*request.session.get(_TO_SHOW, []), subscription.pk]
            return redirect("webhooks:created", subscription.pk)
    return render(request, "webhooks/form.html", {"form": form, "subscription": None})


@never_cache  # the browser's Back asks again: the secret is not kept in its history
@login_required
@require_GET
def created(request: HttpRequest, pk: int) -> HttpResponse:
    """A new subscription's signing secret, the first time only; later the page says it was
    shown once."""
    _integrator(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    waiting = list(request.session.get(_TO_SHOW, []))
    secret = None
    if subscription.pk in waiting:
        waiting.remove(subscription.pk)
        request.session[_TO_SHOW] = waiting
        secret = secret_of(subscription)
    return render(
        request, "webhooks/created.html", {"subscription": subscription, "secret": secret}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    _integrator(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    initial = {
        "url": subscription.url,
        "events": subscription.events,
        "company": subscription.company,
        "description": subscription.description,
        "active": subscription.active,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_subscription(
                subscription,
                url=data["url"],
                events=data["events"],
                active=data["active"],
                company=data["company"],
                description=data["description"],
            )
        except WebhookError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("Subscription saved."))
            return redirect("webhooks:log", subscription.pk)
    return render(request, "webhooks/form.html", {"form": form, "subscription": subscription})


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    _integrator(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    subscription.delete()
    messages.success(request, _("Subscription deleted."))
    return redirect("webhooks:subscriptions")


@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    """The subscription's deliveries, newest first, each with its attempts."""
    _integrator(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    status = request.GET.get("status", "")
    deliveries = (
        Delivery.objects.filter(subscription=subscription)
        .select_related("event")
        .order_by("-event_id")
    )
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, LOG_PAGE).get_page(request.GET.get("page"))
    tries: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(delivery__in=list(page.object_list)).order_by("at"):
        tries.setdefault(attempt.delivery_id, []).append(attempt)
    rows = [
        {
            "delivery": delivery,
            "tries": tries.get(delivery.pk, []),
            "label": _labels([delivery.event.kind])[0],
        }
        for delivery in page.object_list
    ]
    return render(
        request,
        "webhooks/log.html",
        {
            "subscription": subscription,
            "labels": _labels(subscription.events),
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
        },
    )


@login_required
@require_POST
def replay_delivery(request: HttpRequest, pk: int, delivery_id: int) -> HttpResponse:
    _integrator(request)
    delivery = get_object_or_404(Delivery, pk=delivery_id, subscription_id=pk)
    replay(delivery)
    messages.success(request, _("The event will be sent again."))
    return redirect("webhooks:log", pk)
