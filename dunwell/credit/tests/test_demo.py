"""The demo's credit data: checks answer allow, needs_approval and deny for realistic reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from dunwell.credit.demo import seed_credit
from dunwell.credit.models import CreditLimit, CreditRuleSet
from dunwell.credit.services import check
from dunwell.ledger.models import Company, Counterparty, Order, Segment
from dunwell.money import Money

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


def test_the_demo_seed_gives_rules_limits_orders_and_every_answer(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Any],
    make_document: Callable[..., Any],
) -> None:
    good = make_counterparty()
    make_contract(good, credit_limit=Decimal("50000"))
    make_document(good, "1000", date=date(2025, 1, 10), due_date=DAY + timedelta(days=20))
    young = make_counterparty(segment=Segment.objects.get(code="new"))
    make_document(young, "100", date=DAY - timedelta(days=10), due_date=DAY + timedelta(days=5))
    late = make_counterparty()
    make_contract(late, credit_limit=Decimal("50000"))
    make_document(late, "500", date=date(2025, 1, 10), due_date=DAY - timedelta(days=80))

    counts = seed_credit(company, DAY)
    assert counts["rules"] == 3 and counts["limits"] == 2 and counts["orders"] == 3
    assert seed_credit(company, DAY)["rules"] == 0  # idempotent
    assert CreditRuleSet.objects.count() == 3
    assert CreditLimit.objects.filter(counterparty=good).get().source == "import"
    assert Order.objects.filter(counterparty=good).exists()

    ron = Money(Decimal("2000"), "RON")
    assert check(good, ron, "A", None, on=DAY).decision == "allow"
    assert check(late, ron, "B", None, on=DAY).decision == "needs_approval"
    assert check(young, ron, "C", None, on=DAY).decision == "deny"


def test_the_demo_rules_notes_and_limit_reasons_are_the_companys_own_text(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Any],
) -> None:
    # English on the Romanian company's rules and limits read as a foreign text to every
    # reader; its credit controller writes them in Romanian.
    good = make_counterparty()
    make_contract(good, credit_limit=Decimal("50000"))
    assert company.language == "ro"
    seed_credit(company, DAY)
    default = CreditRuleSet.objects.get(segment=None)
    assert default.notes == "Comenzile peste limită necesită aprobarea controlorului de credit."
    assert CreditLimit.objects.get(counterparty=good).reason == "limita de credit din contract"


def test_the_demo_committee_has_a_decided_meeting_and_an_agenda(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_user: Callable[..., Any],
) -> None:
    from dunwell.accounts.models import Role
    from dunwell.credit.demo import seed_committee
    from dunwell.credit.models import CommitteeMeeting, LimitRequest

    for name, role in (("director", Role.DIRECTOR), ("credit", Role.CREDIT_CONTROLLER),
                       ("finance", Role.FINANCE)):  # fmt: skip
        make_user(name, role)
    seller = make_user("sales1", Role.SALES)
    for _ in range(3):
        make_counterparty(sales_manager=seller)
    assert seed_committee(company, DAY) == 3
    past, upcoming = CommitteeMeeting.objects.order_by("day")
    assert (past.status, upcoming.status) == ("closed", "planned")
    assert CreditLimit.objects.get(source="committee").total == Decimal("45000.00")
    assert LimitRequest.objects.filter(status="on_agenda", meeting=upcoming).count() == 1
    assert LimitRequest.objects.filter(status="filed").count() == 1


def test_the_demo_committees_typed_texts_are_the_companys_own(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    make_user: Callable[..., Any],
) -> None:
    # The justification, the members' comments and the chair's conditions are typed by the
    # Romanian company's people: in Romanian, not in English for every reader.
    from dunwell.accounts.models import Role
    from dunwell.credit.demo import seed_committee
    from dunwell.credit.models import CommitteeMeeting, CommitteeVote, LimitRequest

    for name, role in (("director", Role.DIRECTOR), ("credit", Role.CREDIT_CONTROLLER),
                       ("finance", Role.FINANCE)):  # fmt: skip
        make_user(name, role)
    seller = make_user("sales1", Role.SALES)
    for _ in range(3):
        make_counterparty(sales_manager=seller)
    seed_committee(company, DAY)
    decided = LimitRequest.objects.get(status="decided")
    assert decided.justification == (
        "Deschide două magazine noi; de luna viitoare comenzile se dublează."
    )
    assert decided.conditions == "Se majorează la 60.000 la revizuire dacă plătește în termen."
    assert set(CommitteeVote.objects.exclude(comment="").values_list("comment", flat=True)) == {
        "Plătește la timp de doi ani.",
        "Un pas prea mare: întâi 45.000.",
    }
    assert set(CommitteeMeeting.objects.values_list("place", flat=True)) == {"Sala de consiliu"}
    assert CreditLimit.objects.get(source="committee").reason.endswith(
        ": Se majorează la 60.000 la revizuire dacă plătește în termen."
    )
