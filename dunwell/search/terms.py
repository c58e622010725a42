"""What a search text means: its length limits and the phone numbers it may be (pure, no Django).

A collector types a number as the debtor said it ("0721 234 567"), as printed on an invoice
("+40 721-234-567") or as a PBX shows it ("40721234567"); contacts store E.164
("+40721234567"). The text is read with each of our companies' countries, and digits without
a leading 0 or + are also tried as an international number.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from dunwell.ledger.phones import PhoneError, normalize_phone

MIN_LENGTH = 2
MAX_LENGTH = 100
# Fewer digits than this match far too many numbers to be worth a phone search.
MIN_PHONE_DIGITS = 5
_PHONE_TEXT = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass(frozen=True)
class PhoneQuery:
    """The E.164 numbers a text may be, and the digits to look for inside stored numbers."""

    numbers: frozenset[str]
    digits: str


def phone_query(text: str, countries: list[str]) -> PhoneQuery | None:
    """None when `text` is not written like a phone number (letters, too few digits)."""
    raw = text.strip()
    if not _PHONE_TEXT.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    numbers: set[str] = set()
    for country in countries or [""]:
        with contextlib.suppress(PhoneError):
            numbers.add(normalize_phone(raw, country))
    if not raw.startswith(("+", "0")):
        # "40721234567": an international number written without its plus
        with contextlib.suppress(PhoneError):
            numbers.add(normalize_phone("+" + digits, ""))
    numbers.discard("")
    # A national number's trunk 0 is not part of its E.164 form: "0721 234" is inside
    # "+40721234567" as "721234".
    inside = digits.lstrip("0") if not raw.startswith("+") else digits
    return PhoneQuery(frozenset(numbers), inside if len(inside) >= MIN_PHONE_DIGITS else "")
