"""The court fee by each country's scale, at the edges of every bracket (legal/court_fee.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.legal.court_fee import court_fee
from dunwell.money import Money

NEW_RU = date(2026, 3, 2)  # the scale for claims filed from 09.09.2024
OLD_RU = date(2024, 9, 8)


def fee(amount: str, currency: str, country: str, on: date) -> Decimal | None:
    found = court_fee(Money(Decimal(amount), currency), country, on)
    if found is None:
        return None
    assert found.amount.currency == currency
    return found.amount.amount


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("0.01", "10000.00"),
        ("100000.00", "10000.00"),
        ("100001.00", "10000.05"),
        ("1000000.00", "55000.00"),
        ("1000001.00", "55000.03"),
        ("10000000.00", "325000.00"),
        ("10000001.00", "325000.01"),
        ("50000000.00", "725000.00"),
        ("50000002.00", "725000.01"),
        ("1905000000.00", "10000000.00"),  # 725,000 + 0.5 % of 1,855,000,000: the cap
        ("3000000000.00", "10000000.00"),
    ],
)
def test_russia_arbitrazh_scale_from_september_2024(claim: str, expected: str) -> None:
    assert fee(claim, "RUB", "RU", NEW_RU) == Decimal(expected)


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("10000.00", "2000.00"),  # 4 % is 400: at least 2,000
        ("50000.00", "2000.00"),
        ("100000.00", "4000.00"),
        ("200000.00", "7000.00"),
        ("1000000.00", "23000.00"),
        ("2000000.00", "33000.00"),
        ("35400000.00", "200000.00"),  # 33,000 + 0.5 % of 33,400,000: the old cap
        ("90000000.00", "200000.00"),
    ],
)
def test_russia_the_scale_before_september_2024(claim: str, expected: str) -> None:
    assert fee(claim, "RUB", "RU", OLD_RU) == Decimal(expected)


@pytest.mark.parametrize(
    ("claim", "on", "expected"),
    [
        ("100000.00", date(2026, 5, 1), "3328.00"),  # 1.5 % is 1,500: one minimum, 3,328
        ("221866.67", date(2026, 5, 1), "3328.00"),  # 1.5 % is just the minimum
        ("1000000.00", date(2026, 5, 1), "15000.00"),
        ("77653333.33", date(2026, 5, 1), "1164800.00"),  # 350 minimums
        ("100000000.00", date(2026, 5, 1), "1164800.00"),
        ("100000.00", date(2025, 12, 31), "3028.00"),  # the minimum set on 1 January 2025
        ("100000000.00", date(2024, 6, 1), "1059800.00"),  # 350 x 3,028
        ("1000000.00", date(2021, 6, 1), "15000.00"),
    ],
)
def test_ukraine_commercial_court_one_and_a_half_percent_within_the_minimums(
    claim: str, on: date, expected: str
) -> None:
    assert fee(claim, "UAH", "UA", on) == Decimal(expected)


def test_ukraine_a_year_without_a_sourced_minimum_is_not_guessed() -> None:
    assert fee("1000000.00", "UAH", "UA", date(2023, 6, 1)) is None


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("100.00", "20.00"),  # a) 8 % is 8 lei: at least 20
        ("250.00", "20.00"),
        ("500.00", "40.00"),
        ("501.00", "40.07"),  # b) 40 + 7 % over 500
        ("5000.00", "355.00"),
        ("5001.00", "355.05"),  # c)
        ("25000.00", "1355.00"),
        ("25001.00", "1355.03"),  # d)
        ("50000.00", "2105.00"),
        ("50001.00", "2105.02"),  # e)
        ("250000.00", "6105.00"),
        ("250001.00", "6105.01"),  # f)
        ("1000000.00", "13605.00"),
    ],
)
def test_romania_oug_80_2013_article_3(claim: str, expected: str) -> None:
    assert fee(claim, "RON", "RO", date(2026, 4, 15)) == Decimal(expected)


@pytest.mark.parametrize(
    ("currency", "country"),
    [
        ("MDL", "MD"),  # Moldova's rates are not implemented
        ("EUR", "RO"),  # a claim in another currency than the court's
        ("USD", "RU"),
        ("EUR", "DE"),
    ],
)
def test_unknown_rules_give_nothing_for_the_lawyer_to_type(currency: str, country: str) -> None:
    assert fee("10000.00", currency, country, date(2026, 4, 15)) is None


def test_the_rule_is_cited() -> None:
    found = court_fee(Money(Decimal("10000.00"), "RON"), "ro", date(2026, 4, 15))
    assert found is not None and "80/2013" in found.rule
