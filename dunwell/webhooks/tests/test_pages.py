"""The webhook pages: subscriptions, the secret shown once, the delivery log with replay; only
for who may manage integrations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from dunwell.accounts.models import Role, User
from dunwell.ladder.services import record_promise
from dunwell.ledger.models import Counterparty
from dunwell.webhooks.models import Delivery, DeliveryStatus, Subscription
from dunwell.webhooks.services import create_subscription, dispatch, secret_of
from dunwell.webhooks.tests.receiver import receiver

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_director_adds_a_subscription_and_reads_its_secret_once(director: User) -> None:
    client = client_for(director)
    page = client.post(
        "/integrations/webhooks/new/",
        {
            "url": "https://erp.example.com/dunwell",
            "events": ["promise.broken", "task.completed"],
            "description": "ERP",
            "active": "on",
        },
        follow=True,
    )
    assert page.status_code == 200
    assert page.redirect_chain  # Post/Redirect/Get (test_secret_once.py)
    subscription = Subscription.objects.get()
    secret = secret_of(subscription)
    text = page.content.decode()
    assert secret in text and "not shown again" in text
    assert subscription.events == ["promise.broken", "task.completed"]
    assert secret not in subscription.secret_sealed
    listing = client.get("/integrations/webhooks/").content.decode()
    assert "https://erp.example.com/dunwell" in listing
    assert "Promise broken" in listing and "Task completed" in listing
    assert secret not in listing
    assert secret not in client.get(f"/integrations/webhooks/{subscription.pk}/").content.decode()


def test_a_bad_url_is_refused_with_the_reason(director: User) -> None:
    page = client_for(director).post(
        "/integrations/webhooks/new/",
        {"url": "ftp://erp.example.com/x", "events": ["task.created"]},
    )
    assert page.status_code == 200
    assert not Subscription.objects.exists()
    assert "Enter a valid URL" in page.content.decode() or "http" in page.content.decode()


def test_a_private_address_is_refused_on_the_field_in_the_readers_language(
    make_user: Callable[..., User], settings: Any
) -> None:
    """In production (private addresses not allowed) the form refuses a receiver on this
    server or the office network when it is typed, not at delivery."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client = client_for(make_user("ada", Role.ADMIN, language="uk"))
    for url in ("http://127.0.0.1:9000/hook", "http://10.0.0.5/", "http://localhost/x"):
        page = client.post("/integrations/webhooks/new/", {"url": url, "events": ["task.created"]})
        text = page.content.decode()
        error = text[text.index('id="id_url_error"') :][:400]
        assert "розташований у приватній мережі; дозволено лише публічні адреси" in error
    assert not Subscription.objects.exists()


def test_the_log_shows_each_attempt_and_replays_a_given_up_delivery(
    director: User, make_counterparty: Callable[..., Counterparty]
) -> None:
    debtor = make_counterparty(name="Alpha SRL")
    with receiver() as rx:
        rx.status = 503
        subscription, _secret = create_subscription(
            url=rx.url, events=["promise.made"], user=director
        )
        record_promise(
            counterparty=debtor,
            amount=Decimal("10.00"),
            promised_date=date(2026, 12, 1),
            user=director,
            currency="RON",
        )
        dispatch()
        Delivery.objects.update(status=DeliveryStatus.FAILED)
        client = client_for(director)
        log = client.get(f"/integrations/webhooks/{subscription.pk}/").content.decode()
        assert "Promise made" in log and "HTTP 503" in log and "given up" in log
        delivery = Delivery.objects.get()
        rx.status = 200
        answer = client.post(
            f"/integrations/webhooks/{subscription.pk}/deliveries/{delivery.pk}/replay/"
        )
        assert answer.status_code == 302
        dispatch()
        assert len(rx.received) == 2
    log = client.get(f"/integrations/webhooks/{subscription.pk}/").content.decode()
    assert "HTTP 200" in log and "delivered" in log


def test_the_director_pauses_and_deletes_a_subscription(director: User) -> None:
    subscription, _secret = create_subscription(
        url="https://erp.example.com/x", events=["task.created"], user=director
    )
    client = client_for(director)
    client.post(
        f"/integrations/webhooks/{subscription.pk}/edit/",
        {"url": "https://erp.example.com/y", "events": ["task.created", "dispute.opened"]},
    )
    subscription.refresh_from_db()
    assert not subscription.active and subscription.url == "https://erp.example.com/y"
    client.post(f"/integrations/webhooks/{subscription.pk}/delete/")
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.COLLECTOR, Role.SALES, Role.SUPERVISOR, Role.FINANCE, Role.LAWYER]
)
def test_other_roles_are_refused_every_webhook_page(
    role: str, director: User, make_user: Callable[..., User]
) -> None:
    subscription, _secret = create_subscription(
        url="https://erp.example.com/x", events=["task.created"], user=director
    )
    client = client_for(make_user(f"user-{role}", role))
    for url in (
        "/integrations/webhooks/",
        "/integrations/webhooks/new/",
        f"/integrations/webhooks/{subscription.pk}/",
        f"/integrations/webhooks/{subscription.pk}/edit/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/integrations/webhooks/{subscription.pk}/delete/").status_code == 403
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_the_page_reads_in_romanian(make_user: Callable[..., User]) -> None:
    admin = make_user("ana", Role.ADMIN, language="ro")
    page = client_for(admin).get("/integrations/webhooks/new/").content.decode()
    assert "Promisiune" in page  # the event names are translated too


def test_deleting_a_subscription_asks_first_naming_it(make_user: Callable[..., User]) -> None:
    """One click on "Delete this subscription" deleted it with its waiting events and log."""
    import html
    import re

    admin = make_user("ana", Role.ADMIN, language="ru")
    subscription, _secret = create_subscription(
        url="https://erp.example.com/x", events=["task.created"], user=admin
    )
    page = client_for(admin).get(f"/integrations/webhooks/{subscription.pk}/edit/")
    action = f"/integrations/webhooks/{subscription.pk}/delete/"
    form = re.search(rf'<form method="post" action="{action}"([^>]*)>', page.content.decode())
    assert form
    attrs = html.unescape(form.group(1))
    assert 'hx-boost="true"' in attrs
    assert "Удалить подписку на https://erp.example.com/x? Вместе с ней удалятся" in attrs
