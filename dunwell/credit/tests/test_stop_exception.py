"""An exception to a stop of shipments for one order: asked on the check's answer by the sales
manager, decided by who may lift the stop, then that order (and only it) goes through."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dunwell.accounts.models import Role, User
from dunwell.credit.models import ApprovalStatus, CreditApprovalRequest, CreditCheck
from dunwell.credit.reasons import as_messages
from dunwell.credit.services import CreditError, check, decide_approval
from dunwell.credit.tests.conftest import DAY
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.money import Money
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ron(text: str) -> Money:
    return Money(Decimal(text), "RON")


def said(result: Any) -> dict[str, str]:
    return {r["code"]: r["message"] for r in as_messages(result.check.reasons)}


@pytest.fixture(autouse=True)
def morning() -> Iterator[None]:
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 20, 9)), tick=False):
        yield


@pytest.fixture
def cp(
    make_counterparty: Callable[..., Counterparty],
    sales: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> Counterparty:
    found = make_counterparty(sales_manager=sales, name="Stopped SRL")
    rules()
    limit(found, "100000")
    Counterparty.objects.filter(pk=found.pk).update(stop_shipments=True)
    found.refresh_from_db()
    return found


def ask_on_the_page(user: User, order: str = "Z-1", amount: str = "500", **extra: str) -> Any:
    """Check the order on the check page, then ask for an exception on its answer."""
    client = client_for(user)
    page = client.post(
        reverse("credit:check"),
        {"counterparty": "CP00001", "amount": amount, "currency": "RON", "order": order},
    )
    row = CreditCheck.objects.latest("pk")
    data = {"order": order, "amount": amount, "currency": "RON", "reason": "paid today"}
    data.update(extra)
    return page, client.post(reverse("credit:ask_exception", args=[row.pk]), data)


def test_an_approved_exception_lets_that_order_through_and_no_other(
    cp: Counterparty, sales: User, controller: User, director: User
) -> None:
    page, asked = ask_on_the_page(sales)
    assert 'id="ask-exception"' in page.content.decode()
    request = CreditApprovalRequest.objects.get()
    assert asked.status_code == 302 and asked.url == reverse("credit:approval", args=[request.pk])
    assert (request.kind, request.order_ref, request.amount) == ("stop_exception", "Z-1", 500)
    assert request.request_reason == "paid today" and request.requested_by == sales
    told = Notification.objects.filter(kind="credit_approval", key=f"credit-exception:{request.pk}")
    assert {n.recipient for n in told} == {controller, director}
    assert told.get(recipient=controller).text("en") == (
        "sam asks to let order Z-1 of Stopped SRL through the stop of shipments."
    )
    # While it waits the stop answers, and says the exception waits.
    waiting = check(cp, ron("500"), "Z-1", sales, on=DAY)
    assert waiting.decision == "deny" and "exception_pending" in said(waiting)

    decided = client_for(controller).post(
        reverse("credit:approval", args=[request.pk]),
        {"decision": "approve", "reason": "bank statement shows the payment"},
    )
    assert decided.status_code == 302
    request.refresh_from_db()
    # No day named: the end of the day after the approval.
    assert request.status == ApprovalStatus.APPROVED and request.expires_on == date(2026, 3, 21)

    passed = check(cp, ron("500"), "Z-1", sales, on=DAY)
    assert passed.decision == "allow"
    assert said(passed)["stop_exception"] == (
        "exception to the stop of shipments approved by carla on 20.03.2026, valid until"
        " 21.03.2026: bank statement shows the payment"
    )
    assert check(cp, ron("450"), "Z-1", sales, on=date(2026, 3, 21)).decision == "allow"
    assert check(cp, ron("501"), "Z-1", sales, on=DAY).decision == "deny"  # more than approved
    other = check(cp, ron("10"), "Z-2", sales, on=DAY)
    assert other.decision == "deny" and "stop_exception" not in said(other)
    expired = check(cp, ron("500"), "Z-1", sales, on=date(2026, 3, 22))
    assert expired.decision == "deny"
    assert said(expired)["exception_expired"] == (
        "the exception to the stop of shipments for this order expired on 21.03.2026"
    )
    cp.refresh_from_db()
    assert cp.stop_shipments  # the stop itself stays


def test_a_refused_exception_denies_the_order_with_the_refusal(
    cp: Counterparty, sales: User, director: User
) -> None:
    ask_on_the_page(sales)
    decide_approval(
        CreditApprovalRequest.objects.get(),
        director,
        approve=False,
        reason="no payment seen",
        expires_on=None,
    )
    refused = check(cp, ron("500"), "Z-1", sales, on=DAY)
    assert refused.decision == "deny"
    assert said(refused)["exception_refused"] == (
        "exception to the stop of shipments refused by diana: no payment seen"
    )


def test_the_approver_may_name_the_last_day(
    cp: Counterparty, sales: User, controller: User
) -> None:
    ask_on_the_page(sales)
    request = CreditApprovalRequest.objects.get()
    decide_approval(request, controller, approve=True, reason="ok", expires_on=date(2026, 3, 25))
    assert check(cp, ron("500"), "Z-1", sales, on=date(2026, 3, 25)).decision == "allow"
    assert check(cp, ron("500"), "Z-1", sales, on=date(2026, 3, 26)).decision == "deny"


def test_who_may_ask_and_who_may_decide(
    cp: Counterparty,
    sales: User,
    controller: User,
    collector: User,
    make_user: Callable[..., User],
) -> None:
    ask_on_the_page(sales)
    request = CreditApprovalRequest.objects.get()
    url = reverse("credit:approval", args=[request.pk])
    form = {"decision": "approve", "reason": "ok"}
    # A collector cannot decide, nor can the sales manager who asked.
    assert client_for(collector).post(url, form).status_code == 403
    assert client_for(sales).post(url, form).status_code == 403
    with pytest.raises(CreditError):
        decide_approval(request, sales, approve=True, reason="ok", expires_on=None)
    # Someone else's check is not theirs to ask on.
    other = check(cp, ron("70"), "Z-9", controller, on=DAY)
    answer = client_for(sales).post(
        reverse("credit:ask_exception", args=[other.check.pk]),
        {"order": "Z-9", "amount": "70", "currency": "RON", "reason": "x"},
    )
    assert answer.status_code == 403
    # A credit controller who asks for an exception does not release it too.
    asked = client_for(controller).post(
        reverse("credit:ask_exception", args=[other.check.pk]),
        {"order": "Z-9", "amount": "70", "currency": "RON", "reason": "prepaid order"},
    )
    assert asked.status_code == 302
    own = CreditApprovalRequest.objects.get(order_ref="Z-9")
    page = client_for(controller).get(reverse("credit:approval", args=[own.pk])).content.decode()
    assert "Someone else decides on an exception you asked for." in page
    assert 'name="decision"' not in page
    with pytest.raises(CreditError, match="Someone else decides"):
        decide_approval(own, controller, approve=True, reason="ok", expires_on=None)
    second = make_user("carl2", Role.CREDIT_CONTROLLER)
    decide_approval(own, second, approve=True, reason="ok", expires_on=None)


def test_an_exception_needs_a_reason_and_a_stop(cp: Counterparty, sales: User) -> None:
    _, asked = ask_on_the_page(sales, reason=" ")
    assert asked.status_code == 422
    assert "This field is required." in asked.content.decode()
    assert not CreditApprovalRequest.objects.exists()
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=False)
    page = client_for(sales).post(
        reverse("credit:check"),
        {"counterparty": "CP00001", "amount": "5", "currency": "RON", "order": "Z-3"},
    )
    assert "Ask for an exception" not in page.content.decode()  # nothing stopped: nothing to ask


@pytest.mark.parametrize(
    ("lang", "button", "badge", "heading"),
    [
        ("en", "Ask for an exception", "exception to the stop", "Why the order may go despite"),
        (
            "ru",
            "Попросить исключение",
            "исключение из стоп-отгрузки",
            "Почему заказ можно отгрузить",
        ),
    ],
)
def test_the_pages_read_the_exception_in_the_users_language(
    cp: Counterparty,
    sales: User,
    controller: User,
    lang: str,
    button: str,
    badge: str,
    heading: str,
) -> None:
    for user in (sales, controller):
        user.language = lang
        user.save(update_fields=["language"])
    page, _ = ask_on_the_page(sales)
    text = page.content.decode()
    assert f"<button>{button}</button>" in text
    assert 'name="order" value="Z-1"' in text and 'value="500' in text
    queue = client_for(controller).get(reverse("credit:approvals")).content.decode()
    assert badge in queue and "Z-1" in queue
    request = CreditApprovalRequest.objects.get()
    shown = client_for(controller).get(reverse("credit:approval", args=[request.pk]))
    assert heading in shown.content.decode() and "paid today" in shown.content.decode()


def test_the_timeline_tells_the_request_and_the_decision_in_the_readers_language(
    cp: Counterparty, sales: User, controller: User
) -> None:
    ask_on_the_page(sales)
    decide_approval(
        CreditApprovalRequest.objects.get(),
        controller,
        approve=True,
        reason="paid",
        expires_on=None,
    )
    entries: list[Any] = list(
        TimelineEntry.objects.filter(kind__startswith="credit.exception").order_by("at", "pk")
    )
    assert [e.kind for e in entries] == ["credit.exception_requested", "credit.exception_decided"]
    with translation.override("ru"):
        with_texts(entries)
    assert entries[0].text == (
        "sam просит отгрузить заказ Z-1 на 500,00\u00a0RON несмотря на стоп-отгрузку: paid today"
    )
    assert entries[1].text == (
        "Исключение из стоп-отгрузки для заказа Z-1 одобрил(а) carla до 21.03.2026: paid"
    )


def test_the_api_names_the_exception_that_let_the_order_through(
    api_client: Callable[..., Any], cp: Counterparty, sales: User, controller: User
) -> None:
    ask_on_the_page(sales)
    request = CreditApprovalRequest.objects.get()
    decide_approval(request, controller, approve=True, reason="paid", expires_on=None)
    client = api_client(sales, ["credit:check"])
    body = {"counterparty": "CP00001", "amount": "500.00", "currency": "RON", "order": "Z-1"}
    data = client.post("/api/v1/credit-check", body).json()
    assert data["decision"] == "allow"
    assert data["exception"] == {
        "id": request.pk,
        "order": "Z-1",
        "amount": "500.00",
        "currency": "RON",
        "approved_by": "carla",
        "approved_on": "2026-03-20",
        "expires_on": "2026-03-21",
        "reason": "paid",
    }
    again = client.get(f"/api/v1/credit-check/{data['id']}").json()
    assert again["exception"] == data["exception"]
    other = client.post("/api/v1/credit-check", {**body, "order": "Z-2"}).json()
    assert other["decision"] == "deny" and other["exception"] is None
