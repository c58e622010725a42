"""Amounts and dates as they are written in legal documents: digits per language and amounts
in words (num2words). Pure Python, no Django import.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

CENT = Decimal("0.01")
LANGUAGES = ("en", "ru", "uk", "ro")

# Currency names for the fallback when num2words has no currency words for a language:
# (major unit, minor unit) as written after a number in words / digits.
CURRENCY_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "UAH": ("hryvnias", "kopiykas"),
        "MDL": ("Moldovan lei", "bani"),
        "RON": ("lei", "bani"),
        "RUB": ("roubles", "kopeks"),
    },
    "ru": {
        "RON": ("румынских леев", "бань"),
        "MDL": ("молдавских леев", "бань"),
        "UAH": ("гривен", "копеек"),
    },
    "uk": {
        "RON": ("румунських леїв", "бані"),
        "MDL": ("молдовських леїв", "бані"),
    },
    "ro": {
        "RUB": ("ruble", "copeici"),
        "UAH": ("grivne", "copeici"),
    },
}

# Romanian masculine currencies are worded as num2words words lei and bani ("douăzeci și unu
# de lei și un ban"), with the units renamed: its own EUR words say "cents" and "unu euro", and
# the digits fallback drops the "de" Romanian needs from twenty on ("treizeci și doi de euro").
RO_LIKE_LEI: dict[str, dict[str, str]] = {
    "MDL": {"leu": "leu moldovenesc", "lei": "lei moldovenești", "ban": "ban", "bani": "bani"},
    "EUR": {"leu": "euro", "lei": "euro", "ban": "cent", "bani": "cenți"},
    "USD": {"leu": "dolar american", "lei": "dolari americani", "ban": "cent", "bani": "cenți"},
}

# Pairs where num2words has currency words but declines them wrongly ("сто леї").
NO_CURRENCY_WORDS = frozenset({("uk", "RON"), ("uk", "MDL")})


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, language: str) -> str:
    """Digits with the language's separators: 1,234.56 (en); 1 234,56 (ru, uk); 1.234,56 (ro)."""
    text = f"{_cents(amount):,.2f}"  # 1,234.56
    if language == "en":
        return text
    whole, fraction = text.split(".")
    group = "." if language == "ro" else "\u00a0"
    return whole.replace(",", group) + "," + fraction


def format_money(amount: Decimal, currency: str, language: str) -> str:
    return f"{format_amount(amount, language)}\u00a0{currency}"


def format_date(day: date | None) -> str:
    """dd.mm.yyyy: the form courts and accountants use in all four countries."""
    return "" if day is None else f"{day:%d.%m.%Y}"


def format_percent(rate: Decimal, language: str) -> str:
    text = format(rate.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text if language == "en" else text.replace(".", ",")) + "%"


def amount_in_words(amount: Decimal, currency: str, language: str) -> str:
    """The amount in words with the currency, e.g. "одна тысяча рублей, 00 копеек".

    num2words writes currency words for many (language, currency) pairs; for the others the
    whole units are written in words followed by the currency name and the cents in digits,
    which is how such amounts are written by hand.
    """
    if language not in LANGUAGES:
        language = "en"
    amount = _cents(amount)
    sign = ""
    if amount < 0:
        sign = {"en": "minus ", "ru": "минус ", "uk": "мінус ", "ro": "minus "}[language]
        amount = -amount
    try:
        if (language, currency) in NO_CURRENCY_WORDS:
            raise NotImplementedError
        if language == "ro" and currency in RO_LIKE_LEI:
            units = RO_LIKE_LEI[currency]
            words = re.sub(
                r"\b(leu|lei|ban|bani)\b",
                lambda unit: units[unit.group(1)],
                num2words(amount, lang="ro", to="currency", currency="RON"),
            )
        else:
            words = num2words(amount, lang=language, to="currency", currency=currency)
    except (NotImplementedError, IndexError, KeyError):
        whole = int(amount)
        cents = int((amount - whole) * 100)
        major, minor = CURRENCY_NAMES.get(language, {}).get(currency, (currency, ""))
        words = f"{num2words(whole, lang=language)} {major} {cents:02d} {minor}".strip()
    if language == "ro":
        # num2words' currency mode writes "una mie"; Romanian says "o mie" (as its plain mode does).
        words = re.sub(r"\buna (mie|sută)\b", r"o \1", words)
    text = sign + words
    return text[:1].upper() + text[1:]
