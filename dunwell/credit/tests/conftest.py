"""Fixtures of the credit tests: exchange rates, rules, limits, API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.credit.models import CreditRuleSet
from dunwell.credit.services import save_rule_set, set_limit
from dunwell.interest.fx import forget_rates
from dunwell.interest.models import RateSeries, RateValue
from dunwell.ledger.models import Counterparty, Order
from dunwell.restapi.tests.conftest import ApiClient, api_client  # noqa: F401 - fixture

DAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_rates() -> Iterator[None]:
    """Each test reads the rates it wrote (the check caches the day's rates for a minute)."""
    forget_rates()
    yield
    forget_rates()


@pytest.fixture
def fx_rates(db: None) -> Callable[..., None]:
    """fx_<base>_<quote> series with one value each, effective `on`."""

    def make(on: date = DAY, **rates: str) -> None:
        for code, value in rates.items():
            series, _ = RateSeries.objects.get_or_create(
                code=f"fx_{code}", defaults={"name": code, "update_cycle_days": 7}
            )
            RateValue.objects.create(series=series, effective_from=on, value=Decimal(value))

    return make


@pytest.fixture
def controller(make_user: Callable[..., User]) -> User:
    return make_user("carla", Role.CREDIT_CONTROLLER)


@pytest.fixture
def sales(make_user: Callable[..., User]) -> User:
    return make_user("sam", Role.SALES)


@pytest.fixture
def rules(director: User) -> Callable[..., CreditRuleSet]:
    def make(**values: Any) -> CreditRuleSet:
        defaults: dict[str, Any] = {
            "effective_from": date(2026, 1, 1),
            "limit_currency": "RON",
            "max_days_overdue": None,
            "no_open_legal_case": True,
            "max_broken_promises": None,
            "min_relationship_days": 0,
            "new_customer_prepayment_percent": Decimal(0),
            "breach_action": "needs_approval",
        }
        defaults.update(values)
        segment = defaults.pop("segment", None)
        return save_rule_set(director, segment, defaults)

    return make


@pytest.fixture
def limit(director: User) -> Callable[..., Any]:
    def make(cp: Counterparty, total: str | None, currency: str = "RON", **components: str) -> Any:
        return set_limit(
            cp,
            director,
            currency=currency,
            total=Decimal(total) if total is not None else None,
            valid_from=date(2026, 1, 1),
            reason="test limit",
            components={k: Decimal(v) for k, v in components.items()},
        )

    return make


@pytest.fixture
def make_order(company: Any) -> Callable[..., Order]:
    counter = {"n": 0}

    def make(cp: Counterparty, amount: str, **fields: Any) -> Order:
        counter["n"] += 1
        defaults: dict[str, Any] = {
            "company": company,
            "counterparty": cp,
            "external_id": f"O{counter['n']}",
            "number": f"ZK-{counter['n']}",
            "date": date(2026, 3, 1),
            "amount": Decimal(amount),
            "currency": company.currency,
        }
        defaults.update(fields)
        return Order.objects.create(**defaults)

    return make
