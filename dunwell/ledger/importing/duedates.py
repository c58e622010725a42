"""Due dates of imported documents that carry none, from their contract's terms: one home for
the import's staging (`Importer._due_dates`) and the rows found unchanged (unchanged.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from dunwell.ledger import terms
from dunwell.ledger.models import NonWorkingDay
from dunwell.rawrows import as_date
from dunwell.workdays import WorkCalendar

Key = TypeVar("Key")

# (key, document date, accepted on, payment days, day kind, runs from, counterparty's country,
# company id); dates as date or ISO text (SQLite)
Row = tuple[Key, Any, Any, int, str, str, str | None, int]


def contract_due_dates(rows: Iterable[Row[Key]]) -> list[tuple[Key, date]]:
    """(key, due date) per row: the contract's term from the document date or acceptance,
    banking days on the counterparty country's and the company's calendar."""
    calendars: dict[tuple[str, int], WorkCalendar] = {}
    out: list[tuple[Key, date]] = []
    for key, doc_date, accepted_on, days, day_kind, runs_from, country, company_id in rows:
        where = (country or "", company_id)
        if where not in calendars:
            closed = NonWorkingDay.objects.filter(company_id=company_id).values_list(
                "day", flat=True
            )
            calendars[where] = WorkCalendar(country or "", closed)
        start = as_date(doc_date)
        assert start is not None, "a document always has a date"
        due = terms.due_date(
            start,
            days=days,
            day_kind=day_kind,
            runs_from=runs_from,
            accepted_on=as_date(accepted_on),
            calendar=calendars[where],
        )
        out.append((key, due))
    return out
