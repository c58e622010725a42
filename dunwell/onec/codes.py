"""1C's numeric codes for currencies and countries, as ISO alpha codes (pure, no Django).

1C's `Catalog_Валюты` keeps the ISO 4217 numeric code in `Code` ("643") and a short name in
`Description` ("руб." in older infobases, "RUB" in newer ones); `Catalog_СтраныМира` keeps the
ISO 3166-1 numeric code (ОКСМ, which follows ISO 3166) in `Code` ("643") and, in configurations
built on the standard subsystems library, the alpha-2 code in `КодАльфа2`.

Currencies: the numeric codes below are ISO 4217's list one (the maintenance agency's table of
current codes, SIX Financial Information); tests check every alpha code against Babel's CLDR
list. Countries: CLDR's territory aliases (shipped with Babel) map every ISO 3166 numeric code to
its alpha-2 code, so no table of our own is needed.
"""

from __future__ import annotations

from functools import cache

from babel.core import get_global

# ISO 4217 numeric -> alpha (current codes; the CIS, Europe and the main trading currencies).
ISO_4217_NUMERIC: dict[str, str] = {
    "008": "ALL",
    "012": "DZD",
    "032": "ARS",
    "036": "AUD",
    "044": "BSD",
    "048": "BHD",
    "050": "BDT",
    "051": "AMD",
    "124": "CAD",
    "144": "LKR",
    "152": "CLP",
    "156": "CNY",
    "170": "COP",
    "191": "HRK",
    "203": "CZK",
    "208": "DKK",
    "230": "ETB",
    "270": "GMD",
    "344": "HKD",
    "348": "HUF",
    "352": "ISK",
    "356": "INR",
    "360": "IDR",
    "364": "IRR",
    "368": "IQD",
    "376": "ILS",
    "392": "JPY",
    "398": "KZT",
    "400": "JOD",
    "404": "KES",
    "410": "KRW",
    "414": "KWD",
    "417": "KGS",
    "422": "LBP",
    "434": "LYD",
    "446": "MOP",
    "458": "MYR",
    "484": "MXN",
    "496": "MNT",
    "498": "MDL",
    "504": "MAD",
    "512": "OMR",
    "554": "NZD",
    "566": "NGN",
    "578": "NOK",
    "586": "PKR",
    "604": "PEN",
    "608": "PHP",
    "634": "QAR",
    "643": "RUB",
    "682": "SAR",
    "702": "SGD",
    "704": "VND",
    "710": "ZAR",
    "752": "SEK",
    "756": "CHF",
    "760": "SYP",
    "764": "THB",
    "784": "AED",
    "788": "TND",
    "800": "UGX",
    "807": "MKD",
    "818": "EGP",
    "826": "GBP",
    "834": "TZS",
    "840": "USD",
    "860": "UZS",
    "901": "TWD",
    "925": "SLE",
    "929": "MRU",
    "931": "CUC",
    "933": "BYN",
    "934": "TMT",
    "941": "RSD",
    "944": "AZN",
    "946": "RON",
    "949": "TRY",
    "950": "XAF",
    "952": "XOF",
    "953": "XPF",
    "960": "XDR",
    "972": "TJS",
    "975": "BGN",
    "978": "EUR",
    "980": "UAH",
    "981": "GEL",
    "985": "PLN",
    "986": "BRL",
}


def currency_alpha(code: str, description: str = "") -> str | None:
    """The ISO 4217 alpha code of a `Catalog_Валюты` item: by its numeric `Code`, else its
    `Description` when that is already an alpha code ("USD"); None when neither says."""
    code = code.strip()
    if code.isdigit():
        alpha = ISO_4217_NUMERIC.get(code.zfill(3))
        if alpha:
            return alpha
    name = description.strip().upper()
    if len(name) == 3 and name.isalpha() and name.isascii():
        return name
    return None


@cache
def _territories() -> dict[str, str]:
    aliases = get_global("territory_aliases")
    return {
        number: targets[0]
        for number, targets in aliases.items()
        if number.isdigit() and len(targets) == 1 and len(targets[0]) == 2
    }


def country_alpha2(code: str, alpha2: str = "") -> str | None:
    """The ISO 3166 alpha-2 code of a `Catalog_СтраныМира` item: its `КодАльфа2` when filled,
    else by its numeric `Code` through CLDR; None when neither says."""
    alpha2 = alpha2.strip().upper()
    if len(alpha2) == 2 and alpha2.isalpha() and alpha2.isascii():
        return alpha2
    code = code.strip()
    if code.isdigit():
        return _territories().get(code.zfill(3))
    return None
