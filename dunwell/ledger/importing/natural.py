"""Natural keys of rows in files without ids (docs/import-formats.md, "Files without ids"):
how names, numbers, references and currencies are read, and the generated external id.
Pure Python, no Django import.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

# A generated external id: this prefix and the MD5 of the natural key text (the engine computes
# the same in SQL, `'nk:' || MD5(...)`: Django registers MD5 on SQLite, PostgreSQL has md5()).
PREFIX = "nk:"

_QUOTES = re.compile(r"[\"'`«»„“”‟‘’‚‛‹›]+")


def normalize_name(name: str) -> str:
    """A counterparty name as compared: case-folded, quotes of any kind as `"`, blanks
    collapsed (`ООО «Ромашка»` = `ооо "ромашка"`)."""
    return " ".join(_QUOTES.sub('"', name).casefold().split())


def normalize_number(number: str) -> str:
    """A document number as compared: blanks collapsed, otherwise as written."""
    return " ".join(number.split())


def generated_id(key: str) -> str:
    return PREFIX + hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def counterparty_key(country: str, tax_id: str, kpp: str, name: str) -> str:
    """By tax id within the country (plus the KPP for Russia), else by normalised name."""
    if tax_id:
        key = f"tax|{country}|{tax_id}"
        if country == "RU" and kpp:
            key += f"|{''.join(kpp.split())}"
        return key
    return f"name|{normalize_name(name)}"


def dated_key(number: str, day: date) -> str:
    """The part of a contract's or document's key after its counterparty."""
    return f"{normalize_number(number)}|{day.isoformat()}"


def payment_key(number: str | None, day: date, amount: object) -> str:
    """The part of a payment's key after its payer: number and date, else date and amount."""
    if number:
        return f"n|{normalize_number(number)}|{day.isoformat()}"
    return f"a|{day.isoformat()}|{amount}"


# "Реализация товаров и услуг 0000-000123 от 12.03.2026 10:15:00", "Договор № 12 от 01.02.2025",
# "Рахунок 15 від 02.03.2026", "Factura 77 din 05.03.2026".
_REFERENCE = re.compile(
    r"(?:^|\s)(?:№\s*)?(?P<number>\S+)\s+(?:от|від|din|from|of)\s+"
    r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})\b",
    re.IGNORECASE,
)


def parse_reference(text: str) -> tuple[str, date | None]:
    """The number (and date, when given) in a reference to a document or contract as 1C
    prints it; a bare number is returned as it is (its last word, after a `№`)."""
    if " " not in text and "№" not in text:
        return text, None  # a bare number or id: the common case, no pattern to search
    text = " ".join(text.split())
    match = _REFERENCE.search(text)
    if match:
        try:
            day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            day = None
        return match["number"].lstrip("№"), day
    words = text.replace("№", " ").split()
    return (words[-1] if words else ""), None


# Currencies as 1C and banks write them: ISO 4217 numeric codes and short Russian/Ukrainian/
# Romanian names. Anything else must be an ISO 4217 letter code.
CURRENCY_WORDS = {
    "643": "RUB",
    "РУБ": "RUB",
    "РУБ.": "RUB",
    "РУБЛЬ": "RUB",
    "РУБЛИ": "RUB",
    "RUR": "RUB",
    "980": "UAH",
    "ГРН": "UAH",
    "ГРН.": "UAH",
    "ГРИВНЯ": "UAH",
    "946": "RON",
    "498": "MDL",
    "933": "BYN",
    "398": "KZT",
    "ТЕНГЕ": "KZT",
    "978": "EUR",
    "ЕВРО": "EUR",
    "€": "EUR",
    "840": "USD",
    "ДОЛЛ.": "USD",
    "$": "USD",
    "985": "PLN",
    "975": "BGN",
    "348": "HUF",
    "203": "CZK",
    "826": "GBP",
    "756": "CHF",
    "156": "CNY",
}


def currency_code(text: str) -> str:
    """The ISO 4217 letter code for a currency as written (`руб.`, `643`, `RUB`)."""
    word = "".join(text.split()).upper()
    return CURRENCY_WORDS.get(word, word)
