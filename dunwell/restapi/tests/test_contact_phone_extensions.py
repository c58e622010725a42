"""A contact pushed with an extension after its phone ("0721 234 567 int. 12") keeps it apart,
as an imported file and the contact form do, and the API reads it back (`phone_ext`): the push
dropped "доб. 12" or refused "int. 12" as no phone, and the API had no field for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Company, Contact


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE)


def test_a_pushed_extension_is_kept_and_read_back(
    api_client: Callable[..., Any], finance: User, company: Company
) -> None:
    pusher = api_client(finance, ["ledger:write", "ledger:read"])
    cp = {"external_id": "C1", "name": "Client 1 SRL", "country": "RO"}
    assert pusher.post("/api/v1/counterparties", {"items": [cp]}).status_code == 200
    contact = {
        "external_id": "P1",
        "counterparty": "C1",
        "name": "Ana Pop",
        "phone": "0721 234 567 int. 12",
        "phone_alt": "021 999 9999 доб. 7",
    }
    response = pusher.post("/api/v1/contacts", {"items": [contact]})
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    saved = Contact.objects.get(external_id="P1")
    assert (saved.phone, saved.phone_ext) == ("+40721234567", "12")
    assert (saved.phone_alt, saved.phone_alt_ext) == ("+40219999999", "7")
    [item] = pusher.get("/api/v1/contacts").json()["items"]
    assert (item["phone"], item["phone_ext"]) == ("+40721234567", "12")
    assert (item["phone_alt"], item["phone_alt_ext"]) == ("+40219999999", "7")


def test_an_extension_without_a_number_is_refused_naming_the_item_and_field(
    api_client: Callable[..., Any], finance: User, company: Company
) -> None:
    pusher = api_client(finance, ["ledger:write"])
    cp = {"external_id": "C1", "name": "Client 1 SRL", "country": "RO"}
    pusher.post("/api/v1/counterparties", {"items": [cp]})
    items = [
        {"external_id": "P1", "counterparty": "C1", "name": "Ana Pop", "phone": "0721234567"},
        {"external_id": "P2", "counterparty": "C1", "name": "Ion Popa", "phone": "int. 12"},
    ]
    response = pusher.post("/api/v1/contacts", {"items": items})
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "phone")]
    assert not Contact.objects.exists()
