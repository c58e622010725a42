"""Moldova, Civil Code art. 942(2) and 874(2): the NBM base rate in force on 1 January / 1 July
applies to the whole half-year, + 9 points (+ 5 for a consumer).

The shipped NBM file is marked UNVERIFIED (dunwell/interest/data/md_base_rate.csv), so these
cases state the base rates they assume in a RateBook of their own; the arithmetic is by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.interest.calc import RateBook
from dunwell.interest.calc.types import MD_BASE_RATE
from dunwell.interest.tests.cases import Case

BOOK = RateBook(
    {
        MD_BASE_RATE: [
            (date(2018, 1, 1), Decimal("6.50")),
            (date(2019, 2, 15), Decimal("7.00")),  # a made-up change before 01.03.2019
            (date(2022, 6, 3), Decimal("18.50")),
            (date(2022, 8, 5), Decimal("21.50")),
            (date(2022, 12, 8), Decimal("20.00")),
            (date(2023, 6, 22), Decimal("6.00")),
            (date(2023, 11, 10), Decimal("4.75")),
            (date(2024, 5, 10), Decimal("3.60")),
            (date(2025, 1, 24), Decimal("5.60")),
            (date(2025, 2, 6), Decimal("6.50")),
        ]
    }
)

CASES = [
    # H1 2025 uses the rate of 01.01.2025 (3.60) although it rose in Jan/Feb: 12.6%;
    # 01.01-30.06.2025 181 d: 10000*0.126*181/365 = 624.82
    Case(
        "half-year-rule",
        "md-legal",
        "10000",
        date(2024, 12, 31),
        date(2025, 6, 30),
        "624.82",
        ("624.82",),
    ),
    # consumer: 3.60 + 5 = 8.6%: 10000*0.086*181/365 = 426.47
    Case(
        "consumer",
        "md-legal",
        "10000",
        date(2024, 12, 31),
        date(2025, 6, 30),
        "426.47",
        ("426.47",),
        options={"debtor": "consumer"},
    ),
    # 16.06-30.06.2025 15 d at 12.6%: 51.78; H2 from 01.07 at 6.50 + 9 = 15.5%: 45 d: 191.10
    Case(
        "into-second-half",
        "md-legal",
        "10000",
        date(2025, 6, 15),
        date(2025, 8, 14),
        "242.88",
        ("51.78", "191.10"),
    ),
    # before 01.03.2019 the rate in force each day: 01.02-14.02.2019 14 d at 15.5%: 59.45;
    # 15.02-28.02 14 d at 16%: 61.37; from 01.03 the H1 rate (6.50 on 01.01) 15.5%: 31 d: 131.64
    Case(
        "before-and-after-2019-reform",
        "md-legal",
        "10000",
        date(2019, 1, 31),
        date(2019, 3, 31),
        "252.46",
        ("59.45", "61.37", "131.64"),
    ),
    # H2 2023 rate of 01.07.2023 = 6.00 -> 15%: 21.12-31.12.2023 11 d: 45.21;
    # H1 2024 rate of 01.01.2024 = 4.75 -> 13.75%: 01.01-19.01.2024 19 d /366: 71.38
    Case(
        "new-year-and-new-half",
        "md-legal",
        "10000",
        date(2023, 12, 20),
        date(2024, 1, 19),
        "116.59",
        ("45.21", "71.38"),
    ),
    # payment 4000 on 31.03.2025: 01.01-31.03 90 d x 10000 x 12.6%: 310.68;
    # 01.04-30.06 91 d x 6000: 188.48
    Case(
        "payment",
        "md-legal",
        "10000",
        date(2024, 12, 31),
        date(2025, 6, 30),
        "499.16",
        ("310.68", "188.48"),
        payments=((date(2025, 3, 31), "4000"),),
    ),
    # H2 2022: rate of 01.07.2022 = 18.50 -> 27.5% for all of H2 (the August hike ignored):
    # 01.07-31.12.2022 184 d: 10000*0.275*184/365 = 1386.30
    Case(
        "2022-second-half",
        "md-legal",
        "10000",
        date(2022, 6, 30),
        date(2022, 12, 31),
        "1386.30",
        ("1386.30",),
    ),
    # consumer H2 2022: 23.5%: 10000*0.235*184/365 = 1184.66
    Case(
        "2022-second-half-consumer",
        "md-legal",
        "10000",
        date(2022, 6, 30),
        date(2022, 12, 31),
        "1184.66",
        ("1184.66",),
        options={"debtor": "consumer"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_moldova_worked_cases(case: Case) -> None:
    case.check(BOOK)


def test_shipped_book_has_the_moldovan_series(book: RateBook) -> None:
    assert book.has(MD_BASE_RATE)
