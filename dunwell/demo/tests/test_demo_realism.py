"""The demo's ledger reads like a real company's: old debt mostly never comes back, and the
contract payment schedules still have instalments to come (DESIGN.md §1.13)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import rows_for_the_module
from dunwell.demo.generator import behaviours, generate
from dunwell.demo.setup import ensure_company, ensure_users, generate_demo_data, load_demo_data
from dunwell.insight import kpi
from dunwell.insight.forecast import Part, forecast
from dunwell.ledger.models import Allocation, Document

AS_OF = date(2026, 12, 7)
# Days overdue on a month-end: the KPIs page's buckets.
BUCKETS = {"1–30": (1, 30), "31–60": (31, 60), "61–90": (61, 90), "90+": (91, 10_000)}


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The demo's ledger as `dunwell demo` makes it (its seed and size), without the team's
    work; made once for the module's tests, which read it (conftest.rows_for_the_module)."""
    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            paths = generate_demo_data(
                tmp_path_factory.mktemp("demo"), debtors=300, documents=4000, as_of=AS_OF
            )
            ensure_users(paths["users"])
            load_demo_data(ensure_company(), paths)
        yield


def paid_within_a_year() -> dict[str, float]:
    """Per bucket: of the documents that stood in it (unpaid in part or whole) on a month-end
    a year or more before AS_OF, the share paid in full within 365 days after it — counted by
    hand, by document, over every currency."""
    paid_on: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for document, day, amount in Allocation.objects.values_list("document", "paid_on", "amount"):
        paid_on[document].append((day, amount))
    documents = list(Document.objects.values_list("id", "date", "due_date", "open_amount"))
    ends = [end for end in kpi.cuts(AS_OF, 24) if end + timedelta(days=365) <= AS_OF]
    stood: dict[str, int] = defaultdict(int)
    came_back: dict[str, int] = defaultdict(int)
    for end in ends:
        year = end + timedelta(days=365)
        for pk, issued, due, open_now in documents:
            late = (end - due).days
            bucket = next((b for b, (lo, hi) in BUCKETS.items() if lo <= late <= hi), None)
            if issued > end or bucket is None:
                continue
            open_then = open_now + sum(a for day, a in paid_on[pk] if day > end)
            if open_then <= 0:
                continue
            stood[bucket] += 1
            if sum(a for day, a in paid_on[pk] if end < day <= year) >= open_then:
                came_back[bucket] += 1
    assert ends and all(stood[b] >= 20 for b in BUCKETS), stood
    return {b: 100 * came_back[b] / stood[b] for b in BUCKETS}


@pytest.mark.django_db
def test_old_debt_mostly_never_comes_back(demo: None) -> None:
    """Practitioners quote 'past 90 days, under a third comes back'; the demo paid nearly every
    document in the end (97–100 % within a year in every bucket, 91–180 days included), as no
    debtor stopped paying before the last months. Now defaulters and the late payers who go
    bad stop paying on some day of the history (more of them early) and are shipped no more
    a few weeks later, and those who leave documents unpaid name what they pay: the share
    paid within a year falls bucket by bucket, the 90+ days' to about half or less."""
    shares = paid_within_a_year()
    assert 70 <= shares["1–30"] <= 95, shares
    assert shares["1–30"] > shares["31–60"] > shares["90+"], shares
    assert shares["61–90"] > shares["90+"], shares
    assert shares["90+"] <= 60, shares
    assert shares["1–30"] - shares["90+"] >= 20, shares


@pytest.mark.django_db
def test_the_cash_forecast_expects_contract_instalments(demo: None) -> None:
    """The demo's payment schedules all fell due months before its today, so the forecast's
    'Contract instalments' column read 0.00 in every currency: now some schedules were signed
    within the last year and run on into the coming months."""
    result = forecast(AS_OF, band=False)
    expected = {
        c.currency: sum(row.parts.get(Part.INSTALMENTS, 0) for row in c.months)
        for c in result.currencies
    }
    assert sum(1 for cents in expected.values() if cents > 0) >= 2, expected


def test_reliable_debtors_still_pay_on_time_at_the_end_of_the_history(tmp_path: Path) -> None:
    """Everybody's payments drift later over the history (a slowing economy), and the drift
    took the reliable debtors with it: in the last half-year they paid 93 % of their documents
    after the due date, so the payment prediction read 99 % 'paid late' for nearly every open
    document, whoever owed it. They keep their terms now: most paid by the due date, while
    the slow payers stay late."""
    paths = generate(tmp_path, debtors=120, documents=2000, seed=5, as_of=AS_OF)
    with paths["counterparties"].open(encoding="utf-8") as handle:
        ids = [row["external_id"] for row in csv.DictReader(handle)]
    behaviour = dict(zip(ids, behaviours(len(ids), seed=5), strict=True))
    with paths["documents"].open(encoding="utf-8") as handle:
        due = {d["external_id"]: d for d in csv.DictReader(handle) if d["due_date"]}
    late: dict[str, list[bool]] = defaultdict(list)
    with paths["payments"].open(encoding="utf-8") as handle:
        for payment in csv.DictReader(handle):
            document = due.get(payment["document"])
            if document is None:
                continue
            day = date.fromisoformat(document["due_date"])
            if day >= AS_OF - timedelta(days=180):
                paid = date.fromisoformat(payment["date"])
                late[behaviour[document["counterparty"]]].append(paid > day)
    share = {b: sum(v) / len(v) for b, v in late.items()}
    assert share["reliable"] < 0.5, share
    assert share["slow"] > 0.8, share
