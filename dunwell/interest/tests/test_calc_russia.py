"""Russia, CC RF art. 395 and 317.1: worked cases from the Bank of Russia key-rate table
(https://www.cbr.ru/hd_base/KeyRate/): 15% from 30.10.2023, 16% from 18.12.2023, 18% from
29.07.2024, 19% from 16.09.2024, 21% from 28.10.2024; 9.5% from 14.02.2022, 20% from
28.02.2022, 17% from 11.04.2022, 14% from 04.05.2022, 11% from 27.05.2022, 9.5% from
14.06.2022, 8% from 25.07.2022, 7.5% from 19.09.2022; 10.5% from 14.06.2016.
Formula: base x rate x days / 365 (366 in 2016 and 2024), each line rounded to the kopeck, the
way the ConsultantPlus / 395gk.ru calculators print their tables.
"""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.interest.calc import RateBook
from dunwell.interest.tests.cases import Case

CASES = [
    # 02.12.2023-17.12.2023 16 d 15%: 657.53; 18.12-31.12 14 d 16%: 613.70;
    # 01.01.2024-01.03 61 d 16%/366: 2666.67; paid 20 000 on 01.03 -> 80 000:
    # 02.03-28.07 149 d: 5210.93; 29.07-10.08 13 d 18%: 511.48; total 9660.31
    Case(
        "key-rate-changes-and-payment",
        "ru-395",
        "100000",
        date(2023, 12, 1),
        date(2024, 8, 10),
        "9660.31",
        ("657.53", "613.70", "2666.67", "5210.93", "511.48"),
        payments=((date(2024, 3, 1), "20000"),),
    ),
    # 26.02-27.02.2022 2 d 9.5%: 500000*0.095*2/365 = 260.27; 28.02-31.03 32 d 20%: 8767.12
    Case(
        "february-2022-jump",
        "ru-395",
        "500000",
        date(2022, 2, 25),
        date(2022, 3, 31),
        "9027.39",
        ("260.27", "8767.12"),
    ),
    # due 08.03.2024 (holiday) -> 11.03.2024 (Monday, art. 193); delay 12.03-31.03 = 20 d:
    # 100000*0.16*20/366 = 874.32 (without the move: 09.03-31.03 = 23 d = 1005.46)
    Case(
        "due-on-holiday-moves",
        "ru-395",
        "100000",
        date(2024, 3, 8),
        date(2024, 3, 31),
        "874.32",
        ("874.32",),
    ),
    # moratorium 01.04-01.10.2022 excluded: 11.03-31.03 21 d 20%: 11506.85;
    # 02.10-31.10 30 d 7.5%: 6164.38; total 17671.23
    Case(
        "moratorium-excluded",
        "ru-395",
        "1000000",
        date(2022, 3, 10),
        date(2022, 10, 31),
        "17671.23",
        ("11506.85", "6164.38"),
    ),
    # moratorium=off: 31 d 20% 16986.30; 23 d 17% 10712.33; 23 d 14% 8821.92; 18 d 11% 5424.66;
    # 41 d 9.5% 10671.23; 56 d 8% 12273.97; 43 d 7.5% 8835.62; total 73726.03
    Case(
        "moratorium-off",
        "ru-395",
        "1000000",
        date(2022, 3, 10),
        date(2022, 10, 31),
        "73726.03",
        ("16986.30", "10712.33", "8821.92", "5424.66", "10671.23", "12273.97", "8835.62"),
        options={"moratorium": "off"},
    ),
    # split at 1 January: 21.12-31.12.2023 11 d /365: 1205.48; 01.01-10.01.2024 10 d /366: 1092.90
    Case(
        "split-at-new-year",
        "ru-395",
        "250000",
        date(2023, 12, 20),
        date(2024, 1, 10),
        "2298.38",
        ("1205.48", "1092.90"),
    ),
    # two payments: 02.10-15.10.2024 14 d 300000 19%: 2180.33; 16.10-27.10 12 d 200000: 1245.90;
    # 28.10-05.11 9 d 21%: 1032.79; 06.11-30.11 25 d 150000: 2151.64; total 6610.66
    Case(
        "two-payments",
        "ru-395",
        "300000",
        date(2024, 10, 1),
        date(2024, 11, 30),
        "6610.66",
        ("2180.33", "1245.90", "1032.79", "2151.64"),
        payments=((date(2024, 10, 15), "100000"), (date(2024, 11, 5), "50000")),
    ),
    # before 01.06.2015 the refinancing rate 8.25%: 21.05-31.05.2015 11 d: 248.63; then the North
    # Caucasus FD deposit rates 10.46% from 01.06 (14 d: 401.21) and 10.70% from 15.06 (6 d:
    # 175.89) — ConsultantPlus table, cons_doc_LAW_180997
    Case(
        "2015-refinancing-then-district-rate",
        "ru-395",
        "100000",
        date(2015, 5, 20),
        date(2015, 6, 20),
        "825.73",
        ("248.63", "401.21", "175.89"),
        options={"district": "north_caucasus"},
    ),
    # 26.07-31.07.2016 6 d at 6.66% (North Caucasus, from 15.07.2016) /366: 109.18;
    # from 01.08.2016 the key rate 10.5%: 01.08-10.08 10 d /366: 286.89
    Case(
        "august-2016-switch-to-key-rate",
        "ru-395",
        "100000",
        date(2016, 7, 25),
        date(2016, 8, 10),
        "396.07",
        ("109.18", "286.89"),
        options={"district": "north_caucasus"},
    ),
    # art. 317.1: 10.01-08.02.2024 30 d 16%/366: 100000*0.16*30/366 = 1311.48
    Case(
        "317.1", "ru-317.1", "100000", date(2024, 1, 9), date(2024, 2, 8), "1311.48", ("1311.48",)
    ),
    # art. 317.1 from the day the money was owed (accrual_start): 01.01-08.02.2024 39 d: 1704.92
    Case(
        "317.1-accrual-start",
        "ru-317.1",
        "100000",
        date(2024, 1, 9),
        date(2024, 2, 8),
        "1704.92",
        ("1704.92",),
        options={"accrual_start": "2024-01-01"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_art_395_and_317_1_worked_cases(case: Case, book: RateBook) -> None:
    case.check(book)


def test_moratorium_lines_skip_the_window(book: RateBook) -> None:
    result = CASES[3].check(book)
    assert [(line.start, line.end) for line in result.lines] == [
        (date(2022, 3, 11), date(2022, 3, 31)),
        (date(2022, 10, 2), date(2022, 10, 31)),
    ]


def test_moratorium_on_later_obligation_warns(book: RateBook) -> None:
    result = Case("x", "ru-395", "1000", date(2022, 5, 10), date(2022, 11, 1), "0").run(book)
    assert any("01.04.2022" in w for w in result.warnings)


def test_due_shift_off_counts_from_the_day_after_the_holiday(book: RateBook) -> None:
    # 09.03-31.03.2024 23 d: 100000*0.16*23/366 = 1005.46
    Case(
        "x",
        "ru-395",
        "100000",
        date(2024, 3, 8),
        date(2024, 3, 31),
        "1005.46",
        options={"due_shift": "off"},
    ).check(book)


def test_district_without_data_is_a_clear_error(book: RateBook) -> None:
    from dunwell.interest.calc import CalcError

    with pytest.raises(CalcError, match="ru_deposit_ural"):
        Case(
            "x",
            "ru-395",
            "1000",
            date(2015, 12, 1),
            date(2016, 1, 10),
            "0",
            options={"district": "ural"},
        ).run(book)
