from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dunwell.legal.calc import ClaimItem, calculate_claim, pick_rule


@pytest.mark.parametrize(
    ("country", "law", "expected"),
    [("RU", "", "ru-395"), ("UA", "", "ua-625"), ("RO", "", "ro-legal"), ("MD", "", "md-legal"),
     ("DE", "", "eu-directive"), ("RO", "RU", "ru-395"), ("md", "", "md-legal")],
)  # fmt: skip
def test_without_a_penalty_clause_the_law_decides(country: str, law: str, expected: str) -> None:
    rule, _options = pick_rule(country, law)
    assert rule == expected


def test_romanian_and_moldovan_rules_say_the_debtor_is_a_business() -> None:
    assert pick_rule("RO") == ("ro-legal", {"debtor": "business"})
    assert pick_rule("MD", business=False) == ("md-legal", {"debtor": "consumer"})


def test_a_penalty_clause_wins_and_ukraine_caps_it() -> None:
    assert pick_rule("RO", "", Decimal("0.1"), "day", Decimal("10")) == (
        "contract",
        {"rate_per_day": "0.1", "cap_percent": "10"},
    )
    assert pick_rule("UA", "", Decimal("36"), "year") == ("ua-penalty", {"rate_per_year": "36"})


def test_claim_sums_items_and_skips_the_not_yet_due(fake_calculator: Any) -> None:
    items = [
        ClaimItem("a", None, date(2026, 1, 31), Decimal("1000"),
                  ((date(2026, 2, 5), Decimal("500")),)),
        ClaimItem("b", None, date(2026, 3, 1), Decimal("99")),  # due after `to`
    ]  # fmt: skip
    calc = calculate_claim(items, "contract", {"rate_per_day": "0.1"}, date(2026, 2, 10))
    assert calc.total == Decimal("7.50")
    assert [line.item for line in calc.lines] == ["a", "a"]
    assert calc.components == {"penalty": Decimal("7.50")}


def test_penalty_from_a_later_day_moves_the_start(fake_calculator: Any) -> None:
    item = ClaimItem("a", None, date(2026, 1, 31), Decimal("1000"))
    calc = calculate_claim([item], "contract", {}, date(2026, 2, 10), penalty_from_day=6)
    assert calc.lines[0].start == date(2026, 2, 6)
    assert calc.total == Decimal("5.00")
