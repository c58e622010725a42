"""The KPI formulas on hand-computed figures (docs/metrics.md, worked example)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dunwell.insight import kpi
from dunwell.insight.kpi import MonthSales

D = Decimal


def test_count_back_subtracts_whole_months_then_prorates_the_last() -> None:
    # 2,100 owed; March sold 900 (31 days), February 600 (28), January 1,000 (31):
    # 31 + 28 + 600/1000 × 31 = 77.6 days.
    months = [MonthSales(90_000, 31), MonthSales(60_000, 28), MonthSales(100_000, 31)]
    assert kpi.count_back_dso(210_000, months) == D("77.6")


def test_count_back_within_the_newest_month_is_its_share_of_the_month() -> None:
    assert kpi.count_back_dso(45_000, [MonthSales(90_000, 30)]) == D(15)


def test_count_back_skips_a_month_without_sales_but_counts_its_days() -> None:
    months = [MonthSales(0, 30), MonthSales(50_000, 31)]
    assert kpi.count_back_dso(25_000, months) == D("45.5")


def test_count_back_is_undefined_when_the_receivables_outlast_the_history() -> None:
    assert kpi.count_back_dso(300_000, [MonthSales(100_000, 31)]) is None
    assert kpi.count_back_dso(0, [MonthSales(100_000, 31)]) == 0


def test_simple_and_best_possible_dso_and_add() -> None:
    simple = kpi.simple_dso(210_000, 250_000, 90)
    best = kpi.simple_dso(90_000, 250_000, 90)
    assert simple == D("75.6")
    assert best == D("32.4")
    assert kpi.add_days(simple, best) == D("43.2")
    assert kpi.simple_dso(100, 0, 90) is None
    assert kpi.add_days(None, best) is None


def test_cei_of_a_month() -> None:
    # opening 1,600 + sales 900 − closing 2,100 = 400 collected of 1,600 collectible.
    assert kpi.cei(160_000, 90_000, 210_000, 90_000) == D(25)
    assert kpi.cei(0, 0, 0, 0) is None


def test_period_ends_are_month_ends_then_the_as_of_day() -> None:
    assert kpi.cuts(date(2026, 3, 17), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 17),
    ]
    assert kpi.month_end(date(2024, 2, 3)) == date(2024, 2, 29)
