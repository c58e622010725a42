"""Registering letters. Register numbers are per company, direction and year, handed out
under the company's row lock so two registrations never share one."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.correspondence.models import Direction, PaperLetter
from dunwell.ledger.models import Company, Counterparty


def next_number(company: Company, direction: str, on: date) -> str:
    """The next register number ("OUT-2026-0007"); call inside the registering transaction."""
    prefix = f"{'IN' if direction == Direction.INCOMING else 'OUT'}-{on.year}-"
    numbers = PaperLetter.objects.filter(
        company=company, our_number__startswith=prefix
    ).values_list("our_number", flat=True)
    last = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


@transaction.atomic
def register_letter(
    *,
    company: Company,
    counterparty: Counterparty,
    direction: str,
    on: date,
    party: str,
    subject: str,
    by: User | None,
    message_id: int | None = None,
    legal_case_id: int | None = None,
    their_number: str = "",
    tracking_number: str = "",
) -> PaperLetter:
    """Register one letter with the next number. An outbox message is registered once: asking
    again returns its letter."""
    if message_id is not None:
        existing = PaperLetter.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing
    # The company's row lock, held to the commit, serialises the numbering (on SQLite the write
    # transaction does).
    list(Company.objects.select_for_update().filter(pk=company.pk).values_list("pk", flat=True))
    return PaperLetter.objects.create(
        company=company,
        counterparty=counterparty,
        direction=direction,
        date=on,
        our_number=next_number(company, direction, on),
        their_number=their_number,
        party=party[:255],
        subject=subject[:500],
        message_id=message_id,
        legal_case_id=legal_case_id,
        tracking_number=tracking_number,
        registered_by=by,
        registered_at=timezone.now(),
    )
