"""Cursor (keyset) pagination: a page is the next `limit` rows after the cursor in a fixed
order, never an OFFSET, so walking a table that changes meanwhile sees every row at most once
and each page costs the same. The cursor is opaque to clients (base64url of the last row's
ordering values)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from dunwell.restapi.problems import ApiProblem

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

T = TypeVar("T", bound=models.Model)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next: str | None


def bad_parameter(name: str, reason: str | Any) -> ApiProblem:
    """A 422 problem naming one query parameter."""
    return ApiProblem(
        422,
        _("Invalid request"),
        _("%(name)s: %(reason)s") % {"name": name, "reason": reason},
        type="validation",
        errors=[{"field": name, "detail": str(reason)}],
    )


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_parameter("limit", _("must be between 1 and %(max)d") % {"max": MAX_LIMIT})
    return limit


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str, model: type[models.Model], keys: Sequence[str]) -> list[Any]:
    """The ordering values a cursor carries, typed after the model's fields; a cursor that
    was not made by `encode_cursor` for these keys is a 422 naming `cursor`."""
    try:
        padded = text + "=" * (-len(text) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(text)
        typed = []
        for key, value in zip(keys, values, strict=True):
            typed.append(_typed(model._meta.get_field(key), value))
        return typed
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise bad_parameter("cursor", _("is not a cursor this list gave")) from None


def _typed(field: Any, value: Any) -> Any:
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(str(value))
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(value)
        return parsed
    if isinstance(field, models.DateField):
        return date.fromisoformat(str(value))
    if isinstance(field, models.AutoField | models.BigAutoField | models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(value)
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _after(keys: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in ascending (keys...) order:
    (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..."""
    condition = Q(pk__in=[])
    for i, key in enumerate(keys):
        step = Q(**{f"{key}__gt": values[i]})
        for prior, value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{prior: value})
        condition |= step
    return condition


def paginate(
    queryset: QuerySet[T],
    *,
    cursor: str | None,
    limit: int | None,
    keys: Sequence[str] = ("id",),
    row_values: Callable[[T], Sequence[Any]] | None = None,
) -> Page[T]:
    """One page of `queryset` ordered by `keys` (ascending; the last key must be unique, e.g.
    ("updated_at", "id")). One query: it fetches limit + 1 rows to know whether more follow."""
    size = check_limit(limit)
    ordered = queryset.order_by(*keys)
    if cursor:
        ordered = ordered.filter(_after(keys, decode_cursor(cursor, queryset.model, keys)))
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        values = row_values(last) if row_values else [getattr(last, k) for k in keys]
        next_cursor = encode_cursor(values)
    return Page(rows, next_cursor)
