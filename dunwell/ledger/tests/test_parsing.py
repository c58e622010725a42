from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.ledger.parsing import ParseError, parse_bool, parse_date, parse_decimal, parse_money
from dunwell.ledger.phones import PhoneError, normalize_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234\u202f567,5", "1234567.5"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("12,5", "12.5"),
        ("-12,50", "-12.50"),
        ("(100,00)", "-100.00"),
        (" 7 ", "7"),
    ],
)
def test_numbers_in_cis_and_eu_formats(text: str, expected: str) -> None:
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12.34.5", "1..2", "1 234,56 RON"])
def test_bad_numbers_are_refused_with_the_value_quoted(text: str) -> None:
    with pytest.raises(ParseError, match="not a number"):
        parse_decimal(text)


def test_money_has_at_most_two_decimals() -> None:
    assert parse_money("10") == Decimal("10.00")
    assert parse_money("10,500") == Decimal("10.50")
    with pytest.raises(ParseError, match="two decimals"):
        parse_money("10.505")


@pytest.mark.parametrize(
    "text", ["2025-12-31", "31.12.2025", "31/12/2025", "31.12.2025 0:00:00", "2025-12-31T00:00"]
)
def test_dates_in_iso_and_dotted_formats(text: str) -> None:
    assert parse_date(text) == date(2025, 12, 31)


@pytest.mark.parametrize("text", ["", "31.13.2025", "2025-02-30", "12/31/25", "yesterday"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ParseError, match="not a date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["1", "yes", "TRUE", "да", "Так", "da"])
def test_true_in_four_languages(text: str) -> None:
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["0", "no", "false", "нет", "ні", "nu", ""])
def test_false_in_four_languages(text: str) -> None:
    assert parse_bool(text) is False


def test_unknown_boolean_is_refused() -> None:
    with pytest.raises(ParseError, match="yes/no"):
        parse_bool("maybe")


def test_phone_uses_the_counterparty_country() -> None:
    assert normalize_phone("0721 234 567", "RO") == "+40721234567"
    assert normalize_phone("8 (495) 123-45-67", "RU") == "+74951234567"
    assert normalize_phone("0038 044 123 4567", "RO") == "+380441234567"
    assert normalize_phone("", "RO") == ""
    with pytest.raises(PhoneError):
        normalize_phone("12", "RO")
