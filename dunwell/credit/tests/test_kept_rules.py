"""The rules in force are kept a few seconds per process (rules.RULES_KEPT_SECONDS): a version
saved in this process applies to the next check, one saved in another process (here: a
bulk_create, which no signal sees) within RULES_KEPT_SECONDS; limits are never kept."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dunwell.accounts.models import User
from dunwell.credit import rules as credit_rules
from dunwell.credit.models import CreditRuleSet
from dunwell.credit.rules import RULES_KEPT_SECONDS
from dunwell.credit.services import check
from dunwell.credit.tests.conftest import DAY
from dunwell.ledger.models import Counterparty
from dunwell.money import Money
from dunwell.rawrows import select_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock() -> Iterator[list[float]]:
    """The kept rules' clock, moved by the test: clock[0] seconds."""
    now = [1000.0]
    credit_rules._kept.clock = lambda: now[0]
    yield now
    credit_rules._kept.clock = time.monotonic


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty], sales: User) -> Counterparty:
    return make_counterparty(sales_manager=sales)


def ron(text: str) -> Money:
    return Money(Decimal(text), "RON")


def over_the_limit(cp: Counterparty, sales: User) -> str:
    """The decision on an order over the customer's limit of 1,000 RON (the rules' breach
    action decides it)."""
    return check(cp, ron("5000"), "R-1", sales, on=DAY).decision


def test_a_rule_version_saved_here_applies_to_the_next_check(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    clock: list[float],
) -> None:
    rules(breach_action="needs_approval")
    limit(cp, "1000")
    assert over_the_limit(cp, sales) == "needs_approval"
    rules(breach_action="deny")  # version 2, through the rules page's service
    assert over_the_limit(cp, sales) == "deny"


def test_a_rule_version_saved_in_another_process_applies_within_the_kept_seconds(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    clock: list[float],
) -> None:
    first = rules(breach_action="needs_approval")
    limit(cp, "1000")
    assert over_the_limit(cp, sales) == "needs_approval"
    second = select_one(CreditRuleSet, "id = %s", [first.pk])
    assert second is not None
    second.pk = None
    second.version = 2
    second.breach_action = "deny"
    CreditRuleSet.objects.bulk_create([second])  # no signal: as another process's save
    clock[0] += RULES_KEPT_SECONDS - 1
    assert over_the_limit(cp, sales) == "needs_approval"  # the stated delay
    clock[0] += 1
    assert over_the_limit(cp, sales) == "deny"


def test_a_new_limit_applies_to_the_next_check(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    clock: list[float],
) -> None:
    rules()
    limit(cp, "1000")
    assert over_the_limit(cp, sales) == "needs_approval"
    limit(cp, "100000")
    assert over_the_limit(cp, sales) == "allow"


def test_a_second_check_does_not_read_the_rules_again(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    clock: list[float],
) -> None:
    rules()
    limit(cp, "100000")
    with CaptureQueriesContext(connection) as first:
        check(cp, ron("10"), "R-1", sales, on=DAY)
    with CaptureQueriesContext(connection) as second:
        check(cp, ron("10"), "R-2", sales, on=DAY)
    assert any("credit_creditruleset" in q["sql"] for q in first.captured_queries)
    assert not any("credit_creditruleset" in q["sql"] for q in second.captured_queries)
    # Another day has its own rules in force.
    with CaptureQueriesContext(connection) as other_day:
        check(cp, ron("10"), "R-3", sales, on=date(2026, 3, 21))
    assert any("credit_creditruleset" in q["sql"] for q in other_day.captured_queries)
