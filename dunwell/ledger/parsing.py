"""Parsing of the values accounting exports write: numbers, dates and booleans in the
formats of the CIS and EU (pure Python, no Django import).

Every parser raises `ParseError` with a message meant for the person who fixes the file.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation


class ParseError(ValueError):
    """A value could not be read; the message says what was expected."""


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN = re.compile(r"[-+]?\d+(\.\d+)?", re.ASCII)
# Amounts: at most 15 digits before the decimal mark (dunwell.money.MAX_AMOUNT).
MAX_INTEGER_DIGITS = 15


def _ascii_digits_only(text: str) -> None:
    """Digits of other scripts (Arabic-Indic `١٢٣`, fullwidth `１２３`) are refused: Python would
    read them as numbers, an accountant's export never writes them."""
    for char in text:
        if char.isdigit() and not ("0" <= char <= "9"):
            raise ParseError(f"only the digits 0-9 are allowed: {text!r}")


def parse_decimal(text: str) -> Decimal:
    """Read `1234.56`, `1 234,56` (also with NBSP), `1.234,56`, `1,234.56` or `-12,5`.

    With both separators present the rightmost one is the decimal mark; a lone `,` is a decimal
    mark (CIS/EU exports) unless it groups exactly three digits more than once (`1,234,567`).
    """
    raw = text.strip()
    _ascii_digits_only(raw)
    if _PLAIN.fullmatch(raw):
        return Decimal(raw)
    s = _SPACES.sub("", raw)
    if s.startswith("(") and s.endswith(")"):  # accounting negative: (123,45)
        s = "-" + s[1:-1]
    if not s:
        raise ParseError(f"not a number: {text!r}")
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif has_comma:
        if s.count(",") > 1:
            if not re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", s, re.ASCII):
                raise ParseError(f"not a number: {text!r}")
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif has_dot and s.count(".") > 1:
        if not re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", s, re.ASCII):
            raise ParseError(f"not a number: {text!r}")
        s = s.replace(".", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", s, re.ASCII):
        raise ParseError(f"not a number: {text!r}")
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex above admits only valid literals
        raise ParseError(f"not a number: {text!r}") from None


def parse_money(text: str) -> Decimal:
    """A number with at most 15 digits before the decimal mark and two after (cents)."""
    value = parse_decimal(text)
    if abs(value) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise ParseError(f"more than {MAX_INTEGER_DIGITS} digits before the decimal mark: {text!r}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise ParseError(f"more than two decimals: {text!r}")
    return value.quantize(Decimal("0.01"))


_DMY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", re.ASCII)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def parse_date(text: str) -> date:
    """Read `2025-12-31`, `31.12.2025`, `31/12/2025` (also `31.12.2025 0:00:00` as 1C writes)."""
    s = text.strip()
    _ascii_digits_only(s)
    if len(s) == 10 and s[4] == "-":
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise ParseError(f"not a date: {text!r} (expected YYYY-MM-DD or DD.MM.YYYY)") from None
    s = s.split(" ")[0].split("T")[0]
    match = _DMY.fullmatch(s)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        match = _YMD.fullmatch(s)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise ParseError(f"not a date: {text!r} (expected YYYY-MM-DD or DD.MM.YYYY)")


_TRUE = frozenset(
    {
        "1",
        "y",
        "yes",
        "true",
        "t",
        "x",
        "+",
        "да",
        "д",
        "истина",
        "так",
        "т",
        "істина",
        "da",
        "adevărat",
        "adevarat",
    }
)
_FALSE = frozenset(
    {
        "0",
        "n",
        "no",
        "false",
        "f",
        "-",
        "нет",
        "н",
        "ложь",
        "ні",
        "нi",
        "хиба",
        "хибність",
        "nu",
        "fals",
    }
)


def parse_bool(text: str) -> bool:
    """Read yes/no in English, Russian, Ukrainian or Romanian (`да/нет`, `так/ні`, `da/nu`)."""
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE or s == "":
        return False
    raise ParseError(f"not a yes/no value: {text!r}")
