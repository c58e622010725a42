"""The deployed WSGI application answers `POST /api/v1/credit-check` on the short path
(dunwell/restapi/shortpath.py): the same answers as through Django's whole stack, for checks
and for every refusal, without Django's page middleware."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections

from dunwell.accounts.models import User
from dunwell.credit.models import CreditCheck
from dunwell.ledger.models import Counterparty
from dunwell.restapi import ratelimit, shortpath
from dunwell.restapi.tokens import create_token
from dunwell.wsgi import application, django_application

pytestmark = pytest.mark.django_db

PATH = "/api/v1/credit-check"
App = Callable[..., Any]


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector, tax_id="RO18547290")


@pytest.fixture
def setup(cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any]) -> None:
    rules()
    limit(cp, "1000")


@pytest.fixture
def secret(collector: User) -> str:
    return create_token(collector, ["credit:check"]).secret


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    # As Django's test client does: the request signals must not close the test's connection
    # (its transaction holds the test data).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(
    app: App, body: Any, *, path: str = PATH, query: str = "", method: str = "POST", **headers: str
) -> dict[str, Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ: dict[str, Any] = {
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": method,
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)),
    }
    environ.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    setup_testing_defaults(environ)
    environ["wsgi.input"].write(raw)
    environ["wsgi.input"].seek(0)
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc: Any = None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    response = app(environ, start_response)
    try:
        answer["body"] = b"".join(response)
    finally:
        response.close()
    return answer


def body(**extra: Any) -> dict[str, Any]:
    return {"counterparty": "CP00001", "amount": "123.45", "currency": "RON", **extra}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def refusing(environ: dict[str, Any], start_response: Any) -> Any:
    raise AssertionError(f"went the long way: {environ['PATH_INFO']}?{environ['QUERY_STRING']}")


SAME_HEADERS = [
    "Content-Type",
    "Content-Language",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


def test_a_check_is_answered_without_django_and_as_django_answers_it(
    setup: None, secret: str
) -> None:
    short = call(shortpath.wrap(refusing), body(order="S-1"), **bearer(secret))
    long = call(django_application, body(order="S-2"), **bearer(secret))
    assert short["status"] == long["status"] == 200
    answers = [json.loads(a["body"]) for a in (short, long)]
    for answer in answers:
        del answer["id"], answer["order"]
    assert answers[0] == answers[1]
    assert answers[0]["decision"] == "allow"
    assert answers[0]["reasons"][0]["message"] == (
        "exposure 123.45\u00a0RON with this order, limit 1,000.00\u00a0RON"
    )
    for name in SAME_HEADERS:
        assert short["headers"][name] == long["headers"][name], name
    assert "frame-ancestors 'none'" in short["headers"]["Content-Security-Policy"]
    assert short["headers"]["Vary"] == "Accept-Language"
    assert "Set-Cookie" not in short["headers"]
    # Both were logged, with their own order.
    assert sorted(CreditCheck.objects.values_list("order_ref", flat=True)) == ["S-1", "S-2"]


def test_the_reasons_and_content_language_follow_accept_language(setup: None, secret: str) -> None:
    answer = call(application, body(amount="5000"), **bearer(secret), **{"Accept-Language": "ro"})
    assert answer["status"] == 200
    data = json.loads(answer["body"])
    assert data["decision"] == "needs_approval"
    assert data["reasons"][0]["message"] == (
        "limita de 1.000,00\u00a0RON depășită cu 4.000,00\u00a0RON"
    )
    assert answer["headers"]["Content-Language"] == "ro"


def test_without_accept_language_the_answer_is_in_the_token_users_language(
    setup: None, collector: User, secret: str
) -> None:
    collector.language = "ru"
    collector.save(update_fields=["language"])
    answer = call(application, body(amount="5000"), **bearer(secret))
    data = json.loads(answer["body"])
    assert data["reasons"][0]["message"].startswith("лимит 1\u00a0000,00")
    assert answer["headers"]["Content-Language"] == "ru"


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("no token", 401),
        ("unknown token", 401),
        ("another scope", 403),
        ("not json", 400),
        ("unknown customer", 404),
        ("bad amount", 422),
    ],
)
def test_every_refusal_is_the_same_problem_as_through_django(
    setup: None, collector: User, secret: str, case: str, status: int
) -> None:
    headers = bearer(secret)
    sent: Any = body()
    if case == "no token":
        headers = {}
    elif case == "unknown token":
        headers = bearer("dw_nothing")
    elif case == "another scope":
        headers = bearer(create_token(collector, ["ledger:read"]).secret)
    elif case == "not json":
        sent = b"{"
    elif case == "unknown customer":
        sent = body(counterparty="nobody")
    elif case == "bad amount":
        sent = body(amount="1.234")
    short = call(shortpath.wrap(refusing), sent, **headers)
    long = call(django_application, sent, **headers)
    assert short["status"] == long["status"] == status
    assert short["headers"]["Content-Type"] == "application/problem+json"
    assert json.loads(short["body"]) == json.loads(long["body"])
    if status == 401:
        assert short["headers"]["WWW-Authenticate"] == 'Bearer realm="dunwell"'
    assert not CreditCheck.objects.exists()


def test_over_the_tokens_rate_the_answer_is_429_with_retry_after(
    setup: None, secret: str, settings: Any
) -> None:
    settings.DUNWELL_API_RATE = 1
    ratelimit.forget_leases()
    assert call(application, body(), **bearer(secret))["status"] == 200
    over = call(shortpath.wrap(refusing), body(), **bearer(secret))
    assert over["status"] == 429
    assert int(over["headers"]["Retry-After"]) >= 1
    assert json.loads(over["body"])["type"] == "urn:dunwell:problem:rate-limited"
    assert CreditCheck.objects.count() == 1


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(
    setup: None, secret: str
) -> None:
    key = {"Idempotency-Key": "order-S-9"}
    first = call(application, body(order="S-9"), **bearer(secret), **key)
    again = call(shortpath.wrap(refusing), body(order="S-9"), **bearer(secret), **key)
    assert json.loads(again["body"]) == json.loads(first["body"])
    assert again["headers"]["Idempotent-Replayed"] == "true"
    assert CreditCheck.objects.count() == 1


def test_a_host_not_allowed_is_refused(setup: None, secret: str) -> None:
    answer = call(shortpath.wrap(refusing), body(), **bearer(secret), Host="evil.example")
    assert answer["status"] == 400
    assert not CreditCheck.objects.exists()


@pytest.mark.parametrize(
    "request_",
    [
        {"query": "lang=ro"},  # the user's language switch is a page middleware's
        {"Cookie": "sessionid=abc"},  # a signed-in browser: its session's language
        {"method": "GET"},  # not served here: ninja answers 405
        {"path": "/api/v1/credit-check/1"},
    ],
)
def test_what_the_short_path_leaves_out_goes_through_django(
    setup: None, secret: str, request_: dict[str, str]
) -> None:
    with pytest.raises(AssertionError, match="went the long way"):
        call(shortpath.wrap(refusing), body(), **bearer(secret), **request_)
