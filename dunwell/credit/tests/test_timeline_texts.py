"""The credit entries on the debtor's timeline read in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.credit.models import CreditApprovalRequest
from dunwell.credit.services import check, decide_approval, lift_stop_shipments
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.money import Money

pytestmark = pytest.mark.django_db


def texts() -> dict[str, str]:
    entries = with_texts(list(TimelineEntry.objects.filter(kind__startswith="credit.")))
    return {e.kind: e.text for e in entries}


def test_limit_approval_and_lift_read_in_english_and_russian(
    make_counterparty: Callable[..., Counterparty],
    limit: Callable[..., Any],
    rules: Callable[..., Any],
    controller: User,
    sales: User,
) -> None:
    cp = make_counterparty()
    rules()
    limit(cp, "1000")
    check(cp, Money(Decimal("5000"), "RON"), "R-1", sales)
    until = timezone.localdate() + timedelta(days=3)
    decide_approval(
        CreditApprovalRequest.objects.get(), controller, approve=True, reason="prepaid",
        expires_on=until,
    )  # fmt: skip
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    lift_stop_shipments(cp, controller, "paid")
    day = until.strftime("%d.%m.%Y")
    assert texts() == {
        "credit.limit_set": "Credit limit 1,000.00\u00a0RON from 01.01.2026: test limit",
        "credit.approval_requested": "Order R-1 of 5,000.00\u00a0RON waits for a credit decision",
        "credit.approval_decided": f"Order R-1 approved by carla until {day}: prepaid",
        "credit.shipments_resumed": "Shipments resumed by carla: paid",
    }
    with translation.override("ru"):
        found = texts()
    assert found["credit.limit_set"] == (
        "Кредитный лимит 1\u00a0000,00\u00a0RON с 01.01.2026: test limit"
    )
    assert found["credit.shipments_resumed"] == "Отгрузки возобновил(а) carla: paid"


def test_the_committee_entries_read_in_english_and_russian(
    make_counterparty: Callable[..., Counterparty],
    sales: User,
    director: User,
) -> None:
    from datetime import date

    from dunwell.credit import committee

    cp = make_counterparty(sales_manager=sales)
    request = committee.file_limit_request(
        sales, cp, kind="new_limit", currency="RON", requested_limit=Decimal("5000"),
        requested_term_days=30, justification="why",
    )  # fmt: skip
    meeting = committee.plan_meeting(director, day=date(2026, 3, 20), chair=director, members=[])
    committee.put_on_agenda(director, meeting, [request.pk])
    request.refresh_from_db()
    committee.decide_limit_request(
        director,
        request,
        committee.CommitteeDecision(
            limit=Decimal("4000"), term_days=21, review_on=date(2027, 3, 20)
        ),
    )
    english = texts()
    assert english["credit.limit_requested"] == f"Limit request #{request.pk} filed by sam."
    assert english["credit.committee_decided"] == (
        "Credit committee of 20.03.2026: limit 4,000.00\u00a0RON, 21 days, review on 20.03.2027."
    )
    with translation.override("ru"):
        russian = texts()
    assert russian["credit.committee_decided"] == (
        "Кредитный комитет 20.03.2026: лимит 4\u00a0000,00\u00a0RON, 21 день, пересмотр 20.03.2027."
    )
    # The limit it set names the committee in the reader's language too, not in English.
    assert russian["credit.limit_set"].startswith(
        "Кредитный лимит 4\u00a0000,00\u00a0RON с "
    ) and russian["credit.limit_set"].endswith(
        f": Кредитный комитет 20.03.2026, запрос на лимит №{request.pk}"
    )
    with translation.override("ro"):
        assert texts()["credit.limit_set"].endswith(
            f": Comitetul de credit din 20.03.2026, cererea de limită nr. {request.pk}"
        )


def test_an_order_sent_for_approval_is_on_the_timeline_in_the_readers_language(
    make_counterparty: Callable[..., Counterparty],
    limit: Callable[..., Any],
    rules: Callable[..., Any],
    sales: User,
) -> None:
    """The sales manager's request shows on the debtor's timeline before the decision."""
    cp = make_counterparty()
    rules()
    limit(cp, "1000")
    check(cp, Money(Decimal("5000"), "EUR"), "R-7", sales)  # no rate: needs approval
    entry = TimelineEntry.objects.get(kind="credit.approval_requested")
    assert entry.actor == sales
    with translation.override("uk"):
        assert texts()["credit.approval_requested"] == (
            "Замовлення R-7 на 5\u00a0000,00\u00a0EUR чекає кредитного рішення"
        )
    with translation.override("ro"):
        assert texts()["credit.approval_requested"] == (
            "Comanda R-7 de 5.000,00\u00a0EUR așteaptă o decizie de credit"
        )
    # A second check of the same order while it waits files nothing new.
    check(cp, Money(Decimal("5000"), "EUR"), "R-7", sales)
    assert TimelineEntry.objects.filter(kind="credit.approval_requested").count() == 1
