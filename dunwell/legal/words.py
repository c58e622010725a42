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
        "RON": ("lei", "bani"),
        "RUB": ("roubles", "kopeks"),
    },
    "ru": {
        "UAH": ("гривен", "копеек"),
    },
}

# English units num2words lacks: (one, many) for the major and the minor unit.
EN_UNITS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "UAH": (("hryvnia", "hryvnias"), ("kopiyka", "kopiykas")),
    "MDL": (("Moldovan leu", "Moldovan lei"), ("ban", "bani")),
}

# Romanian currencies are worded as num2words words lei and bani ("douăzeci și unu de lei și
# un ban": the "de" from twenty on, "o sută" and "o mie"), with the units renamed and, for a
# feminine unit, the numeral before it made feminine ("o grivnă", "două ruble", "douăzeci și
# una de copeici"). num2words' own Romanian EUR words say "cents" and "unu euro", its RUB and
# PLN words are English ("roubles", "zlotys"), and it has none for UAH.
# currency: (feminine, one, many) for the major unit, then for the minor unit.
RoUnit = tuple[bool, str, str]
RO_UNITS: dict[str, tuple[RoUnit, RoUnit]] = {
    "MDL": ((False, "leu moldovenesc", "lei moldovenești"), (False, "ban", "bani")),
    "EUR": ((False, "euro", "euro"), (False, "cent", "cenți")),
    "USD": ((False, "dolar american", "dolari americani"), (False, "cent", "cenți")),
    "UAH": ((True, "grivnă", "grivne"), (True, "copeică", "copeici")),
    "RUB": ((True, "rublă", "ruble"), (True, "copeică", "copeici")),
    "PLN": ((False, "zlot", "zloți"), (False, "groș", "groși")),
}
RO_FEMININE = {"un": "o", "unu": "una", "doi": "două", "doisprezece": "douăsprezece"}
RO_LEI = re.compile(r"\b(?:(un|unu|doi|doisprezece) )?(de )?(leu|lei|ban|bani)\b")


def _ro_units(lei_words: str, currency: str) -> str:
    """num2words' Romanian lei and bani renamed to `currency`'s units."""
    major, minor = RO_UNITS[currency]

    def rename(match: re.Match[str]) -> str:
        numeral, de, unit = match.group(1), match.group(2) or "", match.group(3)
        feminine, one, many = major if unit in ("leu", "lei") else minor
        noun = one if unit in ("leu", "ban") else many
        if numeral and feminine:
            numeral = RO_FEMININE[numeral]
        return f"{numeral} {de}{noun}" if numeral else f"{de}{noun}"

    return RO_LEI.sub(rename, lei_words)


def _en_units(amount: Decimal, currency: str) -> str:
    """ "One hryvnia, twenty-one kopiykas", as num2words writes its own English currencies."""
    (one, many), (cent_one, cent_many) = EN_UNITS[currency]
    whole = int(amount)
    cents = int((amount - whole) * 100)
    return (
        f"{num2words(whole, lang='en')} {one if whole == 1 else many}, "
        f"{num2words(cents, lang='en')} {cent_one if cents == 1 else cent_many}"
    )


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
        elif language == "ro" and currency in RO_UNITS:
            words = _ro_units(num2words(amount, lang="ro", to="currency", currency="RON"), currency)
        elif language == "en" and currency in EN_UNITS:
            words = _en_units(amount, currency)
        else:
            words = num2words(amount, lang=language, to="currency", currency=currency)
            if language == "ru":
                # num2words misspells the Russian plural of the zloty ("два польских слотых").
                words = re.sub(r"\bслотых\b", "злотых", words)
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
