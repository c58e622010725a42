"""Pushing ledger rows: through the import engine, all or nothing, idempotent."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Company, Counterparty, Document
from dunwell.restapi import push
from dunwell.restapi.models import IdempotentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE)


@pytest.fixture
def pusher(api_client: Callable[..., Any], finance: User, company: Company) -> Any:
    return api_client(finance)


def counterparty(n: int, **extra: Any) -> dict[str, Any]:
    return {"external_id": f"C{n}", "name": f"Client {n} SRL", "country": "RO", **extra}


def document(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": f"D{n}",
        "counterparty": "C1",
        "number": f"F-{n}",
        "date": "2026-03-01",
        "due_date": "2026-03-31",
        "amount": 1234.5,
        "currency": "RON",
        **extra,
    }


def test_push_creates_then_a_re_push_changes_nothing(pusher: Any) -> None:
    items = [counterparty(1), counterparty(2, tax_id="RO18547290")]
    first = pusher.post("/api/v1/counterparties", {"items": items})
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    again = pusher.post("/api/v1/counterparties", {"items": items})
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    changed = pusher.post(
        "/api/v1/counterparties", {"items": [counterparty(1, name="Client One SRL")]}
    )
    assert changed.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert Counterparty.objects.get(external_id="C1").name == "Client One SRL"


def test_pushed_numbers_stay_exact(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    body = (
        '{"items": [{"external_id": "D1", "counterparty": "C1", "number": "F-1",'
        ' "date": "2026-03-01", "amount": 9999999999999.99, "currency": "RON",'
        ' "accepted": false}]}'
    )
    response = pusher.post("/api/v1/documents", body)
    assert response.status_code == 200, response.content
    assert Document.objects.get().amount == Decimal("9999999999999.99")


def test_bad_items_are_listed_by_index_and_field_and_nothing_is_written(pusher: Any) -> None:
    items = [
        counterparty(1),
        counterparty(2, country=""),
        counterparty(3),
        {"external_id": "C4", "name": "Four", "country": "RO", "language": "xx"},
    ]
    response = pusher.post("/api/v1/counterparties", {"items": items})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Items rejected"
    assert {(e["index"], e["field"]) for e in body["errors"]} == {(1, "country"), (3, "language")}
    assert "nothing was written" in body["detail"]
    assert not Counterparty.objects.exists()


def test_unknown_fields_are_named_with_their_item(pusher: Any) -> None:
    response = pusher.post(
        "/api/v1/counterparties", {"items": [counterparty(1), counterparty(2, colour="red")]}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"index": 1, "field": "colour", "detail": "unknown field"}]
    assert not Counterparty.objects.exists()


def test_values_that_are_not_scalars_are_refused(pusher: Any) -> None:
    response = pusher.post("/api/v1/counterparties", {"items": [counterparty(1, name={"a": 1})]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["index"] == 0
    assert response.json()["errors"][0]["field"] == "name"


def test_more_than_ten_thousand_items_are_refused(pusher: Any) -> None:
    items = [counterparty(n) for n in range(push.MAX_ITEMS + 1)]
    response = pusher.post("/api/v1/counterparties", {"items": items})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "10,000" in response.json()["detail"]
    assert not Counterparty.objects.exists()


def test_an_empty_batch_and_bad_json_are_problems(pusher: Any) -> None:
    empty = pusher.post("/api/v1/counterparties", {"items": []})
    assert empty.status_code == 422
    broken = pusher.post("/api/v1/counterparties", "{not json")
    assert broken.status_code == 400
    assert broken.json()["detail"] == "The body is not valid JSON."


def test_documents_are_pushed_with_their_counterparty(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    response = pusher.post("/api/v1/documents", {"items": [document(1), document(2)]})
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert Document.objects.get(external_id="D1").amount == Decimal("1234.50")


def test_a_replayed_idempotency_key_returns_the_first_answer_without_running(
    pusher: Any, django_assert_max_num_queries: Any
) -> None:
    body = {"items": [counterparty(1)]}
    first = pusher.post("/api/v1/counterparties", body, **{"Idempotency-Key": "k-1"})
    assert first.json() == {"created": 1, "updated": 0, "unchanged": 0}
    Counterparty.objects.all().delete()
    replay = pusher.post("/api/v1/counterparties", body, **{"Idempotency-Key": "k-1"})
    assert replay.status_code == 200
    assert replay.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert replay["Idempotent-Replayed"] == "true"
    assert not Counterparty.objects.exists()  # it did not run again


def test_a_rejected_push_is_replayed_as_rejected(pusher: Any) -> None:
    body = {"items": [counterparty(1, country="")]}
    first = pusher.post("/api/v1/counterparties", body, **{"Idempotency-Key": "k-2"})
    replay = pusher.post("/api/v1/counterparties", body, **{"Idempotency-Key": "k-2"})
    assert first.status_code == replay.status_code == 422
    assert replay.json() == first.json()


def test_the_same_key_with_another_body_is_refused(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]}, **{"Idempotency-Key": "k"})
    other = pusher.post(
        "/api/v1/counterparties", {"items": [counterparty(2)]}, **{"Idempotency-Key": "k"}
    )
    assert other.status_code == 422
    assert other.json()["title"] == "Idempotency-Key reused"
    assert not Counterparty.objects.filter(external_id="C2").exists()


def test_a_key_still_running_is_not_run_twice(pusher: Any) -> None:
    # The first request inserted its claim and is still importing (no status yet).
    body = {"items": [counterparty(1)]}
    import json

    from dunwell.restapi.idempotency import body_hash

    IdempotentRequest.objects.create(
        token=pusher.token, key="busy", body_hash=body_hash(json.dumps(body).encode())
    )
    response = pusher.post("/api/v1/counterparties", body, **{"Idempotency-Key": "busy"})
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert not Counterparty.objects.exists()


def test_keys_are_per_token(
    api_client: Callable[..., Any], finance: User, company: Company
) -> None:
    one, two = api_client(finance), api_client(finance)
    one.post("/api/v1/counterparties", {"items": [counterparty(1)]}, **{"Idempotency-Key": "k"})
    response = two.post(
        "/api/v1/counterparties", {"items": [counterparty(2)]}, **{"Idempotency-Key": "k"}
    )
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}


def test_pushing_needs_the_write_scope(
    api_client: Callable[..., Any], finance: User, company: Company
) -> None:
    reader = api_client(finance, ["ledger:read"])
    response = reader.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    assert response.status_code == 403
    assert response.json()["detail"] == "This token does not have the ledger:write scope."
    assert not Counterparty.objects.exists()


def test_a_user_who_may_not_import_cannot_push(
    api_client: Callable[..., Any], finance: User, company: Company
) -> None:
    client = api_client(finance)
    User.objects.filter(pk=finance.pk).update(role=Role.COLLECTOR)
    response = client.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    assert response.status_code == 403
    assert not Counterparty.objects.exists()


def test_with_several_companies_an_item_names_its_company(pusher: Any, company: Company) -> None:
    Company.objects.create(name="Other", code="other", country="RO", currency="RON")
    missing = pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "company"
    named = pusher.post("/api/v1/counterparties", {"items": [counterparty(1, company="other")]})
    assert named.json()["created"] == 1
    assert Counterparty.objects.get().company.code == "other"


def test_a_required_field_no_item_has_is_an_error_without_index(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    item = document(1)
    del item["amount"]
    response = pusher.post("/api/v1/documents", {"items": [item]})
    assert response.status_code == 422
    assert {"index": None, "field": "amount", "detail": "missing required column"} in (
        response.json()["errors"]
    )
    assert not Document.objects.exists()


def test_an_unknown_counterparty_is_named_with_its_item(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    response = pusher.post(
        "/api/v1/documents", {"items": [document(1), document(2, counterparty="C9")]}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 1, "field": "counterparty", "detail": "unknown counterparty 'C9'"}
    ]
    assert response.json()["detail"] == "1 item rejected; nothing was written."
    assert not Document.objects.exists()


def test_contact_roles_may_be_a_list(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    contact = {
        "external_id": "P1",
        "counterparty": "C1",
        "name": "Ana Pop",
        "roles": ["accountant", "signs"],
    }
    response = pusher.post("/api/v1/contacts", {"items": [contact]})
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    saved = Counterparty.objects.get().contacts.get()
    assert saved.accountant and saved.signs and not saved.orders


def test_every_kind_can_be_pushed(pusher: Any) -> None:
    pusher.post("/api/v1/counterparties", {"items": [counterparty(1)]})
    contract = {"external_id": "K1", "counterparty": "C1", "number": "1/26",
                "date": "2026-01-01", "currency": "RON", "payment_days": 30}  # fmt: skip
    payment = {"external_id": "P1", "counterparty": "C1", "date": "2026-03-05",
               "amount": "100.00", "currency": "RON"}  # fmt: skip
    assert pusher.post("/api/v1/contracts", {"items": [contract]}).json()["created"] == 1
    assert pusher.post("/api/v1/documents", {"items": [document(1)]}).json()["created"] == 1
    assert pusher.post("/api/v1/payments", {"items": [payment]}).json()["created"] == 1
    assert Document.objects.get().open_amount == Decimal("1134.50")


def test_a_large_push_is_not_held_to_the_form_upload_limit(pusher: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    items = [counterparty(n, address="Strada Lungă " * 20) for n in range(20)]
    response = pusher.post("/api/v1/counterparties", {"items": items})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 20


def test_a_body_over_the_push_limit_is_413(pusher: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push, "MAX_BODY_BYTES", 100)
    response = pusher.post("/api/v1/counterparties", {"items": [counterparty(n) for n in range(9)]})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert not Counterparty.objects.exists()
