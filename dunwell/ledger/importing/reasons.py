"""Why an import rejects a row, or fails as a whole: one catalogue of the messages, each under
a code.

A rejected row's reason is kept as its code and parameters (`Reason`), never as text: the
import page, the rejected-rows file and the command line word it in the language of whoever
reads it, not of whoever ran the import. Parameters are plain JSON values (the cell as the file
wrote it, quoted; row numbers; limits), so a stored reason reads the same in every language.
A whole import's failure (ImportRun.failure) is kept the same way (`failure`, `stored_failure`),
and so is a 1C sync's (dunwell/onec/messages.py), through `coded` and `decoded`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from dunwell.cells import csv_row
from dunwell.ledger.taxids import tax_id_name
from dunwell.money_l10n import money_text


class Reason(NamedTuple):
    code: str
    params: dict[str, Any]


def reason(code: str, **params: Any) -> Reason:
    assert code in MESSAGES, code
    return Reason(code, params)


MESSAGES: dict[str, Promise] = {
    # reading the file
    "file_unreadable": _("the file cannot be read: %(detail)s"),
    "file_too_large": _("the file is larger than %(max)s"),
    "missing_column": _("missing required column"),
    # one cell
    "cell_too_long": ngettext_lazy(
        "cell longer than %(n)d character", "cell longer than %(n)d characters", "n"
    ),
    "nul_byte": _("the cell contains a NUL byte"),
    "missing_value": _("missing required value"),
    "bad_number": _("bad number %(value)s"),
    "amount_too_large": _("amount %(value)s is too large (at most %(max)s)"),
    "not_whole_days": _("not a whole number of days: %(value)s"),
    "too_many_days": _("too many days: %(value)s (at most %(max)d)"),
    "bad_date": _("bad date %(value)s (expected DD.MM.YYYY or YYYY-MM-DD)"),
    "date_out_of_range": _("date %(value)s is outside the years %(low)d-%(high)d"),
    "not_yes_no": _("not a yes/no value: %(value)s"),
    "unknown_contact_role": _("unknown contact role %(value)s"),
    "too_long": _("longer than %(n)d characters"),
    "unknown_choice": _("unknown value %(value)s (expected one of: %(choices)s)"),
    # one row
    "amount_not_positive": _("amount must be greater than zero"),
    "negative_amount": _("negative amount %(value)s"),
    "bad_currency": _("not an ISO 4217 currency code: %(value)s"),
    "bad_country": _("not an ISO 3166 country code: %(value)s"),
    "tax_id_invalid": _("invalid %(name)s %(value)s"),
    "tax_id_foreign": _("VAT number %(value)s is not from %(country)s"),
    "unknown_time_zone": _("unknown time zone %(value)s"),
    "bad_probability": _("probability %(value)s is not between 0 and 100"),
    "negative_days": _("negative number of days %(value)s"),
    "invoiced_too_much": _("invoiced amount %(value)s is more than the order's amount %(amount)s"),
    "bad_phone": _("not a phone number: %(value)s"),
    # references and duplicates
    "unknown_company": _("unknown company %(value)s"),
    "which_company": _("which company? Give its code in a company column or choose one"),
    "no_counterparty_with_tax_id": _("no counterparty with the tax id %(value)s"),
    "unknown_counterparty": _("unknown counterparty %(value)s"),
    "unknown_contract": _("unknown contract %(value)s"),
    "contract_of_another": _("contract %(value)s belongs to another counterparty"),
    "contract_currency": _("currency %(value)s does not match the contract's %(contract)s"),
    "unknown_document": _("unknown document %(value)s"),
    "document_of_another": _("document %(value)s belongs to another counterparty"),
    "document_currency": _("currency %(value)s does not match the document's %(document)s"),
    "unknown_segment": _("unknown segment %(value)s"),
    "unknown_user": _("unknown user %(value)s"),
    "unknown_deal_stage": _("unknown deal stage %(value)s"),
    "duplicate_external_id": _("duplicate external id %(value)s (first on row %(row)d)"),
    "duplicate_key": _("duplicate of row %(row)d: the same %(key)s"),
    # users
    "duplicate_username": _("duplicate username %(value)s (first on row %(row)d)"),
    "unknown_user_role": _("unknown role %(value)s (expected one of: %(choices)s)"),
    "bad_email": _("not an email address: %(value)s"),
    "bad_extension": _("a phone extension is digits only: %(value)s"),
    "own_supervisor": _("a user cannot be their own supervisor"),
    "supervisor_rejected": _("the row of supervisor %(value)s was rejected"),
}

# What to do about a row that refers to what is not imported (yet): said after the reason where
# a file's import is read (the import page, the rejected-rows file), not by the push API, which
# sends no file. Once what is missing is imported, the same file imports: the import page offers
# to run it again.
HINTS: dict[str, Promise] = {
    "no_counterparty_with_tax_id": _(
        "import the counterparties first, or correct the tax id in the file"
    ),
    "unknown_counterparty": _("import the counterparties first, or correct the code in the file"),
    "unknown_contract": _("import the contracts first, or correct the contract in the file"),
    "unknown_document": _("import the documents first, or correct the document in the file"),
}

# The `key` of "duplicate_key": what makes two rows the same.
KEYS: dict[str, Promise] = {
    "tax_id_or_name": _("tax id or name"),
    "payer_number_date": _("payer, number and date (or payer, date and amount)"),
    "counterparty_number_date": _("counterparty, number and date"),
}


# Amounts the engine worked out (a negative amount, the largest one allowed, what an order
# invoiced): kept as str(Decimal), "-5.00", and shown as the reader writes amounts, "-5,00" in
# ru, uk and ro, "1,234.50" in en. A cell as the file wrote it is shown as it is, and so is a
# figure of more than 20 digits (money's rounding to cents works within 28 significant digits).
AMOUNT_PARAMS: dict[str, tuple[str, ...]] = {
    "negative_amount": ("value",),
    "amount_too_large": ("value", "max"),
    "invoiced_too_much": ("value", "amount"),
}
_PLAIN_DECIMAL = re.compile(r"-?\d{1,20}(\.\d{1,2})?")


def _params(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as the message shows them, in the active language."""
    shown = dict(params)
    for name in AMOUNT_PARAMS.get(code, ()):
        value = params.get(name)
        if isinstance(value, str) and _PLAIN_DECIMAL.fullmatch(value):
            shown[name] = money_text(Decimal(value))
    if code == "file_too_large":
        shown["max"] = filesizeformat(params["max"])
    elif code == "duplicate_key":
        shown["key"] = KEYS[params["key"]]
    elif code == "file_unreadable" and (text := _read_error(params)) is not None:
        shown["detail"] = text
    elif code == "tax_id_invalid":
        name = tax_id_name(params["country"])  # INN, CUI...: the same in every language
        shown["name"] = _("VAT number") if name == "VAT number" else name
    return shown


# A date written the way the import reads dates that no calendar has ('31.02.2026',
# '2026-13-01'): "expected DD.MM.YYYY" read as if the format were wrong.
_DATE_SHAPE = re.compile(r"'?(?:[0-9]{2}[./][0-9]{2}[./][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})'?")
NO_SUCH_DATE = _(
    "no such date %(value)s (written as dates are, but the month has no such day, or there is "
    "no such month)"
)


def render(code: str, params: Mapping[str, Any]) -> str:
    """The reason in the active language."""
    if code == "bad_date" and _DATE_SHAPE.fullmatch(str(params.get("value", "")).strip()):
        return str(NO_SUCH_DATE % _params(code, params))
    return str(MESSAGES[code] % _params(code, params))


def stored_reason(error: Mapping[str, Any]) -> str:
    """A reason kept by an import (ImportRun.errors): worded now, from its code, with what to do
    about it (HINTS); an import kept before reasons had codes, or with a code this version does
    not know, keeps its text."""
    code = error.get("code")
    if code in MESSAGES:
        try:
            text = render(code, error.get("params") or {})
        except (KeyError, TypeError, ValueError):
            pass
        else:
            return f"{text}: {HINTS[code]}" if code in HINTS else text
    return str(error.get("reason", ""))


def may_succeed_again(errors: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a file rejected for these kept reasons can import unchanged once what it refers
    to is imported: every reason is a missing reference (HINTS). Any other reason is in the file
    itself, and only a corrected file helps."""
    codes = {error.get("code") for error in errors}
    return bool(codes) and codes <= HINTS.keys()


# Why the reader cannot read the file at all (readers.ReadError): shown after "The file cannot be
# read:", in a rejected import's reason ("file_unreadable") and in its failure ("unreadable"),
# which keep the code as `read` and these parameters; the library's own words, if any, are
# kept as `library` for whoever looks into the data, never shown.
READ_ERRORS: dict[str, Promise] = {
    "not_a_spreadsheet": _(
        "it is not a spreadsheet (XLSX, XLS or ODS) that can be opened: the file is damaged or "
        "of another kind"
    ),
    "no_sheet": _("the spreadsheet has no sheet"),
    "empty_file": _("the file is empty: its first row must hold the column headers"),
    "no_header": _("the first row is empty: it must hold the column headers"),
    "binary": _("it is not a text file, so not a CSV file (a spreadsheet under another name?)"),
    "not_text": _(
        "line %(line)d is not %(encoding)s text: choose the file's encoding when uploading it"
    ),
    "unknown_encoding": _("unknown encoding %(encoding)s (expected one of: %(choices)s)"),
    "bad_csv": _("line %(line)d cannot be read as CSV: check its quotes"),
    "csv_cell_too_long": ngettext_lazy(
        "line %(line)d has a cell longer than %(max)d character",
        "line %(line)d has a cell longer than %(max)d characters",
        "max",
    ),
    "cannot_open": _("the stored file cannot be opened"),
}


def read_error_text(code: str, params: Mapping[str, Any]) -> str:
    """A reader's error in the active language."""
    shown = dict(params)
    if "encoding" in shown:
        from dunwell.ledger.importing.readers import ENCODINGS

        shown["encoding"] = ENCODINGS.get(shown["encoding"], shown["encoding"])
    return str(READ_ERRORS[code] % shown)


def read_params(exc: Exception) -> dict[str, Any]:
    """What a rejected or failed import keeps of a reader's error (ReadError or OSError): the
    code as `read`, its parameters, the library's words as `library`."""
    code = getattr(exc, "code", None)
    if code in READ_ERRORS:
        params: dict[str, Any] = {"read": code, **getattr(exc, "params", {})}
        detail = getattr(exc, "detail", "")
    else:
        params, detail = {"read": "cannot_open"}, str(exc)
    if detail:
        params["library"] = detail
    return params


def read_text(exc: Exception) -> str:
    """A reader's error (ReadError or OSError) in the active language."""
    return _read_error(read_params(exc)) or str(exc)


def _read_error(params: Mapping[str, Any]) -> str | None:
    """The reader's error kept in `params` (read_params), worded; None for one kept as text."""
    code = params.get("read")
    if code not in READ_ERRORS:
        return None
    try:
        return read_error_text(code, params)
    except (KeyError, TypeError, ValueError):
        return None


# Why a whole import failed (ImportRun.failure).
FAILURES: dict[str, Promise] = {
    "rejected": _("The file was rejected: nothing was imported."),
    "unreadable": _("The file cannot be read: %(error)s"),
    "stopped": _("The import stopped with an error: %(error)s"),
    "abandoned": ngettext_lazy(
        "Abandoned: nothing happened for %(minutes)s minute (no worker took the import, or "
        "it stopped). Nothing was imported; run it again.",
        "Abandoned: nothing happened for %(minutes)s minutes (no worker took the import, or "
        "it stopped). Nothing was imported; run it again.",
        "minutes",
    ),
}

# A message kept in a text column (ImportRun.failure, onec SyncRun.error): its code and
# parameters as JSON behind this mark, worded when it is shown. A text kept before has no mark
# and is shown as it is.
CODED_TEXT = "dunwell:message:"


def coded(code: str, params: Mapping[str, Any]) -> str:
    """A message as a text column keeps it: no words, only its code and parameters."""
    return CODED_TEXT + json.dumps({"code": code, "params": dict(params)}, ensure_ascii=False)


def decoded(text: str) -> tuple[str, dict[str, Any]] | None:
    """(code, params) of a kept coded message; None for a text kept as words."""
    if not text.startswith(CODED_TEXT):
        return None
    try:
        data = json.loads(text[len(CODED_TEXT) :])
        code, params = data["code"], data.get("params") or {}
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(code, str) or not isinstance(params, dict):
        return None
    return code, params


def failure(code: str, **params: Any) -> str:
    """What ImportRun.failure keeps for an import that failed: worded when read."""
    assert code in FAILURES, code
    return coded(code, params)


def stored_failure(text: str) -> str:
    """A kept ImportRun.failure in the active language (the reader's); a failure kept as text
    before, or with a code this version does not know, as it is."""
    found = decoded(text)
    if found is not None and found[0] in FAILURES:
        params = found[1]
        if found[0] == "unreadable" and (error := _read_error(params)) is not None:
            params = {**params, "error": error}
        try:
            return str(FAILURES[found[0]] % params)
        except (KeyError, TypeError, ValueError):
            pass
    return text


def with_column(column: str, text: str) -> str:
    return f"{column}: {text}" if column else text


# The rejected-rows file an import keeps (ImportRun.rejected_file) has this last column: the
# row's reasons as JSON, [[column, code, params], ...], worded when it is downloaded. A file kept
# before (last column `reason`) has the text in the importer's language.
CODED_HEADER = "dunwell:reasons"


def encode(reasons: Iterable[tuple[str, Reason]]) -> str:
    return json.dumps([[column, r.code, r.params] for column, r in reasons], ensure_ascii=False)


def decode(cell: str) -> str:
    """A coded cell of the kept file, worded in the active language."""
    try:
        items = json.loads(cell)
    except ValueError:
        return cell
    return "; ".join(
        with_column(column, stored_reason({"code": code, "params": params}))
        for column, code, params in items
    )


def reworded(lines: Iterable[str]) -> Iterator[list[Any]]:
    """The rows of a kept rejected-rows file with its reasons in the active language (a coded
    file); an older file's rows as they are."""
    reader = csv.reader(lines, delimiter=";")
    headers = next(reader, None)
    if headers is None:
        return
    coded = headers[-1:] == [CODED_HEADER]
    if coded:
        headers = [*headers[:-1], gettext("reason")]
    yield headers
    for row in reader:
        if coded and row:
            row = [*row[:-1], *csv_row([decode(row[-1])])]
        yield row
