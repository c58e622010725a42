"""The daily run: every morning, put exactly the right ladder tasks into people's calendars.

Shape of a run (docs/pressure-scale.md):
1. transitions — promises kept/broken, agreement instalments paid/missed, pretension deadlines
   passed, tasks of paid documents cancelled, and the event steps those fire;
2. documents — first one query lists the counterparties with something due (progress rows
   whose `next_due_on` has come, via a partial index, plus open documents without progress),
   then only those are processed, in batches of counterparties. On PostgreSQL a batch stays
   in the database: its candidates go into a temporary table, the pure `decide()` runs once
   per distinct (policy, due date, position; plus the debtor's calendar for a policy with a
   step before the due date), and progress rows and task documents are
   written by INSERT … SELECT joins; documents with a hold are decided row by row. On SQLite
   the candidates are decided row by row in Python (slower; for orientation). Tasks are
   written with COPY / executemany, with one timeline entry per counterparty and run.

Each batch commits in one transaction, and each task has a unique key, so a run killed at any
point and started again ends exactly as one clean run (DESIGN §3); a second run for the same
date finds nothing to do. Shards (`K/N`) take the counterparties with `id % N == K - 1`.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.bulk import (
    insert,
    is_postgres,
    moment_text,
    pg_settings,
    sqlite_value,
    without_cycle_collection,
)
from dunwell.idarray import copy_text, member_sql
from dunwell.interest.fx import rate_table
from dunwell.ladder import events, hooks, nightly
from dunwell.ladder.decide import (
    EVENT,
    Decision,
    Step,
    call_kept,
    decide,
    first_offset,
    has_early_steps,
    held_amounts,
    is_daily_call,
    last_due_date,
    rungs,
    task_day,
    task_window,
)
from dunwell.ladder.models import (
    OPEN_STATUSES,
    REMINDER_TOO_LATE,
    Action,
    Agreement,
    AgreementInstalment,
    AgreementStatus,
    AssigneeRole,
    Dispute,
    DisputeStatus,
    DocumentProgress,
    Event,
    Grace,
    InstalmentStatus,
    LadderEvent,
    Policy,
    PolicyStep,
    Promise,
    PromiseStatus,
    Task,
    TaskStatus,
    Trigger,
)
from dunwell.ladder.services import LEGAL_ACTIONS
from dunwell.ledger.models import (
    Company,
    Counterparty,
    Document,
    NonWorkingDay,
    Payment,
    TimelineEntry,
)
from dunwell.lookups import int_array
from dunwell.money import Amounts, Money, quantize
from dunwell.outbox.models import EventKind
from dunwell.workdays import WorkCalendar

Progress = Callable[[int, int, "RunSummary"], None]
BATCH_COUNTERPARTIES = 5000


@dataclass
class RunSummary:
    as_of: date
    shard: str = "1/1"
    documents_examined: int = 0
    tasks_created: Counter[str] = field(default_factory=Counter)
    transitions: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "shard": self.shard,
            "documents_examined": self.documents_examined,
            "tasks_created": dict(self.tasks_created),
            "transitions": dict(self.transitions),
            "skipped": dict(self.skipped),
        }

    def lines(self) -> list[str]:
        out = [
            f"Daily run {self.as_of.isoformat()} shard {self.shard}",
            f"documents examined: {self.documents_examined}",
            f"tasks created: {sum(self.tasks_created.values())}",
        ]
        out += [f"  {action}: {n}" for action, n in sorted(self.tasks_created.items())]
        out.append(f"transitions: {sum(self.transitions.values())}")
        out += [f"  {kind}: {n}" for kind, n in sorted(self.transitions.items())]
        out.append(f"skipped: {sum(self.skipped.values())}")
        out += [f"  {reason}: {n}" for reason, n in sorted(self.skipped.items())]
        return out


@dataclass(frozen=True)
class StepInfo:
    step: Step
    policy_id: int
    name: str
    instructions: str
    window_start: time | None
    window_end: time | None
    assignee_role: str
    assignee_user_id: int | None
    needs_approval: bool
    approval_role: str


@dataclass
class PolicyInfo:
    id: int
    ladder: tuple[Step, ...]
    events: dict[str, list[StepInfo]]
    has_document_minimum: bool
    # a rung before the due date: its dates depend on the debtor's calendar (decide.step_date)
    has_early: bool = False


@dataclass
class CounterpartyInfo:
    id: int
    company_id: int
    name: str
    country: str
    time_zone: str
    collector_id: int | None
    sales_manager_id: int | None
    stop_shipments: bool = False  # the debtor's shipments are stopped already


# What a document in a currency without an exchange rate counts as against a step's minimum:
# escalating is safer than silently skipping (`Context.comparable`).
REACHES_EVERY_MINIMUM = Decimal("1e15")


def assignee_of(
    role: str,
    assignee_user_id: int | None,
    cp: CounterpartyInfo,
    supervisor_of: Mapping[int, int | None],
    lawyers: Sequence[int],
    directors: Sequence[int],
) -> int | None:
    """Whom a step's task goes to for a debtor: its named user; the sales manager (else the
    collector); the collector's supervisor (else the collector); a lawyer, spread over the
    active lawyers (sorted ids) by debtor; the first director; else the collector. The run's
    rule, and the card's "Next on the pressure scale" (`ladder.upcoming`)."""
    if role == AssigneeRole.USER and assignee_user_id:
        return assignee_user_id
    if role == AssigneeRole.SALES_MANAGER:
        return cp.sales_manager_id or cp.collector_id
    if role == AssigneeRole.SUPERVISOR:
        boss = supervisor_of.get(cp.collector_id) if cp.collector_id else None
        return boss or cp.collector_id
    if role == AssigneeRole.LAWYER and lawyers:
        return lawyers[cp.id % len(lawyers)]
    if role == AssigneeRole.DIRECTOR and directors:
        return directors[0]
    return cp.collector_id


@dataclass
class TaskDraft:
    key: str
    step: StepInfo
    counterparty: CounterpartyInfo
    document_ids: list[int]
    amounts: Amounts  # per currency: a task never adds two currencies
    # On PostgreSQL the batch's tasks get their documents as the database printed the array
    # (`ladder_hit`): 1.4M ids at 1M documents do not pass through Python twice.
    documents_sql: str = ""
    documents: int = 0
    # (document, amount, currency) of each document: known at once on SQLite and for events,
    # read from `ladder_hit` on PostgreSQL only for the calls that `one_call_a_day` joins
    rows: Sequence[tuple[int, Decimal, str]] | None = None

    @property
    def single(self) -> tuple[Decimal, str]:
        """(amount, currency) for the task's plain columns: only when one currency."""
        one = self.amounts.single()
        return (quantize(one.amount), one.currency) if one else (Decimal("0"), "")


def parse_shard(text: str) -> tuple[int, int]:
    """ "K/N" → (K, N) with 1 ≤ K ≤ N."""
    try:
        k_text, n_text = text.split("/")
        k, n = int(k_text), int(n_text)
    except ValueError:
        raise ValueError(f"shard must look like K/N, got {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"shard {text!r}: K must be between 1 and N")
    return k, n


class Context:
    """Everything a run reads once: policies, people, calendars."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.steps: dict[int, StepInfo] = {}
        self.policies: dict[int, PolicyInfo] = {}
        by_policy: dict[int, list[StepInfo]] = defaultdict(list)
        for row in PolicyStep.objects.filter(policy__active=True).values():
            info = StepInfo(
                step=Step(
                    id=row["id"],
                    order=row["order"],
                    trigger=row["trigger"],
                    days=row["days"],
                    action=row["action"],
                    scope=row["scope"],
                    min_amount=row["min_overdue_amount"],
                    event=row["event"],
                ),
                policy_id=row["policy_id"],
                name=row["name"],
                instructions=row["instructions"],
                window_start=row["window_start"],
                window_end=row["window_end"],
                assignee_role=row["assignee_role"],
                assignee_user_id=row["assignee_user_id"],
                needs_approval=row["needs_approval"],
                approval_role=row["approval_role"],
            )
            self.steps[info.step.id] = info
            by_policy[info.policy_id].append(info)
        for policy_id in Policy.objects.filter(active=True).values_list("id", flat=True):
            infos = by_policy.get(policy_id, [])
            events: dict[str, list[StepInfo]] = defaultdict(list)
            for info in sorted(infos, key=lambda i: i.step.order):
                if info.step.trigger == EVENT:
                    events[info.step.event].append(info)
            ladder = rungs([i.step for i in infos])
            self.policies[policy_id] = PolicyInfo(
                id=policy_id,
                ladder=ladder,
                events=dict(events),
                has_document_minimum=any(
                    s.scope == "document" and s.min_amount > 0 for s in ladder
                ),
                has_early=has_early_steps(ladder),
            )
        offsets = [first_offset(p.ladder) for p in self.policies.values()]
        self.first_offset = min((o for o in offsets if o is not None), default=0)
        self.early_policies = sorted(p.id for p in self.policies.values() if p.has_early)
        users = list(User.objects.filter(is_active=True).values("id", "role", "supervisor_id"))
        self.supervisor_of = {u["id"]: u["supervisor_id"] for u in users}
        self.lawyers = sorted(u["id"] for u in users if u["role"] == Role.LAWYER)
        self.directors = sorted(u["id"] for u in users if u["role"] == Role.DIRECTOR)
        self.closed: dict[int, list[date]] = defaultdict(list)
        for company_id, day in NonWorkingDay.objects.values_list("company_id", "day"):
            self.closed[company_id].append(day)
        self.rates = rate_table(as_of)
        self.company_currency = dict(Company.objects.values_list("id", "currency"))
        self.no_rate: set[tuple[str, str]] = set()
        self._calendars: dict[tuple[int, str], WorkCalendar] = {}
        self.new_until = self._new_until()
        self._days: dict[tuple[int, str], date] = {}
        self._windows: dict[tuple[str, date, time | None, time | None], tuple[datetime, ...]] = {}

    def meets_minimum(
        self, amounts: Amounts, minimum: Decimal, company_id: int | None, summary: RunSummary
    ) -> bool:
        """Whether `amounts` reach a step minimum written in the company currency, converted
        at the official rates of the run's day. A currency with no rate cannot be compared:
        the step fires (escalating is safer than silently skipping) and the run says so."""
        if minimum <= 0:
            return True
        target = self.company_currency.get(company_id or 0) or next(
            iter(self.company_currency.values()), ""
        )
        total, missing = self.rates.equivalent(amounts, target)
        for currency in missing:
            summary.skipped[f"no exchange rate {currency}->{target}: minimum not checked"] += 1
        return bool(missing) or total.amount >= minimum

    def comparable(
        self, amount: Decimal, currency: str, company_id: int | None, summary: RunSummary
    ) -> Decimal:
        """`amount` in the company currency for comparing with a per-document minimum; with no
        rate the document counts as reaching every minimum (see `meets_minimum`)."""
        target = self.company_currency.get(company_id or 0) or next(
            iter(self.company_currency.values()), currency
        )
        converted = self.rates.convert(Money(amount, currency), target)
        if converted is None:
            summary.skipped[f"no exchange rate {currency}->{target}: minimum not checked"] += 1
            return REACHES_EVERY_MINIMUM
        return converted.amount

    def calendar(self, company_id: int, country: str) -> WorkCalendar:
        """The debtor's working days: its country's (RO when unknown) and its company's."""
        key = (company_id, country)
        calendar = self._calendars.get(key)
        if calendar is None:
            calendar = self._calendars[key] = WorkCalendar(
                country or "RO", self.closed.get(company_id, ())
            )
        return calendar

    def _new_until(self) -> date:
        """The latest due date of an open document without progress that may have a step due
        today (the candidates' pre-filter). A step before the due date moves back over the
        non-working days after today in its debtor's calendar, so with such a policy every
        debtor calendar in use is asked (one read of the debtors' countries)."""
        if not self.early_policies:
            return last_due_date(self.as_of, self.first_offset, None)
        pairs = (
            Counterparty.objects.filter(written_off=False)
            .order_by()
            .values_list("company_id", "country")
        )
        return max(
            (
                last_due_date(self.as_of, self.first_offset, self.calendar(*pair).is_working_day)
                for pair in pairs.distinct()
            ),
            default=last_due_date(self.as_of, self.first_offset, None),
        )

    def policy_for(self, policy_id: int | None) -> PolicyInfo | None:
        return self.policies.get(policy_id) if policy_id is not None else None

    def assignee(self, step: StepInfo, cp: CounterpartyInfo) -> int | None:
        return assignee_of(
            step.assignee_role,
            step.assignee_user_id,
            cp,
            self.supervisor_of,
            self.lawyers,
            self.directors,
        )

    def task_day(self, cp: CounterpartyInfo) -> date:
        """The day the run's tasks for this debtor land on: its first working day from today."""
        day_key = (cp.company_id, cp.country)
        day = self._days.get(day_key)
        if day is None:
            calendar = self.calendar(cp.company_id, cp.country)
            day = self._days[day_key] = task_day(self.as_of, calendar.is_working_day)
        return day

    def window(self, step: StepInfo, cp: CounterpartyInfo) -> tuple[datetime, ...]:
        day = self.task_day(cp)
        key = (cp.time_zone, day, step.window_start, step.window_end)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = task_window(
                day, step.window_start, step.window_end, cp.time_zone
            )
        return window


# --- low-level writers -----------------------------------------------------------------------


# The writers live in dunwell/bulk.py (the legal app's case opening uses them too).
_is_postgres = is_postgres
_insert = insert


PROGRESS_COLUMNS = (
    "document_id",
    "counterparty_id",
    "policy_id",
    "step_order",
    "reached_on",
    "next_due_on",
)


def _write_progress(new: list[tuple[Any, ...]], known: list[tuple[Any, ...]]) -> None:
    """Progress rows: `new` for documents that had none when the batch read them (inside this
    transaction; shards are disjoint and a shard runs once at a time) go in with a plain COPY,
    `known` ones are upserted."""
    _insert(DocumentProgress._meta.db_table, PROGRESS_COLUMNS, new)
    _upsert_progress(known)


def _upsert_progress(rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    cols = ", ".join(PROGRESS_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in PROGRESS_COLUMNS[1:])
    table = DocumentProgress._meta.db_table
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS ladder_progress_load "
                f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy(  # type: ignore[attr-defined]
                f"COPY ladder_progress_load ({cols}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM ladder_progress_load "  # noqa: S608
                f"ON CONFLICT (document_id) DO UPDATE SET {updates}"
            )
            cursor.execute("TRUNCATE ladder_progress_load")
        else:
            marks = ", ".join(["%s"] * len(PROGRESS_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks}) "  # noqa: S608
                f"ON CONFLICT (document_id) DO UPDATE SET {updates}",
                [tuple(sqlite_value(v) for v in row) for row in rows],
            )


def _reserve_task_ids(count: int) -> list[int]:
    """Ids for `count` new tasks, so tasks and their documents can be written with COPY."""
    with connection.cursor() as cursor:
        if _is_postgres():
            # The sequence looked up once: as nextval's argument the lookup ran once per id,
            # 0.37 s of 140,000 ids against 0.07 s.
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('ladder_task', 'id')"
                "::regclass AS seq) SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so max(id) is ours.
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ladder_task")
        start = int(cursor.fetchone()[0])
        return list(range(start + 1, start + count + 1))


TASK_COLUMNS = (
    "id", "counterparty_id", "assignee_id", "action", "title", "instructions", "step_id",
    "due_at", "window_start", "window_end", "amount", "currency", "amounts", "status", "result",
    "skip_reason", "approval_role", "approval_comment", "created_at", "key", "document_ids",
)  # fmt: skip
TIMELINE_COLUMNS = ("counterparty_id", "at", "actor_id", "kind", "summary", "data")


RowsLoader = Callable[[list[TaskDraft]], None]


def _joined(drafts: Sequence[TaskDraft], known: Iterable[int] = ()) -> tuple[list[int], Amounts]:
    """The documents of `drafts` not in `known` (each once, in the order found) and their
    amounts per currency."""
    skip = set(known)
    seen: dict[int, tuple[Decimal, str]] = {}
    for draft in drafts:
        for doc_id, amount, currency in draft.rows or ():
            if doc_id not in skip:
                seen.setdefault(doc_id, (amount, currency))
    return list(seen), Amounts.of((currency, amount) for amount, currency in seen.values())


def one_call_a_day(
    ctx: Context, drafts: list[TaskDraft], summary: RunSummary, load_rows: RowsLoader | None
) -> list[TaskDraft]:
    """One call task per debtor, day and assignee (docs/pressure-scale.md). The drafted calls
    of one debtor for one person become the call of the latest step (the highest order),
    covering all their documents; when the debtor already has an open call task for that
    person on that day (`nightly.open_calls`: a call-back, a retry, an event's call), that
    task takes the documents instead. The steps left out are reached all the same (their
    documents' progress is written by the caller). Calls waiting for an approval, and every
    other action, stay as drafted. Returns the drafts to create."""
    calls: dict[tuple[int, int | None], list[TaskDraft]] = defaultdict(list)
    for draft in drafts:
        if is_daily_call(draft.step.step.action, draft.step.needs_approval):
            calls[(draft.counterparty.id, ctx.assignee(draft.step, draft.counterparty))].append(
                draft
            )
    if not calls:
        return drafts
    cps = {draft.counterparty.id: draft.counterparty for group in calls.values() for draft in group}
    days = {cp_id: ctx.task_day(cp) for cp_id, cp in cps.items()}
    taker: dict[tuple[int, int | None], tuple[int, list[int], dict[str, str]]] = {}
    for task_id, cp_id, assignee_id, due_at, document_ids, amounts in (
        nightly.open_calls(cps)
        .filter(
            due_at__gte=timezone.make_aware(datetime.combine(min(days.values()), time()))
            - timedelta(days=1),
            due_at__lt=timezone.make_aware(datetime.combine(max(days.values()), time()))
            + timedelta(days=2),
        )
        .order_by("id")
        .values_list("id", "counterparty_id", "assignee_id", "due_at", "document_ids", "amounts")
    ):
        zone = ZoneInfo(cps[cp_id].time_zone or "UTC")
        if (cp_id, assignee_id) in calls and timezone.localtime(due_at, zone).date() == days[cp_id]:
            taker.setdefault((cp_id, assignee_id), (task_id, list(document_ids), amounts))
    joined = {key: group for key, group in calls.items() if len(group) > 1 or key in taker}
    if not joined:
        return drafts
    missing = [d for group in joined.values() for d in group if d.rows is None]
    if missing:
        assert load_rows is not None, "drafts without their documents' rows"
        load_rows(missing)
    left_out: set[int] = set()
    covered: list[TimelineEntry] = []
    for key, group in joined.items():
        keep = call_kept(group, lambda d: (d.step.step.order, d.key), open_call=key in taker)
        if keep is None:
            entry = _widen(taker[key], key[0], group)
            left_out.update(id(d) for d in group)
            summary.skipped["call joined to an open call the same day"] += len(group)
            if entry is not None:
                covered.append(entry)
            continue
        doc_ids, amounts = _joined([keep, *(d for d in group if d is not keep)])
        keep.document_ids, keep.amounts = doc_ids, amounts
        keep.documents_sql, keep.documents = "", len(doc_ids)
        left_out.update(id(d) for d in group if d is not keep)
        summary.skipped["call joined to a later step's call the same day"] += len(group) - 1
    TimelineEntry.objects.bulk_create(covered)
    return [d for d in drafts if id(d) not in left_out]


def _widen(
    taker: tuple[int, list[int], dict[str, str]],
    cp_id: int,
    group: Sequence[TaskDraft],
    kind: str = "ladder.call_covers_more",
) -> TimelineEntry | None:
    """An unfinished task (id, documents, amounts) takes the documents of `group`'s drafts
    that it does not cover yet, with their amounts per currency. Returns the debtor's
    timeline entry saying so (of `kind`), or None when it covered them all already."""
    task_id, task_docs, task_amounts = taker
    new_ids, new_amounts = _joined(group, known=task_docs)
    if not new_ids:
        return None
    amounts = Amounts.from_json(task_amounts) + new_amounts
    single = amounts.single()
    Task.objects.filter(pk=task_id).update(
        document_ids=task_docs + new_ids,
        amounts=amounts.to_json(),
        amount=quantize(single.amount) if single else Decimal("0"),
        currency=single.currency if single else "",
    )
    # The debtor's timeline says why the task now covers more (a few a day).
    return _task_covers_more(task_id, cp_id, group, new_ids, new_amounts, kind)


# Actions that act on the debtor, whatever documents brought them: an approved stop of the
# shipments stops every shipment, so documents reaching its step later join the open task
# instead of asking the approver again (a sales manager found three approved "Stop shipments"
# tasks for one debtor, one per week, none done yet).
DEBTOR_WIDE = frozenset({Action.STOP_SHIPMENTS})


def one_task_per_step(
    ctx: Context, drafts: list[TaskDraft], summary: RunSummary, load_rows: RowsLoader | None
) -> list[TaskDraft]:
    """One unfinished task per debtor and step (docs/pressure-scale.md). When documents reach
    a debtor's step whose task is still unfinished from an earlier day, that task takes them
    instead of a second one: a lawyer has one pretension to send per debtor, not one per week
    of new documents. Unfinished means open for a step without approval, and still waiting
    for its approval for a step that needs one: a task already approved is not widened behind
    its approver's back, the new documents get a task of their own to approve, except for an
    action on the whole debtor (DEBTOR_WIDE), which the approval covers already. A call (after
    `one_call_a_day` kept one a day) joins the debtor's open call of the same step for the same
    person: a collector back from a week away found three "second-level call" tasks for one
    debtor, one per week its documents reached the step. The step is reached all the same (the
    caller writes the documents' progress). Steps per document stay one task per document.
    Returns the drafts to create."""
    wanted: dict[tuple[int, int], TaskDraft] = {
        (d.counterparty.id, d.step.step.id): d for d in drafts if d.step.step.scope != "document"
    }
    if not wanted:
        return drafts
    taker: dict[tuple[int, int], tuple[int, list[int], dict[str, str]]] = {}
    for task_id, cp_id, step_id, status, assignee_id, document_ids, amounts in (
        Task.objects.filter(
            counterparty_id__any=sorted({cp_id for cp_id, _step in wanted}),
            status__in=(TaskStatus.OPEN, TaskStatus.AWAITING_APPROVAL),
            step_id__any=sorted({step_id for _cp, step_id in wanted}),
        )
        .order_by("id")
        .values_list(
            "id", "counterparty_id", "step_id", "status", "assignee_id", "document_ids", "amounts"
        )
    ):
        draft = wanted.get((cp_id, step_id))
        if draft is None:
            continue
        waits = TaskStatus.AWAITING_APPROVAL if draft.step.needs_approval else None
        if status != (waits or TaskStatus.OPEN) and not (
            draft.step.step.action in DEBTOR_WIDE and status == TaskStatus.OPEN
        ):
            continue
        if is_daily_call(draft.step.step.action, draft.step.needs_approval) and assignee_id != (
            ctx.assignee(draft.step, draft.counterparty)
        ):
            continue  # calls are one per person (`one_call_a_day`)
        taker.setdefault((cp_id, step_id), (task_id, list(document_ids), amounts))
    if not taker:
        return drafts
    joined = [wanted[key] for key in taker]
    missing = [d for d in joined if d.rows is None]
    if missing:
        assert load_rows is not None, "drafts without their documents' rows"
        load_rows(missing)
    covered: list[TimelineEntry] = []
    widened: list[int] = []
    for key, draft in zip(taker, joined, strict=True):
        entry = _widen(taker[key], key[0], [draft], "ladder.step_covers_more")
        if entry is not None:
            covered.append(entry)
            if draft.step.step.action in LEGAL_ACTIONS and not draft.step.needs_approval:
                widened.append(taker[key][0])
    summary.skipped["documents joined to the step's unfinished task"] += len(joined)
    TimelineEntry.objects.bulk_create(covered)
    # the debtor's legal case covers the new documents too (`legal.services`)
    hooks.legal_task_created(widened)
    left_out = {id(d) for d in joined}
    return [d for d in drafts if id(d) not in left_out]


def not_stopped_twice(drafts: list[TaskDraft], summary: RunSummary) -> list[TaskDraft]:
    """No task to stop the shipments of a debtor whose shipments are stopped already
    (docs/pressure-scale.md): the sales manager was asked every week new documents reached the
    step to stop what the debtor's card said was stopped. The step is reached all the same;
    once shipments may go again (the credit page lifts the stop), the next documents to reach
    it bring the task back."""
    kept = [
        d
        for d in drafts
        if d.step.step.action != Action.STOP_SHIPMENTS or not d.counterparty.stop_shipments
    ]
    if len(kept) < len(drafts):
        summary.skipped["shipments already stopped"] += len(drafts) - len(kept)
    return kept


def _task_covers_more(
    task_id: int,
    cp_id: int,
    group: Sequence[TaskDraft],
    new_ids: list[int],
    amounts: Amounts,
    kind: str,
) -> TimelineEntry:
    """The timeline entry of an unfinished task that takes the documents of the day's drafts
    (rendered in the reader's language by `ladder.timeline_texts`: `call_covers_more` for a
    call, `step_covers_more` for a task of an earlier day)."""
    steps = sorted({d.step.step.id for d in group})
    names = ", ".join(sorted({d.step.name for d in group}))
    return TimelineEntry(
        counterparty_id=cp_id,
        at=timezone.now(),
        kind=kind,
        summary=f"{len(new_ids)} more document(s) on the open task ({names})"[:1000],
        data={
            "task": task_id,
            "steps": steps,
            "documents": len(new_ids),
            "amounts": amounts.to_json(),
        },
    )


def write_tasks(
    ctx: Context,
    drafts: list[TaskDraft],
    summary: RunSummary,
    load_rows: RowsLoader | None = None,
) -> list[int]:
    """Create the drafted tasks (skipping keys that exist; one call a day, `one_call_a_day`),
    their documents, timeline entries and effects. Runs inside the caller's transaction."""
    if not drafts:
        return []
    keys = [d.key for d in drafts]
    existing: set[str] = set()
    # One array parameter on PostgreSQL (dunwell/lookups.py); SQLite's IN in 5,000-key chunks.
    chunk = max(len(keys), 1) if _is_postgres() else 5000
    for start in range(0, len(keys), chunk):
        existing.update(
            Task.objects.filter(key__any=keys[start : start + chunk]).values_list("key", flat=True)
        )
    drafts = [d for d in drafts if d.key not in existing]
    drafts = one_call_a_day(ctx, drafts, summary, load_rows)
    drafts = one_task_per_step(ctx, drafts, summary, load_rows)
    drafts = not_stopped_twice(drafts, summary)
    if not drafts:
        return []
    drafts.sort(key=lambda d: (d.counterparty.id, d.step.step.order, d.key))
    now = timezone.now()
    ids = _reserve_task_ids(len(drafts))
    vendor = connection.vendor
    moment = moment_text()
    stamp = moment(now)
    task_rows: list[tuple[Any, ...]] = []
    per_counterparty: dict[int, list[dict[str, Any]]] = defaultdict(list)
    legal: set[int] = set()
    for task_id, draft in zip(ids, drafts, strict=True):
        info, cp = draft.step, draft.counterparty
        window = ctx.window(info, cp)
        begins, ends = moment(window[0]), moment(window[1])
        status = TaskStatus.AWAITING_APPROVAL if info.needs_approval else TaskStatus.OPEN
        title = f"{info.name} — {cp.name}"
        amounts = draft.amounts.to_json()
        task_rows.append(
            (
                task_id,
                cp.id,
                ctx.assignee(info, cp),
                info.step.action,
                title[:255],
                info.instructions,
                info.step.id,
                ends,
                begins,
                ends,
                *draft.single,
                json.dumps(amounts),
                status,
                "",
                "",
                info.approval_role if info.needs_approval else "",
                "",
                stamp,
                draft.key,
                draft.documents_sql or copy_text(draft.document_ids, vendor),
            )  # fmt: skip
        )
        per_counterparty[cp.id].append(
            {
                "task": task_id,
                "title": info.name,
                "step": info.step.id,
                "action": info.step.action,
                "documents": draft.documents or len(draft.document_ids),
                "amounts": amounts,
                "status": str(status),
            }
        )
        summary.tasks_created[info.step.action] += 1
        # Shipments are stopped when someone confirms it on the task (work's task page),
        # not when the task is created.
        if not info.needs_approval and info.step.action in LEGAL_ACTIONS:
            legal.add(cp.id)
    _insert(Task._meta.db_table, TASK_COLUMNS, task_rows)
    events.tasks_created(ids)
    # One timeline entry per counterparty and run (not one per task): what the user reads
    # on the debtor's card is "the daily run created these tasks".
    _insert(
        TimelineEntry._meta.db_table,
        TIMELINE_COLUMNS,
        [
            (
                cp_id,
                stamp,
                None,
                "ladder.tasks_created",
                "; ".join(t["title"] for t in created)[:1000],
                json.dumps({"tasks": created}),
            )
            for cp_id, created in per_counterparty.items()
        ],
    )
    if legal:
        changed = Counterparty.objects.filter(pk__any=list(legal), legal=False).update(legal=True)
        summary.transitions["legal_track"] += changed
    hooks.legal_task_created(
        [
            task_id
            for task_id, draft in zip(ids, drafts, strict=True)
            if draft.step.step.action in LEGAL_ACTIONS and not draft.step.needs_approval
        ],
        written_now=True,
    )
    return ids


# --- phase 1: transitions --------------------------------------------------------------------


def _in_shard(field_name: str, shard: tuple[int, int]) -> str:
    k, n = shard
    return f"{field_name} %% {int(n)} = {int(k) - 1}"  # "%%": the SQL goes through params


def _shard_ids(model: Any, field_name: str, shard: tuple[int, int]) -> Any:
    """Queryset of `model` rows whose counterparty falls in the shard."""
    qs = model.objects.all()
    if shard[1] > 1:
        column = f"{model._meta.db_table}.{field_name}"
        qs = qs.extra(where=[_in_shard(column, shard)])  # noqa: S610 - ints only
    return qs


def _recheck(counterparty_ids: Iterable[int], as_of: date) -> None:
    ids = list(counterparty_ids)
    for start in range(0, len(ids), 5000):
        DocumentProgress.objects.filter(
            document__counterparty_id__in=ids[start : start + 5000]
        ).update(next_due_on=as_of)


def _record_event(cp_id: int, kind: str, key: str, as_of: date, **data: Any) -> bool:
    _event, created = LadderEvent.objects.get_or_create(
        key=key,
        defaults={"counterparty_id": cp_id, "kind": kind, "occurred_on": as_of, "data": data},
    )
    return created


def _promises(as_of: date, shard: tuple[int, int], summary: RunSummary) -> None:
    """A payment that covers an active promise marks it kept; the morning after its date plus
    grace an uncovered promise is broken and its step fires at once."""
    now = timezone.now()
    active = list(
        _shard_ids(Promise, "counterparty_id", shard)
        .filter(status=PromiseStatus.ACTIVE)
        .values(
            "id",
            "counterparty_id",
            "amount",
            "currency",
            "promised_date",
            "grace_days",
            "recorded_at",
        )
    )
    if not active:
        return
    cp_ids = {p["counterparty_id"] for p in active}
    earliest = min(timezone.localdate(p["recorded_at"]) for p in active)
    # A promise in EUR is kept by EUR payments only: amounts of two currencies never add up.
    payments: dict[tuple[int, str], list[tuple[date, Decimal]]] = defaultdict(list)
    for cp_id, currency, day, amount in Payment.objects.filter(
        counterparty_id__in=cp_ids, date__gte=earliest, date__lte=as_of
    ).values_list("counterparty_id", "currency", "date", "amount"):
        payments[(cp_id, currency)].append((day, amount))
    kept: list[int] = []
    broken: list[dict[str, Any]] = []
    for promise in active:
        since = timezone.localdate(promise["recorded_at"])
        paid = sum(
            (
                amt
                for day, amt in payments[(promise["counterparty_id"], promise["currency"])]
                if day >= since
            ),
            Decimal("0"),
        )
        if paid >= promise["amount"]:
            kept.append(promise["id"])
        elif promise["promised_date"] + timedelta(days=promise["grace_days"]) < as_of:
            broken.append(promise)
    with transaction.atomic():
        Promise.objects.filter(pk__in=kept, status=PromiseStatus.ACTIVE).update(
            status=PromiseStatus.KEPT, resolved_at=now
        )
        events.promises(EventKind.PROMISE_KEPT, kept)
        summary.transitions["promise_kept"] += len(kept)
        newly_broken: list[int] = []
        for promise in broken:
            updated = Promise.objects.filter(pk=promise["id"], status=PromiseStatus.ACTIVE).update(
                status=PromiseStatus.BROKEN, resolved_at=now
            )
            if updated:
                newly_broken.append(promise["id"])
                _record_event(
                    promise["counterparty_id"],
                    Event.PROMISE_BROKEN,
                    f"promise_broken:{promise['id']}",
                    as_of,
                    promise=promise["id"],
                )
        events.promises(EventKind.PROMISE_BROKEN, newly_broken)
        summary.transitions["promise_broken"] += len(broken)
        _recheck((p["counterparty_id"] for p in broken), as_of)


def _agreements(as_of: date, shard: tuple[int, int], summary: RunSummary) -> None:
    """Instalments covered by the payments since signing are paid; a pending one past its due
    date is missed (the agreement is broken and the ladder resumes)."""
    agreements = list(
        _shard_ids(Agreement, "counterparty_id", shard)
        .filter(status__in=[AgreementStatus.ACTIVE, AgreementStatus.BROKEN])
        .values("id", "counterparty_id", "currency", "signed_on", "good_relations_until", "status")
    )
    if not agreements:
        return
    by_id = {a["id"]: a for a in agreements}
    instalments: dict[int, list[Any]] = defaultdict(list)
    for inst in AgreementInstalment.objects.filter(agreement_id__in=by_id).values(
        "id", "agreement_id", "due_date", "amount", "status"
    ):
        instalments[inst["agreement_id"]].append(inst)
    with transaction.atomic():
        for agreement_id, agreement in by_id.items():
            paid = Payment.objects.filter(
                counterparty_id=agreement["counterparty_id"],
                currency=agreement["currency"],
                date__gte=agreement["signed_on"],
                date__lte=as_of,
            ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
            cumulative = Decimal("0")
            unpaid = False
            for inst in sorted(instalments[agreement_id], key=lambda i: i["due_date"]):
                cumulative += inst["amount"]
                if paid >= cumulative:
                    if inst["status"] != InstalmentStatus.PAID:
                        AgreementInstalment.objects.filter(pk=inst["id"]).update(
                            status=InstalmentStatus.PAID
                        )
                        summary.transitions["instalment_paid"] += 1
                    continue
                unpaid = True
                if inst["status"] == InstalmentStatus.PENDING and inst["due_date"] < as_of:
                    AgreementInstalment.objects.filter(pk=inst["id"]).update(
                        status=InstalmentStatus.MISSED
                    )
                    Agreement.objects.filter(pk=agreement_id).update(status=AgreementStatus.BROKEN)
                    if _record_event(
                        agreement["counterparty_id"],
                        Event.INSTALMENT_MISSED,
                        f"instalment_missed:{inst['id']}",
                        as_of,
                        agreement=agreement_id,
                    ):
                        summary.transitions["instalment_missed"] += 1
                    _recheck([agreement["counterparty_id"]], as_of)
            if not unpaid:
                Agreement.objects.filter(pk=agreement_id).update(status=AgreementStatus.COMPLETED)
                summary.transitions["agreement_completed"] += 1
            elif (
                agreement["good_relations_until"] is not None
                and agreement["good_relations_until"] < as_of
                and _record_event(
                    agreement["counterparty_id"],
                    Event.GOOD_RELATIONS_ENDED,
                    f"good_relations_ended:{agreement_id}",
                    as_of,
                    agreement=agreement_id,
                )
            ):
                summary.transitions["good_relations_ended"] += 1


def _pretension_deadlines(as_of: date, shard: tuple[int, int], summary: RunSummary) -> None:
    open_doc = Document.objects.filter(pk__in_ids=OuterRef("document_ids"), open_amount__gt=0)
    due = (
        _shard_ids(Task, "counterparty_id", shard)
        .filter(action=Action.PRETENSION, status=TaskStatus.DONE, deadline__lt=as_of)
        .filter(Exists(open_doc))
        .exclude(
            Exists(
                LadderEvent.objects.filter(
                    key=Concat(Value("pretension_deadline:"), Cast(OuterRef("pk"), CharField()))
                )
            )
        )
        .values_list("id", "counterparty_id")
    )
    with transaction.atomic():
        for task_id, cp_id in due:
            if _record_event(
                cp_id,
                Event.PRETENSION_DEADLINE_PASSED,
                f"pretension_deadline:{task_id}",
                as_of,
                task=task_id,
            ):
                summary.transitions["pretension_deadline_passed"] += 1


def _cancel_paid(shard: tuple[int, int], summary: RunSummary) -> None:
    """Open tasks whose documents are all paid are closed as cancelled_paid."""
    # Per open task, probe its documents until an open one is found: the cost follows the
    # open tasks, not the whole history.
    shard_sql = f"AND {_in_shard('t.counterparty_id', shard)}" if shard[1] > 1 else ""
    of_task = member_sql(connection.vendor, "d.id", "t.document_ids")
    # The probes are split between two processes (PARALLEL_PROBES).
    with connection.cursor() as cursor, pg_settings(cursor, **PARALLEL_PROBES):
        cursor.execute(
            f"""SELECT t.id, t.counterparty_id, t.title FROM ladder_task t
                WHERE t.status IN (%s, %s) {shard_sql}
                  AND EXISTS (SELECT 1 FROM ledger_document d WHERE {of_task})
                  AND NOT EXISTS (
                    SELECT 1 FROM ledger_document d
                    WHERE {of_task} AND d.open_amount > 0)""",  # noqa: S608 - ints only
            list(OPEN_STATUSES),
        )
        ids = cursor.fetchall()
    if not ids:
        return
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            Task.objects.filter(pk__in=[i for i, _c, _t in chunk], status__in=OPEN_STATUSES).update(
                status=TaskStatus.CANCELLED_PAID, done_at=now
            )
            _insert(
                TimelineEntry._meta.db_table,
                TIMELINE_COLUMNS,
                [
                    (
                        cp,
                        now,
                        None,
                        "ladder.task_cancelled_paid",
                        f"{title}: paid",
                        json.dumps({"task": task_id}),
                    )
                    for task_id, cp, title in chunk
                ],  # fmt: skip
            )
    summary.transitions["task_cancelled_paid"] += len(ids)


def _drop_passed_reminders(as_of: date, shard: tuple[int, int], summary: RunSummary) -> None:
    """An open task of a step that fires before the due date ("Reminder before the due date")
    is skipped once every one of its documents is past its due date: a reminder of a date gone
    by only cluttered My day (a collector's "Reminder before the due date" was still open 50
    days after it), and the steps after the due date take over. Its page says why
    (`REMINDER_TOO_LATE`, in the reader's language)."""
    shard_sql = f"AND {_in_shard('t.counterparty_id', shard)}" if shard[1] > 1 else ""
    of_task = member_sql(connection.vendor, "d.id", "t.document_ids")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT t.id FROM ladder_task t
                JOIN ladder_policystep s ON s.id = t.step_id
                WHERE t.status IN (%s, %s) AND s.trigger = %s AND s.days < 0 {shard_sql}
                  AND EXISTS (SELECT 1 FROM ledger_document d WHERE {of_task})
                  AND NOT EXISTS (
                    SELECT 1 FROM ledger_document d WHERE {of_task} AND d.due_date >= %s)""",  # noqa: S608 - ints only
            [*OPEN_STATUSES, Trigger.DUE_OFFSET, as_of],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return
    Task.objects.filter(pk__any=ids, status__in=OPEN_STATUSES).update(
        status=TaskStatus.SKIPPED, skip_reason=REMINDER_TOO_LATE, done_at=timezone.now()
    )
    summary.transitions["reminder_too_late"] += len(ids)


def _counterparty_infos(cp_ids: Iterable[int]) -> dict[int, CounterpartyInfo]:
    infos: dict[int, CounterpartyInfo] = {}
    ids = list(cp_ids)
    for start in range(0, len(ids), 5000):
        for row in Counterparty.objects.filter(pk__any=ids[start : start + 5000]).values_list(
            "id",
            "company_id",
            "name",
            "country",
            "time_zone",
            "collector_id",
            "sales_manager_id",
            "stop_shipments",
        ):
            infos[row[0]] = CounterpartyInfo(*row)
    return infos


def _events(ctx: Context, shard: tuple[int, int], summary: RunSummary) -> None:
    """Fire the event steps of unprocessed events; mark them processed in the same
    transaction."""
    events = list(
        _shard_ids(LadderEvent, "counterparty_id", shard)
        .filter(processed_at=None, occurred_on__lte=ctx.as_of)
        .order_by("id")
        .values("id", "counterparty_id", "kind", "data")
    )
    if not events:
        return
    cps = _counterparty_infos({e["counterparty_id"] for e in events})
    policies = _policies_of(list(cps))
    open_docs: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for doc_id, cp_id, open_amount, currency in (
        Document.objects.filter(counterparty_id__in=list(cps), open_amount__gt=0)
        .order_by("due_date", "id")
        .values_list("id", "counterparty_id", "open_amount", "currency")
    ):
        open_docs[cp_id].append((doc_id, open_amount, currency))
    with transaction.atomic():
        drafts: list[TaskDraft] = []
        for event in events:
            cp = cps[event["counterparty_id"]]
            policy = ctx.policy_for(policies.get(cp.id))
            docs = open_docs.get(cp.id, [])
            if event["kind"] == Event.PRETENSION_DEADLINE_PASSED:
                task_docs = set(
                    Task.objects.filter(pk=event["data"].get("task"))
                    .values_list("document_ids", flat=True)
                    .first()
                    or ()
                )
                docs = [d for d in docs if d[0] in task_docs]
            if policy is None or not docs:
                summary.skipped[f"event {event['kind']}: nothing to do"] += 1
                continue
            for info in policy.events.get(event["kind"], []):
                drafts.append(
                    TaskDraft(
                        key=f"ev{event['id']}:s{info.step.id}",
                        step=info,
                        counterparty=cp,
                        document_ids=[d[0] for d in docs],
                        amounts=Amounts.of((d[2], d[1]) for d in docs),
                        rows=docs,
                    )
                )
            summary.transitions[f"event {event['kind']}"] += 1
        write_tasks(ctx, drafts, summary)
        LadderEvent.objects.filter(pk__in=[e["id"] for e in events]).update(
            processed_at=timezone.now()
        )


def _policies_of(cp_ids: list[int]) -> dict[int, int | None]:
    """Counterparty → its policy id (own override, else its segment's)."""
    result: dict[int, int | None] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(cp_ids), 5000):
            chunk = cp_ids[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"""SELECT c.id, COALESCE(o.policy_id, s.policy_id)
                    FROM ledger_counterparty c
                    LEFT JOIN ladder_counterpartypolicy o ON o.counterparty_id = c.id
                    LEFT JOIN ladder_segmentpolicy s ON s.segment_id = c.segment_id
                    WHERE c.id IN ({marks})""",  # noqa: S608 - placeholders only
                chunk,
            )
            result.update(cursor.fetchall())
    return result


# --- phase 2: documents ----------------------------------------------------------------------

CANDIDATES_SQL = """
SELECT d.id, d.counterparty_id, d.due_date, d.open_amount, d.currency,
       COALESCE(o.policy_id, s.policy_id), p.document_id, p.policy_id, p.step_order,
       p.reached_on, c.company_id, c.country
FROM ledger_document d
JOIN ledger_counterparty c ON c.id = d.counterparty_id
LEFT JOIN ladder_counterpartypolicy o ON o.counterparty_id = c.id
LEFT JOIN ladder_segmentpolicy s ON s.segment_id = c.segment_id
LEFT JOIN ladder_documentprogress p ON p.document_id = d.id
WHERE d.open_amount > 0 AND c.written_off = %s
  AND d.counterparty_id >= %s AND d.counterparty_id <= %s {shard}
  AND ((p.document_id IS NULL AND d.due_date <= %s) OR p.next_due_on <= %s)
"""


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_money(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return quantize(Decimal(str(value)))


@dataclass
class Holds:
    grace_until: dict[int, date]
    agreed: set[tuple[int, str]]  # (counterparty, currency) of an active repayment agreement
    held: dict[int, Decimal]  # document → held amount
    promise_until: dict[int, date]  # document → promise end, when a promise holds it


def _holds(as_of: date, lo: int, hi: int, shard: tuple[int, int]) -> Holds:
    grace = dict(
        Grace.objects.filter(
            counterparty_id__gte=lo, counterparty_id__lte=hi, until__gte=as_of
        ).values_list("counterparty_id", "until")
    )
    # An agreement holds the debt of its own currency: the others go on up the ladder.
    agreed = set(
        Agreement.objects.filter(
            counterparty_id__gte=lo, counterparty_id__lte=hi, status=AgreementStatus.ACTIVE
        ).values_list("counterparty_id", "currency")
    )
    # Keyed by (counterparty, currency): a promise or dispute holds documents of its own
    # currency only.
    promise_holds: dict[tuple[int, str], list[tuple[Decimal, list[int], date]]] = defaultdict(list)
    promise_docs: dict[int, list[int]] = defaultdict(list)
    promises = list(
        Promise.objects.filter(
            counterparty_id__gte=lo, counterparty_id__lte=hi, status=PromiseStatus.ACTIVE
        ).values_list("id", "counterparty_id", "currency", "amount", "promised_date", "grace_days")
    )
    for promise_id, doc_id in Promise.documents.through.objects.filter(
        promise_id__in=[p[0] for p in promises]
    ).values_list("promise_id", "document_id"):
        promise_docs[promise_id].append(doc_id)
    for promise_id, cp, currency, amount, promised, grace_days in promises:
        promise_holds[(cp, currency)].append(
            (amount, promise_docs[promise_id], promised + timedelta(days=grace_days))
        )
    dispute_holds: dict[tuple[int, str], list[tuple[Decimal, list[int]]]] = defaultdict(list)
    disputes = list(
        Dispute.objects.filter(
            counterparty_id__gte=lo, counterparty_id__lte=hi, status=DisputeStatus.OPEN
        ).values_list("id", "counterparty_id", "currency", "amount")
    )
    dispute_docs: dict[int, list[int]] = defaultdict(list)
    for dispute_id, doc_id in Dispute.documents.through.objects.filter(
        dispute_id__in=[d[0] for d in disputes]
    ).values_list("dispute_id", "document_id"):
        dispute_docs[dispute_id].append(doc_id)
    for dispute_id, cp, currency, amount in disputes:
        dispute_holds[(cp, currency)].append((amount, dispute_docs[dispute_id]))
    held: dict[int, Decimal] = {}
    promise_until: dict[int, date] = {}
    keys = set(promise_holds) | set(dispute_holds)
    if keys:
        docs: dict[tuple[int, str], list[tuple[int, date, Decimal]]] = defaultdict(list)
        for doc_id, cp, currency, due, amount in Document.objects.filter(
            counterparty_id__in={cp for cp, _c in keys}, open_amount__gt=0
        ).values_list("id", "counterparty_id", "currency", "due_date", "open_amount"):
            docs[(cp, currency)].append((doc_id, due, amount))
        for key in keys:
            p_holds = [(a, ids) for a, ids, _end in promise_holds.get(key, [])]
            by_promise = held_amounts(docs[key], p_holds)
            held.update(held_amounts(docs[key], p_holds + dispute_holds.get(key, [])))
            if by_promise:
                end = max(e for _a, _ids, e in promise_holds[key])
                promise_until.update(dict.fromkeys(by_promise, end))
    return Holds(grace, agreed, held, promise_until)


Group = tuple[int, str, int]  # (step id, "d" document / "c" counterparty, its id)


@dataclass
class Decided:
    """What the per-document decisions of a batch produced."""

    known: list[tuple[Any, ...]] = field(default_factory=list)  # progress rows to upsert
    fresh: list[tuple[Any, ...]] = field(default_factory=list)  # progress rows to insert
    groups: dict[Group, list[tuple[int, Decimal, str]]] = field(default_factory=dict)
    doc_cp: dict[int, int] = field(default_factory=dict)  # documents that fired a step


def _count(summary: RunSummary, decision: Decision, n: int) -> None:
    if decision.paused:
        summary.skipped[f"paused: {decision.paused}"] += n
    if decision.stale:
        summary.skipped["stale step (catch-up)"] += len(decision.stale) * n
    if decision.below_minimum:
        summary.skipped["below minimum amount"] += len(decision.below_minimum) * n


def _decide_rows(
    ctx: Context, rows: Sequence[Sequence[Any]], holds: Holds, summary: RunSummary
) -> Decided:
    """Decide each candidate row (the columns of CANDIDATES_SQL) in Python."""
    as_of = ctx.as_of
    out = Decided()
    cache: dict[tuple[Any, ...], Decision] = {}
    # Per-document minimums are written in the company currency: compare converted amounts.
    targets = set(ctx.company_currency.values())
    company_of: dict[int, int] = {}
    if len(targets) > 1:
        company_of = dict(
            Counterparty.objects.filter(pk__in={row[1] for row in rows}).values_list(
                "id", "company_id"
            )
        )
    for (
        doc_id, cp_id, due_raw, open_raw, currency, policy_id, has_progress, old_policy,
        step_order, reached_raw, company_id, country,
    ) in rows:  # fmt: skip
        policy = ctx.policy_for(policy_id)
        target = out.known if has_progress is not None else out.fresh
        if policy is None:
            summary.skipped["no active policy"] += 1
            target.append((doc_id, cp_id, None, 0, None, None))
            continue
        if has_progress is None or old_policy != policy_id:
            step_order, reached_on = 0, None
        else:
            reached_on = _as_date(reached_raw)
        due_date = _as_date(due_raw)
        assert due_date is not None
        amount = _as_money(open_raw) - holds.held.get(doc_id, Decimal("0"))
        paused_until: date | None = None
        pause_kind = ""
        if cp_id in holds.grace_until:
            paused_until, pause_kind = holds.grace_until[cp_id], "grace"
        elif (cp_id, currency) in holds.agreed:
            paused_until, pause_kind = as_of, "agreement"
        elif amount <= 0 and doc_id in holds.promise_until:
            paused_until, pause_kind = holds.promise_until[doc_id], "promise"
        compared = amount
        if policy.has_document_minimum and amount > 0:
            compared = ctx.comparable(amount, currency, company_of.get(cp_id), summary)
        amount_key: Any = compared if policy.has_document_minimum else (amount > 0)
        calendar = (company_id, country) if policy.has_early else None
        key = (policy_id, due_date, step_order, reached_on, paused_until, amount_key, calendar)
        decision = cache.get(key)
        if decision is None:
            decision = cache[key] = decide(
                policy.ladder, due_date=due_date, as_of=as_of, amount=compared,
                step_order=step_order, reached_on=reached_on, paused_until=paused_until,
                pause_kind=pause_kind,
                is_working_day=ctx.calendar(*calendar).is_working_day if calendar else None,
            )  # fmt: skip
        target.append(
            (doc_id, cp_id, policy_id, decision.step_order, decision.reached_on,
             decision.next_due_on)
        )  # fmt: skip
        _count(summary, decision, 1)
        for step in decision.fire:
            group = (step.id, "d", doc_id) if step.scope == "document" else (step.id, "c", cp_id)
            out.groups.setdefault(group, []).append((doc_id, amount, currency))
            out.doc_cp[doc_id] = cp_id
    return out


def _draft(
    ctx: Context,
    summary: RunSummary,
    group: Group,
    cp: CounterpartyInfo,
    amounts: Amounts,
    document_ids: list[int],
    documents: int,
    documents_sql: str = "",
) -> TaskDraft | None:
    step_id, kind, ref = group
    info = ctx.steps[step_id]
    if kind == "c" and not ctx.meets_minimum(amounts, info.step.min_amount, cp.company_id, summary):
        summary.skipped["below minimum amount"] += 1
        return None
    as_of = ctx.as_of
    key = f"s{step_id}:c{ref}:{as_of.isoformat()}" if kind == "c" else f"s{step_id}:d{ref}"
    return TaskDraft(key, info, cp, document_ids, amounts, documents_sql, documents)


def _document_batch(
    ctx: Context, lo: int, hi: int, shard: tuple[int, int], summary: RunSummary
) -> None:
    if _is_postgres():
        _document_batch_sql(ctx, lo, hi, shard, summary)
        return
    as_of = ctx.as_of
    shard_sql = f"AND {_in_shard('d.counterparty_id', shard)}" if shard[1] > 1 else ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                CANDIDATES_SQL.format(shard=shard_sql),
                [False, lo, hi, ctx.new_until, as_of],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        summary.documents_examined += len(rows)
        decided = _decide_rows(ctx, rows, _holds(as_of, lo, hi, shard), summary)
        drafts: list[TaskDraft] = []
        if decided.groups:
            doc_cp = {row[0]: row[1] for row in rows}
            cps = _counterparty_infos(
                {ref if kind == "c" else doc_cp[ref] for (_s, kind, ref) in decided.groups}
            )
            for group, docs in decided.groups.items():
                _s, kind, ref = group
                cp = cps[ref if kind == "c" else doc_cp[ref]]
                amounts = Amounts.of((d[2], d[1]) for d in docs)
                draft = _draft(ctx, summary, group, cp, amounts, [d[0] for d in docs], len(docs))
                if draft is not None:
                    draft.rows = docs
                    drafts.append(draft)
        write_tasks(ctx, drafts, summary)
        _crash_point(summary.batches + 1)
        _write_progress(decided.fresh, decided.known)


# PostgreSQL: the batch stays in the database. Candidates go into a temporary table; Python
# decides once per distinct (policy, due date, position) and sends the small decision table
# back; progress rows, the documents each task covers ("hits") and the task documents are
# written by INSERT … SELECT joins. Only documents with a hold (grace, agreement, promise,
# dispute) or on a policy with per-document minimums are decided row by row.
# The batch's debtors (and their policy) first, then their documents: one probe of the
# documents per debtor instead of one probe of the debtor per document. The first run's 20
# batches at 1M, without parallel workers: 2.11 → 1.40 s.
CANDIDATES_TEMP_SQL = """
CREATE TEMP TABLE ladder_cand ON COMMIT DROP AS
SELECT x.*,
       (x.cp_id = ANY(%s) OR x.doc_id = ANY(%s) OR x.policy_id = ANY(%s)) AS special,
       COALESCE(x.policy_id, 0) AS pkey,
       CASE WHEN x.same THEN x.old_order ELSE 0 END AS step_order,
       CASE WHEN x.same THEN COALESCE(x.old_reached, %s) ELSE %s END AS rkey,
       -- the debtor's calendar, for the policies with a step before the due date
       CASE WHEN x.policy_id = ANY(%s) THEN x.company_id || ':' || x.country ELSE '' END AS cal
FROM (
  SELECT d.id AS doc_id, d.counterparty_id AS cp_id, d.due_date, d.open_amount, d.currency,
         k.policy_id, p.document_id AS had,
         p.policy_id AS old_policy, p.step_order AS old_order, p.reached_on AS old_reached,
         (p.document_id IS NOT NULL AND p.policy_id IS NOT DISTINCT FROM k.policy_id) AS same,
         k.company_id, k.country
  FROM (SELECT c.id, COALESCE(o.policy_id, s.policy_id) AS policy_id, c.company_id, c.country
        FROM ledger_counterparty c
        LEFT JOIN ladder_counterpartypolicy o ON o.counterparty_id = c.id
        LEFT JOIN ladder_segmentpolicy s ON s.segment_id = c.segment_id
        WHERE c.written_off = %s AND c.id >= %s AND c.id <= %s {shard}) k
  JOIN ledger_document d ON d.counterparty_id = k.id
  LEFT JOIN ladder_documentprogress p ON p.document_id = d.id
  WHERE d.open_amount > 0
    AND ((p.document_id IS NULL AND d.due_date <= %s) OR p.next_due_on <= %s)
) x
"""
NO_DATE = date(1900, 1, 1)
KEY_JOIN = (
    "d.pkey = c.pkey AND d.due_date = c.due_date AND d.step_order = c.step_order "
    "AND d.rkey = c.rkey AND d.cal = c.cal"
)
PROGRESS_FROM_DECISIONS = (
    "INSERT INTO ladder_documentprogress (document_id, counterparty_id, policy_id, step_order, "  # noqa: S608
    "reached_on, next_due_on) SELECT c.doc_id, c.cp_id, c.policy_id, d.new_order, "
    "d.new_reached, d.new_next FROM ladder_cand c JOIN ladder_dec d ON " + KEY_JOIN + " "
    "WHERE NOT c.special AND c.had IS {} NULL "
    # in the order of the primary key (the document), so its index is filled in order
    "ORDER BY c.doc_id"
)


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _document_batch_sql(
    ctx: Context, lo: int, hi: int, shard: tuple[int, int], summary: RunSummary
) -> None:
    as_of = ctx.as_of
    shard_sql = f"AND {_in_shard('c.id', shard)}" if shard[1] > 1 else ""
    with transaction.atomic(), connection.cursor() as cursor:
        # dropped at commit; dropped here too when the run is nested in an outer transaction
        cursor.execute("DROP TABLE IF EXISTS ladder_cand, ladder_dec, ladder_fire, ladder_hit")
        # The work tables' ANALYZE (below) samples 3,000 rows instead of 30,000: their plans
        # need row counts and rough distinct counts, nothing finer (0.1 s a batch at 1M).
        cursor.execute("SET LOCAL default_statistics_target = 10")
        holds = _holds(as_of, lo, hi, shard)
        row_by_row = [p.id for p in ctx.policies.values() if p.has_document_minimum]
        # A batch's documents (one range of counterparties) find their progress row through
        # its primary key. Left to itself the planner hashes the whole progress table for
        # every batch, which grows with the ledger: 80 ms for the first batch at 1M, 330 ms
        # for the last. Both join methods are back on for the rest of the batch.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            CANDIDATES_TEMP_SQL.format(shard=shard_sql),
            [
                sorted(set(holds.grace_until) | {cp for cp, _currency in holds.agreed}),
                sorted(holds.held),
                row_by_row,
                NO_DATE,
                NO_DATE,
                ctx.early_policies,
                False,
                lo,
                hi,
                ctx.new_until,
                as_of,
            ],
        )
        examined = cursor.rowcount
        cursor.execute("SET LOCAL enable_hashjoin TO DEFAULT")
        cursor.execute("SET LOCAL enable_mergejoin TO DEFAULT")
        if not examined:
            return
        summary.documents_examined += examined
        cursor.execute("ANALYZE ladder_cand")
        # 1. the documents decided row by row
        cursor.execute(
            "SELECT doc_id, cp_id, due_date, open_amount, currency, policy_id, had, old_policy, "
            "old_order, old_reached, company_id, country FROM ladder_cand WHERE special"
        )
        decided = _decide_rows(ctx, cursor.fetchall(), holds, summary)
        # 2. the rest, once per distinct key
        cursor.execute(
            "SELECT pkey, due_date, step_order, rkey, cal, count(*) FROM ladder_cand "
            "WHERE NOT special GROUP BY 1, 2, 3, 4, 5"
        )
        decisions: list[tuple[Any, ...]] = []
        fires: list[tuple[Any, ...]] = []
        for pkey, due_date, step_order, rkey, cal, n in cursor.fetchall():
            policy = ctx.policy_for(pkey or None)
            if policy is None:
                summary.skipped["no active policy"] += n
                decisions.append((pkey, due_date, step_order, rkey, cal, 0, None, None))
                continue
            reached_on = None if rkey == NO_DATE else rkey
            working = None
            if cal:
                company_id, country = cal.split(":", 1)
                working = ctx.calendar(int(company_id), country).is_working_day
            decision = decide(
                policy.ladder, due_date=due_date, as_of=as_of, amount=Decimal("1"),
                step_order=step_order, reached_on=reached_on, is_working_day=working,
            )  # fmt: skip
            _count(summary, decision, n)
            decisions.append(
                (pkey, due_date, step_order, rkey, cal, decision.step_order, decision.reached_on,
                 decision.next_due_on)
            )  # fmt: skip
            fires.extend(
                (pkey, due_date, step_order, rkey, cal, step.id, step.scope == "document")
                for step in decision.fire
            )
        cursor.execute(
            "CREATE TEMP TABLE ladder_dec (pkey bigint, due_date date, step_order int, "
            "rkey date, cal text, new_order int, new_reached date, new_next date) ON COMMIT DROP"
        )
        _copy(cursor, "ladder_dec", ("pkey", "due_date", "step_order", "rkey", "cal", "new_order",
                                     "new_reached", "new_next"), decisions)  # fmt: skip
        cursor.execute(
            "CREATE TEMP TABLE ladder_fire (pkey bigint, due_date date, step_order int, "
            "rkey date, cal text, step_id bigint, per_document boolean) ON COMMIT DROP"
        )
        _copy(cursor, "ladder_fire", ("pkey", "due_date", "step_order", "rkey", "cal",
                                      "step_id", "per_document"), fires)  # fmt: skip
        # 3. what each fired step covers: one row per (step, document)
        cursor.execute(
            "CREATE TEMP TABLE ladder_hit ON COMMIT DROP AS "
            "SELECT d.step_id, CASE WHEN d.per_document THEN c.doc_id ELSE c.cp_id END AS ref, "
            "c.doc_id, c.cp_id, c.open_amount AS amount, c.currency "
            "FROM ladder_cand c JOIN ladder_fire d ON " + KEY_JOIN + " WHERE NOT c.special"  # noqa: S608
        )
        hits = [
            (step_id, ref, doc_id, decided.doc_cp[doc_id], amount, currency)
            for (step_id, _kind, ref), docs in decided.groups.items()
            for doc_id, amount, currency in docs
        ]
        _copy(cursor, "ladder_hit", ("step_id", "ref", "doc_id", "cp_id", "amount", "currency"),
              hits)  # fmt: skip
        cursor.execute("ANALYZE ladder_hit")
        cursor.execute(
            "SELECT h.step_id, h.ref, min(h.cp_id), h.currency, sum(h.amount), count(*), "
            # in the order found (an ORDER BY here cost the first run at 1M 0.7 s)
            "array_agg(h.doc_id)::text "
            "FROM ladder_hit h GROUP BY h.step_id, h.ref, h.currency"
        )
        grouped: dict[tuple[int, int], list[Any]] = {}
        for step_id, ref, cp_id, currency, total, n, ids in cursor.fetchall():
            entry = grouped.setdefault((step_id, ref), [cp_id, [], 0, []])
            entry[1].append((currency, total))
            entry[2] += n
            entry[3].append(ids)
        cps = _counterparty_infos({entry[0] for entry in grouped.values()})
        drafts: list[TaskDraft] = []
        groups: dict[str, tuple[int, int]] = {}
        for (step_id, ref), (cp_id, pairs, n, texts) in grouped.items():
            kind = "d" if ctx.steps[step_id].step.scope == "document" else "c"
            # one array per currency (a document has one): a task over several joins them
            text = "{" + ",".join(t.strip("{}") for t in texts) + "}"
            draft = _draft(ctx, summary, (step_id, kind, ref), cps[cp_id], Amounts.of(pairs),
                           [], n, text)  # fmt: skip
            if draft is not None:
                drafts.append(draft)
                groups[draft.key] = (step_id, ref)

        def load_rows(wanted: list[TaskDraft]) -> None:
            """The documents of the calls `one_call_a_day` joins (a few debtors'), one read."""
            pairs = [groups[d.key] for d in wanted]
            cursor.execute(
                "SELECT h.step_id, h.ref, h.doc_id, h.amount, h.currency FROM ladder_hit h "
                "JOIN unnest(%s::bigint[], %s::bigint[]) AS w(step_id, ref) "
                "ON h.step_id = w.step_id AND h.ref = w.ref ORDER BY h.doc_id",
                [int_array(p[0] for p in pairs), int_array(p[1] for p in pairs)],
            )
            rows: dict[tuple[int, int], list[tuple[int, Decimal, str]]] = defaultdict(list)
            for step_id, ref, doc_id, amount, currency in cursor.fetchall():
                rows[(step_id, ref)].append((doc_id, amount, currency))
            for draft in wanted:
                draft.rows = rows[groups[draft.key]]

        write_tasks(ctx, drafts, summary, load_rows)
        _crash_point(summary.batches + 1)
        cursor.execute(PROGRESS_FROM_DECISIONS.format(""))
        cursor.execute(
            PROGRESS_FROM_DECISIONS.format("NOT")
            + " ON CONFLICT (document_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in PROGRESS_COLUMNS[1:])
        )
        _write_progress(decided.fresh, decided.known)


def _crash_point(batch: int) -> None:
    """The crash test kills the run here, inside a batch's transaction after its tasks are
    written (DUNWELL_LADDER_KILL_AT_BATCH=N): the re-run must end as one clean run."""
    if os.environ.get("DUNWELL_LADDER_KILL_AT_BATCH") == str(batch):
        os.kill(os.getpid(), signal.SIGKILL)


PENDING_SQL = """
SELECT p.counterparty_id FROM ladder_documentprogress p
WHERE p.next_due_on <= %s {shard_p}
UNION
SELECT d.counterparty_id FROM ledger_document d
WHERE d.open_amount > 0 AND d.due_date <= %s {shard_d}
  AND NOT EXISTS (SELECT 1 FROM ladder_documentprogress q WHERE q.document_id = d.id)
"""


# PostgreSQL's planner, left to itself, runs the run's two statements that read the whole open
# ledger in one process: it counts the cost of handing every row it expects from a second
# process to the first (`parallel_tuple_cost`), and it expects many rows where an anti-join
# leaves few (a re-run: none). At 1M documents (bench/RESULTS.md, twentieth part):
# - the open documents without progress: a hash anti-join, 0.76–0.89 s; split between two
#   processes 0.40–0.43 s (0.69–0.77 → 0.39–0.40 s in a first run's state, where all 762,500
#   due documents have none);
# - the open tasks whose documents are all paid: one probe per task, 0.44–0.59 s in one
#   process, 0.30–0.37 s in two. Without the join methods that read every task document and
#   every open document (1.0 s), the probes are what is left to split.
# The settings are local to each statement's transaction (`pg_settings`); how many processes
# is the server's `max_parallel_workers_per_gather` (docs/deploy.md).
PARALLEL_SCAN = {"parallel_tuple_cost": "0"}
PARALLEL_PROBES = {**PARALLEL_SCAN, "enable_hashjoin": "off", "enable_mergejoin": "off"}


def _pending_counterparties(ctx: Context, shard: tuple[int, int]) -> list[int]:
    """The counterparties with at least one document whose day has come: progress rows due
    (an index range scan on `next_due_on`) and open documents without progress (one anti-join,
    split between two processes: PARALLEL_SCAN). A re-run with nothing changed finds none and
    writes nothing."""
    shard_p = f"AND {_in_shard('p.counterparty_id', shard)}" if shard[1] > 1 else ""
    shard_d = f"AND {_in_shard('d.counterparty_id', shard)}" if shard[1] > 1 else ""
    with connection.cursor() as cursor, pg_settings(cursor, **PARALLEL_SCAN):
        cursor.execute(
            PENDING_SQL.format(shard_p=shard_p, shard_d=shard_d),
            [ctx.as_of, ctx.new_until],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _counterparty_ranges(ids: list[int], size: int) -> list[tuple[int, int]]:
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high. At
    1M documents the run's queries cross that line (the open tasks' probe costs ~1.3M), and
    compiling one with inlining and optimisation takes ~0.5 s, more than running it: index
    probes and hash joins over a few hundred thousand rows. The run switches JIT off for its
    session and puts the setting back afterwards (a worker's connection is reused)."""
    if not _is_postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        before = cursor.fetchone()[0]
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        # After an error inside an outer transaction the SET is rolled back with it.
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [before])


def run(
    as_of: date,
    *,
    shard: tuple[int, int] = (1, 1),
    progress: Progress | None = None,
    batch_size: int = BATCH_COUNTERPARTIES,
) -> RunSummary:
    """The daily run for `as_of` (one shard of it)."""
    summary = RunSummary(as_of=as_of, shard=f"{shard[0]}/{shard[1]}")
    with _without_jit():
        ctx = Context(as_of)
        _promises(as_of, shard, summary)
        _agreements(as_of, shard, summary)
        _pretension_deadlines(as_of, shard, summary)
        _cancel_paid(shard, summary)
        _drop_passed_reminders(as_of, shard, summary)
        nightly.apply_rules(ctx, shard, summary)
        _events(ctx, shard, summary)
        ranges = _counterparty_ranges(_pending_counterparties(ctx, shard), batch_size)
        for index, (lo, hi) in enumerate(ranges, start=1):
            with without_cycle_collection():
                _document_batch(ctx, lo, hi, shard, summary)
            summary.batches = index
            if progress is not None:
                progress(index, len(ranges), summary)
    return summary
