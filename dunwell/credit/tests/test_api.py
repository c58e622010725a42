"""POST/GET /api/v1/credit-check: by token scope and by the token user's visibility."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.credit.models import CreditApprovalRequest, CreditCheck
from dunwell.credit.services import decide_approval
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector, tax_id="RO18547290")


@pytest.fixture
def setup(cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any]) -> None:
    rules()
    limit(cp, "1000")


def body(**extra: Any) -> dict[str, Any]:
    return {"counterparty": "CP00001", "amount": "123.45", "currency": "RON", **extra}


def test_a_token_with_the_scope_gets_the_decision_and_every_reason(
    api_client: Callable[..., Any], collector: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(collector, ["credit:check"])
    answer = client.post("/api/v1/credit-check", body(order="R-1"))
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["decision"] == "allow"
    assert data["reasons"] == [
        {
            "code": "within_limit",
            "message": "exposure 123.45\u00a0RON with this order, limit 1,000.00\u00a0RON",
        }
    ]
    assert data["order"] == "R-1"
    assert CreditCheck.objects.get().channel == "api"


def test_the_counterparty_may_be_named_by_tax_id_and_reasons_follow_accept_language(
    api_client: Callable[..., Any], collector: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(collector, ["credit:check"])
    answer = client.post(
        "/api/v1/credit-check",
        body(counterparty="RO18547290", amount=5000),
        **{"Accept-Language": "ro"},
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["decision"] == "needs_approval"
    assert data["reasons"][0]["message"] == (
        "limita de 1.000,00\u00a0RON depășită cu 4.000,00\u00a0RON"
    )
    assert data["approval"]["status"] == "pending"


def test_without_the_scope_the_answer_is_403(
    api_client: Callable[..., Any], collector: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(collector, ["ledger:read"])
    answer = client.post("/api/v1/credit-check", body())
    assert answer.status_code == 403
    assert answer.json()["scope"] == "credit:check"
    assert not CreditCheck.objects.exists()


def test_without_a_token_the_answer_is_401(api_client: Callable[..., Any]) -> None:
    assert api_client().post("/api/v1/credit-check", body()).status_code == 401


def test_a_counterparty_the_token_user_does_not_see_is_404_naming_the_field(
    api_client: Callable[..., Any], outsider: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(outsider, ["credit:check"])
    answer = client.post("/api/v1/credit-check", body())
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["field"] == "counterparty"
    assert not CreditCheck.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"counterparty": ""}, "counterparty"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    api_client: Callable[..., Any],
    collector: User,
    cp: Counterparty,
    setup: None,
    change: dict[str, Any],
    field: str,
) -> None:
    client = api_client(collector, ["credit:check"])
    answer = client.post("/api/v1/credit-check", body(**change))
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["errors"][0]["field"] == field


def test_the_erp_polls_the_check_and_reads_the_decision(
    api_client: Callable[..., Any],
    collector: User,
    outsider: User,
    controller: User,
    cp: Counterparty,
    setup: None,
) -> None:
    client = api_client(collector, ["credit:check"])
    first = client.post("/api/v1/credit-check", body(amount="5000", order="R-5")).json()
    poll = client.get(f"/api/v1/credit-check/{first['id']}")
    assert poll.json()["approval"]["status"] == "pending"
    until = timezone.localdate() + timedelta(days=3)
    decide_approval(
        CreditApprovalRequest.objects.get(),
        controller,
        approve=True,
        reason="half prepaid",
        expires_on=until,
    )
    decided = client.get(f"/api/v1/credit-check/{first['id']}").json()["approval"]
    assert decided["status"] == "approved"
    assert decided["expires_on"] == until.isoformat()
    assert decided["decided_by"] == "carla"
    again = client.post("/api/v1/credit-check", body(amount="5000", order="R-5")).json()
    assert again["decision"] == "allow"
    other = api_client(outsider, ["credit:check"])
    assert other.get(f"/api/v1/credit-check/{first['id']}").status_code == 404


@pytest.mark.parametrize(
    ("role", "sees"),
    [("finance", True), ("credit_control", True), ("director", True), ("sales", False)],
)
def test_the_token_users_role_decides_which_customers_it_may_check(
    api_client: Callable[..., Any],
    make_user: Callable[..., User],
    cp: Counterparty,
    setup: None,
    role: str,
    sees: bool,
) -> None:
    client = api_client(make_user(f"u-{role}", role), ["credit:check"])
    answer = client.post("/api/v1/credit-check", body())
    assert answer.status_code == (200 if sees else 404)


def test_a_sales_manager_checks_their_own_customers(
    api_client: Callable[..., Any],
    make_user: Callable[..., User],
    make_counterparty: Callable[..., Counterparty],
    rules: Callable[..., Any],
) -> None:
    sales = make_user("sonia", "sales")
    mine = make_counterparty(sales_manager=sales, external_id="MINE")
    rules(default_limit="5000")
    client = api_client(sales, ["credit:check"])
    answer = client.post("/api/v1/credit-check", body(counterparty="MINE"))
    assert answer.status_code == 200
    assert answer.json()["counterparty"]["id"] == mine.pk
    assert answer.json()["decision"] == "allow"  # the rules' default limit applies


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_one_check(
    api_client: Callable[..., Any], collector: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(collector, ["credit:check"])
    key = {"Idempotency-Key": "order-R-7"}
    first = client.post("/api/v1/credit-check", body(order="R-7", amount="5000"), **key)
    again = client.post("/api/v1/credit-check", body(order="R-7", amount="5000"), **key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CreditCheck.objects.count() == 1
    assert CreditApprovalRequest.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_refused(
    api_client: Callable[..., Any], collector: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(collector, ["credit:check"])
    key = {"Idempotency-Key": "order-R-8"}
    assert client.post("/api/v1/credit-check", body(order="R-8"), **key).status_code == 200
    other = client.post("/api/v1/credit-check", body(order="R-8", amount="999.00"), **key)
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["detail"] == "This Idempotency-Key was used with another request body."
    assert CreditCheck.objects.count() == 1


def test_a_refused_request_is_not_kept_under_its_key(
    api_client: Callable[..., Any], collector: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(collector, ["credit:check"])
    key = {"Idempotency-Key": "order-R-9"}
    bad = client.post("/api/v1/credit-check", body(counterparty="nobody"), **key)
    assert bad.status_code == 404
    good = client.post("/api/v1/credit-check", body(counterparty="nobody"), **key)
    assert good.status_code == 404  # run again, not replayed
    assert "Idempotent-Replayed" not in good


def test_a_repeated_check_reads_neither_the_token_nor_the_rules_again(
    api_client: Callable[..., Any], director: User, cp: Counterparty, setup: None
) -> None:
    client = api_client(director, ["credit:check"])
    assert client.post("/api/v1/credit-check", body(order="R-1")).status_code == 200
    with CaptureQueriesContext(connection) as again:
        answer = client.post("/api/v1/credit-check", body(order="R-2"))
    assert answer.status_code == 200
    assert answer.json()["decision"] == "allow"
    read = " ".join(q["sql"] for q in again.captured_queries)
    for table in ("restapi_apitoken", "accounts_user", "credit_creditruleset"):
        assert table not in read
    # The rate counter, the counterparty, its limit, exposure and history, the log row.
    assert len(again.captured_queries) <= 6, read
