"""The court fee a creditor pays to file a claim for money, where the rule is known.

`court_fee(claim, country, filed_on)` gives the fee (in the claim's currency) and the rule's
short citation (an English msgid of this app's catalogue, translated where it is printed), or
None when the country's rule is not implemented here, the claim is in another currency than
the court's, or the filing date falls outside what the tables cover: the lawyer then types the
fee by hand, as before. Only claims for money by a company before the court that hears
business disputes (arbitrazh, commercial, first instance) are covered; no reductions (filing
online, a court order instead of a claim) are applied.

Sources (checked 2026-12):
- Russia: Tax Code art. 333.21 para. 1 subpara. 1, the scale in force for claims filed from
  09.09.2024 (nalkod.ru/statia333-21 for the earlier scale; the new one as published by
  tenchat.ru and celiadm.ru: "до 100 000 - 10 000 руб.; ... свыше 50 млн - 725 000 руб. плюс
  0,5 %, но не более 10 000 000").
- Ukraine: Law "On court fee" art. 4: a claim for property before a commercial court, 1.5 % of
  the claim, at least 1 and at most 350 subsistence minimums for able-bodied persons as set on
  1 January of the filing year (the budget laws: 2021 2270, 2024 and 2025 3028, 2026 3328 UAH;
  court.gov.ua and sud.ua notices). Years without a sourced minimum are not guessed.
- Romania: OUG 80/2013 art. 3 para. (1) a)-f) (baroul-timis.ro and singur-in-instanta.ro quote
  the article).
- Moldova: Law 1216/1992 on the state fee was repealed on 01.01.2024 (Law 213/2023); the new
  law's rates could not be sourced, so Moldova is not implemented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_noop

from dunwell.money import Money, quantize

Scale = tuple[tuple[Decimal, Decimal, Decimal], ...]  # (from, base fee, percent over `from`)


@dataclass(frozen=True)
class CourtFee:
    amount: Money
    rule: str  # a msgid of the legal catalogue: translate it where it is shown


def _on_scale(claim: Decimal, scale: Scale) -> Decimal:
    """The fee of the last bracket whose lower bound the claim exceeds (the first bracket
    applies from zero): its base fee plus its percent of what exceeds the bound."""
    fee = Decimal("0")
    for bound, base, percent in scale:
        if claim > bound or bound == 0:
            fee = base + (claim - bound) * percent / 100
    return fee


D = Decimal

# Russia, arbitrazh courts, claims filed from 09.09.2024.
RU_2024_FROM = date(2024, 9, 9)
RU_2024: Scale = (
    (D(0), D(10000), D(0)),  # up to 100,000: 10,000
    (D(100000), D(10000), D(5)),
    (D(1000000), D(55000), D(3)),
    (D(10000000), D(325000), D(1)),
    (D(50000000), D(725000), D("0.5")),
)
RU_2024_MAX = D(10000000)
# The earlier scale (claims filed before 09.09.2024).
RU_OLD: Scale = (
    (D(0), D(0), D(4)),  # up to 100,000: 4 %, at least 2,000
    (D(100000), D(4000), D(3)),
    (D(200000), D(7000), D(2)),
    (D(1000000), D(23000), D(1)),
    (D(2000000), D(33000), D("0.5")),
)
RU_OLD_MIN, RU_OLD_MAX = D(2000), D(200000)

# Ukraine: the subsistence minimum for able-bodied persons on 1 January of each year, UAH.
UA_SUBSISTENCE_MINIMUM = {
    2021: D(2270),
    2024: D(3028),
    2025: D(3028),
    2026: D(3328),
}

# Romania, OUG 80/2013 art. 3 para. (1).
RO_SCALE: Scale = (
    (D(0), D(0), D(8)),  # a) up to 500 lei: 8 %, at least 20 lei
    (D(500), D(40), D(7)),  # b)
    (D(5000), D(355), D(5)),  # c)
    (D(25000), D(1355), D(3)),  # d)
    (D(50000), D(2105), D(2)),  # e)
    (D(250000), D(6105), D(1)),  # f)
)
RO_MIN = D(20)

RULE_RU = gettext_noop("Tax Code of the Russian Federation, art. 333.21 para. 1 subpara. 1")
RULE_UA = gettext_noop("Law of Ukraine “On court fee”, art. 4")
RULE_RO = gettext_noop("Emergency Ordinance 80/2013, art. 3 para. (1)")


def _russia(claim: Decimal, filed_on: date) -> Decimal:
    if filed_on >= RU_2024_FROM:
        return min(_on_scale(claim, RU_2024), RU_2024_MAX)
    return min(max(_on_scale(claim, RU_OLD), RU_OLD_MIN), RU_OLD_MAX)


def _ukraine(claim: Decimal, filed_on: date) -> Decimal | None:
    minimum = UA_SUBSISTENCE_MINIMUM.get(filed_on.year)
    if minimum is None:
        return None
    return min(max(claim * D("1.5") / 100, minimum), minimum * 350)


def _romania(claim: Decimal, filed_on: date) -> Decimal | None:
    if filed_on < date(2013, 6, 29):  # in force from its publication (M. Of. 392/29.06.2013)
        return None
    return max(_on_scale(claim, RO_SCALE), RO_MIN)


# Per country: the currency its rule counts claims in, the rule, and the fee on a claim in it.
COURTS: dict[str, tuple[str, str, Callable[[Decimal, date], Decimal | None]]] = {
    "RU": ("RUB", RULE_RU, _russia),
    "UA": ("UAH", RULE_UA, _ukraine),
    "RO": ("RON", RULE_RO, _romania),
}


def court_rule(country: str) -> tuple[str, str] | None:
    """The currency the court fee rule of `country` counts claims in, and the rule's
    citation (a msgid); None where no rule is implemented here. A claim in another currency
    (a Ukrainian claim in EUR) gets no fee from us: the court counts it at an exchange rate of
    the filing day, which the lawyer enters with the fee."""
    court = COURTS.get(country.upper())
    return None if court is None else (court[0], court[1])


def court_fee(claim: Money, country: str, filed_on: date) -> CourtFee | None:
    """The fee for filing a claim of `claim` in `country` (ISO code) on `filed_on`, or None
    when it is not known here (see the module's note)."""
    court = COURTS.get(country.upper())
    if claim.amount <= 0 or court is None:
        return None
    currency, rule, fee_on = court
    if claim.currency != currency:
        return None
    fee = fee_on(claim.amount, filed_on)
    if fee is None:
        return None
    return CourtFee(Money(quantize(fee), claim.currency), rule)
