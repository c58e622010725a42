"""Ukraine: CC art. 625 (3% per year + inflation losses) and the contract penalty capped at twice
the NBU discount rate. Rates: Ukrstat CPI (% of the previous month) 2024: Jan 100.4, Feb 100.3,
Mar 100.5, Apr 100.2; 2023: Jul 99.4, Aug 98.6; 2022: Mar 104.5, Apr 103.1, May 102.7,
Jun 103.1. NBU discount rate 13.5% from 26.04.2024, 13% from 14.06.2024 (bank.gov.ua).
Month rule (Supreme Court of Ukraine letter 62-97р of 03.04.1997): debt arising on the
1st-15th is indexed from that month, on the 16th-31st from the next; repaid on the 1st-15th:
that month is not indexed, 16th-31st: it is.
"""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.interest.calc import RateBook
from dunwell.interest.tests.cases import Case

CASES = [
    # delay from 11.01.2024 (Jan counted) to 31.03 (Mar counted): index 1.004*1.003*1.005 =
    # 1.01204706 -> 100000*0.01204706 = 1204.71; 3%: 81 d: 100000*0.03*81/366 = 663.93
    Case(
        "625-basic",
        "ua-625",
        "100000",
        date(2024, 1, 10),
        date(2024, 3, 31),
        "1868.64",
        ("1204.71", "663.93"),
    ),
    # delay from 16.01 (from February) to 10.03 (March not counted): Feb only 100.3 -> 300.00;
    # 3%: 16.01-10.03 55 d: 100000*0.03*55/366 = 450.82
    Case(
        "625-month-rule-both-ends",
        "ua-625",
        "100000",
        date(2024, 1, 15),
        date(2024, 3, 10),
        "750.82",
        ("300.00", "450.82"),
    ),
    # index rounded to 3 decimals: 1.012 -> 1200.00; + 663.93
    Case(
        "625-index-3dp",
        "ua-625",
        "100000",
        date(2024, 1, 10),
        date(2024, 3, 31),
        "1863.93",
        ("1200.00", "663.93"),
        options={"index_rounding": "3dp"},
    ),
    # July-August 2023 deflation: 0.994*0.986 = 0.980084 < 1 -> no inflation losses;
    # 3%: 01.07-31.08.2023 62 d: 100000*0.03*62/365 = 509.59
    Case(
        "625-deflation",
        "ua-625",
        "100000",
        date(2023, 6, 30),
        date(2023, 8, 31),
        "509.59",
        ("0.00", "509.59"),
    ),
    # partial payment 40 000 on 20.02.2024: period 1 Jan-Feb 1.004*1.003 = 1.007012 -> 701.20;
    # period 2 from March (paid after the 15th) to April: 1.005*1.002 = 1.00701 -> 60000 x
    # 0.00701 = 420.60; 3%: 11.01-20.02 41 d x 100000 = 336.07; 21.02-30.04 70 d x 60000 = 344.26
    Case(
        "625-partial-payment",
        "ua-625",
        "100000",
        date(2024, 1, 10),
        date(2024, 4, 30),
        "1802.13",
        ("701.20", "420.60", "336.07", "344.26"),
        payments=((date(2024, 2, 20), "40000"),),
        components={"inflation": "1121.80", "interest": "680.33"},
    ),
    # 2022: Mar-Jun 1.045*1.031*1.027*1.031 = 1.140785689615 -> 50000 x 0.140786 = 7039.28;
    # 3%: 01.03-30.06.2022 122 d: 50000*0.03*122/365 = 501.37
    Case(
        "625-wartime-2022",
        "ua-625",
        "50000",
        date(2022, 2, 28),
        date(2022, 6, 30),
        "7540.65",
        ("7039.28", "501.37"),
    ),
    # penalty 0.5%/day capped at 2 x NBU: 01.06-13.06.2024 13 d at 27%/366: 959.02;
    # 14.06-30.06 17 d at 26%/366: 1207.65; total 2166.67
    Case(
        "penalty-capped-at-double-discount-rate",
        "ua-penalty",
        "100000",
        date(2024, 5, 31),
        date(2024, 6, 30),
        "2166.67",
        ("959.02", "1207.65"),
        options={"rate_per_day": "0.5"},
    ),
    # 0.01%/day is under the cap: 13 d x 10.00 = 130.00; 17 d x 10.00 = 170.00
    Case(
        "penalty-under-cap",
        "ua-penalty",
        "100000",
        date(2024, 5, 31),
        date(2024, 6, 30),
        "300.00",
        ("130.00", "170.00"),
        options={"rate_per_day": "0.01"},
    ),
    # Commercial Code art. 232(6): delay from 16.01.2024, accrual stops 15.07.2024:
    # 16.01-15.07 = 182 d x 10.00 = 1820.00 (lines cut at NBU changes, amounts exact)
    Case(
        "penalty-six-month-limit",
        "ua-penalty",
        "100000",
        date(2024, 1, 15),
        date(2024, 12, 31),
        "1820.00",
        options={"rate_per_day": "0.01"},
    ),
    # contract excludes the limit: 16.01-31.12.2024 = 351 d x 10.00 = 3510.00
    Case(
        "penalty-limit-off",
        "ua-penalty",
        "100000",
        date(2024, 1, 15),
        date(2024, 12, 31),
        "3510.00",
        options={"rate_per_day": "0.01", "six_month_limit": "off"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_ukraine_worked_cases(case: Case, book: RateBook) -> None:
    case.check(book)


def test_six_month_limit_is_reported(book: RateBook) -> None:
    result = CASES[8].check(book)
    assert result.lines[-1].end == date(2024, 7, 15)
    assert any("232(6)" in w for w in result.warnings)


def test_no_six_month_limit_for_delays_after_the_commercial_code_was_repealed() -> None:
    # The Commercial Code lost force on 28.08.2025 (Law 4196-IX): a delay from 01.10.2025 to
    # 30.04.2026 (212 days) accrues in full: 212 x 10.00 = 2120.00 (flat NBU 20%: cap 40%/yr).
    from dunwell.interest.tests.conftest import flat_book

    Case(
        "x",
        "ua-penalty",
        "100000",
        date(2025, 9, 30),
        date(2026, 4, 30),
        "2120.00",
        options={"rate_per_day": "0.01"},
    ).check(flat_book("20"))


def test_missing_cpi_month_is_warned() -> None:
    from dunwell.interest.calc.types import UA_CPI

    book = RateBook({UA_CPI: [(date(2024, 1, 1), __import__("decimal").Decimal("101"))]})
    result = Case("x", "ua-625", "1000", date(2024, 1, 10), date(2024, 3, 31), "0").run(book)
    assert result.components["inflation"] == __import__("decimal").Decimal("10.00")
    assert any("2024-02" in w for w in result.warnings)


def test_a_delay_with_no_month_to_index_says_so_not_that_prices_fell() -> None:
    """Due 20 March, paid 10 April: March is not indexed (arising after the 15th), nor April
    (repaid by the 15th). Before, the line said "prices did not rise over the period"."""
    from decimal import Decimal

    from dunwell.interest.calc.rules import DEFLATION_NOTE, NO_MONTH_NOTE
    from dunwell.interest.calc.types import UA_CPI

    book = RateBook({UA_CPI: [(date(2024, 1, 1), Decimal("101"))]})
    short = Case("x", "ua-625", "1000", date(2024, 3, 20), date(2024, 5, 31), "0",
                 payments=((date(2024, 4, 10), "1000"),)).run(book)  # fmt: skip
    (line,) = [line for line in short.lines if line.component == "inflation"]
    assert (line.note, line.amount) == (NO_MONTH_NOTE, Decimal("0.00"))
    deflation = RateBook({UA_CPI: [(date(2024, m, 1), Decimal("99.5")) for m in (1, 2, 3)]})
    long = Case("x", "ua-625", "1000", date(2024, 1, 10), date(2024, 3, 31), "0").run(deflation)
    (line,) = [line for line in long.lines if line.component == "inflation"]
    assert line.note == DEFLATION_NOTE
