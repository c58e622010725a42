"""Every total the daily run, the debtor card, the debtor list and "My day" show is checked
against a per-currency brute-force sum over random mixed-currency ledgers (issue 8: amounts in
different currencies were added and labelled with the company currency)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.accounts.models import User
from dunwell.ladder.engine import run
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty, Document
from dunwell.money import Amounts
from dunwell.work import selectors

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 16)  # a Monday
CURRENCIES = ("RON", "EUR", "MDL", "RUB")

document = st.tuples(
    st.sampled_from(CURRENCIES),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2),
    st.integers(min_value=-20, max_value=120),  # days overdue (negative: not yet due)
    st.booleans(),  # partly paid
)
ledger = st.lists(st.lists(document, min_size=1, max_size=6), min_size=1, max_size=4)


def brute_force(docs: list[Document], today: date) -> tuple[Amounts, Amounts]:
    total: dict[str, Decimal] = defaultdict(Decimal)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    for d in docs:
        if d.open_amount <= 0:
            continue
        total[d.currency] += d.open_amount
        if d.due_date < today:
            overdue[d.currency] += d.open_amount
    return Amounts(dict(total)), Amounts({c: a for c, a in overdue.items() if a})


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=ledger)
def test_every_total_is_the_per_currency_sum(
    data: list[list[tuple[str, Decimal, int, bool]]],
    collector: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    with transaction.atomic():
        debtors = []
        for rows in data:
            cp = make_counterparty(collector=collector)
            for currency, amount, days, partly_paid in rows:
                open_amount = (amount / 2).quantize(Decimal("0.01")) if partly_paid else amount
                make_document(
                    cp,
                    str(amount),
                    currency=currency,
                    open_amount=max(open_amount, Decimal("0.01")),
                    due_date=TODAY - timedelta(days=days),
                    date=TODAY - timedelta(days=days + 30),
                )
            debtors.append(cp)
        with time_machine.travel(datetime(2026, 3, 16, 6, 0, tzinfo=UTC), tick=False):
            run(TODAY)
            listed = {
                cp.pk: cp
                for cp in selectors.with_amounts(selectors.debtor_list(collector, TODAY), TODAY)
            }
            worklist = selectors.worklist(collector, datetime(2026, 3, 16, 20, 0, tzinfo=UTC))
        shown_in_my_day = {item.task.counterparty_id: item.overdue for item in worklist.items}
        for cp in debtors:
            docs = list(Document.objects.filter(counterparty=cp))
            total, overdue = brute_force(docs, TODAY)
            header = selectors.debtor_header(cp, TODAY)
            assert header.total_due == total
            assert header.overdue == overdue
            for label, bucket in header.buckets:
                assert set(bucket.currencies) <= set(total.currencies), label
            bucket_sum = Amounts()
            for _label, bucket in header.buckets:
                bucket_sum = bucket_sum + bucket
            assert bucket_sum == total
            assert listed[cp.pk].total_due == total  # type: ignore[attr-defined]
            assert listed[cp.pk].overdue == overdue  # type: ignore[attr-defined]
            if cp.pk in shown_in_my_day:
                assert shown_in_my_day[cp.pk] == overdue
        for task in Task.objects.filter(counterparty__in=debtors):
            linked = Document.objects.filter(pk__in=task.document_ids)
            expected: dict[str, Decimal] = defaultdict(Decimal)
            for d in linked:
                expected[d.currency] += d.open_amount
            assert task.at_stake == Amounts(dict(expected)), task.title
            if len(expected) > 1:
                assert (task.amount, task.currency) == (Decimal("0"), "")
        transaction.set_rollback(True)
