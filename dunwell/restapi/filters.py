"""Query parameters shared by the read endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from ninja.params import functions as P  # noqa: N812 - ninja's own short name

from dunwell.restapi.pagination import bad_parameter


def aware_datetime(name: str, text: str | None) -> datetime | None:
    """An aware ISO 8601 datetime (`2026-03-01T08:00:00Z`, `...+03:00`); a naive or unreadable
    one is a 422 naming the parameter: guessing its time zone would skip or repeat rows."""
    if text is None or text == "":
        return None
    try:
        value = parse_datetime(text.replace(" ", "+") if "T" in text else text)
    except ValueError:
        value = None
    if value is None:
        raise bad_parameter(name, _("expected an ISO 8601 date and time, e.g. 2026-03-01T08:00Z"))
    if value.tzinfo is None:
        raise bad_parameter(name, _("needs a time zone offset, e.g. Z or +03:00"))
    return value


def iso_date(name: str, text: str | None) -> date | None:
    if text is None or text == "":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_parameter(name, _("expected a date YYYY-MM-DD")) from None


# Query parameters of the lists, described in the OpenAPI schema.
Cursor = Annotated[
    str | None,
    P.Query(None, description="The `next` of the previous page; empty for the first page."),
]
Limit = Annotated[int | None, P.Query(None, description="Rows per page: 1 to 1000, default 100.")]
UpdatedSince = Annotated[
    str | None,
    P.Query(
        None,
        description="Only rows changed at or after this aware ISO 8601 time, "
        "e.g. 2026-03-01T08:00:00Z.",
    ),
]
CounterpartyId = Annotated[
    int | None, P.Query(None, description="Only rows of this counterparty (its id).")
]
