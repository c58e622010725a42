"""Penalty and statutory-interest calculator: pure Python, no Django import.

    from dunwell.interest.calc import calculate, PaymentEvent, RateBook
    result = calculate("ru-395", debt=Decimal("100000"), due=date(2024, 1, 10),
                       to=date(2024, 3, 31), rates=book)

Django callers use `dunwell.interest.services.calculate`, which loads the RateBook from the
database. Rules, options and sources: docs/interest.md.
"""

from dunwell.interest.calc.rules import RULES, calculate, rule_options
from dunwell.interest.calc.types import (
    ALL_SERIES,
    CalcError,
    Line,
    Notice,
    PaymentEvent,
    RateBook,
    Result,
)

__all__ = [
    "ALL_SERIES",
    "RULES",
    "CalcError",
    "Line",
    "Notice",
    "PaymentEvent",
    "RateBook",
    "Result",
    "calculate",
    "rule_options",
]
