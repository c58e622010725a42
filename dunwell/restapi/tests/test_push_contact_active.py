"""A push marks who no longer works at the debtor: the API reported a contact's `active` and
refused it on push ("unknown field"), so a CRM could not tell that a person left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Company, Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def pusher(api_client: Callable[..., Any], make_user: Callable[..., User], company: Company) -> Any:
    return api_client(make_user("fiona", Role.FINANCE))


def _contact(**extra: Any) -> dict[str, Any]:
    return {"external_id": "P1", "counterparty": "C1", "name": "Ana Pop", **extra}


def test_active_is_taken_on_push_and_kept_when_left_out(pusher: Any) -> None:
    cp = {"external_id": "C1", "name": "Client 1 SRL", "country": "RO"}
    pusher.post("/api/v1/counterparties", {"items": [cp]})
    # A new contact is active unless the push says otherwise.
    assert pusher.post("/api/v1/contacts", {"items": [_contact()]}).status_code == 200
    assert Contact.objects.get().active
    response = pusher.post("/api/v1/contacts", {"items": [_contact(active=False)]})
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 1, "active_changed": 1}
    assert not Contact.objects.get().active
    # Left out or null: the contact keeps it (the collector may have set it).
    pusher.post("/api/v1/contacts", {"items": [_contact(position="CFO")]})
    pusher.post("/api/v1/contacts", {"items": [_contact(active=None)]})
    assert not Contact.objects.get().active
    # The read API reports what was pushed.
    [read] = pusher.get("/api/v1/contacts").json()["items"]
    assert read["active"] is False
    pusher.post("/api/v1/contacts", {"items": [_contact(active=True)]})
    assert Contact.objects.get().active
    # A new contact pushed as gone is created gone.
    new = {"external_id": "P2", "counterparty": "C1", "name": "Ion Rusu", "active": False}
    assert pusher.post("/api/v1/contacts", {"items": [new]}).json()["created"] == 1
    assert not Contact.objects.get(external_id="P2").active


def test_an_active_that_is_not_true_or_false_is_refused_naming_the_item(pusher: Any) -> None:
    pusher.post(
        "/api/v1/counterparties", {"items": [{"external_id": "C1", "name": "X", "country": "RO"}]}
    )
    response = pusher.post("/api/v1/contacts", {"items": [_contact(), _contact(active="no")]})
    assert response.status_code == 422
    assert {"index": 1, "field": "active", "detail": "expected true, false or null"} in (
        response.json()["errors"]
    )
    assert not Contact.objects.exists()
