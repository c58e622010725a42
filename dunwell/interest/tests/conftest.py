"""Fixtures of the interest app: the shipped rate book, and small hand-made ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from dunwell.interest.calc import RateBook
from dunwell.interest.ratefiles import shipped_ratebook


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English: a page test elsewhere can leave another language active."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def book() -> RateBook:
    return shipped_ratebook()


def flat_book(value: str = "10", since: date = date(2000, 1, 1)) -> RateBook:
    """Every series constant at `value` (CPI at 101 = 1% a month): arithmetic checks."""
    from dunwell.interest.calc.types import ALL_SERIES, RU_DEPOSIT_PREFIX

    series: dict[str, list[tuple[date, Decimal]]] = {
        code: [(since, Decimal(value))] for code in ALL_SERIES if code != "ua_cpi"
    }
    series[RU_DEPOSIT_PREFIX + "central"] = [(since, Decimal(value))]
    months = []
    for year in range(2000, 2031):
        for month in range(1, 13):
            months.append((date(year, month, 1), Decimal("101")))
    series["ua_cpi"] = months
    return RateBook(series)
