"""The money value: never adds two currencies; parses and formats as each language writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunwell.money import (
    AmountError,
    Amounts,
    CurrencyMismatch,
    Money,
    Rate,
    RateTable,
    format_amount,
    format_input_amount,
    parse_amount,
)


def test_money_of_two_currencies_never_adds() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "RON")
    with pytest.raises(CurrencyMismatch):
        _ = Money(Decimal("1"), "EUR") < Money(Decimal("2"), "RON")


def test_amounts_keep_each_currency_apart() -> None:
    a = Amounts.of([("EUR", Decimal("1032.44")), ("MDL", Decimal("94232.67"))])
    b = a + Money(Decimal("0.56"), "EUR")
    assert b.get("EUR") == Money(Decimal("1033.00"), "EUR")
    assert b.get("MDL") == Money(Decimal("94232.67"), "MDL")
    assert str(a) == "1,032.44 EUR + 94,232.67 MDL"
    assert a.single() is None and Amounts.of([("RUB", Decimal("5"))]).single() == Money(
        Decimal("5"), "RUB"
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "1,234,567.50"), ("ru", "1\u00a0234\u00a0567,50"), ("uk", "1\u00a0234\u00a0567,50"),
     ("ro", "1.234.567,50")],
)  # fmt: skip
def test_format_and_parse_per_language(language: str, text: str) -> None:
    amount = Decimal("1234567.50")
    assert format_amount(amount, language) == text
    assert parse_amount(text, language) == amount
    # what a form pre-fills is read back exactly (the pre-filled promise used to fail)
    assert parse_amount(format_input_amount(amount, language), language) == amount


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [("ru", "454657,36", "454657.36"), ("ru", "454657.36", "454657.36"), ("ru", "1 000", "1000"),
     ("ro", "1.000,5", "1000.50"), ("en", "1000", "1000"), ("uk", "12,5", "12.50")],
)  # fmt: skip
def test_what_users_type_is_read(language: str, typed: str, amount: str) -> None:
    assert parse_amount(typed, language) == Decimal(amount)


@pytest.mark.parametrize(
    ("language", "typed"),
    [("ru", ""), ("ru", "abc"), ("ru", "1,2,3"), ("ru", "454657.360000001"), ("ru", "NaN"),
     ("ru", "1e5"), ("en", "12,34,56"), ("en", "1234,56"), ("ro", "1.00,5"), ("ru", "1 00"),
     ("ru", "²"), ("en", "9" * 40), ("ru", "1," + "5" * 40)],
)  # fmt: skip
def test_what_is_not_an_amount_is_refused(language: str, typed: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(typed, language)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["RON", "EUR", "MDL", "UAH", "RUB"]),
            st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2),
        ),
        max_size=30,
    )
)
def test_amounts_equal_a_per_currency_brute_force_sum(pairs: list[tuple[str, Decimal]]) -> None:
    expected: dict[str, Decimal] = {}
    for currency, amount in pairs:
        expected[currency] = expected.get(currency, Decimal("0")) + amount
    total = Amounts()
    for currency, amount in pairs:
        total = total + Money(amount, currency)
    assert {m.currency: m.amount for m in total} == expected
    assert Amounts.of(pairs) == total


def test_rate_table_direct_inverse_cross_and_stale() -> None:
    table = RateTable(as_of=date(2030, 1, 20))
    table.add(Rate("EUR", "RON", Decimal("5"), date(2030, 1, 19)))
    table.add(Rate("MDL", "RON", Decimal("0.25"), date(2030, 1, 2)))
    assert table.convert(Money(Decimal("2"), "EUR"), "RON") == Money(Decimal("10.00"), "RON")
    assert table.convert(Money(Decimal("10"), "RON"), "EUR") == Money(Decimal("2.00"), "EUR")
    assert table.convert(Money(Decimal("20"), "MDL"), "EUR") == Money(Decimal("1.00"), "EUR")
    assert table.convert(Money(Decimal("1"), "USD"), "RON") is None
    assert not table.stale("EUR", "RON") and table.stale("MDL", "RON")
