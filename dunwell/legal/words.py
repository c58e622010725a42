"""Amounts and dates as they are written in legal documents: digits per language and amounts
in words (num2words). Pure Python, no Django import.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from num2words import CONVERTER_CLASSES, num2words

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
        "UAH": ("гривен", "копеек"),
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

# Lei and bani in Russian and Ukrainian, declined after the number (one, two to four, five
# and more: "двадцать один молдавский лей", "два молдавских лея", "пять молдавских леев"); num2words
# has no such words in Russian and declines them wrongly in Ukrainian ("сто леї").
SLAVIC_LEI: dict[tuple[str, str], tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    ("ru", "MDL"): (
        ("молдавский лей", "молдавских лея", "молдавских леев"),
        ("бан", "бана", "бань"),
    ),
    ("ru", "RON"): (("румынский лей", "румынских лея", "румынских леев"), ("бан", "бана", "бань")),
    ("uk", "MDL"): (
        ("молдовський лей", "молдовські леї", "молдовських леїв"),
        ("бан", "бані", "банів"),
    ),
    ("uk", "RON"): (
        ("румунський лей", "румунські леї", "румунських леїв"),
        ("бан", "бані", "банів"),
    ),
}


def _slavic_lei(amount: Decimal, language: str, currency: str) -> str:
    """ "Двадцать один молдавский лей, один бан", as num2words writes roubles and kopecks."""
    converter = CONVERTER_CLASSES[language]
    major, minor = SLAVIC_LEI[(language, currency)]
    whole = int(amount)
    cents = int((amount - whole) * 100)
    return (
        f"{converter.to_cardinal(whole)} {converter.pluralize(whole, major)}, "
        f"{converter.to_cardinal(cents)} {converter.pluralize(cents, minor)}"
    )


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
        if (language, currency) in SLAVIC_LEI:
            words = _slavic_lei(amount, language, currency)
        elif language == "ro" and currency in RO_LIKE_LEI:
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
