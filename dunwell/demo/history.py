"""A month of the demo team's calls (`dunwell demo`), so that a supervisor's team page, the
KPIs' collector results and the debtors' timelines show work done, not zeros.

Each call is recorded through the call card's own service (`work.services.record_call_outcome`)
at a moment of a past working day: no answer, a refusal, or a promise. A promise follows the
generated ledger: a debtor who paid within two weeks of the call promised what it then paid, on
the day it paid (the morning run marks it kept); any other promised its oldest open document by
a near working day (the run marks it broken once that day and its grace have passed, or it still
pauses the scale). A debtor is not called again while its promise runs.

Deterministic (seeded) and idempotent: nothing is written when the company has calls already.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Company, Contact, Counterparty, Document, Payment
from dunwell.work.models import CallActivity, Outcome
from dunwell.work.services import OutcomeInput, record_call_outcome
from dunwell.workdays import WorkCalendar

HISTORY_DAYS = 35  # covers the last full month, which the KPIs' collector results show
CALLS_PER_DAY = (3, 9)  # per collector and day, at random within: people differ
# (outcome, weight): about what a collector's day of overdue calls looks like
OUTCOMES = ((Outcome.NO_ANSWER, 45), (Outcome.PROMISE, 40), (Outcome.REFUSED, 15))
PAID_WITHIN = timedelta(days=14)  # a payment this soon after a call answers its promise
FIRST_CALL = time(9, 0)
WORKING_MINUTES = 8 * 60


@dataclass
class _Debt:
    due_date: date
    currency: str
    open_amount: Decimal


@dataclass(frozen=True)
class History:
    calls: int
    promises: int


def seed_history(company: Company, as_of: date, *, seed: int, days: int = HISTORY_DAYS) -> History:
    """Record the collectors' calls of the `days` before `as_of` (see the module)."""
    if CallActivity.objects.filter(counterparty__company=company).exists():
        return History(0, 0)
    rng = random.Random(f"{seed}:history")
    zone = ZoneInfo(company.time_zone or settings.TIME_ZONE)
    calendar = WorkCalendar(company.calendar_country)
    debtors = _debtors_by_collector(company)
    first_due, debts = _debts(company)
    paid = _payments(company, as_of - timedelta(days=days))
    contacts = _first_contacts(company)
    collectors = {u.pk: u for u in User.objects.filter(pk__in=debtors, role=Role.COLLECTOR)}
    objects = {
        c.pk: c for c in Counterparty.objects.filter(pk__in=first_due).select_related("company")
    }
    busy_until: dict[int, date] = {}  # a debtor's running promise: no call before it is due
    calls = promises = 0
    with transaction.atomic():
        for day in _working_days(calendar, as_of, days):
            for collector_id in sorted(collectors):
                due = [
                    cp
                    for cp in debtors[collector_id]
                    if _overdue_on(day, first_due.get(cp), debts.get(cp), paid.get(cp, []))
                    and busy_until.get(cp, day) <= day
                ]
                for cp in rng.sample(due, min(rng.randint(*CALLS_PER_DAY), len(due))):
                    minute = rng.randrange(WORKING_MINUTES)
                    moment = datetime.combine(day, FIRST_CALL, tzinfo=zone) + timedelta(
                        minutes=minute
                    )
                    outcome = rng.choices(
                        [o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES]
                    )[0]
                    contact = contacts.get(cp)
                    data = OutcomeInput(outcome=outcome, contact_id=contact.pk if contact else None)
                    if outcome == Outcome.PROMISE:
                        on, amount, currency = _promise(
                            rng, calendar, day, debts.get(cp), paid.get(cp, [])
                        )
                        data.promised_on, data.promised_amount = on, amount
                        data.promised_currency = currency
                        busy_until[cp] = on + timedelta(days=1)
                        promises += 1
                    record_call_outcome(collectors[collector_id], objects[cp], data, now=moment)
                    calls += 1
    return History(calls, promises)


def _working_days(calendar: WorkCalendar, as_of: date, days: int) -> list[date]:
    start = as_of - timedelta(days=days)
    every = (start + timedelta(days=n) for n in range(days))
    return [day for day in every if calendar.is_working_day(day)]


def _paid_soon(
    day: date, payments: list[tuple[date, str, Decimal]]
) -> list[tuple[date, str, Decimal]]:
    return [p for p in payments if day < p[0] <= day + PAID_WITHIN]


def _overdue_on(
    day: date,
    first_due: date | None,
    debt: _Debt | None,
    payments: list[tuple[date, str, Decimal]],
) -> bool:
    """Whether the debtor owed something overdue on `day`, as far as today's ledger tells: a
    document open today and due before it, or a document due before it and a payment soon
    after it (the debt it paid)."""
    if first_due is None or first_due >= day:
        return False
    return (debt is not None and debt.due_date < day) or bool(_paid_soon(day, payments))


def _promise(
    rng: random.Random,
    calendar: WorkCalendar,
    day: date,
    debt: _Debt | None,
    payments: list[tuple[date, str, Decimal]],
) -> tuple[date, Decimal, str]:
    """(date, amount, currency) promised on `day`: what a payer then paid on the day it paid,
    or the oldest open document by a near working day."""
    soon = _paid_soon(day, payments)
    if soon:
        first_day, currency, _amount = soon[0]
        amount = sum((a for d, c, a in soon if c == currency and d == first_day), Decimal("0"))
        return first_day, amount, currency
    assert debt is not None  # _overdue_on: no payment soon, so a document is open
    on = calendar.add_working_days(day, rng.randint(2, 7))
    return on, debt.open_amount, debt.currency


def _debtors_by_collector(company: Company) -> dict[int, list[int]]:
    mine: dict[int, list[int]] = defaultdict(list)
    for cp, collector in (
        Counterparty.objects.filter(company=company, collector__isnull=False)
        .order_by("pk")
        .values_list("pk", "collector_id")
    ):
        mine[collector].append(cp)
    return mine


def _debts(company: Company) -> tuple[dict[int, date], dict[int, _Debt]]:
    """Each debtor's first due date, and its oldest document open today (by due date)."""
    first_due: dict[int, date] = {}
    oldest: dict[int, _Debt] = {}
    for cp, due, currency, amount in (
        Document.objects.filter(company=company, cancelled=False)
        .order_by("counterparty_id", "due_date", "pk")
        .values_list("counterparty_id", "due_date", "currency", "open_amount")
    ):
        first_due.setdefault(cp, due)
        if amount > 0:
            oldest.setdefault(cp, _Debt(due, currency, amount))
    return first_due, oldest


def _payments(company: Company, since: date) -> dict[int, list[tuple[date, str, Decimal]]]:
    by_debtor: dict[int, list[tuple[date, str, Decimal]]] = defaultdict(list)
    for cp, day, currency, amount in (
        Payment.objects.filter(company=company, date__gt=since, cancelled=False)
        .order_by("counterparty_id", "date", "pk")
        .values_list("counterparty_id", "date", "currency", "amount")
    ):
        by_debtor[cp].append((day, currency, amount))
    return by_debtor


def _first_contacts(company: Company) -> dict[int, Contact]:
    """Whom a collector asks for: the one who decides payments, else the first contact."""
    first: dict[int, Contact] = {}
    for contact in Contact.objects.filter(counterparty__company=company).order_by(
        "counterparty_id", "-decides_payments", "pk"
    ):
        first.setdefault(contact.counterparty_id, contact)
    return first
