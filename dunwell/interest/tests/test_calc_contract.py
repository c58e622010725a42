"""Contract penalty: worked cases computed by hand (arithmetic in the comments).

Formula: base x rate% x days (per day) or base x rate% x days / year basis (per year); each line
rounded half up to the cent. Days run from the day after the due date to `to` inclusive.
"""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.interest.calc import RateBook
from dunwell.interest.tests.cases import Case

CASES = [
    # 0.1%/day on 100 000 from 11.03.2024 to 31.03.2024 = 21 days: 100000*0.001*21 = 2100.00
    Case(
        "per-day",
        "contract",
        "100000",
        date(2024, 3, 10),
        date(2024, 3, 31),
        "2100.00",
        ("2100.00",),
        options={"rate_per_day": "0.1"},
    ),
    # payment 40 000 on 20.03 (payment day counted): 11.03-20.03 10 d x 100000 x 0.1% = 1000.00;
    # 21.03-31.03 11 d x 60000 x 0.1% = 660.00; total 1660.00
    Case(
        "payment",
        "contract",
        "100000",
        date(2024, 3, 10),
        date(2024, 3, 31),
        "1660.00",
        ("1000.00", "660.00"),
        payments=((date(2024, 3, 20), "40000"),),
        options={"rate_per_day": "0.1"},
    ),
    # payment_day=not_counted: 11.03-19.03 9 d -> 900.00; 20.03-31.03 12 d x 60000 -> 720.00
    Case(
        "payment-day-not-counted",
        "contract",
        "100000",
        date(2024, 3, 10),
        date(2024, 3, 31),
        "1620.00",
        ("900.00", "720.00"),
        payments=((date(2024, 3, 20), "40000"),),
        options={"rate_per_day": "0.1", "payment_day": "not_counted"},
    ),
    # 0.1%/day on 50 000 for 01.02-31.12.2024 (335 days) = 16750.00, capped at 10% = 5000.00
    Case(
        "cap",
        "contract",
        "50000",
        date(2024, 1, 31),
        date(2024, 12, 31),
        "5000.00",
        ("5000.00",),
        options={"rate_per_day": "0.1", "cap_percent": "10"},
    ),
    # 12%/yr on 200 000: 16.12-31.12.2023 16 d: 200000*12%*16/365 = 1052.05;
    # 01.01-15.01.2024 15 d: 200000*12%*15/366 = 983.61; total 2035.66
    Case(
        "per-year-split-at-new-year",
        "contract",
        "200000",
        date(2023, 12, 15),
        date(2024, 1, 15),
        "2035.66",
        ("1052.05", "983.61"),
        options={"rate_per_year": "12"},
    ),
    # year_basis=360: 200000*12%*16/360 = 1066.67; 200000*12%*15/360 = 1000.00; total 2066.67
    Case(
        "per-year-360",
        "contract",
        "200000",
        date(2023, 12, 15),
        date(2024, 1, 15),
        "2066.67",
        ("1066.67", "1000.00"),
        options={"rate_per_year": "12", "year_basis": "360"},
    ),
    # 0.05%/day on 30 000 for 01.06-30.06.2024 (30 d) = 450.00, plus a fixed fine of 1500.00
    Case(
        "fee",
        "contract",
        "30000",
        date(2024, 5, 31),
        date(2024, 6, 30),
        "1950.00",
        ("450.00", "1500.00"),
        options={"rate_per_day": "0.05", "fee": "1500"},
        components={"penalty": "450.00", "fee": "1500.00"},
    ),
    # moratorium=on: 16.03-31.03.2022 16 d + 02.10-31.10.2022 30 d = 46 d x 100 = 4600.00
    Case(
        "moratorium",
        "contract",
        "100000",
        date(2022, 3, 15),
        date(2022, 10, 31),
        "4600.00",
        ("1600.00", "3000.00"),
        options={"rate_per_day": "0.1", "moratorium": "on"},
    ),
    # paid in full before the due date: nothing accrues
    Case(
        "paid-before-due",
        "contract",
        "100000",
        date(2024, 3, 10),
        date(2024, 3, 31),
        "0.00",
        (),
        payments=((date(2024, 3, 1), "100000"),),
        options={"rate_per_day": "0.1"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_contract_penalty_worked_cases(case: Case, book: RateBook) -> None:
    case.check(book)


def test_contract_needs_exactly_one_rate(book: RateBook) -> None:
    from dunwell.interest.calc import CalcError

    base = CASES[0]
    for options in ({}, {"rate_per_day": "0.1", "rate_per_year": "10"}):
        with pytest.raises(CalcError, match="exactly one"):
            Case("x", "contract", "1", base.due, base.to, "0", options=options).run(book)


def test_cap_reached_is_reported(book: RateBook) -> None:
    result = CASES[3].check(book)
    assert result.lines[0].note == "cap reached"
    assert any("cap" in w for w in result.warnings)
