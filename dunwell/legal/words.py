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

# Romanian amounts are worded here, not by num2words, whose thousands and millions lose their
# gender and their "de" once a hundreds digit stands before them ("patru sute patruzeci și doi
# de mii" for 442,000, "o sută doisprezece de mii", "douăzeci și unu milioane"). The rules: a
# count of a noun takes "de" when its last two digits are 00 or from 20 on ("o sută de lei",
# "douăzeci și unu de lei", but "o sută două grivne"); "mie" is feminine ("două mii",
# "douăzeci și una de mii"), "milion" and "miliard" neuter ("un milion", "două milioane"); the
# units keep their gender ("o grivnă", "două ruble", "douăzeci și una de copeici", "un euro").
# currency: (gender, one, many) for the major unit, then for the minor unit; the gender is "m",
# "f" or "n" (neuter: one as the masculine, two as the feminine).
RoUnit = tuple[str, str, str]
RO_UNITS: dict[str, tuple[RoUnit, RoUnit]] = {
    "RON": (("m", "leu", "lei"), ("m", "ban", "bani")),
    "MDL": (("m", "leu moldovenesc", "lei moldovenești"), ("m", "ban", "bani")),
    "EUR": (("m", "euro", "euro"), ("m", "cent", "cenți")),
    "USD": (("m", "dolar american", "dolari americani"), ("m", "cent", "cenți")),
    "UAH": (("f", "grivnă", "grivne"), ("f", "copeică", "copeici")),
    "RUB": (("f", "rublă", "ruble"), ("f", "copeică", "copeici")),
    "PLN": (("m", "zlot", "zloți"), ("m", "groș", "groși")),
}
RO_ONES = ("", "unu", "doi", "trei", "patru", "cinci", "șase", "șapte", "opt", "nouă")
RO_TEENS = (
    "zece", "unsprezece", "doisprezece", "treisprezece", "paisprezece", "cincisprezece",
    "șaisprezece", "șaptesprezece", "optsprezece", "nouăsprezece",
)  # fmt: skip
RO_TENS = ("", "", "douăzeci", "treizeci", "patruzeci", "cincizeci", "șaizeci", "șaptezeci",
           "optzeci", "nouăzeci")  # fmt: skip
RO_SCALES = ((10**9, "n", "miliard", "miliarde"), (10**6, "n", "milion", "milioane"),
             (1000, "f", "mie", "mii"))  # fmt: skip


def _ro_below_hundred(n: int, gender: str) -> str:
    tens, ones = divmod(n, 10)
    if n < 10:
        word = RO_ONES[n]
    elif n < 20:
        word = RO_TEENS[ones]
    else:
        word = RO_TENS[tens] + (f" și {RO_ONES[ones]}" if ones else "")
    if gender == "f":
        word = re.sub(r"\bunu$", "una", word)
    if gender != "m":
        word = re.sub(r"\bdoi(sprezece)?$", r"două\1", word)
    return word


def _ro_number(n: int, gender: str) -> str:
    """n (from 1) as it is said before a noun of `gender`, one as "unu"/"una"."""
    parts = []
    for scale, scale_gender, one, many in RO_SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(_ro_count(count, scale_gender, one, many))
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append("o sută" if hundreds == 1 else f"{_ro_below_hundred(hundreds, 'f')} sute")
    if rest:
        parts.append(_ro_below_hundred(rest, gender))
    return " ".join(parts)


def _ro_count(n: int, gender: str, one: str, many: str) -> str:
    """n of a noun: "un leu", "o mie", "două mii", "o sută de lei", "o sută două grivne"."""
    if n == 0:
        return f"zero {many}"
    if n == 1:
        return f"{'o' if gender == 'f' else 'un'} {one}"
    de = "de " if n % 100 == 0 or n % 100 >= 20 else ""
    return f"{_ro_number(n, gender)} {de}{many}"


def _ro_amount(amount: Decimal, currency: str) -> str:
    """ "Patru sute patruzeci și două de mii ... de lei și doisprezece bani"; no cents, no "și"."""
    major, minor = RO_UNITS[currency]
    whole = int(amount)
    cents = int((amount - whole) * 100)
    words = _ro_count(whole, *major)
    return f"{words} și {_ro_count(cents, *minor)}" if cents else words


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
            words = _ro_amount(amount, currency)
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
