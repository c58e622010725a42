from __future__ import annotations

from datetime import date

import pytest

from dunwell.ledger.taxids import TaxIdError, normalize_tax_id
from dunwell.ledger.terms import due_date
from dunwell.workdays import WorkCalendar


@pytest.mark.parametrize(
    ("country", "value", "expected"),
    [
        ("RU", "7707083893", "7707083893"),
        ("UA", "32855961", "32855961"),
        ("RO", "RO18547290", "18547290"),
        ("RO", "18547290", "18547290"),
        ("MD", "1008600038413", "1008600038413"),
        ("DE", "DE 136 695 976", "DE136695976"),
        ("DE", "136695976", "DE136695976"),
        ("US", "12-345", "12-345"),
        ("RU", "", ""),
    ],
)
def test_tax_ids_are_normalised_per_country(country: str, value: str, expected: str) -> None:
    assert normalize_tax_id(country, value) == expected


@pytest.mark.parametrize(
    ("country", "value", "message"),
    [
        ("RU", "7707083894", "invalid INN"),
        ("UA", "32855962", "invalid EDRPOU"),
        ("RO", "18547291", "invalid CUI"),
        ("MD", "123", "invalid IDNO"),
        ("DE", "FR40303265045", "not from DE"),
    ],
)
def test_invalid_tax_ids_name_the_kind(country: str, value: str, message: str) -> None:
    with pytest.raises(TaxIdError, match=message):
        normalize_tax_id(country, value)


def test_calendar_days_from_the_document_date() -> None:
    assert due_date(date(2025, 12, 1), days=30) == date(2025, 12, 31)


def test_banking_days_skip_weekends_and_holidays() -> None:
    # Romania: 1 and 2 January are public holidays; 3-4 January 2026 is a weekend.
    calendar = WorkCalendar("RO")
    assert due_date(date(2025, 12, 31), days=1, day_kind="banking", calendar=calendar) == date(
        2026, 1, 5
    )


def test_terms_from_acceptance_use_the_acceptance_date() -> None:
    assert due_date(
        date(2025, 12, 1), days=10, runs_from="acceptance", accepted_on=date(2025, 12, 5)
    ) == date(2025, 12, 15)
    # Not yet accepted: the document date stands in.
    assert due_date(date(2025, 12, 1), days=10, runs_from="acceptance") == date(2025, 12, 11)


def test_banking_terms_need_a_calendar() -> None:
    with pytest.raises(ValueError, match="calendar"):
        due_date(date(2025, 12, 1), days=3, day_kind="banking")


@pytest.mark.parametrize(
    ("language", "days", "kind", "expected"),
    [
        ("en", 1, "calendar", "1 calendar day from the document date"),
        ("en", 20, "banking", "20 banking days from the document date"),
        ("ru", 1, "banking", "1 банковский день"),
        ("ru", 2, "banking", "2 банковских дня"),
        ("ru", 20, "calendar", "20 календарных дней"),
        ("uk", 21, "calendar", "21 календарний день"),
        ("ro", 1, "calendar", "1 zi calendaristică"),
        ("ro", 5, "banking", "5 zile bancare"),
        ("ro", 20, "banking", "20 de zile bancare"),
    ],
)
def test_payment_terms_read_with_the_right_plural(
    language: str, days: int, kind: str, expected: str
) -> None:
    from django.utils import translation

    from dunwell.ledger.models import Contract

    contract = Contract(payment_days=days, payment_day_kind=kind, payment_from="document")
    with translation.override(language):
        assert contract.payment_terms_text().startswith(expected)


def test_the_working_days_before_a_day_skip_weekends_and_holidays() -> None:
    # Before Tuesday 6.01.2026 in Romania: Monday 5.01, then back over the weekend, 2.01 and
    # 1.01 (holidays) and the weekend before to Wednesday 31.12 and Tuesday 30.12.2025.
    calendar = WorkCalendar("RO")
    assert calendar.working_days_before(date(2026, 1, 6), 3) == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 5),
    ]
    assert calendar.working_days_before(date(2026, 1, 6), 3, within=5) == [date(2026, 1, 5)]
