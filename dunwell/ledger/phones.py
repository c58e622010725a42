"""Phone numbers normalised to E.164 with `phonenumbers` (pure Python, no Django import)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers


class PhoneError(ValueError):
    """Not a phone number that can be dialled."""


def normalize_phone(text: str, country: str) -> str:
    """`+40721234567` from `0721 234 567` with country RO; "" for an empty value.

    A number written with a leading `+` or `00` keeps its own country code.
    """
    raw = text.strip()
    if not raw:
        return ""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, country.upper() or None)
    except phonenumbers.NumberParseException:
        raise PhoneError(f"not a phone number: {text!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise PhoneError(f"not a phone number: {text!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The words written before an extension, in the languages the collectors and the accounting
# systems write: "x 12", "ext. 12", "доб. 12", "вн. 12", "дод. 12", "int. 12", "interior 12".
# `phonenumbers` reads "x"/"ext."/"доб."/"int." itself, not the Ukrainian and Romanian ones.
_EXTENSION = re.compile(
    r"[\s,;]*(?<![^\W\d_])(?:#|(?:ext(?:ension)?|x|доб(?:авочный)?|вн(?:утр(?:енний|ішній)?)?"
    r"|дод(?:атковий)?|int(?:erior)?|extensi[ae])\.?)\s*[:.]?\s*(\d{1,10})\s*$",
    re.IGNORECASE,
)


def read_phone(text: str, country: str) -> tuple[str, str]:
    """(E.164, extension) of a phone as written: `("+37369123456", "12")` for
    `069 12 34 56 доб. 12` with country MD; ("", "") for an empty value. Raises PhoneError.
    The one reading of a typed or imported phone: the contact form, "Wrong person", the file
    import and the API push."""
    match = _EXTENSION.search(text)
    main = text[: match.start()] if match else text
    extension = match.group(1) if match else ""
    phone = normalize_phone(main, country)
    if not phone and extension:
        raise PhoneError(f"not a phone number: {text!r}")
    return phone, extension


@lru_cache(maxsize=4096)
def format_phone(e164: str) -> str:
    """`+373 691 23 456` for `+37369123456`: the number as people read it (the international
    format of `phonenumbers`); a value it cannot read is shown as it is. Cached: a worklist
    page shows the same numbers again and again, and parsing one costs about 20 µs."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
