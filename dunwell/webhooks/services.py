"""Webhooks: subscriptions, the fan-out of outbox events into deliveries, and the sender.

Delivery is at least once: an event becomes one delivery per matching subscription in the
transaction that marks it dispatched; a delivery is retried with exponential backoff until it
gets a 2xx answer or a day has passed since its first attempt. Deliveries of one debtor go out
in event order: a later one waits while an earlier one of the same debtor is still pending.
Receivers de-duplicate on the event id (`Dunwell-Event-Id`)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell import bulk
from dunwell.accounts.models import User
from dunwell.ledger.models import Company, Counterparty
from dunwell.locks import LockBusy, exclusive
from dunwell.netguard import UnsafeAddress, check_public_url, public_opener
from dunwell.outbox.models import Event, EventKind
from dunwell.secrets_box import open_secret, seal
from dunwell.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from dunwell.webhooks.signing import HEADER, signature

PURPOSE = "webhooks.secret"
FANOUT_BATCH = 5000
SEND_BATCH = 100
TIMEOUT_SECONDS = 10
CLAIM_SECONDS = 60
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)
USER_AGENT = "Dunwell-Webhooks/1"


class WebhookError(Exception):
    """A subscription that cannot be saved (bad URL, unknown event); `field` names the input."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__(message)
        self.field = field


# --- subscriptions -----------------------------------------------------------------------------


def check_url(url: str) -> None:
    """http(s) only; in production no loopback, private or link-local address (SSRF): the
    rule of `dunwell.netguard`, the one home of that check."""
    try:
        check_public_url(url)
    except UnsafeAddress as exc:
        raise WebhookError(str(exc)) from None


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in EventKind.values]
    if unknown:
        raise WebhookError(
            _("Unknown event: %(event)s.") % {"event": ", ".join(unknown)}, field="events"
        )
    if not chosen:
        raise WebhookError(_("Choose at least one event."), field="events")
    return chosen


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def create_subscription(
    *,
    url: str,
    events: Iterable[str],
    user: User | None,
    company: Company | None = None,
    description: str = "",
) -> tuple[Subscription, str]:
    """The new subscription and its signing secret (shown to the user once, stored sealed)."""
    check_url(url)
    chosen = _check_events(events)
    secret = new_secret()
    subscription = Subscription.objects.create(
        url=url,
        events=chosen,
        company=company,
        description=description,
        secret_sealed=seal(secret, PURPOSE),
        created_by=user,
    )
    return subscription, secret


def update_subscription(
    subscription: Subscription,
    *,
    url: str,
    events: Iterable[str],
    active: bool,
    company: Company | None,
    description: str,
) -> Subscription:
    check_url(url)
    subscription.url = url
    subscription.events = _check_events(events)
    subscription.active = active
    subscription.company = company
    subscription.description = description
    subscription.save()
    return subscription


def secret_of(subscription: Subscription) -> str:
    return open_secret(subscription.secret_sealed, PURPOSE)


@transaction.atomic
def replay(delivery: Delivery) -> Delivery:
    """Send a delivery again (delivered or given up): a new day of retries starts now."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.first_attempt_at = None
    delivery.claimed_until = None
    delivery.save(update_fields=["status", "next_attempt_at", "first_attempt_at", "claimed_until"])
    transaction.on_commit(wake)
    return delivery


# --- fan-out -----------------------------------------------------------------------------------


# A subscription's events are a JSON list: its text holds "<kind>" quoted (`{}` is the kind).
_LISTS_KIND = "CAST(s.events AS TEXT) LIKE '%%\"' || {} || '\"%%'"


def subscribed(kind: str) -> bool:
    """Whether a subscription, active or paused, lists `kind` (the outbox asks before writing
    events of it). Paused ones count: one resumed before the fan-out still gets its events."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM webhooks_subscription s "  # noqa: S608 - a fixed fragment
            f"WHERE {_LISTS_KIND.format('%s')} LIMIT 1",
            [kind],
        )
        return cursor.fetchone() is not None


def fan_out() -> int:
    """Turn undispatched events into deliveries for the subscriptions that want them; returns
    how many deliveries were queued. Set-based, in batches, each batch one transaction."""
    queued = 0
    while True:
        with transaction.atomic():
            ids = list(
                Event.objects.filter(dispatched=False)
                .order_by("id")
                .select_for_update(skip_locked=connection.vendor == "postgresql")
                .values_list("id", flat=True)[:FANOUT_BATCH]
            )
            if not ids:
                return queued
            marks = ", ".join(["%s"] * len(ids))
            now = timezone.now()
            if connection.vendor == "sqlite":
                now = bulk.sqlite_value(now)  # stored as Django stores it, so that it compares
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO webhooks_delivery (subscription_id, event_id, counterparty_id, "  # noqa: S608 - placeholders only
                    "status, attempts, next_attempt_at, last_error, created_at) "
                    "SELECT s.id, e.id, e.counterparty_id, 'pending', 0, %s, '', %s "
                    "FROM outbox_event e "
                    "JOIN webhooks_subscription s ON s.active "
                    "AND e.occurred_at >= s.created_at "
                    f"AND {_LISTS_KIND.format('e.kind')} "
                    "LEFT JOIN ledger_counterparty c ON c.id = e.counterparty_id "
                    f"WHERE e.id IN ({marks}) "
                    "AND (s.company_id IS NULL "
                    "OR s.company_id = COALESCE(e.company_id, c.company_id)) "
                    "ORDER BY e.id "
                    "ON CONFLICT (subscription_id, event_id) DO NOTHING",
                    [now, now, *ids],
                )
                queued += max(cursor.rowcount, 0)
            Event.objects.filter(id__in=ids).update(dispatched=True)


# --- sending -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


# A 3xx is an answer, not a place to send the event's body; the address connected to is checked
# too (a host whose DNS answer turned private after `check_url`).
_OPENER = public_opener(follow_redirects=False)


def payload(delivery: Delivery) -> dict[str, Any]:
    event = delivery.event
    debtor: dict[str, Any] | None = None
    company_id = event.company_id
    if event.counterparty_id is not None:
        cp = (
            Counterparty.objects.filter(pk=event.counterparty_id)
            .values("id", "external_id", "name", "tax_id", "company_id")
            .first()
        )
        if cp is not None:
            company_id = company_id or cp["company_id"]
            debtor = {k: cp[k] for k in ("id", "external_id", "name", "tax_id")}
    company = (
        Company.objects.filter(pk=company_id).values("id", "code").first() if company_id else None
    )
    return {
        "id": f"evt_{event.pk}",
        "type": event.kind,
        "occurred_at": event.occurred_at.isoformat(),
        "company": company,
        "counterparty": debtor,
        "data": event.data,
    }


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        check_url(url)  # the address may have moved to a private network since
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) checked
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        error = f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, WebhookError, UnsafeAddress) as exc:
        reason = getattr(exc, "reason", exc)
        error = str(reason)[:1000]
    return Outcome(status, error, int((time.monotonic() - started) * 1000))


def _due(now: datetime) -> list[int]:
    earlier = Delivery.objects.filter(
        subscription_id=OuterRef("subscription_id"),
        counterparty_id=OuterRef("counterparty_id"),
        status=DeliveryStatus.PENDING,
        event_id__lt=OuterRef("event_id"),
    )
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(counterparty_id__isnull=True) | ~Exists(earlier))
        .order_by("next_attempt_at", "event_id")
        .values_list("id", flat=True)[:SEND_BATCH]
    )


def _claim(delivery_id: int, now: datetime) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def send_one(delivery_id: int) -> Delivery:
    delivery = Delivery.objects.select_related("subscription", "event").get(pk=delivery_id)
    subscription = delivery.subscription
    body = json.dumps(payload(delivery), ensure_ascii=False, separators=(",", ":")).encode()
    at = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        HEADER: signature(secret_of(subscription), body, at),
        "Dunwell-Event-Id": f"evt_{delivery.event_id}",
        "Dunwell-Event-Type": delivery.event.kind,
        "Dunwell-Delivery": str(delivery.pk),
    }
    outcome = post(subscription.url, body, headers)
    now = timezone.now()
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            at=now,
            status_code=outcome.status,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_status = outcome.status
        delivery.last_error = outcome.error
        delivery.claimed_until = None
        if outcome.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
        elif now - delivery.first_attempt_at >= GIVE_UP_AFTER:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()
    return delivery


def deliver_due(limit_seconds: float = 50) -> int:
    """Send what is due, oldest first, within about `limit_seconds`; returns how many tries."""
    started = time.monotonic()
    tries = 0
    while time.monotonic() - started < limit_seconds:
        now = timezone.now()
        due = _due(now)
        if not due:
            break
        sent_any = False
        for delivery_id in due:
            if _claim(delivery_id, now):
                send_one(delivery_id)
                tries += 1
                sent_any = True
            if time.monotonic() - started >= limit_seconds:
                break
        if not sent_any:
            break
    return tries


def purge(days: int) -> int:
    """Forget events (with their deliveries and log) older than `days`, once nothing of them is
    still waiting to be sent; returns how many events went."""
    cutoff = timezone.now() - timedelta(days=days)
    waiting = Delivery.objects.filter(event_id=OuterRef("pk"), status=DeliveryStatus.PENDING)
    old = Event.objects.filter(dispatched=True, occurred_at__lt=cutoff).exclude(Exists(waiting))
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:FANOUT_BATCH]):
        Event.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def dispatch() -> None:
    """Fan out new events and send what is due (the worker's periodic job and the task woken
    after each commit that emitted events). Only one dispatcher at a time per database."""
    try:
        with exclusive("webhooks-dispatch", wait=False):
            fan_out()
            deliver_due()
    except LockBusy:
        return  # another worker is dispatching: it will see these events too


def housekeeping() -> None:
    """The periodic job: dispatch, then forget what is past DUNWELL_EVENTS_RETENTION_DAYS."""
    dispatch()
    purge(settings.EVENTS_RETENTION_DAYS)


def wake() -> None:
    """After a commit that emitted events: dispatch in the background (the worker)."""
    if not Subscription.objects.filter(active=True).exists():
        return
    from dunwell.webhooks.tasks import dispatch_task

    dispatch_task.enqueue()
