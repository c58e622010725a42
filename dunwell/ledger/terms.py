"""Due dates from contract payment terms (pure Python, no Django import).

A contract says "pay within N calendar (or banking) days from the document date (or from
acceptance)". Banking days skip weekends, the country's public holidays and the company's
closed days (WorkCalendar). A calendar-day term that ends on a non-working day is not moved:
the contract names the day, and the legal track decides how to treat it.
"""

from __future__ import annotations

from datetime import date, timedelta

from dunwell.workdays import WorkCalendar

CALENDAR = "calendar"
BANKING = "banking"
FROM_DOCUMENT = "document"
FROM_ACCEPTANCE = "acceptance"


def due_date(
    document_date: date,
    *,
    days: int,
    day_kind: str = CALENDAR,
    runs_from: str = FROM_DOCUMENT,
    accepted_on: date | None = None,
    calendar: WorkCalendar | None = None,
) -> date:
    """The last day to pay.

    Terms running from acceptance use the acceptance date; until the goods are accepted the
    document date stands in, so the document is never left without a due date.
    """
    if days < 0:
        raise ValueError("payment term days must not be negative")
    start = document_date
    if runs_from == FROM_ACCEPTANCE and accepted_on is not None:
        start = accepted_on
    if day_kind == BANKING:
        if calendar is None:
            raise ValueError("banking-day terms need a working calendar")
        return calendar.add_working_days(start, days)
    return start + timedelta(days=days)
