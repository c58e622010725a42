"""Tax ids of counterparties, validated and normalised per country with python-stdnum
(pure Python, no Django import).

RU: INN (10 digits for companies, 12 for individuals); UA: EDRPOU (8 digits; a 10-digit
individual RNOKPP is accepted as is); RO: CUI/CIF (stored without the `RO` VAT prefix);
MD: IDNO (13 digits); other EU countries: the VAT number, stored with its country prefix.
Countries without a validator keep the compacted text.
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat
from stdnum.md import idno
from stdnum.ro import cui
from stdnum.ru import inn
from stdnum.ua import edrpou, rntrc

_NAMES = {"RU": "INN", "UA": "EDRPOU", "RO": "CUI", "MD": "IDNO"}
_VAT_PREFIX = {"GR": "EL"}


class TaxIdError(ValueError):
    """The tax id is not valid for the country. `code` and `params` say why, for a message
    in the reader's language (ledger/importing/reasons.py)."""

    def __init__(self, message: str, code: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def tax_id_name(country: str) -> str:
    return _NAMES.get(country.upper(), "VAT number")


def normalize_tax_id(country: str, value: str) -> str:
    """The canonical form of `value` for `country`, or TaxIdError naming what is wrong."""
    country = country.upper()
    raw = value.strip()
    if not raw:
        return ""
    try:
        if country == "RU":
            return str(inn.validate(raw))
        if country == "UA":
            compact = edrpou.compact(raw)
            if len(compact) == 10:
                return str(rntrc.validate(compact))
            return str(edrpou.validate(raw))
        if country == "RO":
            return str(cui.validate(raw))
        if country == "MD":
            return str(idno.validate(raw))
        prefix = _VAT_PREFIX.get(country, country)
        if prefix.lower() in eu_vat.MEMBER_STATES:
            if not raw[:2].isalpha():
                raw = prefix + raw
            compact = eu_vat.compact(raw)
            if compact[:2] != prefix:
                raise TaxIdError(
                    f"VAT number {value!r} is not from {country}",
                    "tax_id_foreign",
                    value=repr(value),
                    country=country,
                )
            return str(eu_vat.validate(compact))
    except stdnum_exceptions.ValidationError as exc:
        raise TaxIdError(
            f"invalid {tax_id_name(country)} {value!r}: {exc}",
            "tax_id_invalid",
            value=repr(value),
            country=country,
        ) from None
    return "".join(raw.split()).upper()
