"""Directive 2011/7/EU: ECB main refinancing rate on 1 January / 1 July + 8 points; EUR 40.
ECB MRO (ecb.europa.eu key rates): 0.00 from 16.03.2016, 2.50 from 21.12.2022, 4.00 from
21.06.2023, 4.50 from 20.09.2023, 4.25 from 12.06.2024, 3.15 from 18.12.2024.
"""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.interest.calc import RateBook
from dunwell.interest.tests.cases import Case

CASES = [
    # H2 2023: 4.00 + 8 = 12%: 01.07-31.12.2023 184 d: 10000*0.12*184/365 = 604.93
    Case(
        "h2-2023",
        "eu-directive",
        "10000",
        date(2023, 6, 30),
        date(2023, 12, 31),
        "604.93",
        ("604.93", "40.00"),
        components={"interest": "604.93", "compensation": "40.00"},
    ),
    # H1 2023: 2.50 + 8 = 10.5%: 181 d: 520.68
    Case(
        "h1-2023",
        "eu-directive",
        "10000",
        date(2022, 12, 31),
        date(2023, 6, 30),
        "520.68",
        ("520.68", "40.00"),
    ),
    # H1 2024: 4.50 + 8 = 12.5%: 182 d /366: 621.58
    Case(
        "h1-2024",
        "eu-directive",
        "10000",
        date(2023, 12, 31),
        date(2024, 6, 30),
        "621.58",
        ("621.58", "40.00"),
    ),
    # H2 2024: 4.25 + 8 = 12.25%: 184 d /366: 615.85
    Case(
        "h2-2024",
        "eu-directive",
        "10000",
        date(2024, 6, 30),
        date(2024, 12, 31),
        "615.85",
        ("615.85", "40.00"),
    ),
    # H1 2025: 3.15 + 8 = 11.15%: 181 d: 552.92
    Case(
        "h1-2025",
        "eu-directive",
        "10000",
        date(2024, 12, 31),
        date(2025, 6, 30),
        "552.92",
        ("552.92", "40.00"),
    ),
    # H2 2022: the rate of 01.07.2022 (0.00) holds all half-year despite the July hikes: 8%:
    # 184 d: 403.29
    Case(
        "h2-2022-fixed-despite-hikes",
        "eu-directive",
        "10000",
        date(2022, 6, 30),
        date(2022, 12, 31),
        "403.29",
        ("403.29", "40.00"),
    ),
    # 01.06-30.06.2023 30 d x 20000 at 10.5%: 172.60; 01.07-15.09 77 d at 12%: 506.30;
    # paid 5000 on 15.09: 16.09-31.10 46 d x 15000: 226.85
    Case(
        "payment-across-half-years",
        "eu-directive",
        "20000",
        date(2023, 5, 31),
        date(2023, 10, 31),
        "905.75",
        ("172.60", "506.30", "226.85", "40.00"),
        payments=((date(2023, 9, 15), "5000"),),
    ),
    # compensation off
    Case(
        "no-compensation",
        "eu-directive",
        "10000",
        date(2023, 6, 30),
        date(2023, 12, 31),
        "604.93",
        ("604.93",),
        options={"compensation": "off"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_eu_directive_worked_cases(case: Case, book: RateBook) -> None:
    case.check(book)
