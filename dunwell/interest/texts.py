"""What the calculator's messages name, as a reader says it: a rate series by its translated
name (not its code), an option by its form label (not "eur_rate"), dates, months and percents
in the active language's format (not ISO, not "10.00")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from dunwell.interest.calc.types import (
    EU_ECB_MRO,
    MD_BASE_RATE,
    RO_REFERENCE_RATE,
    RU_DEPOSIT_PREFIX,
    RU_KEY_RATE,
    RU_REFINANCING_RATE,
    UA_CPI,
    UA_DISCOUNT_RATE,
)
from dunwell.money_l10n import number_text

SERIES_NAMES = {
    RU_KEY_RATE: gettext_lazy("Bank of Russia key rate"),
    RU_REFINANCING_RATE: gettext_lazy("Bank of Russia refinancing rate"),
    UA_DISCOUNT_RATE: gettext_lazy("NBU discount rate"),
    UA_CPI: gettext_lazy("Ukraine consumer price index"),
    RO_REFERENCE_RATE: gettext_lazy("NBR reference rate"),
    MD_BASE_RATE: gettext_lazy("NBM base rate"),
    EU_ECB_MRO: gettext_lazy("ECB main refinancing operations rate"),
}
DISTRICTS = {
    "central": pgettext_lazy("federal district", "Central Federal District"),
    "northwest": pgettext_lazy("federal district", "Northwestern Federal District"),
    "south": pgettext_lazy("federal district", "Southern Federal District"),
    "north_caucasus": pgettext_lazy("federal district", "North Caucasian Federal District"),
    "volga": pgettext_lazy("federal district", "Volga Federal District"),
    "ural": pgettext_lazy("federal district", "Ural Federal District"),
    "siberia": pgettext_lazy("federal district", "Siberian Federal District"),
    "far_east": pgettext_lazy("federal district", "Far Eastern Federal District"),
    "crimea": pgettext_lazy("federal district", "Crimean Federal District"),
}
# The calculator's options as its form labels them: a message names the field the user fills
# in, not the option's code ("eur_rate"). The legal calculator's form uses these labels.
OPTION_LABELS = {
    "rate_per_day": gettext_lazy("Rate, % per day"),
    "rate_per_year": gettext_lazy("Rate, % per year"),
    "cap_percent": gettext_lazy("Cap as a percentage of the debt"),
    "eur_rate": gettext_lazy("EUR exchange rate for the EUR 40 compensation"),
}
# Parameters of the calculator's messages that hold an option's code.
OPTION_PARAMS = ("option", "other")
# How each language quotes a name inside a sentence.
QUOTES = {"ru": ("«", "»"), "uk": ("«", "»"), "ro": ("„", "”")}
# Parameters of the calculator's messages that hold an ISO date (YYYY-MM-DD) or month (YYYY-MM).
DATE_PARAMS = ("day", "to", "due")
MONTH_PARAMS = ("month",)
# Parameters of the calculator's messages that hold a rate or a share in percent (a Decimal).
PERCENT_PARAMS = ("percent",)


def series_name(code: str) -> str:
    """ "NBU discount rate" for ua_discount_rate, in the active language; an exchange-rate
    series as "EUR/RON exchange rate"; an unknown code as itself."""
    if code in SERIES_NAMES:
        return str(SERIES_NAMES[code])
    if code.startswith(RU_DEPOSIT_PREFIX):
        district = code.removeprefix(RU_DEPOSIT_PREFIX)
        return gettext("average deposit rates: %(district)s") % {
            "district": str(DISTRICTS.get(district, district))
        }
    parts = code.split("_")
    if len(parts) == 3 and parts[0] == "fx":
        return gettext("%(pair)s exchange rate") % {"pair": f"{parts[1]}/{parts[2]}".upper()}
    return code


def date_text(value: str) -> str:
    """An ISO date as the active language writes it (06.12.2026); anything else unchanged."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def month_text(value: str) -> str:
    """ "2026-10" as "10.2026"."""
    year, _sep, month = value.partition("-")
    if len(year) == 4 and year.isdigit() and month.isdigit():
        return f"{int(month):02d}.{year}"
    return value


def readable_params(params: Mapping[str, object]) -> dict[str, object]:
    """A message's parameters as the reader reads them: series and options named, dates and
    percents formatted."""
    out = dict(params)
    opening, closing = QUOTES.get((get_language() or "en")[:2], ("“", "”"))
    if isinstance(out.get("series"), str):
        out["series"] = f"{opening}{series_name(str(out['series']))}{closing}"
    for key in OPTION_PARAMS:
        code = out.get(key)
        if isinstance(code, str) and code in OPTION_LABELS:
            out[key] = f"{opening}{OPTION_LABELS[code]}{closing}"
    for key in DATE_PARAMS:
        if isinstance(out.get(key), str):
            out[key] = date_text(str(out[key]))
    for key in MONTH_PARAMS:
        if isinstance(out.get(key), str):
            out[key] = month_text(str(out[key]))
    for key in PERCENT_PARAMS:
        value = out.get(key)
        if isinstance(value, Decimal):
            out[key] = number_text(value)  # "10", "0,5": not str()'s "10.00"
    return out
