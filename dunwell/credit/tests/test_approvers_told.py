"""An order that needs approval tells the credit controllers and the director, each in their
language, in one INSERT (on PostgreSQL the same statement as the check's log row and the
request); who they are is kept a few seconds per process (visibility.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import credit_approvers_kept
from dunwell.credit.models import CreditApprovalRequest, CreditCheck
from dunwell.credit.services import check
from dunwell.ledger.models import Counterparty
from dunwell.money import Money
from dunwell.work.models import Notification
from dunwell.work.services import notify_each

pytestmark = pytest.mark.django_db


def test_a_new_credit_controller_is_told_at_once_and_a_deactivated_one_no_more(
    make_user: Callable[..., User], director: User
) -> None:
    assert credit_approvers_kept() == (director,)
    controller = make_user("cora", Role.CREDIT_CONTROLLER)
    assert credit_approvers_kept() == (director, controller)
    director.is_active = False
    director.save(update_fields=["is_active"])
    assert credit_approvers_kept() == (controller,)


def test_each_approver_reads_the_notice_in_their_language_once(
    make_user: Callable[..., User], make_counterparty: Callable[..., Counterparty]
) -> None:
    ru = make_user("rita", Role.DIRECTOR, language="ru")
    ro = make_user("radu", Role.CREDIT_CONTROLLER, language="ro")
    cp = make_counterparty(name="Alfa SRL")
    message = gettext_lazy("Order %(order)s of %(name)s waits for a credit decision.")
    params = {"order": "Z-1", "name": cp.name}
    for _attempt in range(2):  # the same key again adds nothing
        notify_each([ru, ro], "approval", message, cp, "/credit/1/", "k-1", params)
    texts = dict(Notification.objects.values_list("recipient__username", "message"))
    assert Notification.objects.count() == 2
    assert "Z-1" in texts["rita"] and "Alfa SRL" in texts["rita"]
    assert texts["rita"] != texts["radu"]
    assert "waits for a credit decision" not in texts["rita"]  # Russian, not English
    # and each reads it in the page's language after switching (written in every language)
    radu = Notification.objects.get(recipient=ro)
    assert radu.text("ru") == texts["rita"] and radu.text("ro") == texts["radu"]


def test_a_check_that_needs_approval_tells_every_approver(
    make_user: Callable[..., User],
    director: User,
    make_counterparty: Callable[..., Counterparty],
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    controller = make_user("cora", Role.CREDIT_CONTROLLER, language="ro")
    cp = make_counterparty()
    rules()
    limit(cp, "1000")
    result = check(cp, Money(Decimal("5000"), "RON"), "Q-7", None)
    assert result.check.decision == "needs_approval"
    told = Notification.objects.filter(key__startswith="credit-approval:")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [director.pk, controller.pk]
    )
    assert all("Q-7" in text for text in told.values_list("message", flat=True))
    assert all(n.url.endswith(f"/{result.check.approval_request.pk}/") for n in told)


def test_the_check_its_request_and_the_notices_are_written_by_one_statement(
    make_user: Callable[..., User],
    director: User,
    make_counterparty: Callable[..., Counterparty],
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> None:
    """On PostgreSQL the log row, the approval request and the notices go in one statement
    after the keys are reserved; elsewhere in one transaction. The rows are the same."""
    make_user("cora", Role.CREDIT_CONTROLLER, language="ro")
    cp = make_counterparty()
    rules()
    limit(cp, "1000")
    credit_approvers_kept()  # who they are is read before, as on a warm server
    with CaptureQueriesContext(connection) as queries:
        result = check(cp, Money(Decimal("5000"), "RON"), "", None)
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(writes) == 1 and writes[0].startswith("WITH ")
    row = CreditCheck.objects.get(pk=result.check.pk)
    request = CreditApprovalRequest.objects.get(credit_check=row)
    assert request.pk == result.check.approval_request.pk and request.order_ref == ""
    assert (request.amount, request.currency) == (Decimal("5000.00"), "RON")
    told = Notification.objects.filter(key=f"credit-approval:{request.pk}")
    assert told.count() == 2
    # Without an order reference the notice names the check.
    assert all(f"#{row.pk}" in n.message for n in told)
