"""Webhook subscriptions over the REST API: scopes, who may, the secret once, the log, replay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ladder.services import record_promise
from dunwell.ledger.models import Company, Counterparty
from dunwell.webhooks.models import Delivery, DeliveryStatus, Subscription
from dunwell.webhooks.services import dispatch
from dunwell.webhooks.signing import verify
from dunwell.webhooks.tests.receiver import receiver

pytestmark = pytest.mark.django_db


def test_a_director_subscribes_and_the_answer_carries_the_secret_once(
    director: User, company: Company, api_client: Callable[..., Any],
    make_counterparty: Callable[..., Counterparty],
) -> None:  # fmt: skip
    client = api_client(director, ["work:read", "work:write"])
    debtor = make_counterparty(name="Alpha SRL")
    with receiver() as rx:
        answer = client.post(
            "/api/v1/webhooks",
            {"url": rx.url, "events": ["promise.made"], "company": "demo"},
        )
        assert answer.status_code == 201, answer.content
        created = answer.json()
        assert created["company"] == "demo" and created["secret"].startswith("whsec_")
        listed = client.get("/api/v1/webhooks").json()
        assert [s["url"] for s in listed] == [rx.url]
        assert "secret" not in listed[0]
        record_promise(
            counterparty=debtor, amount=Decimal("5"), promised_date=date(2026, 12, 9),
            user=director, currency="RON",
        )  # fmt: skip
        dispatch()
        got = rx.received[0]
    assert verify(created["secret"], got.body, got.headers["Dunwell-Signature"])
    log = client.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()
    assert [(d["event"], d["status"]) for d in log["items"]] == [("promise.made", "delivered")]
    assert log["items"][0]["tries"][0]["status_code"] == 200


def test_replay_and_unsubscribe(
    director: User,
    api_client: Callable[..., Any],
    make_counterparty: Callable[..., Counterparty],
) -> None:
    client = api_client(director, ["work:read", "work:write"])
    debtor = make_counterparty()
    with receiver() as rx:
        created = client.post("/api/v1/webhooks", {"url": rx.url, "events": ["promise.made"]})
        sub_id = created.json()["id"]
        record_promise(
            counterparty=debtor, amount=Decimal("5"), promised_date=date(2026, 12, 9),
            user=director, currency="RON",
        )  # fmt: skip
        dispatch()
        delivery = Delivery.objects.get()
        answer = client.post(f"/api/v1/webhooks/{sub_id}/deliveries/{delivery.pk}/replay", {})
        assert answer.status_code == 202
        dispatch()
        assert len(rx.received) == 2
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED
    gone = client.client.delete(
        f"/api/v1/webhooks/{sub_id}", headers={"Authorization": f"Bearer {client.secret}"}
    )
    assert gone.status_code == 204 and not Subscription.objects.exists()


def test_bad_subscriptions_get_a_422_naming_the_field(
    director: User, api_client: Callable[..., Any]
) -> None:
    client = api_client(director, ["work:read", "work:write"])
    bad_url = client.post("/api/v1/webhooks", {"url": "ftp://x", "events": ["task.created"]})
    assert bad_url.status_code == 422 and bad_url["Content-Type"] == "application/problem+json"
    assert bad_url.json()["errors"][0]["field"] == "url"
    bad_event = client.post(
        "/api/v1/webhooks", {"url": "https://example.com/h", "events": ["task.eaten"]}
    )
    assert bad_event.status_code == 422 and bad_event.json()["errors"][0]["field"] == "events"
    unknown = client.post(
        "/api/v1/webhooks",
        {"url": "https://example.com/h", "events": ["task.created"], "company": "nope"},
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "company"
    assert not Subscription.objects.exists()


def test_scopes_and_roles_are_enforced(
    director: User, make_user: Callable[..., User], api_client: Callable[..., Any]
) -> None:
    reader = api_client(director, ["work:read"])
    assert reader.get("/api/v1/webhooks").status_code == 200
    refused = reader.post(
        "/api/v1/webhooks", {"url": "https://e.com/h", "events": ["task.created"]}
    )
    assert refused.status_code == 403 and refused.json()["scope"] == "work:write"
    supervisor = make_user("sup", Role.SUPERVISOR)
    manager = api_client(supervisor, ["work:read", "work:write"])
    assert manager.get("/api/v1/webhooks").status_code == 403
    assert (
        manager.post(
            "/api/v1/webhooks", {"url": "https://e.com/h", "events": ["task.created"]}
        ).status_code
        == 403
    )
    assert api_client(None).get("/api/v1/webhooks").status_code == 401
    assert not Subscription.objects.exists()
