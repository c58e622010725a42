"""A worked case: inputs, the expected total and (optionally) the expected line amounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dunwell.interest.calc import PaymentEvent, RateBook, Result, calculate


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    debt: str
    due: date
    to: date
    total: str
    lines: tuple[str, ...] | None = None
    payments: tuple[tuple[date, str], ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    components: dict[str, str] | None = None

    def run(self, book: RateBook) -> Result:
        return calculate(
            self.rule,
            debt=Decimal(self.debt),
            due=self.due,
            to=self.to,
            payments=[PaymentEvent(d, Decimal(a)) for d, a in self.payments],
            options=self.options,
            rates=book,
        )

    def check(self, book: RateBook) -> Result:
        result = self.run(book)
        assert result.total == Decimal(self.total), (self.id, result.total, result.lines)
        if self.lines is not None:
            interest_lines = [str(line.amount) for line in result.lines]
            assert interest_lines == list(self.lines), (self.id, interest_lines)
        if self.components is not None:
            assert {k: str(v) for k, v in result.components.items()} == self.components
        return result
