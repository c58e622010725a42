"""Money is a Decimal amount with its currency: never a float, never a bare number.

The one home of money (STYLE "One home per concept"): the `Money` value, `Amounts` (totals kept
per currency, which is what every page shows when a debtor owes in several currencies),
conversion to a reporting currency with an explicit rate table, parsing what a user types and
formatting per language. No Django import: selectors, the ladder engine and templates all use it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount accepted anywhere (imports, forms): 15 digits before the decimal mark and
# two after. The columns are NUMERIC(18, 2); the bound keeps sums of many amounts inside them.
MAX_AMOUNT = Decimal("999999999999999.99")


class CurrencyMismatch(ValueError):
    """Two amounts of different currencies were combined."""


def quantize(amount: Decimal) -> Decimal:
    """Round to cents, half up (the rounding accountants and courts use)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def share_of_cents(cents: int, share: float | Decimal) -> int:
    """An amount in cents (the minor unit) times a share - a probability, a kept rate, a
    weekly share of a late-payment curve - rounded ONCE to the cent, half up (away from zero),
    the rule of `quantize`. The share may be a float (a ratio, not money): it is read by its
    shortest decimal form, so 0.35 is 35 %, not 0.34999..., and 115 cents x 0.5 is 58 cents."""
    factor = share if isinstance(share, Decimal) else Decimal(repr(float(share)))
    return int((Decimal(int(cents)) * factor).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    """Whole cents as an amount with two places (12345 -> 123.45), exactly."""
    return Decimal(int(cents)).scaleb(-2)


def to_decimal(value: object) -> Decimal:
    """Exact conversion; floats are refused because they cannot hold cents exactly."""
    if type(value) is Decimal:
        return value  # already exact (the daily run converts 140,000 totals a day)
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


@functools.cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def is_currency_code(code: str) -> bool:
    """An ISO 4217 code known to CLDR (Babel's list, kept up to date with the standard)."""
    return len(code) == 3 and code.isupper() and code in _currencies()


def currency_codes() -> list[str]:
    """Every code `is_currency_code` accepts, sorted."""
    return sorted(c for c in _currencies() if is_currency_code(c))


def _check_code(currency: str) -> None:
    if len(currency) != 3 or not currency.isupper():
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        _check_code(self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def __str__(self) -> str:
        return f"{quantize(self.amount):,} {self.currency}"


@dataclass(frozen=True)
class Amounts:
    """Totals per currency: what "1,032.44 EUR + 94,232.67 MDL" means. Adding two Amounts adds
    each currency separately; nothing here ever adds two currencies together.

    Iteration yields `Money` values ordered by currency code (stable on every page)."""

    by_currency: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, Decimal | None]]) -> Amounts:
        """From (currency, amount) pairs, e.g. a GROUP BY currency query; None counts as 0."""
        totals: dict[str, Decimal] = {}
        for currency, amount in rows:
            if amount is None:
                continue
            _check_code(currency)  # as Money does, without making one per row
            totals[currency] = totals.get(currency, ZERO) + to_decimal(amount)
        return cls(totals)

    @classmethod
    def from_json(cls, data: Mapping[str, str] | None) -> Amounts:
        return cls.of((c, Decimal(a)) for c, a in (data or {}).items())

    def to_json(self) -> dict[str, str]:
        # (the currencies were checked when the totals were made: no Money per entry here)
        return {c: str(quantize(self.by_currency[c])) for c in sorted(self.by_currency)}

    def __iter__(self) -> Iterator[Money]:
        for currency in sorted(self.by_currency):
            yield Money(self.by_currency[currency], currency)

    def __len__(self) -> int:
        return len(self.by_currency)

    def __add__(self, other: Amounts | Money) -> Amounts:
        items = [other] if isinstance(other, Money) else list(other)
        pairs = [(m.currency, m.amount) for m in (*self, *items)]
        return Amounts.of(pairs)

    def __bool__(self) -> bool:
        """True when any currency has a non-zero total."""
        return any(amount != 0 for amount in self.by_currency.values())

    @property
    def currencies(self) -> list[str]:
        return sorted(self.by_currency)

    def get(self, currency: str) -> Money:
        return Money(self.by_currency.get(currency, ZERO), currency)

    def nonzero(self) -> Amounts:
        return Amounts({c: a for c, a in self.by_currency.items() if a != 0})

    def single(self) -> Money | None:
        """The one Money when all of it is in one currency, else None."""
        if len(self.by_currency) != 1:
            return None
        ((currency, amount),) = self.by_currency.items()
        return Money(amount, currency)

    def __str__(self) -> str:
        return " + ".join(str(m) for m in self) if self.by_currency else "0.00"


# --- conversion to a reporting currency ------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """Units of `quote` for one unit of `base`, in force from `effective_from`."""

    base: str
    quote: str
    value: Decimal
    effective_from: date


@dataclass
class RateTable:
    """Official exchange rates as of a day, used only to *compare* amounts (priority, step
    minimums, sorting): converted figures are never shown as if they were the debt.

    Direct rates, their inverse, and one cross through a third currency are tried in turn."""

    as_of: date
    rates: dict[tuple[str, str], Rate] = field(default_factory=dict)
    stale_after_days: int = 7

    def add(self, rate: Rate) -> None:
        self.rates[(rate.base, rate.quote)] = rate

    def _one(self, base: str, quote: str) -> tuple[Decimal, date] | None:
        direct = self.rates.get((base, quote))
        if direct is not None:
            return direct.value, direct.effective_from
        inverse = self.rates.get((quote, base))
        if inverse is not None and inverse.value:
            return Decimal(1) / inverse.value, inverse.effective_from
        return None

    def rate(self, base: str, quote: str) -> tuple[Decimal, date] | None:
        """(units of quote per base, the oldest date the figure rests on) or None."""
        if base == quote:
            return Decimal(1), self.as_of
        found = self._one(base, quote)
        if found is not None:
            return found
        # A cross rate through one third currency (e.g. MDL -> EUR -> RON from ECB and BNR).
        pivots = {c for pair in self.rates for c in pair} - {base, quote}
        for pivot in sorted(pivots):
            first, second = self._one(base, pivot), self._one(pivot, quote)
            if first is not None and second is not None:
                return first[0] * second[0], min(first[1], second[1])
        return None

    def convert(self, money: Money, to: str) -> Money | None:
        """`money` in currency `to`, or None when no rate links the two."""
        found = self.rate(money.currency, to)
        if found is None:
            return None
        return Money(quantize(money.amount * found[0]), to)

    def equivalent(self, amounts: Amounts, to: str) -> tuple[Money, list[str]]:
        """The sum of `amounts` converted into `to`, and the currencies that had no rate (left
        out of the sum, so that the caller can say so)."""
        total = Money(ZERO, to)
        missing: list[str] = []
        for money in amounts:
            converted = self.convert(money, to)
            if converted is None:
                missing.append(money.currency)
            else:
                total = total + converted
        return total, missing

    def stale(self, base: str, quote: str) -> bool:
        found = self.rate(base, quote)
        return found is not None and (self.as_of - found[1]).days > self.stale_after_days


def largest_currency(amounts: Mapping[str, Decimal], home: str, rates: RateTable | None) -> str:
    """The currency in which `amounts` (per currency, not empty) are worth the most, compared
    in `home` (the company's currency) at `rates`: 100,000 UAH (about 2,300 EUR) is less than
    5,000 EUR. When a currency has no rate to `home` (or there is no table), the figures are
    compared as they are, the largest first, as before: without a rate nothing else can be
    compared. Ties go to the later currency code, so the choice never depends on order."""
    figures = dict(amounts)
    if rates is not None:
        converted: dict[str, Decimal] = {}
        for currency, amount in figures.items():
            money = rates.convert(Money(to_decimal(amount), currency), home)
            if money is None:
                break
            converted[currency] = money.amount
        else:
            figures = converted
    return max(figures, key=lambda currency: (figures[currency], currency))


# --- what users type and read ----------------------------------------------------------------

# Separators per language: 1,234.56 (en); 1 234,56 (ru, uk, with a no-break space); 1.234,56 (ro).
_GROUP = {"en": ",", "ru": "\u00a0", "uk": "\u00a0", "ro": "."}
_DECIMAL = {"en": ".", "ru": ",", "uk": ",", "ro": ","}


def _base_language(language: str | None) -> str:
    return (language or "en").split("-")[0].lower()


def format_amount(amount: Decimal, language: str | None) -> str:
    """Digits with the language's separators and two decimals."""
    lang = _base_language(language)
    text = f"{quantize(amount):,.2f}"  # 1,234.56
    if lang not in _GROUP or lang == "en":
        return text
    whole, fraction = text.split(".")
    return whole.replace(",", _GROUP[lang]) + _DECIMAL[lang] + fraction


def format_input_amount(amount: Decimal, language: str | None) -> str:
    """An amount as a form field shows it for editing: two decimals, the language's decimal
    mark, no grouping (so that what is pre-filled is exactly what `parse_amount` reads back)."""
    text = f"{quantize(amount):.2f}"
    return text.replace(".", _DECIMAL.get(_base_language(language), "."))


def format_money(money: Money, language: str | None) -> str:
    return f"{format_amount(money.amount, language)}\u00a0{money.currency}"


def format_amounts(amounts: Amounts, language: str | None, separator: str = " + ") -> str:
    if not amounts.by_currency:
        return format_amount(ZERO, language)
    return separator.join(format_money(m, language) for m in amounts)


class AmountError(ValueError):
    """What the user typed is not an amount of money."""


def parse_amount(text: str, language: str | None) -> Decimal:
    """Read an amount as a user of `language` types it: "1 234,56", "1234,56", "1.234,56" (ro),
    "1,234.56" / "1234.56" (en). A dot is also accepted as the decimal mark in ru/uk/ro when it
    is the only separator and is followed by one or two digits (what a number keypad and a copy
    from a spreadsheet give). Grouped digits come in threes; at most two decimals."""
    lang = _base_language(language)
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("'", "")
    if not s:
        raise AmountError("empty")
    group = _GROUP.get(lang, ",").replace("\u00a0", " ")
    mark = _DECIMAL.get(lang, ".")
    if mark == "," and "," not in s and s.count(".") == 1 and len(s.rsplit(".", 1)[1]) <= 2:
        mark = "."
    whole, has_mark, fraction = s.partition(mark)
    sign = ""
    if whole[:1] in ("-", "+"):
        sign, whole = whole[0], whole[1:]
    separators = {group, " "} - {mark}
    if any(sep in whole for sep in separators):
        for sep in separators:
            whole = whole.replace(sep, "\x00")
        groups = whole.split("\x00")
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise AmountError(text)
        whole = "".join(groups)
    if not (whole.isascii() and whole.isdigit()) or (
        has_mark and not (fraction.isascii() and fraction.isdigit())
    ):
        raise AmountError(text)
    if len(whole) > 20 or len(fraction) > 20:
        raise AmountError(text)  # beyond any amount, and beyond Decimal's default precision
    value = Decimal(sign + whole + ("." + fraction if has_mark else ""))
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError(text)
    return quantize(value)
