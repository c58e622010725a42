"""Webhook deliveries to a real local receiver: signed, retried with backoff while the receiver
is down, given up after a day, replayed from the log, in event order per debtor."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.services import record_promise, register_dispute
from dunwell.ledger.models import Company, Counterparty
from dunwell.outbox.models import Event
from dunwell.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from dunwell.webhooks.services import (
    WebhookError,
    create_subscription,
    dispatch,
    replay,
    update_subscription,
)
from dunwell.webhooks.signing import verify
from dunwell.webhooks.tests.receiver import closed_port_url, receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    return make_counterparty(name="Alpha SRL", external_id="C-1", tax_id="18547290")


def promise(debtor: Counterparty, user: User, amount: str = "500.00") -> None:
    record_promise(
        counterparty=debtor,
        amount=Decimal(amount),
        promised_date=date(2026, 12, 10),
        user=user,
        currency="RON",
    )


def test_a_promise_reaches_the_receiver_signed_with_the_subscriptions_secret(
    debtor: Counterparty, director: User, company: Company
) -> None:
    with receiver() as rx:
        _sub, secret = create_subscription(url=rx.url, events=["promise.made"], user=director)
        promise(debtor, director)
        dispatch()
        assert len(rx.received) == 1
        got = rx.received[0]
    body = json.loads(got.body)
    assert body["type"] == "promise.made"
    assert body["counterparty"] == {
        "id": debtor.pk,
        "external_id": "C-1",
        "name": "Alpha SRL",
        "tax_id": "18547290",
    }
    assert body["company"] == {"id": company.pk, "code": "demo"}
    assert body["data"]["amount"] == "500.00" and body["data"]["currency"] == "RON"
    assert got.headers["Dunwell-Event-Type"] == "promise.made"
    assert got.headers["Dunwell-Event-Id"] == body["id"]
    assert verify(secret, got.body, got.headers["Dunwell-Signature"])
    assert not verify(secret, got.body + b" ", got.headers["Dunwell-Signature"])
    assert not verify("whsec_other", got.body, got.headers["Dunwell-Signature"])
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert Attempt.objects.get().status_code == 200


def test_events_nobody_subscribed_to_are_not_sent(debtor: Counterparty, director: User) -> None:
    with receiver() as rx:
        create_subscription(url=rx.url, events=["dispute.opened"], user=director)
        promise(debtor, director)
        dispatch()
        assert rx.received == []
    # Not even written: no subscription lists promise.made (outbox.services.wanted).
    assert not Event.objects.exists()
    assert not Delivery.objects.exists()


def test_a_paused_subscription_still_has_its_events_kept(
    debtor: Counterparty, director: User
) -> None:
    """Events of a kind only a paused subscription lists are written: resumed before the
    fan-out, it gets them."""
    with receiver() as rx:
        sub, _secret = create_subscription(url=rx.url, events=["promise.made"], user=director)
        Subscription.objects.filter(pk=sub.pk).update(active=False)
        promise(debtor, director)
        assert Event.objects.filter(kind="promise.made").count() == 1
        Subscription.objects.filter(pk=sub.pk).update(active=True)
        dispatch()
        assert [json.loads(r.body)["type"] for r in rx.received] == ["promise.made"]


def test_a_subscription_for_another_company_gets_nothing(
    debtor: Counterparty, director: User
) -> None:
    other = Company.objects.create(
        name="Other", code="other", country="MD", currency="MDL", time_zone="Europe/Chisinau"
    )
    with receiver() as rx:
        create_subscription(url=rx.url, events=["promise.made"], user=director, company=other)
        promise(debtor, director)
        dispatch()
        assert rx.received == []


def test_a_receiver_that_is_down_gets_retries_with_backoff_then_the_event(
    debtor: Counterparty, director: User
) -> None:
    sub, _secret = create_subscription(
        url=closed_port_url(), events=["promise.made"], user=director
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        promise(debtor, director)
        dispatch()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error  # what went wrong is in the log
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        dispatch()  # not due yet
    assert Delivery.objects.get().attempts == 1
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        dispatch()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == start + timedelta(seconds=31 + 60)
    with receiver() as rx:
        update_subscription(
            sub, url=rx.url, events=sub.events, active=True, company=None, description=""
        )
        with time_machine.travel(start + timedelta(seconds=92), tick=False):
            dispatch()
        assert len(rx.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert [a.status_code for a in Attempt.objects.order_by("at")] == [None, None, 200]


def test_a_delivery_is_given_up_after_a_day_and_can_be_replayed(
    debtor: Counterparty, director: User
) -> None:
    with receiver() as rx:
        rx.status = 503
        create_subscription(url=rx.url, events=["promise.made"], user=director)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            promise(debtor, director)
            dispatch()
        moment = start
        for _ in range(40):
            moment += timedelta(hours=1)
            with time_machine.travel(moment, tick=False):
                dispatch()
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.last_status == 503
        tries = delivery.attempts
        assert 2 < tries < 40  # retried, then stopped after a day
        rx.status = 204
        replay(delivery)
        dispatch()
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts == tries + 1
        assert len(rx.received) == tries + 1
        # Every try carries the same event id: the receiver can drop duplicates.
        assert len({r.headers["Dunwell-Event-Id"] for r in rx.received}) == 1


def test_a_debtors_later_event_waits_for_its_earlier_one(
    debtor: Counterparty, director: User, make_counterparty: Callable[..., Counterparty]
) -> None:
    other = make_counterparty(name="Beta SRL")
    with receiver() as rx:
        rx.status = 500
        create_subscription(url=rx.url, events=["promise.made", "dispute.opened"], user=director)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            promise(debtor, director)
            register_dispute(
                counterparty=debtor,
                reason="quality",
                amount=Decimal("10.00"),
                user=director,
                currency="RON",
            )
            promise(other, director)
            dispatch()
        # The first event of each debtor was tried; Alpha's dispute waits behind its promise.
        types = [(json.loads(r.body)["counterparty"]["name"], r.headers["Dunwell-Event-Type"])
                 for r in rx.received]  # fmt: skip
        assert sorted(types) == [("Alpha SRL", "promise.made"), ("Beta SRL", "promise.made")]
        rx.status = 200
        with time_machine.travel(start + timedelta(minutes=1), tick=False):
            dispatch()
        alpha = [
            r.headers["Dunwell-Event-Type"]
            for r in rx.received
            if json.loads(r.body)["counterparty"]["name"] == "Alpha SRL"
        ]
    assert alpha == ["promise.made", "promise.made", "dispute.opened"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_an_event_is_delivered_once_however_often_the_dispatcher_runs(
    debtor: Counterparty, director: User
) -> None:
    with receiver() as rx:
        create_subscription(url=rx.url, events=["promise.made"], user=director)
        promise(debtor, director)
        for _ in range(3):
            dispatch()
        assert len(rx.received) == 1


def test_the_commit_that_emits_an_event_wakes_the_dispatcher(
    debtor: Counterparty,
    director: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with receiver() as rx:
        create_subscription(url=rx.url, events=["promise.made"], user=director)
        with django_capture_on_commit_callbacks(execute=True):
            promise(debtor, director)
        assert len(rx.received) == 1


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
def test_in_production_a_private_address_is_refused(director: User) -> None:
    for url in ("http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://[::1]/x"):
        with pytest.raises(WebhookError, match="private network"):
            create_subscription(url=url, events=["task.created"], user=director)


def test_a_subscription_needs_an_http_url_and_known_events(director: User) -> None:
    with pytest.raises(WebhookError, match="http"):
        create_subscription(url="ftp://example.com/x", events=["task.created"], user=director)
    with pytest.raises(WebhookError, match="Unknown event"):
        create_subscription(url="https://example.com/x", events=["task.eaten"], user=director)
    with pytest.raises(WebhookError, match="at least one"):
        create_subscription(url="https://example.com/x", events=[], user=director)


def test_old_events_are_forgotten_once_nothing_of_them_waits(
    debtor: Counterparty, director: User
) -> None:
    from dunwell.webhooks.services import purge

    sub, _secret = create_subscription(
        url=closed_port_url(), events=["promise.made"], user=director
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        promise(debtor, director)
        promise(debtor, director, "20.00")
        dispatch()  # both wait: the receiver is down
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk")[0].pk).update(
        status=DeliveryStatus.DELIVERED
    )
    with time_machine.travel(start + timedelta(days=31), tick=False):
        assert purge(30) == 1
    assert Event.objects.count() == 1 and Delivery.objects.get().status == DeliveryStatus.PENDING
    assert sub.deliveries.count() == 1


def test_a_delivery_whose_connection_lands_on_a_private_address_is_a_failed_attempt(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """The name passed the check, but the address connected to is private (the DNS answer
    changed): nothing is sent, the attempt fails with the reason."""
    from dunwell.webhooks import services

    with receiver() as rx:
        settings.WEBHOOKS_ALLOW_PRIVATE = False
        monkeypatch.setattr(services, "check_url", lambda url: None)
        outcome = services.post(rx.url, b"{}", {"Content-Type": "application/json"})
        assert rx.received == []
    assert outcome.status is None
    assert "127.0.0.1 is on a private network" in outcome.error
