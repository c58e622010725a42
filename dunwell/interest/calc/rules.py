"""The rules: contract penalty and the statutory interest of each jurisdiction, each cited to
its legal source. Pure Python: no Django import (dunwell.workdays is pure too)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

from dunwell.interest.calc import engine
from dunwell.interest.calc.engine import HUNDRED, ZERO, Period, Schedule, money
from dunwell.interest.calc.types import (
    EU_ECB_MRO,
    MD_BASE_RATE,
    ONE_DAY,
    RO_REFERENCE_RATE,
    RU_DEPOSIT_PREFIX,
    RU_KEY_RATE,
    RU_REFINANCING_RATE,
    UA_CPI,
    UA_DISCOUNT_RATE,
    CalcError,
    Line,
    Notice,
    PaymentEvent,
    RateBook,
    Result,
    gettext_noop,
)
from dunwell.workdays import WorkCalendar

NO_OPTIONS: Mapping[str, str] = MappingProxyType({})

# Russia: the moratorium on bankruptcy petitions, Government Resolution No. 497 of 28.03.2022,
# in force 01.04.2022 for six months (to 01.10.2022 inclusive). While it runs, no penalty and
# no art. 395 interest accrue on claims that arose before it (Bankruptcy Law 127-FZ
# art. 9.1(3) and 63(1)(10); RF Supreme Court Plenum Resolution No. 44 of 24.12.2020, p. 7).
RU_MORATORIUM = (date(2022, 4, 1), date(2022, 10, 1))
# Art. 395(1) CC RF before Federal Law 42-FZ of 08.03.2015: the refinancing rate
# ("учётная ставка банковского процента"); from 01.06.2015 to 31.07.2016 the average rates on
# deposits of individuals in the creditor's federal district (published by the Bank of
# Russia); from 01.08.2016 (Federal Law 315-FZ of 03.07.2016) the key rate.
RU_DEPOSIT_FROM = date(2015, 6, 1)
RU_KEY_FROM = date(2016, 8, 1)
# Bank of Russia Directive No. 3894-U of 11.12.2015: from 01.01.2016 the refinancing rate
# equals the key rate; art. 317.1 (in force 01.06.2015) refers to the refinancing rate, then
# to the key rate.
RU_REFINANCING_EQUALS_KEY = date(2016, 1, 1)
RU_DISTRICTS = (
    "central",
    "northwest",
    "south",
    "north_caucasus",
    "volga",
    "ural",
    "siberia",
    "far_east",
    "crimea",
)
# Ukraine: Commercial Code (Law 436-IV) art. 232(6) — penalties stop accruing six months after
# the day the obligation was due, unless a law or the contract says otherwise. The Code lost
# force on 28.08.2025 (Law 4196-IX of 09.01.2025, "On the particularities of regulating the
# activity of legal entities of certain organisational and legal forms in the transitional
# period …"). Laws do not act retroactively (Constitution of Ukraine art. 58): we keep the limit
# for delays that began while the Code was in force and drop it for delays that begin on or
# after 28.08.2025 (`six_month_limit=auto`).
UA_COMMERCIAL_CODE_REPEALED = date(2025, 8, 28)
# Moldova: Law 133/2018 modernising the Civil Code, in force 01.03.2019, introduced the
# half-year rule of art. 874(2) (formerly art. 585): the base rate in force on 1 January applies
# to the first half-year, the one in force on 1 July to the second.
MD_HALF_YEAR_RULE_FROM = date(2019, 3, 1)

MORATORIUM_NOTE = gettext_noop("moratorium: no accrual")
CAPPED_NOTE = gettext_noop("capped at twice the NBU discount rate")
DEFLATION_NOTE = gettext_noop("no inflation losses: prices did not rise over the period")
# A delay within one month's halves (arising after the 15th, repaid by the 15th of the next):
# no month is indexed at all, which says nothing about prices.
NO_MONTH_NOTE = gettext_noop("no inflation losses: the delay covers no month to index")
REFINANCING_NOTE = gettext_noop("Bank of Russia refinancing rate")
DEPOSIT_NOTE = gettext_noop("average deposit rate of the federal district")
KEY_RATE_NOTE = gettext_noop("Bank of Russia key rate")
FEE_NOTE = gettext_noop("fixed fee")
COMPENSATION_NOTE = gettext_noop("fixed compensation for recovery costs (EUR 40)")
HALF_YEAR_NOTE = gettext_noop("reference rate fixed for the half-year")


@dataclass
class Context:
    rule: str
    debt: Decimal
    due: date
    to: date
    payments: Sequence[PaymentEvent]
    options: dict[str, str]
    rates: RateBook
    notices: list[Notice] = field(default_factory=list)
    used_series: set[str] = field(default_factory=set)

    def option(self, name: str) -> str:
        return self.options[name]

    def decimal(self, name: str) -> Decimal | None:
        raw = self.options.get(name)
        if raw is None or raw == "":
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise CalcError(
                gettext_noop("Option %(option)s must be a number, not %(value)s."),
                option=name,
                value=raw,
            ) from None
        if not value.is_finite() or value < 0:
            raise CalcError(
                gettext_noop("Option %(option)s must be a number, not %(value)s."),
                option=name,
                value=raw,
            )
        return value

    @property
    def payment_day_counted(self) -> bool:
        return self.options["payment_day"] == "counted"

    def first_day(self) -> date:
        """The first day of delay: the day after the due date, the due date first moved to
        the next working day when it falls on a day off and `due_shift=on` (CC RF art. 193;
        CC UA art. 254(5); CC RO art. 2553(3); CC MD art. 391(3))."""
        due = self.due
        if self.options["due_shift"] == "on":
            country = self.options.get("calendar", "")
            if not country:
                raise CalcError(gettext_noop("due_shift=on needs the option calendar=CC."))
            due = WorkCalendar(country).next_working_day(due)
        return due + ONE_DAY

    def periods(self, start: date | None = None, end: date | None = None) -> list[Period]:
        return engine.balance_periods(
            self.debt,
            start or self.first_day(),
            end or self.to,
            self.payments,
            payment_day_counted=self.payment_day_counted,
        )

    def use(self, code: str) -> None:
        self.used_series.add(code)

    def steps(self, code: str, start: date, end: date, note: str, add: Decimal = ZERO) -> Schedule:
        """The series in force each day (start..end) as a schedule, plus `add` points."""
        self.use(code)
        if not self.rates.has(code):
            raise CalcError(gettext_noop("Rate series %(series)s is not loaded."), series=code)
        return [(d, v + add, note) for d, v in self.rates.steps(code, start, end)]

    def half_years(self, code: str, start: date, end: date, add: Decimal, note: str) -> Schedule:
        """The value in force on 1 January / 1 July fixed for the whole half-year."""
        self.use(code)
        out: Schedule = []
        year, half = start.year, 0 if start.month <= 6 else 1
        while True:
            first = date(year, 1 + 6 * half, 1)
            if first > end:
                break
            out.append((max(first, start), self.rates.value_on(code, first) + add, note))
            year, half = (year + 1, 0) if half else (year, 1)
        return out


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    year, month = first
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (CC UA
    art. 254(2))."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- contract penalty -------------------------------------------------------------------


def _contract_rate(ctx: Context) -> tuple[Decimal | None, Decimal | None]:
    per_day = ctx.decimal("rate_per_day")
    per_year = ctx.decimal("rate_per_year")
    if (per_day is None) == (per_year is None):
        raise CalcError(
            gettext_noop("Give exactly one of %(option)s and %(other)s."),
            option="rate_per_day",
            other="rate_per_year",
        )
    return per_day, per_year


def _cap(ctx: Context, lines: list[Line]) -> list[Line]:
    cap_percent = ctx.decimal("cap_percent")
    if cap_percent is None:
        return lines
    # Rounded down: the cent that rounding would add is above the cap.
    cap = (ctx.debt * cap_percent / HUNDRED).quantize(engine.CENT, rounding=ROUND_DOWN)
    capped, reached = engine.apply_cap(lines, cap)
    if reached:
        ctx.notices.append(
            Notice(
                gettext_noop("The penalty reached its cap of %(percent)s%% of the debt."),
                # a number, written in the reader's language (interest.texts.readable_params)
                {"percent": cap_percent},
            )
        )
    return capped


def rule_contract(ctx: Context) -> list[Line]:
    """Contract penalty (неустойка / пеня / penalitate): CC RF art. 330–331, CC UA art. 549,
    CC RO art. 1538, CC MD art. 947. Accrues from the day after the due date at the agreed % per
    day or per year; `cap_percent` limits the penalty to a share of the debt; `fee` adds a
    fixed fine (штраф) counted in the total."""
    per_day, per_year = _contract_rate(ctx)
    periods = ctx.periods()
    if ctx.options["moratorium"] == "on":
        periods = engine.exclude(periods, *RU_MORATORIUM)
    if per_day is not None:
        lines = engine.accrue_daily("penalty", periods, per_day)
    else:
        assert per_year is not None
        schedule: Schedule = [(date.min, per_year, "")]
        lines = engine.accrue_annual("penalty", periods, schedule, ctx.options["year_basis"])
    lines = _cap(ctx, lines)
    fee = ctx.decimal("fee")
    if fee:
        start = ctx.first_day()
        lines.append(Line("fee", start, start, 0, ctx.debt, ZERO, None, money(fee), FEE_NOTE))
    return lines


# --- Russia -------------------------------------------------------------------------------


def _ru_395_schedule(ctx: Context, start: date, end: date) -> Schedule:
    """The art. 395(1) rate in force each day (see RU_DEPOSIT_FROM / RU_KEY_FROM)."""
    schedule: Schedule = []
    if start < RU_DEPOSIT_FROM:
        schedule += ctx.steps(
            RU_REFINANCING_RATE, start, min(end, RU_DEPOSIT_FROM - ONE_DAY), REFINANCING_NOTE
        )
    if start < RU_KEY_FROM and end >= RU_DEPOSIT_FROM:
        district = ctx.options["district"]
        ctx.notices.append(
            Notice(
                gettext_noop(
                    "From 01.06.2015 to 31.07.2016 art. 395 used the average deposit rates of "
                    "the creditor's federal district (option district=%(district)s); check "
                    "that it is the creditor's district."
                ),
                {"district": district},
            )
        )
        code = RU_DEPOSIT_PREFIX + district
        schedule += ctx.steps(
            code, max(start, RU_DEPOSIT_FROM), min(end, RU_KEY_FROM - ONE_DAY), DEPOSIT_NOTE
        )
    if end >= RU_KEY_FROM:
        schedule += ctx.steps(RU_KEY_RATE, max(start, RU_KEY_FROM), end, KEY_RATE_NOTE)
    return schedule


def _ru_moratorium(ctx: Context, periods: list[Period]) -> list[Period]:
    if ctx.options["moratorium"] != "on":
        return periods
    first, last = RU_MORATORIUM
    if any(p.start <= last and p.end >= first for p in periods) and ctx.due >= first:
        ctx.notices.append(
            Notice(
                gettext_noop(
                    "The 2022 moratorium was excluded, but it does not cover obligations "
                    "that arose after 01.04.2022; use moratorium=off for those."
                )
            )
        )
    return engine.exclude(periods, first, last)


def rule_ru_395(ctx: Context) -> list[Line]:
    """CC RF art. 395(1): interest on the overdue sum at the Bank of Russia key rate in force in
    each period (earlier rates: see RU_DEPOSIT_FROM). Actual days over 365/366 with a split at
    1 January, simple interest (art. 395(5): no interest on interest), the payment day counted
    (Plenum No. 7 of 24.03.2016, p. 48), a due date on a day off moved to the next working
    day (art. 193), the 2022 moratorium excluded."""
    periods = _ru_moratorium(ctx, ctx.periods())
    if not periods:
        return []
    schedule = _ru_395_schedule(ctx, periods[0].start, periods[-1].end)
    return engine.accrue_annual("interest", periods, schedule, ctx.options["year_basis"])


def rule_ru_317_1(ctx: Context) -> list[Line]:
    """CC RF art. 317.1 (Federal Law 42-FZ, in force 01.06.2015; since 01.08.2016 only where a
    law or the contract provides for it): interest for the use of money at the key rate
    (refinancing rate before 01.01.2016). It is payment for the use of money, not a sanction,
    so the moratorium does not stop it by default. Accrues from `accrual_start` (default: the
    day after the due date) to `to`."""
    raw_start = ctx.options.get("accrual_start", "")
    if raw_start:
        try:
            start = date.fromisoformat(raw_start)
        except ValueError:
            raise CalcError(
                gettext_noop("Option %(option)s must be a date YYYY-MM-DD, not %(value)s."),
                option="accrual_start",
                value=raw_start,
            ) from None
    else:
        start = ctx.first_day()
    periods = _ru_moratorium(ctx, ctx.periods(start=start))
    if not periods:
        return []
    first, last = periods[0].start, periods[-1].end
    schedule: Schedule = []
    if first < RU_REFINANCING_EQUALS_KEY:
        schedule += ctx.steps(
            RU_REFINANCING_RATE,
            first,
            min(last, RU_REFINANCING_EQUALS_KEY - ONE_DAY),
            REFINANCING_NOTE,
        )
    if last >= RU_REFINANCING_EQUALS_KEY:
        schedule += ctx.steps(
            RU_KEY_RATE, max(first, RU_REFINANCING_EQUALS_KEY), last, KEY_RATE_NOTE
        )
    return engine.accrue_annual("interest", periods, schedule, ctx.options["year_basis"])


# --- Ukraine ------------------------------------------------------------------------------


def _first_month(arising: date) -> tuple[int, int]:
    """Debt arising on the 1st–15th is indexed from that month, on the 16th–31st from the
    next (letter of the Supreme Court of Ukraine No. 62-97р of 03.04.1997, followed by the
    Supreme Court, e.g. Grand Chamber ruling of 20.11.2020 in case 910/13071/19)."""
    if arising.day <= 15:
        return arising.year, arising.month
    return (arising.year + 1, 1) if arising.month == 12 else (arising.year, arising.month + 1)


def _last_month(repaid: date) -> tuple[int, int]:
    """Repaid on the 1st–15th: that month is not indexed; on the 16th–31st it is."""
    if repaid.day > 15:
        return repaid.year, repaid.month
    return (repaid.year - 1, 12) if repaid.month == 1 else (repaid.year, repaid.month - 1)


def _ua_inflation(ctx: Context, start: date) -> list[Line]:
    """CC UA art. 625(2): the debt times the consumer price index over the delay, minus the
    debt. Each period of constant balance is indexed on its own with the month rule applied at
    its two ends (a payment is the "repayment" of one period and the "arising" of the next);
    a period whose index is not above 1 gives no inflation losses (deflation does not reduce
    the debt)."""
    rounding = ctx.options["index_rounding"]
    ctx.use(UA_CPI)
    if not ctx.rates.has(UA_CPI):
        raise CalcError(gettext_noop("Rate series %(series)s is not loaded."), series=UA_CPI)
    base = ctx.debt
    events: dict[date, Decimal] = {}
    for payment in ctx.payments:
        if payment.date < start:
            base -= payment.amount
        elif payment.date <= ctx.to:
            events[payment.date] = events.get(payment.date, ZERO) + payment.amount
    lines: list[Line] = []
    arising = start
    shown_start = start
    boundaries = [*sorted(events), None]
    missing: set[tuple[int, int]] = set()
    for boundary in boundaries:
        repaid = boundary or ctx.to
        if boundary is None:
            shown_end = ctx.to
        else:
            shown_end = boundary if ctx.payment_day_counted else boundary - ONE_DAY
        if base > 0 and shown_end >= shown_start:
            index = Decimal(1)
            months = _months_between(_first_month(arising), _last_month(repaid))
            line_missing: list[tuple[int, int]] = []
            for year, month in months:
                value = ctx.rates.exact(UA_CPI, date(year, month, 1))
                if value is None:
                    line_missing.append((year, month))
                    continue
                index *= value / HUNDRED
            missing.update(line_missing)
            if rounding == "3dp":
                index = index.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            amount = base * (index - 1) if index > 1 else ZERO
            lines.append(
                Line(
                    component="inflation",
                    start=shown_start,
                    end=shown_end,
                    days=(shown_end - shown_start).days + 1,
                    base=base,
                    rate=((index - 1) * HUNDRED).quantize(Decimal("0.001"), ROUND_HALF_UP),
                    year_basis=None,
                    amount=money(amount),
                    note=(
                        NO_MONTH_NOTE
                        if not months
                        else ""
                        if index > 1 or line_missing
                        else DEFLATION_NOTE
                    ),
                    missing_index=tuple(f"{y:04d}-{m:02d}" for y, m in line_missing),
                )
            )
        if boundary is not None:
            base = max(base - events[boundary], ZERO)
            arising = boundary
            shown_start = boundary + ONE_DAY if ctx.payment_day_counted else boundary
    if missing:
        first_missing = min(missing)
        ctx.notices.append(
            Notice(
                gettext_noop(
                    "The consumer price index for %(month)s is not loaded (not published "
                    "yet?); inflation losses leave out the months without an index."
                ),
                {"month": f"{first_missing[0]:04d}-{first_missing[1]:02d}"},
            )
        )
    return lines


def rule_ua_625(ctx: Context) -> list[Line]:
    """CC UA art. 625(2): a debtor late with money owes the debt with the inflation index over
    the delay plus 3% per year (unless the contract or a law sets another rate — option
    `rate_per_year`). Not a penalty: no cap and no six-month limit."""
    rate = ctx.decimal("rate_per_year")
    rate = Decimal("3.00") if rate is None else rate
    start = ctx.first_day()
    periods = ctx.periods(start=start)
    lines = engine.accrue_annual(
        "interest", periods, [(date.min, rate, "")], ctx.options["year_basis"]
    )
    return _ua_inflation(ctx, start) + lines


def rule_ua_penalty(ctx: Context) -> list[Line]:
    """A contract penalty in Ukraine: no more than twice the NBU discount rate in force in the
    period for which it is paid (Law No. 543/96-ВР of 22.11.1996 "On liability for late
    performance of money obligations", arts. 1 and 3; CC UA art. 549(3)); accrual stops six
    months after the due date (Commercial Code art. 232(6), see UA_COMMERCIAL_CODE_REPEALED)
    unless the contract says otherwise (`six_month_limit=off`)."""
    per_day, per_year = _contract_rate(ctx)
    start = ctx.first_day()
    end = ctx.to
    limit_option = ctx.options["six_month_limit"]
    limited = limit_option == "on" or (
        limit_option == "auto" and start < UA_COMMERCIAL_CODE_REPEALED
    )
    if limited:
        last_day = _add_months(start - ONE_DAY, 6)
        if last_day < end:
            end = last_day
            ctx.notices.append(
                Notice(
                    gettext_noop(
                        "Penalty accrual stops on %(day)s, six months after the due date "
                        "(Commercial Code of Ukraine art. 232(6))."
                    ),
                    {"day": last_day.isoformat()},
                )
            )
    periods = ctx.periods(start=start, end=end)
    if not periods:
        return []
    cap_schedule = ctx.steps(
        UA_DISCOUNT_RATE, periods[0].start, periods[-1].end, CAPPED_NOTE, add=ZERO
    )
    cap_schedule = [(d, v * 2, n) for d, v, n in cap_schedule]

    def limit(
        piece: Period, cap_amount: Decimal, basis: int
    ) -> tuple[Decimal, Decimal, int | None, str]:
        cap_rate, _note = engine.schedule_value(cap_schedule, piece.start)
        if per_day is not None:
            own = piece.base * per_day * piece.days / HUNDRED
            if own <= cap_amount:
                return own, per_day, None, ""
        else:
            assert per_year is not None
            own = piece.base * per_year * piece.days / (HUNDRED * basis)
            if own <= cap_amount:
                return own, per_year, basis, ""
        return cap_amount, cap_rate, basis, CAPPED_NOTE

    lines = engine.accrue_annual(
        "penalty", periods, cap_schedule, ctx.options["year_basis"], limit=limit
    )
    return _cap(ctx, lines)


# --- Romania, Moldova, EU -------------------------------------------------------------------


def _compensation(ctx: Context, start: date) -> list[Line]:
    """Fixed recovery costs of EUR 40 per claim (Directive 2011/7/EU art. 6(1); Romania: Law
    72/2013 art. 13(1), "echivalentul în lei al sumei de 40 euro"). Not interest: reported as
    its own component and left out of the total. With `eur_rate` it is converted."""
    eur_rate = ctx.decimal("eur_rate")
    amount = money(Decimal(40) if eur_rate is None else Decimal(40) * eur_rate)
    if eur_rate is None and ctx.rule == "ro-legal":
        ctx.notices.append(
            Notice(
                gettext_noop(
                    "The EUR 40 compensation is shown in euro; give %(option)s (the NBR "
                    "exchange rate) to have it in lei."
                ),
                {"option": "eur_rate"},
            )
        )
    return [Line("compensation", start, start, 0, ctx.debt, ZERO, None, amount, COMPENSATION_NOTE)]


def rule_ro_legal(ctx: Context) -> list[Line]:
    """Romania, Government Ordinance 13/2011 art. 3: penalty interest = NBR reference rate
    (the monetary policy rate, art. 3(1)) + 8 points between professionals (art. 3(2^1),
    inserted by Law 72/2013), or + 4 points (art. 3(2)) reduced by 20% where the debt does not
    arise from running a business (art. 3(3)) — `debtor=consumer`. The rate in force each day
    applies (the NBR publishes every change in the Official Gazette, art. 3(4)). Between
    professionals Law 72/2013 art. 13 adds EUR 40 per claim."""
    start = ctx.first_day()
    periods = ctx.periods(start=start)
    lines: list[Line] = []
    if periods:
        steps = ctx.steps(RO_REFERENCE_RATE, periods[0].start, periods[-1].end, "")
        if ctx.options["debtor"] == "consumer":
            schedule = [
                (d, ((v + 4) * Decimal("0.8")).quantize(Decimal("0.0001")), n) for d, v, n in steps
            ]
        else:
            schedule = [(d, v + 8, n) for d, v, n in steps]
        lines = engine.accrue_annual("interest", periods, schedule, ctx.options["year_basis"])
    if ctx.options["debtor"] == "business" and ctx.to >= start:
        lines += _compensation(ctx, start)
    return lines


def rule_md_legal(ctx: Context) -> list[Line]:
    """Moldova, Civil Code art. 942(1)-(2): late-payment interest from the day after the due
    date = the base rate of art. 874 + 9 points per year, or + 5 points when the debtor is a
    consumer; art. 874(2): the NBM base rate in force on 1 January applies to the first
    half-year, the one in force on 1 July to the second (from 01.03.2019, Law 133/2018; before,
    the rate in force each day under former arts. 585 and 619)."""
    add = Decimal(5) if ctx.options["debtor"] == "consumer" else Decimal(9)
    periods = ctx.periods()
    if not periods:
        return []
    first, last = periods[0].start, periods[-1].end
    schedule: Schedule = []
    if first < MD_HALF_YEAR_RULE_FROM:
        schedule += ctx.steps(
            MD_BASE_RATE, first, min(last, MD_HALF_YEAR_RULE_FROM - ONE_DAY), "", add=add
        )
    if last >= MD_HALF_YEAR_RULE_FROM:
        schedule += ctx.half_years(
            MD_BASE_RATE, max(first, MD_HALF_YEAR_RULE_FROM), last, add, HALF_YEAR_NOTE
        )
    return engine.accrue_annual("interest", periods, schedule, ctx.options["year_basis"])


def rule_eu_directive(ctx: Context) -> list[Line]:
    """Directive 2011/7/EU: statutory interest = the reference rate + 8 points (art. 2(6));
    for the euro area the reference rate is the ECB rate on its most recent main refinancing
    operation, the one in force on 1 January for the first half-year and on 1 July for the
    second (art. 2(7), art. 3(3)(a)/4(1)); EUR 40 fixed compensation (art. 6(1))."""
    start = ctx.first_day()
    periods = ctx.periods(start=start)
    lines: list[Line] = []
    if periods:
        schedule = ctx.half_years(
            EU_ECB_MRO, periods[0].start, periods[-1].end, Decimal(8), HALF_YEAR_NOTE
        )
        lines = engine.accrue_annual("interest", periods, schedule, ctx.options["year_basis"])
    if ctx.options["compensation"] == "on" and ctx.to >= start:
        lines += _compensation(ctx, start)
    return lines


# --- options and dispatch -------------------------------------------------------------------

ANY = ()  # free value (numbers, dates, codes), checked by the rule
_COMMON: dict[str, tuple[tuple[str, ...], str]] = {
    "payment_day": (("counted", "not_counted"), "counted"),
    "year_basis": (("actual", "365", "360"), "actual"),
    "due_shift": (("on", "off"), "off"),
    "calendar": (ANY, ""),
    "currency": (ANY, ""),
}
_CONTRACT = {
    "rate_per_day": (ANY, ""),
    "rate_per_year": (ANY, ""),
    "cap_percent": (ANY, ""),
}


@dataclass(frozen=True)
class RuleSpec:
    compute: Callable[[Context], list[Line]]
    options: dict[str, tuple[tuple[str, ...], str]]


RULES: dict[str, RuleSpec] = {
    "contract": RuleSpec(
        rule_contract,
        {**_CONTRACT, "fee": (ANY, ""), "moratorium": (("on", "off"), "off")},
    ),
    "ru-395": RuleSpec(
        rule_ru_395,
        {
            "moratorium": (("on", "off"), "on"),
            "district": (RU_DISTRICTS, "central"),
            "due_shift": (("on", "off"), "on"),
            "calendar": (ANY, "RU"),
        },
    ),
    "ru-317.1": RuleSpec(
        rule_ru_317_1,
        {
            "moratorium": (("on", "off"), "off"),
            "accrual_start": (ANY, ""),
            "due_shift": (("on", "off"), "on"),
            "calendar": (ANY, "RU"),
        },
    ),
    "ua-625": RuleSpec(
        rule_ua_625,
        {
            "rate_per_year": (ANY, ""),
            "index_rounding": (("none", "3dp"), "none"),
            "calendar": (ANY, "UA"),
        },
    ),
    "ua-penalty": RuleSpec(
        rule_ua_penalty,
        {**_CONTRACT, "six_month_limit": (("auto", "on", "off"), "auto"), "calendar": (ANY, "UA")},
    ),
    "ro-legal": RuleSpec(
        rule_ro_legal,
        {
            "debtor": (("business", "consumer"), "business"),
            "eur_rate": (ANY, ""),
            "calendar": (ANY, "RO"),
        },
    ),
    "md-legal": RuleSpec(
        rule_md_legal,
        {"debtor": (("business", "consumer"), "business"), "calendar": (ANY, "MD")},
    ),
    "eu-directive": RuleSpec(
        rule_eu_directive,
        {"compensation": (("on", "off"), "on"), "eur_rate": (ANY, "")},
    ),
}


def rule_options(rule: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """Every option of a rule: allowed values (empty = free) and the default."""
    return {**_COMMON, **RULES[rule].options}


def _resolve_options(rule: str, given: Mapping[str, str]) -> dict[str, str]:
    allowed = rule_options(rule)
    resolved = {name: default for name, (_choices, default) in allowed.items()}
    for name, value in given.items():
        if name not in allowed:
            raise CalcError(
                gettext_noop("Rule %(rule)s has no option %(option)s (options: %(allowed)s)."),
                rule=rule,
                option=name,
                allowed=", ".join(sorted(allowed)),
            )
        choices = allowed[name][0]
        if choices and value not in choices:
            raise CalcError(
                gettext_noop("Option %(option)s must be one of %(choices)s, not %(value)s."),
                option=name,
                choices="|".join(choices),
                value=value,
            )
        resolved[name] = value
    return resolved


def calculate(
    rule: str,
    *,
    debt: Decimal,
    due: date,
    to: date,
    payments: Sequence[PaymentEvent] = (),
    options: Mapping[str, str] = NO_OPTIONS,
    rates: RateBook,
) -> Result:
    """The penalty or statutory interest of `rule` on `debt` due on `due` (delay starts the
    next day) up to `to` inclusive, with partial `payments`; the line-by-line table."""
    if rule not in RULES:
        raise CalcError(
            gettext_noop("Unknown rule %(rule)s (rules: %(rules)s)."),
            rule=rule,
            rules=", ".join(RULES),
        )
    if not isinstance(debt, Decimal) or not debt.is_finite() or debt <= 0:
        raise CalcError(gettext_noop("The debt must be a positive amount."))
    if to < due:
        raise CalcError(
            gettext_noop("The end date %(to)s is before the due date %(due)s."),
            to=to.isoformat(),
            due=due.isoformat(),
        )
    engine.check_payments(payments)
    ctx = Context(
        rule=rule,
        debt=money(debt),
        due=due,
        to=to,
        payments=list(payments),
        options=_resolve_options(rule, options),
        rates=rates,
    )
    lines = RULES[rule].compute(ctx)
    components: dict[str, Decimal] = {}
    for line in lines:
        components[line.component] = components.get(line.component, ZERO) + line.amount
    total = sum((v for k, v in components.items() if k != "compensation"), ZERO)
    for code in sorted(ctx.used_series):
        if code in rates.stale:
            ctx.notices.append(
                Notice(
                    gettext_noop(
                        "Rate series %(series)s was last updated on %(day)s, longer ago than "
                        "its usual update cycle: check for newer values."
                    ),
                    {"series": code, "day": rates.stale[code].isoformat()},
                )
            )
    return Result(
        total=total,
        components=components,
        lines=lines,
        currency=ctx.options["currency"] or None,
        warnings=[str(n) for n in ctx.notices],
        notices=list(ctx.notices),
    )
