"""The claim's penalty / statutory interest: picks the rule for the debtor and runs the
calculator of the interest app (`dunwell.interest.services.calculate`) per document.

The rule follows the contract first (a penalty clause is what the parties agreed; in Ukraine it
is the capped `ua-penalty`), otherwise the governing law or the debtor's country:
Russia art. 395 CC, Ukraine art. 625 CC, Romania Law 72/2013, Moldova CC art. 874, and for
the rest of the EU the late-payment directive 2011/7/EU.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dunwell.legal.errors import LegalError

COUNTRY_RULES = {"RU": "ru-395", "UA": "ua-625", "RO": "ro-legal", "MD": "md-legal"}
RULES = (
    "contract",
    "ru-395",
    "ru-317.1",
    "ua-625",
    "ua-penalty",
    "ro-legal",
    "md-legal",
    "eu-directive",
)


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One debt claimed: a ledger document or figures entered by hand."""

    label: str
    date: dt.date | None
    due: dt.date
    amount: Decimal
    payments: tuple[tuple[dt.date, Decimal], ...] = ()

    @property
    def paid(self) -> Decimal:
        return sum((amount for _, amount in self.payments), Decimal("0"))

    @property
    def open(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True, slots=True)
class CalcLine:
    item: str
    component: str
    start: date
    end: date
    days: int
    base: Decimal
    rate: Decimal
    year_basis: str
    amount: Decimal
    note: str = ""
    # inflation lines: the months ("YYYY-MM") without a price index, left out of the rate
    missing_index: tuple[str, ...] = ()


@dataclass(slots=True)
class Calculation:
    rule: str
    options: dict[str, str]
    to: date
    total: Decimal = Decimal("0.00")
    components: dict[str, Decimal] = field(default_factory=dict)
    lines: list[CalcLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # The fixed EUR 40 per claim stays in euro unless the options give `eur_rate`.
    compensation_currency: str = ""

    @property
    def compensation(self) -> Decimal:
        return self.components.get("compensation", Decimal("0.00"))


def pick_rule(
    country: str,
    governing_law: str = "",
    penalty_rate: Decimal | None = None,
    penalty_period: str = "day",
    penalty_cap_percent: Decimal | None = None,
    business: bool = True,
) -> tuple[str, dict[str, str]]:
    """The rule and options for a debtor: the contract's penalty when it has one, else the law."""
    law = (governing_law or country or "").upper()
    if penalty_rate is not None and penalty_rate > 0:
        key = "rate_per_year" if penalty_period == "year" else "rate_per_day"
        options = {key: str(penalty_rate)}
        if penalty_cap_percent is not None:
            options["cap_percent"] = str(penalty_cap_percent)
        return ("ua-penalty" if law == "UA" else "contract"), options
    rule = COUNTRY_RULES.get(law, "eu-directive")
    options = {}
    if rule in {"ro-legal", "md-legal"}:
        options["debtor"] = "business" if business else "consumer"
    return rule, options


def _calculate(rule: str, **kwargs: Any) -> Any:
    from dunwell.interest.calc import PaymentEvent
    from dunwell.interest.errors import InterestError
    from dunwell.interest.services import calculate

    kwargs["payments"] = tuple(PaymentEvent(day, amount) for day, amount in kwargs["payments"])
    try:
        return calculate(rule, **kwargs)
    except InterestError as exc:
        raise LegalError(exc.message) from exc


def calculate_claim(
    items: Sequence[ClaimItem],
    rule: str,
    options: dict[str, str],
    to: date,
    penalty_from_day: int = 1,
    currency: str = "",
) -> Calculation:
    """Interest or penalty on each item up to `to` (inclusive), summed."""
    result = Calculation(rule=rule, options=dict(options), to=to)
    result.compensation_currency = currency if options.get("eur_rate") else "EUR"
    for item in items:
        # penalty_from_day 1 = the day after the due date, which is where the calculator starts.
        due = item.due + timedelta(days=max(penalty_from_day, 1) - 1)
        if due >= to:
            continue
        payments = tuple((day, amount) for day, amount in item.payments if day <= to)
        one = _calculate(rule, debt=item.amount, due=due, to=to, payments=payments, options=options)
        result.total += one.total
        for name, amount in one.components.items():
            result.components[name] = result.components.get(name, Decimal("0.00")) + amount
        for line in one.lines:
            result.lines.append(
                CalcLine(
                    item=item.label,
                    component=str(line.component),
                    start=line.start,
                    end=line.end,
                    days=int(line.days),
                    base=Decimal(line.base),
                    rate=Decimal(line.rate),
                    year_basis=str(line.year_basis or ""),
                    amount=Decimal(line.amount),
                    note=str(line.note or ""),
                    missing_index=tuple(getattr(line, "missing_index", ())),
                )
            )
        result.warnings.extend(w for w in one.warnings if w not in result.warnings)
    return result
