"""The Django side of the calculator: rates from the database, errors and warnings translated.

`calculate` only reads; `import_rates` changes the rate tables (no counterparty is involved, so
no timeline entry: the command's output is the record).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dunwell.interest import calc
from dunwell.interest.calc import CalcError, PaymentEvent, Result
from dunwell.interest.calc.rules import NO_OPTIONS
from dunwell.interest.errors import InterestError
from dunwell.interest.fx import forget_rates
from dunwell.interest.fxfiles import is_fx_file, parse_fx_file
from dunwell.interest.loading import UpsertCounts, upsert_rates, upsert_series
from dunwell.interest.models import RateSeries, RateValue
from dunwell.interest.ratefiles import RateFileError, SeriesRow, parse_fx_code, parse_rates
from dunwell.interest.selectors import rate_book
from dunwell.interest.texts import readable_params

# Exchange rates are published every working day: a week without one is stale.
FX_UPDATE_CYCLE = 7


def _translated(template: str, params: Mapping[str, object], readable: bool = False) -> str:
    """The message in the active language; `readable` names a rate series and writes dates
    as a reader of the calculation reads them (a rate file's errors keep the file's own code
    and ISO date, which is what to look for in the file)."""
    text = gettext(template)
    if not params:
        return text
    return text % (readable_params(params) if readable else dict(params))


def calculate(
    rule: str,
    *,
    debt: Decimal,
    due: date,
    to: date,
    payments: Sequence[PaymentEvent] = (),
    options: Mapping[str, str] = NO_OPTIONS,
    today: date | None = None,
) -> Result:
    """`calc.calculate` with the rates from the database; warnings in the active language
    (including one per stale series used). Raises InterestError on bad input."""
    book = rate_book(today or timezone.localdate())
    try:
        result = calc.calculate(
            rule, debt=debt, due=due, to=to, payments=payments, options=options, rates=book
        )
    except CalcError as exc:
        raise InterestError(_translated(exc.template, exc.params, readable=True)) from exc
    return dataclasses.replace(
        result, warnings=[_translated(n.template, n.params, readable=True) for n in result.notices]
    )


def import_rates(name: str, content: str | bytes) -> UpsertCounts:
    """Upsert the values of one rate file; all or nothing. Raises InterestError naming the
    file, row and column of the first bad cell. Besides our CSV, the exchange-rate files of the
    ECB, NBR, Bank of Russia, NBM and NBU are read as published (dunwell/interest/fxfiles.py);
    an exchange-rate series seen for the first time is created."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if is_fx_file(raw):
            rows = parse_fx_file(name, raw)
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InterestError(gettext("%(file)s: not UTF-8 text.") % {"file": name}) from None
            rows = parse_rates(name, text, RateSeries.objects.values_list("code", flat=True))
    except RateFileError as exc:
        raise InterestError(_translated(exc.template, exc.params)) from exc
    with transaction.atomic():
        known = set(RateSeries.objects.values_list("code", flat=True))
        new = []
        for code in sorted({r.series for r in rows} - known):
            pair = parse_fx_code(code)
            if pair is not None:
                new.append(SeriesRow(code, f"{pair[1]} per 1 {pair[0]}", name, FX_UPDATE_CYCLE))
        upsert_series(RateSeries, new)
        counts = upsert_rates(RateSeries, RateValue, rows)
        transaction.on_commit(forget_rates)
        return counts
