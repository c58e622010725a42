"""Romania, OG 13/2011 art. 3 and Law 72/2013: NBR reference rate 7.00% from 11.01.2023 (NBR
Circular 1/2023, M.Of. 31/11.01.2023), 2.00% from 11.01.2022, 2.50% from 10.02.2022 (NBR Board
decisions). Between professionals: reference + 8 = 15% (2023); consumer: (7 + 4) x 0.8 = 8.8%.
"""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.interest.calc import RateBook
from dunwell.interest.tests.cases import Case

CASES = [
    # 01.04-30.06.2023 91 d: 10000*0.15*91/365 = 373.97; EUR 40 compensation outside the total
    Case(
        "professionals",
        "ro-legal",
        "10000",
        date(2023, 3, 31),
        date(2023, 6, 30),
        "373.97",
        ("373.97", "40.00"),
        components={"interest": "373.97", "compensation": "40.00"},
    ),
    # consumer: 8.8%: 10000*0.088*91/365 = 219.40, no compensation
    Case(
        "consumer",
        "ro-legal",
        "10000",
        date(2023, 3, 31),
        date(2023, 6, 30),
        "219.40",
        ("219.40",),
        options={"debtor": "consumer"},
    ),
    # compensation in lei at 4.9735 RON/EUR: 40*4.9735 = 198.94
    Case(
        "compensation-in-lei",
        "ro-legal",
        "10000",
        date(2023, 3, 31),
        date(2023, 6, 30),
        "373.97",
        ("373.97", "198.94"),
        options={"eur_rate": "4.9735"},
    ),
    # 16.12-31.12.2023 16 d /365: 50000*0.15*16/365 = 328.77; 01.01-31.01.2024 31 d /366: 635.25
    Case(
        "split-at-new-year",
        "ro-legal",
        "50000",
        date(2023, 12, 15),
        date(2024, 1, 31),
        "964.02",
        ("328.77", "635.25", "40.00"),
    ),
    # payment 5000 on 30.06.2023: 01.06-30.06 30 d x 20000: 246.58; 01.07-31.07 31 d x 15000: 191.10
    Case(
        "payment",
        "ro-legal",
        "20000",
        date(2023, 5, 31),
        date(2023, 7, 31),
        "437.68",
        ("246.58", "191.10", "40.00"),
        payments=((date(2023, 6, 30), "5000"),),
    ),
    # payment day not counted: 01.06-29.06 29 d: 238.36; 30.06-31.07 32 d x 15000: 197.26
    Case(
        "payment-day-not-counted",
        "ro-legal",
        "20000",
        date(2023, 5, 31),
        date(2023, 7, 31),
        "435.62",
        ("238.36", "197.26", "40.00"),
        payments=((date(2023, 6, 30), "5000"),),
        options={"payment_day": "not_counted"},
    ),
    # 2022: 01.02-09.02 9 d at 2+8 = 10%: 246.58; 10.02-28.02 19 d at 10.5%: 546.58
    Case(
        "rate-change-2022",
        "ro-legal",
        "100000",
        date(2022, 1, 31),
        date(2022, 2, 28),
        "793.16",
        ("246.58", "546.58", "40.00"),
    ),
    # counted to the due date itself: no delay, nothing due
    Case("no-delay", "ro-legal", "100000", date(2023, 3, 31), date(2023, 3, 31), "0.00", ()),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_romania_worked_cases(case: Case, book: RateBook) -> None:
    case.check(book)


def test_compensation_without_rate_warns_it_is_in_euro(book: RateBook) -> None:
    result = CASES[0].check(book)
    assert any("eur_rate" in w for w in result.warnings)
