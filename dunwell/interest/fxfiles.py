"""Exchange-rate files as the central banks publish them, read into `fx_<base>_<quote>` rows.
Pure Python: no Django import.

- ECB, eurofxref-daily.xml or eurofxref-hist.xml (`gesmes:Envelope`, `Cube time=…`,
  `Cube currency=… rate=…`): units of the currency per 1 EUR.
- NBR (BNR), nbrfxrates.xml (`DataSet/Body/Cube date=…`, `Rate currency=… multiplier=…`):
  RON per `multiplier` units.
- Bank of Russia (CBR), XML_daily.asp (`ValCurs Date=dd.mm.yyyy`, `Valute/CharCode, Nominal,
  Value` with a decimal comma, windows-1251): RUB per `Nominal` units.
- NBM (BNM), official_exchange_rates?get_xml=1 (the same `ValCurs` layout): MDL per `Nominal`.
- NBU, statdirectory/exchange?json (`[{"cc", "rate", "exchangedate": dd.mm.yyyy}]`): UAH per 1.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import ElementTree

from dunwell.interest.calc.types import gettext_noop
from dunwell.interest.ratefiles import RateFileError, RateRow

ECB_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
BNR_NS = "{http://www.bnr.ro/xsd}"


def is_fx_file(raw: bytes) -> bool:
    head = raw[:400].lstrip(b"\xef\xbb\xbf \r\n\t")
    return head.startswith((b"<", b"[")) or head.startswith(b"{")


def _bad(name: str, what: str, value: object) -> RateFileError:
    return RateFileError(
        gettext_noop("%(file)s: %(what)s %(value)r is not valid."),
        file=name,
        what=what,
        value=value,
    )


def _number(name: str, text: str | None) -> Decimal:
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise _bad(name, "value", text) from None
    if not value.is_finite() or value <= 0:
        raise _bad(name, "value", text)
    return value


def _dmy(name: str, text: str | None) -> date:
    try:
        day, month, year = (int(p) for p in (text or "").strip().split("."))
        return date(year, month, day)
    except ValueError:
        raise _bad(name, "date", text) from None


def _iso(name: str, text: str | None) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise _bad(name, "date", text) from None


def _row(quote: str, currency: str, day: date, value: Decimal, source: str) -> RateRow | None:
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha() or code == quote:
        return None
    return RateRow(f"fx_{code.lower()}_{quote.lower()}", day, value, source)


def parse_fx_file(name: str, raw: bytes) -> list[RateRow]:
    """Every rate of one bank file, or RateFileError naming the file and the bad value."""
    text = raw.lstrip(b"\xef\xbb\xbf \r\n\t")
    if text.startswith(b"["):
        return _nbu(name, text)
    try:
        root = ElementTree.fromstring(text)
    except Exception as exc:  # defusedxml raises several types for bad or hostile XML
        raise RateFileError(
            gettext_noop("%(file)s: not a rate file (%(error)s)."), file=name, error=str(exc)
        ) from None
    if root.tag.endswith("Envelope"):
        return _ecb(name, root)
    if root.tag == f"{BNR_NS}DataSet" or root.tag == "DataSet":
        return _bnr(name, root)
    if root.tag == "ValCurs":
        return _valcurs(name, root)
    raise RateFileError(
        gettext_noop("%(file)s: unknown rate file format (root element %(tag)s)."),
        file=name,
        tag=root.tag,
    )


def _ecb(name: str, root: Any) -> list[RateRow]:
    rows = []
    for day_cube in root.iter(f"{ECB_NS}Cube"):
        if "time" not in day_cube.attrib:
            continue
        day = _iso(name, day_cube.get("time"))
        for cube in day_cube.findall(f"{ECB_NS}Cube"):
            # ECB publishes units of the currency per 1 EUR: that is the EUR -> currency rate.
            value = _number(name, cube.get("rate"))
            code = (cube.get("currency") or "").upper()
            if len(code) == 3 and code != "EUR":
                rows.append(RateRow(f"fx_eur_{code.lower()}", day, value, "ECB " + name))
    return rows


def _bnr(name: str, root: Any) -> list[RateRow]:
    rows = []
    ns = BNR_NS if root.tag.startswith(BNR_NS) else ""
    for cube in root.iter(f"{ns}Cube"):
        day = _iso(name, cube.get("date"))
        for rate in cube.findall(f"{ns}Rate"):
            multiplier = _number(name, rate.get("multiplier") or "1")
            row = _row(
                "RON", rate.get("currency") or "", day, _number(name, rate.text) / multiplier,
                "NBR " + name,
            )  # fmt: skip
            if row:
                rows.append(row)
    return rows


def _valcurs(name: str, root: Any) -> list[RateRow]:
    day = _dmy(name, root.get("Date"))
    valutes = root.findall("Valute")
    # The Bank of Russia's ids look like "R01235"; the NBM's are plain numbers.
    quote, bank = (
        ("RUB", "CBR")
        if any((v.get("ID") or "").startswith("R") for v in valutes)
        else ("MDL", "NBM")
    )
    rows = []
    for valute in valutes:
        nominal = _number(name, valute.findtext("Nominal") or "1")
        value = _number(name, valute.findtext("Value")) / nominal
        row = _row(quote, valute.findtext("CharCode") or "", day, value, f"{bank} {name}")
        if row:
            rows.append(row)
    return rows


def _nbu(name: str, text: bytes) -> list[RateRow]:
    try:
        items = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RateFileError(
            gettext_noop("%(file)s: not a rate file (%(error)s)."), file=name, error=str(exc)
        ) from None
    rows = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            raise _bad(name, "entry", item)
        day = _dmy(name, str(item.get("exchangedate", "")))
        row = _row(
            "UAH", str(item.get("cc", "")), day, _number(name, str(item.get("rate"))), "NBU " + name
        )
        if row:
            rows.append(row)
    return rows
