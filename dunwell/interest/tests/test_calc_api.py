"""The calculator's contract: inputs validated, lines add up, compensation outside the total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.interest.calc import RULES, CalcError, PaymentEvent, RateBook, calculate
from dunwell.interest.tests.conftest import flat_book

D = Decimal


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(CalcError, match="Unknown rule"):
        calculate("xx", debt=D(1), due=date(2024, 1, 1), to=date(2024, 2, 1), rates=flat_book())


def test_unknown_option_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(CalcError, match="no option colour"):
        calculate(
            "ru-395",
            debt=D(1),
            due=date(2024, 1, 1),
            to=date(2024, 2, 1),
            options={"colour": "red"},
            rates=flat_book(),
        )


def test_option_value_outside_its_choices_is_refused() -> None:
    with pytest.raises(CalcError, match="payment_day must be one of"):
        calculate(
            "ro-legal",
            debt=D(1),
            due=date(2024, 1, 1),
            to=date(2024, 2, 1),
            options={"payment_day": "maybe"},
            rates=flat_book(),
        )


@pytest.mark.parametrize("debt", [D(0), D(-5), D("NaN")])
def test_debt_must_be_positive(debt: Decimal) -> None:
    with pytest.raises(CalcError, match="positive"):
        calculate(
            "eu-directive", debt=debt, due=date(2024, 1, 1), to=date(2024, 2, 1), rates=flat_book()
        )


def test_end_before_due_is_refused() -> None:
    with pytest.raises(CalcError, match="before the due date"):
        calculate(
            "eu-directive", debt=D(1), due=date(2024, 1, 2), to=date(2024, 1, 1), rates=flat_book()
        )


def test_missing_series_is_named() -> None:
    with pytest.raises(CalcError, match="ro_reference_rate"):
        calculate(
            "ro-legal", debt=D(1), due=date(2024, 1, 1), to=date(2024, 2, 1), rates=RateBook({})
        )


@pytest.mark.parametrize("rule", sorted(RULES))
def test_components_are_sums_of_lines_and_total_excludes_compensation(rule: str) -> None:
    options = {"rate_per_day": "0.1"} if rule in {"contract", "ua-penalty"} else {}
    result = calculate(
        rule,
        debt=D("12345.67"),
        due=date(2024, 1, 20),
        to=date(2024, 9, 30),
        payments=[PaymentEvent(date(2024, 3, 5), D("1000"))],
        options=options,
        rates=flat_book(),
    )
    for name, amount in result.components.items():
        assert amount == sum(line.amount for line in result.lines if line.component == name)
    assert result.total == sum(v for k, v in result.components.items() if k != "compensation")
    assert result.total > 0
    for line in result.lines:
        assert line.amount == line.amount.quantize(D("0.01"))
        assert line.days == (line.end - line.start).days + 1 or line.days == 0


def test_currency_option_is_passed_through() -> None:
    result = calculate(
        "eu-directive",
        debt=D(100),
        due=date(2024, 1, 1),
        to=date(2024, 2, 1),
        options={"currency": "EUR"},
        rates=flat_book(),
    )
    assert result.currency == "EUR"
