"""Phone numbers normalised to E.164 with `phonenumbers` (pure Python, no Django import)."""

from __future__ import annotations

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
