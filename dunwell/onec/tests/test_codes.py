"""1C's numeric currency and country codes as ISO alpha codes."""

from __future__ import annotations

import pytest

from dunwell.money import is_currency_code
from dunwell.onec.codes import ISO_4217_NUMERIC, country_alpha2, currency_alpha


def test_every_alpha_code_of_the_currency_table_is_a_real_currency() -> None:
    unknown = [alpha for alpha in ISO_4217_NUMERIC.values() if not is_currency_code(alpha)]
    assert not unknown
    assert len(set(ISO_4217_NUMERIC.values())) == len(ISO_4217_NUMERIC)


@pytest.mark.parametrize(
    ("code", "name", "alpha"),
    [
        ("643", "руб.", "RUB"),
        ("978", "евро", "EUR"),
        ("980", "грн", "UAH"),
        ("946", "lei", "RON"),
        ("498", "лей", "MDL"),
        ("840", "USD", "USD"),
        ("933", "BYN", "BYN"),
        ("398", "тенге", "KZT"),
        ("", "usd", "USD"),  # a numeric code left empty: the short name when it is alpha
        ("999", "у.е.", None),  # 1C's "conventional units": not a currency
    ],
)
def test_a_1c_currency_maps_to_its_iso_alpha_code(code: str, name: str, alpha: str | None) -> None:
    assert currency_alpha(code, name) == alpha


@pytest.mark.parametrize(
    ("code", "alpha2", "expected"),
    [("643", "", "RU"), ("498", "", "MD"), ("642", "", "RO"), ("804", "UA", "UA"), ("", "", None)],
)
def test_a_1c_country_maps_to_its_alpha2_code(code: str, alpha2: str, expected: str | None) -> None:
    assert country_alpha2(code, alpha2) == expected
