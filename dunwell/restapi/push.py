"""Turning a push body into the import engine's table (docs/integrations.md, "Push").

The body is parsed here, not by pydantic: numbers must stay exact (JSON numbers become
Decimal, never float), and 10,000 items go straight into the engine's rows without a model
per item. Only the shape is checked here (an object with `items`, objects with known keys and
scalar values); what the values mean is the engine's to check, as for a file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dunwell.ledger.importing import Table
from dunwell.ledger.importing.kinds import KINDS

MAX_ITEMS = 10_000
# A push of 10,000 items is larger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, meant for
# forms): the push reads its body itself, up to this size.
MAX_BODY_BYTES = 64 * 1024 * 1024
PUSH_KINDS = ("counterparties", "contacts", "contracts", "documents", "payments", "orders", "deals")
# Row numbers handed to the engine are index + FIRST_ROW: the engine reports problems of the
# whole table (a missing required field) on rows 0 and 1, never on an item.
FIRST_ROW = 2


@dataclass(frozen=True)
class ItemError:
    index: int | None
    field: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "detail": self.detail}


class PushRejected(ValueError):
    """The body cannot be pushed; `status` is 400/413/422, `errors` name items and fields."""

    def __init__(self, status: int, detail: str, errors: Sequence[ItemError] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)


def read_body(request: Any) -> bytes:
    """The raw body of a push, at most MAX_BODY_BYTES (413 beyond)."""
    too_large = PushRejected(
        413,
        _("A push body may be at most %(mb)d MB.") % {"mb": MAX_BODY_BYTES // (1024 * 1024)},
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise too_large
    cached = getattr(request, "_body", None)
    if cached is not None:
        data = bytes(cached)
    else:
        data = request.read(MAX_BODY_BYTES + 1)
        request._body = data  # later readers (a replay's hash) see the same bytes
    if len(data) > MAX_BODY_BYTES:
        raise too_large
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def parse_body(raw: bytes) -> list[Any]:
    """The `items` of a push body; 400 for what is not JSON, 413 over MAX_ITEMS."""
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError):
        raise PushRejected(400, _("The body is not valid JSON.")) from None
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise PushRejected(
            422,
            _("The body must be an object with a list of items."),
            [ItemError(None, "items", _("expected a list of objects"))],
        )
    unknown = sorted(set(body) - {"items"})
    if unknown:
        raise PushRejected(
            422,
            _("Unknown member of the body: %(names)s.") % {"names": ", ".join(unknown)},
            [ItemError(None, name, _("unknown member")) for name in unknown],
        )
    items = body["items"]
    if not items:
        raise PushRejected(
            422, _("Send at least one item."), [ItemError(None, "items", _("empty list"))]
        )
    if len(items) > MAX_ITEMS:
        raise PushRejected(
            413,
            _("A push takes at most %(max)s items; this one has %(n)s. Split it.")
            % {"max": f"{MAX_ITEMS:,}", "n": f"{len(items):,}"},
        )
    return items


def _cell(value: Any) -> str | None:
    """The text the engine reads for a JSON value, or None when the type is not accepted."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return None


def all_text(values: list[Any]) -> bool:
    return all(isinstance(v, str) for v in values)


def build_table(kind: str, items: list[Any]) -> Table:
    """The engine's table for `items`: headers are the fields any item names, in the kind's
    order; an item that leaves out a field another names gives it empty. Raises PushRejected
    (422) listing every item that is not an object, names an unknown field or holds a value
    that is not a string, number, boolean or null (roles may also be a list of strings)."""
    spec = KINDS[kind]
    known = set(spec.field_names)
    errors: list[ItemError] = []
    present: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(ItemError(index, "", _("expected an object")))
            continue
        for key in item:
            if key in known:
                present.add(key)
            else:
                errors.append(ItemError(index, str(key), _("unknown field")))
    headers = [name for name in spec.field_names if name in present]
    rows: list[tuple[int, list[str]]] = []
    if not errors:
        for index, item in enumerate(items):
            cells = []
            for name in headers:
                value = item.get(name)
                if type(value) is str:  # most values: no conversion
                    cells.append(value)
                    continue
                if name == "roles" and isinstance(value, list) and all_text(value):
                    value = ",".join(value)
                text = _cell(value)
                if text is None:
                    errors.append(
                        ItemError(index, name, _("expected a string, number, true/false or null"))
                    )
                    text = ""
                cells.append(text)
            rows.append((index + FIRST_ROW, cells))
    if errors:
        raise PushRejected(422, _("Some items cannot be read."), errors)
    return Table(headers=headers, rows=iter(rows), total=len(rows))


def take_active(items: list[Any]) -> dict[int, bool]:
    """Take `active` out of contact items (the import engine does not carry it: a file import
    leaves it as the collector set it): {index: true/false} of the items that give it; an
    absent or null `active` keeps an existing contact's and makes a new one active. Raises
    PushRejected (422) for a value that is not true, false or null."""
    given: dict[int, bool] = {}
    errors = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "active" not in item:
            continue
        value = item.pop("active")
        if isinstance(value, bool):
            given[index] = value
        elif value is not None:
            errors.append(ItemError(index, "active", _("expected true, false or null")))
    if errors:
        raise PushRejected(422, _("Some items cannot be read."), errors)
    return given


def apply_active(items: list[Any], given: dict[int, bool]) -> int:
    """Set `active` on the pushed contacts that give it, after the engine wrote them; the
    number of contacts whose `active` changed. A contact is found as the engine finds it: its
    external id under its counterparty's, in the item's company (else the only company)."""
    from dunwell.ledger.models import Company, Contact

    if not given:
        return 0
    only = list(Company.objects.all()[:2])
    codes = {items[i].get("company") for i in given} - {None, ""}
    by_code = {c.code: c.pk for c in Company.objects.filter(code__in=codes)}
    wanted: dict[tuple[int | None, str, str], bool] = {}
    for index, active in given.items():
        item = items[index]
        code = item.get("company")
        company = by_code.get(code) if code else (only[0].pk if len(only) == 1 else None)
        key = (company, str(item.get("counterparty", "")), str(item.get("external_id", "")))
        wanted[key] = active
    flip: dict[bool, list[int]] = {True: [], False: []}
    found = Contact.objects.filter(
        counterparty__company_id__in={k[0] for k in wanted},
        external_id__in={k[2] for k in wanted},
    ).values_list(
        "pk", "counterparty__company_id", "counterparty__external_id", "external_id", "active"
    )
    for pk, company, counterparty, external_id, active in found.iterator():
        target = wanted.get((company, counterparty, external_id))
        if target is not None and target != active:
            flip[target].append(pk)
    for active, pks in flip.items():
        Contact.objects.filter(pk__in=pks).update(active=active)
    return len(flip[True]) + len(flip[False])


def item_errors(row_errors: Sequence[Any]) -> list[ItemError]:
    """The engine's RowErrors as item errors (row -> index; table-wide ones get no index)."""
    out = []
    for error in row_errors:
        index = error.row - FIRST_ROW if error.row >= FIRST_ROW else None
        out.append(ItemError(index, error.column, str(error.reason)))
    return out
