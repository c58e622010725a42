"""Money in the active language (the Django side of dunwell.money's formatting): used by
templates, call scripts, timeline summaries and exports alike."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language

from dunwell.money import Amounts, Money, format_amount, format_amounts, format_money


def money_text(value: Decimal | Money | Amounts | None, currency: str = "") -> str:
    """ "1 234,56 RUB" in ru, "1,234.56 RUB" in en; Amounts as "… EUR + … MDL"."""
    language = get_language()
    if value is None or value == "":
        return "—"
    if isinstance(value, Amounts):
        return format_amounts(value, language) if value.by_currency else "—"
    if isinstance(value, Money):
        return format_money(value, language)
    text = format_amount(Decimal(value), language)
    return f"{text}\u00a0{currency}" if currency else text


def number_text(value: Decimal) -> str:
    """A rate or share as the active language writes it, without trailing zeros: "10",
    "0,05" in ru, uk and ro, "0.05" in en (Django's number formatting)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    places = len(text.partition(".")[2])
    return number_format(Decimal(text), decimal_pos=places, use_l10n=True)


def percent_text(value: Decimal) -> str:
    """ "10%", "0,05%" (ru, uk, ro), "0.05%" (en)."""
    return f"{number_text(value)}%"
