"""Each KPI of the metrics selector on a small hand-computed ledger (docs/metrics.md, worked
example): three RON invoices and one EUR invoice, as of 31 March 2026.

- A: issued 10.01, due 09.02, 1,000 RON, 400 paid on 05.03;
- B: issued 15.02, due 17.03, 600 RON, unpaid;
- C: issued 20.03, due 19.04, 900 RON, unpaid;
- E: issued 01.03, due 31.03, 50 EUR, unpaid.

Every test runs twice: on the live queries, and with the KPI snapshots of the month-ends it
reads written first (insight/snapshots.py): the figures must not differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.insight import metrics as metrics_module
from dunwell.insight.metrics import MetricsReport, Series
from dunwell.insight.models import KpiSnapshotMonth
from dunwell.insight.snapshots import refresh
from dunwell.ladder.models import PolicyStep, Promise, PromiseStatus, Task, TaskStatus
from dunwell.ledger.models import Counterparty, Document, Payment
from dunwell.telephony.models import Call

AS_OF = date(2026, 3, 31)
D = Decimal


SOURCE = {"now": "live"}


@pytest.fixture(autouse=True, params=["live", "snapshots"])
def source(request: pytest.FixtureRequest) -> Iterator[str]:
    SOURCE["now"] = str(request.param)
    yield SOURCE["now"]
    SOURCE["now"] = "live"


def metrics(as_of: date, *args: object, **kwargs: object) -> MetricsReport:
    """The report, read from freshly written snapshots in the "snapshots" runs."""
    if SOURCE["now"] == "snapshots":
        refresh(as_of, full=True)
        assert KpiSnapshotMonth.objects.filter(month_end=date(2026, 2, 28)).exists()
    return metrics_module.metrics(as_of, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
    collector: User,
) -> Counterparty:
    cp = make_counterparty(collector=collector)
    a = make_document(cp, "1000.00", date=date(2026, 1, 10), due_date=date(2026, 2, 9))
    make_document(cp, "600.00", date=date(2026, 2, 15), due_date=date(2026, 3, 17))
    make_document(cp, "900.00", date=date(2026, 3, 20), due_date=date(2026, 4, 19))
    make_document(cp, "50.00", date=date(2026, 3, 1), due_date=date(2026, 3, 31), currency="EUR")
    pay(a, "400.00", date(2026, 3, 5))
    return cp


def ron(report: MetricsReport) -> Series:
    [series] = [s for s in report.series if s.currency == "RON"]
    return series


def test_receivables_and_buckets_are_reconstructed_on_each_period_end(ledger: Counterparty) -> None:
    series = ron(metrics(AS_OF))
    march, february = series.points[-1], series.points[-2]
    assert (march.end, march.receivables, march.current) == (AS_OF, 210_000, 90_000)
    assert march.buckets == [90_000, 60_000, 60_000, 0, 0, 0]
    assert march.documents == 3
    # On 28 February the 400 paid on 5 March was still owed.
    assert (february.end, february.receivables) == (date(2026, 2, 28), 160_000)
    assert february.buckets == [60_000, 100_000, 0, 0, 0, 0]


def test_count_back_dso(ledger: Counterparty) -> None:
    # 2,100 − March's 900 (31 d) − February's 600 (28 d) = 600 of January's 1,000 × 31 d.
    assert ron(metrics(AS_OF)).last.dso == D("77.6")


def test_simple_dso_best_possible_dso_and_add(ledger: Counterparty) -> None:
    last = ron(metrics(AS_OF)).last
    # Sales January–March 2,500 over 90 days.
    assert last.simple_dso == D("75.6")  # 2,100 / 2,500 × 90
    assert last.best_dso == D("32.4")  # 900 / 2,500 × 90
    assert last.add == D("43.2")


def test_cei_of_the_month(ledger: Counterparty) -> None:
    # (1,600 + 900 − 2,100) / (1,600 + 900 − 900) × 100
    assert ron(metrics(AS_OF)).last.cei == D(25)


def test_roll_rates_follow_the_amount_from_one_bucket_into_the_next(ledger: Counterparty) -> None:
    series = ron(metrics(AS_OF))
    current_to_1_30, one_to_31 = series.roll[0][-1], series.roll[1][-1]
    assert current_to_1_30 == D(100)  # B: 600 current on 28.02, 600 at 1–30 on 31.03
    assert one_to_31 == D(60)  # A: 1,000 at 1–30 on 28.02, 600 left at 31–60
    assert series.roll[2][-1] is None  # nothing was at 31–60 on 28.02


def test_recovery_odds_per_bucket_with_the_documents_behind_them(ledger: Counterparty) -> None:
    series = ron(metrics(AS_OF))
    current, one_to_30 = series.recovery[0], series.recovery[1]
    # Within 30 days: A current on 31.01 (nothing paid by 02.03), B current on 28.02.
    assert (current.base[0], current.paid[0], current.observations[0]) == (160_000, 0, 2)
    assert current.shares[0] == D(0)
    # A at 1–30 on 28.02: 400 of 1,000 paid by 30.03.
    assert (one_to_30.base[0], one_to_30.paid[0], one_to_30.observations[0]) == (
        100_000,
        40_000,
        1,
    )
    assert one_to_30.shares[0] == D(40)
    # Nothing was open 90 days before the as-of day: no figure, not a zero.
    assert current.shares[1] is None and current.observations[1] == 0


def test_currencies_are_never_added(ledger: Counterparty) -> None:
    report = metrics(AS_OF)
    assert report.currencies == ["EUR", "RON"]
    [eur] = [s for s in report.series if s.currency == "EUR"]
    assert eur.last.receivables == 5_000
    assert eur.last.buckets[0] == 5_000  # due on the as-of day: still current


def test_a_past_as_of_day_ignores_later_documents_and_payments(ledger: Counterparty) -> None:
    series = ron(metrics(date(2026, 2, 28)))
    assert series.last.receivables == 160_000
    assert series.last.sales == 60_000


def test_grouping_comes_in_addition_to_the_currency(
    ledger: Counterparty,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    teammate: User,
) -> None:
    other = make_counterparty(collector=teammate)
    make_document(other, "300.00", date=date(2026, 3, 2), due_date=date(2026, 4, 1))
    report = metrics(AS_OF, "collector")
    rows = {(s.label, s.currency): s.last.receivables for s in report.series}
    assert rows == {("colin", "RON"): 210_000, ("colin", "EUR"): 5_000, ("tanya", "RON"): 30_000}


def test_a_collector_user_sees_only_their_own_debtors(
    ledger: Counterparty,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    teammate: User,
    collector: User,
) -> None:
    other = make_counterparty(collector=teammate)
    make_document(other, "300.00", date=date(2026, 3, 2), due_date=date(2026, 4, 1))
    assert ron(metrics(AS_OF, user=teammate)).last.receivables == 30_000
    assert ron(metrics(AS_OF, user=collector)).last.receivables == 210_000


def aware(year: int, month: int, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def test_collector_results_of_the_month(
    ledger: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    def promise(amount: str, recorded: datetime, status: str, resolved: datetime | None) -> None:
        Promise.objects.create(
            counterparty=ledger,
            amount=D(amount),
            currency="RON",
            promised_date=recorded.date(),
            recorded_by=collector,
            recorded_at=recorded,
            status=status,
            resolved_at=resolved,
        )

    promise("400.00", aware(2026, 3, 2, 10), PromiseStatus.KEPT, aware(2026, 3, 5, 9))
    promise("250.00", aware(2026, 3, 10, 10), PromiseStatus.BROKEN, aware(2026, 3, 20, 9))
    promise("100.00", aware(2026, 3, 30, 10), PromiseStatus.KEPT, aware(2026, 4, 2, 9))
    promise("70.00", aware(2026, 2, 20, 10), PromiseStatus.BROKEN, aware(2026, 3, 1, 9))

    step = PolicyStep.objects.filter(policy__code="standard").first()

    def task(
        n: int, due: datetime, status: str, done: datetime | None, ladder: bool = True
    ) -> None:
        Task.objects.create(
            counterparty=ledger,
            assignee=collector,
            step=step if ladder else None,
            action="call",
            title=f"t{n}",
            due_at=due,
            window_start=due - timedelta(hours=3) if ladder else None,
            window_end=due + timedelta(hours=3) if ladder else None,
            status=status,
            done_at=done,
            key=f"t{n}",
        )

    # The punctuality page's rule: ladder tasks due in the period, done inside their window.
    task(1, aware(2026, 3, 3, 12), TaskStatus.DONE, aware(2026, 3, 3, 11))
    task(2, aware(2026, 3, 4, 12), TaskStatus.DONE, aware(2026, 3, 6, 11))  # late
    task(3, aware(2026, 3, 5, 12), TaskStatus.OPEN, None)
    task(4, aware(2026, 3, 6, 12), TaskStatus.CANCELLED_PAID, None)
    task(5, aware(2026, 4, 6, 12), TaskStatus.OPEN, None)
    task(6, aware(2026, 3, 9, 12), TaskStatus.DONE, aware(2026, 3, 9, 7))  # before its window
    task(7, aware(2026, 3, 10, 12), TaskStatus.DONE, aware(2026, 3, 10, 11), ladder=False)
    for n, (answered, seconds) in enumerate([(True, 120), (True, 300), (False, None)]):
        start = aware(2026, 3, 10 + n, 10)
        Call.objects.create(
            provider="asterisk",
            provider_call_id=f"c{n}",
            direction="out",
            agent=collector,
            counterparty=ledger,
            started_at=start,
            answered_at=start if answered else None,
            duration=seconds,
        )
    [row] = metrics(AS_OF).collectors
    assert row.label == "colin"
    money = row.money["RON"]
    assert money.collected == 40_000  # the 400 paid on 05.03
    assert (money.promises, money.promised) == (3, 75_000)
    assert (money.kept, money.kept_amount) == (1, 40_000)  # the 100 was kept in April
    assert (money.broken, money.broken_amount) == (2, 32_000)
    assert (row.tasks_due, row.tasks_on_time, row.tasks_late) == (4, 1, 1)
    assert row.punctuality == D(1) / 4 * 100
    assert (row.calls, row.calls_answered, row.talk_seconds) == (3, 2, 420)
    assert metrics(AS_OF, user=User.objects.create_user("x", role=Role.COLLECTOR)).collectors == []


def test_a_task_due_later_today_is_not_yet_counted(ledger: Counterparty, collector: User) -> None:
    import time_machine

    step = PolicyStep.objects.filter(policy__code="standard").first()
    for n, hour in enumerate([9, 17]):
        Task.objects.create(
            counterparty=ledger, assignee=collector, step=step, action="call",
            title=f"today {n}", due_at=aware(2026, 3, 31, hour), status=TaskStatus.OPEN,
            key=f"today{n}",
        )  # fmt: skip
    with time_machine.travel(aware(2026, 3, 31, 12), tick=False):
        [row] = metrics(AS_OF).collectors
    assert (row.tasks_due, row.tasks_on_time) == (1, 0)


def test_the_kpi_punctuality_is_the_punctuality_pages(
    ledger: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    """The KPI page's collector results and the punctuality page (`/ladder/punctuality/`)
    count the same tasks the same way over the same days."""
    from dunwell.ladder.selectors import punctuality

    step = PolicyStep.objects.filter(policy__code="standard").first()
    for n, (due, done) in enumerate(
        [
            (aware(2026, 3, 2, 12), aware(2026, 3, 2, 12)),
            (aware(2026, 3, 3, 12), aware(2026, 3, 3, 8)),  # before its window
            (aware(2026, 3, 4, 12), aware(2026, 3, 5, 12)),  # after it
            (aware(2026, 3, 5, 12), None),
            (aware(2026, 3, 6, 12), aware(2026, 3, 6, 14)),  # after its due time, in its window
            (aware(2026, 3, 9, 12), aware(2026, 3, 9, 13)),  # the same
        ]
    ):
        Task.objects.create(
            counterparty=ledger, assignee=collector, step=step, action="call", title=f"p{n}",
            due_at=due, window_start=due - timedelta(hours=2), window_end=due + timedelta(hours=2),
            status=TaskStatus.DONE if done else TaskStatus.OPEN, done_at=done, key=f"p{n}",
        )  # fmt: skip
    [row] = metrics(AS_OF).collectors
    director = make_user("boss", role=Role.DIRECTOR)
    [page] = punctuality(director, aware(2026, 3, 1, 0), aware(2026, 4, 1, 0))
    assert (row.tasks_due, row.tasks_on_time) == (page["total"], page["on_time"]) == (6, 3)
    assert row.punctuality == D(50)
