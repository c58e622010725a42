"""The demo company's past weeks (`dunwell demo`): the pressure scale's morning runs of the last
eight weeks and the work done on their tasks, so that legal cases were opened on many days and
moved on, and the team page and the KPIs show punctuality, not "—".

Everything goes through the services a run or a click uses, at the past moment it happened:

- each week the daily run (`ladder.engine.run`) ran for that day, at 07:00; its legal steps opened
  the debtors' legal cases (the legal app's hook), its later steps moved them on;
- the collectors, sales managers and supervisors did most of the run's tasks on the day (on
  time) or one to three working days later (late), through the work app's services: a call
  through the call card (`record_call_outcome`, with an outcome), a letter or email sent by hand
  (`record_written_step`), shipments stopped, the supervisor notified; a few were left undone;
- the lawyer prepared the pretension (`generate_document`) and sent it (`record_pretension_sent`:
  the response deadline), and when the run's court-filing step came after the deadline, filed
  most lawsuits (`file_lawsuit`) and had a hearing scheduled (`schedule_hearing`), and marked
  the others' step done on the case page (the lawsuit being prepared);
- the approvers (the director; the supervisor for the team's largest debts, which they put on a
  scale of their own beforehand: `demo.approvals`) approved most steps waiting for them on the
  day or a few days later; the others, and those of today's run, still wait;
- at the end of each working day everybody read the notices that had come in (the bell's
  `mark_notifications_read`), so only those of the last few days are still unread.

The services read the time from `django.utils.timezone.now`; while replaying a moment the demo
sets that clock to it (`_at`), so that every row they write (tasks, timeline entries, case
steps, deadlines, notices) carries the moment it happened. Deterministic (seeded); nothing is
written when the company has done tasks or legal cases already.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import can_decide_approval
from dunwell.demo.approvals import put_large_debts_on_approval
from dunwell.demo.courts import court_for
from dunwell.ladder.engine import run
from dunwell.ladder.models import Action, Task, TaskStatus
from dunwell.ladder.services import approve_task
from dunwell.ladder.services import complete_task as complete_ladder_task
from dunwell.ledger.models import Company, Contact
from dunwell.legal.errors import LegalError
from dunwell.legal.models import FINAL_STAGES, CaseStage, Channel, LegalCase, PaperKind
from dunwell.legal.services import (
    file_lawsuit,
    generate_document,
    record_pretension_sent,
    schedule_hearing,
)
from dunwell.work.errors import WorkError
from dunwell.work.models import Notification, Outcome, TaskAttachment
from dunwell.work.services import (
    OutcomeInput,
    complete_notify_task,
    confirm_shipments_stopped,
    mark_notifications_read,
    record_call_outcome,
    record_written_step,
)
from dunwell.workdays import WorkCalendar

PAST_WEEKS = 8  # a morning run each week, the oldest this many weeks ago
RUN_AT = time(7, 0)
OFFICE = (time(9, 0), time(17, 0))  # when the team works (company time)
DONE_SHARE = 0.92  # of a run's tasks someone did; the rest are still open
ON_TIME_SHARE = 0.75  # of those, done on the day within the task's window
# (outcome, weight) of a call made for a task, as in demo.history
CALL_OUTCOMES = ((Outcome.NO_ANSWER, 45), (Outcome.PROMISE, 40), (Outcome.REFUSED, 15))
LAWSUIT_SHARE = 0.7  # of the cases whose pretension went unanswered
# The staff read their notices near the end of each working day; those of the last
# READ_AFTER_DAYS days are still unread (the bell shows a handful, not two months' worth).
READ_AT = (time(16, 0), time(17, 30))
READ_AFTER_DAYS = 3
# A case whose pretension went unanswered: the run's court-filing step finds it here.
UNANSWERED = frozenset({CaseStage.AWAITING_RESPONSE, CaseStage.LAWSUIT_PREPARING})
WRITTEN = frozenset({Action.LETTER, Action.EMAIL, Action.FINAL_WARNING})
# What the lawyer (Laura Lupu, Bucharest) wrote on a court-filing step not filed yet.
PREPARING = "Pregătesc cererea de chemare în judecată"
# What was sent by hand: a one-page PDF stands for the letter the collector printed.
LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class Past:
    runs: int
    tasks_done: int
    tasks_late: int
    cases: int
    pretensions_sent: int
    lawsuits: int
    notices_read: int = 0


def _void(_result: object) -> None:
    """A service's result, not needed here."""


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """The services' clock reads `moment` (see the module)."""
    with mock.patch("django.utils.timezone.now", lambda: moment):
        yield


def run_days(calendar: WorkCalendar, as_of: date, weeks: int = PAST_WEEKS) -> list[date]:
    """One working day a week, the oldest `weeks` weeks before `as_of`, oldest first."""
    days = []
    for week in range(weeks, 0, -1):
        day = as_of - timedelta(days=7 * week)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        days.append(day)
    return days


class _Replay:
    def __init__(self, company: Company, as_of: date, seed: int) -> None:
        self.company = company
        self.as_of = as_of
        self.seed = seed
        self.rng = random.Random(f"{seed}:past")
        self.zone = ZoneInfo(company.time_zone or settings.TIME_ZONE)
        self.calendar = WorkCalendar(company.calendar_country)
        self.lawyer = User.objects.filter(role=Role.LAWYER, is_active=True).order_by("pk").first()
        self.contacts: dict[int, int] = {}
        for cp, contact in (
            Contact.objects.filter(counterparty__company=company)
            .order_by("counterparty_id", "-decides_payments", "pk")
            .values_list("counterparty_id", "pk")
        ):
            self.contacts.setdefault(cp, contact)
        # (moment, what to do) of the work after a run, done in time order before the next
        self.agenda: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self.sent = self.lawsuits = 0

    def moment(self, day: date, start: time = OFFICE[0], end: time = OFFICE[1]) -> datetime:
        first = datetime.combine(day, start, tzinfo=self.zone)
        last = datetime.combine(day, end, tzinfo=self.zone)
        return first + timedelta(seconds=self.rng.randrange(int((last - first).total_seconds())))

    def later_day(self, day: date, until: date) -> date | None:
        """A working day 1–3 after `day`, before `until` (None when there is none)."""
        later = self.calendar.add_working_days(day, self.rng.randint(1, 3))
        return later if later < until else None

    def plan(self, at: datetime, work: Callable[[datetime], None]) -> None:
        self.agenda.append((at, len(self.agenda), work))

    def replay(self) -> None:
        """Do the planned work in time order, each at its moment."""
        self.agenda.sort(key=lambda item: (item[0], item[1]))
        for at, _n, work in self.agenda:
            with _at(at), transaction.atomic():
                work(at)
        self.agenda.clear()

    # -- a run's tasks ---------------------------------------------------------------------

    def work_tasks(self, day: date, since: datetime, next_run: date) -> None:
        cases: set[int] = set()  # the lawyer works each case once, whatever its tasks
        tasks = (
            Task.objects.filter(
                counterparty__company=self.company,
                created_at__gte=since,
                status=TaskStatus.OPEN,
                assignee__isnull=False,
            )
            .select_related("assignee", "counterparty")
            .order_by("pk")
        )
        for approval in (
            Task.objects.filter(
                counterparty__company=self.company,
                created_at__gte=since,
                status=TaskStatus.AWAITING_APPROVAL,
            )
            .select_related("counterparty")
            .order_by("pk")
        ):
            self.plan_decision(approval, day, next_run)
        for task in tasks:
            if task.action in (Action.PRETENSION, Action.COURT_FILING):
                if task.counterparty_id not in cases:
                    cases.add(task.counterparty_id)
                    if task.action == Action.PRETENSION:
                        self.plan_pretension(task, day, next_run)
                    else:
                        self.plan_lawsuit(task, day, next_run)
                continue
            work = self.work_for(task)
            if work is None or self.rng.random() >= DONE_SHARE:
                continue
            when = self.when_done(task, day, next_run)
            if when is not None:
                self.plan(when, work)

    def when_done(self, task: Task, day: date, next_run: date) -> datetime | None:
        """On the day within the task's window and office hours (on time), else on a later
        working day (late)."""
        window_start = task.window_start or task.due_at
        start = max(window_start, datetime.combine(day, OFFICE[0], tzinfo=self.zone))
        end = min(task.due_at, datetime.combine(day, OFFICE[1], tzinfo=self.zone))
        if self.rng.random() < ON_TIME_SHARE and end - start > timedelta(minutes=10):
            seconds = int((end - start).total_seconds()) - 60
            return start + timedelta(seconds=self.rng.randrange(seconds))
        later = self.later_day(day, next_run)
        return self.moment(later) if later is not None else None

    def work_for(self, task: Task) -> Callable[[datetime], None] | None:
        by = task.assignee
        assert by is not None
        if task.action == Action.CALL and by.role == Role.COLLECTOR:
            return lambda at: self.call(task, by, at)
        if task.action in WRITTEN:

            def send(at: datetime) -> None:
                record_written_step(
                    by,
                    task,
                    method=TaskAttachment.Method.BY_HAND,
                    file_name=f"{task.get_action_display()} {task.counterparty.name}.pdf",
                    content=LETTER_PDF,
                    content_type="application/pdf",
                )

            return send
        if task.action == Action.NOTIFY_SUPERVISOR:
            return lambda at: _void(complete_notify_task(by, task))
        if task.action == Action.STOP_SHIPMENTS:
            return lambda at: _void(confirm_shipments_stopped(by, task))
        return None  # a meeting, the director's decision …: still to do

    def call(self, task: Task, by: User, at: datetime) -> None:
        outcome = self.rng.choices(
            [o for o, _w in CALL_OUTCOMES], weights=[w for _o, w in CALL_OUTCOMES]
        )[0]
        data = OutcomeInput(
            outcome=outcome, contact_id=self.contacts.get(task.counterparty_id), task_id=task.pk
        )
        if outcome == Outcome.PROMISE:
            if not task.amount or not task.currency:
                data.outcome = Outcome.NO_ANSWER
            else:
                day = at.astimezone(self.zone).date()
                data.promised_on = self.calendar.add_working_days(day, self.rng.randint(2, 7))
                data.promised_amount, data.promised_currency = task.amount, task.currency
        try:
            record_call_outcome(by, task.counterparty, data, now=at)
        except WorkError:
            return  # the task closed meanwhile (the debt was paid): nothing to call about

    # -- the approvers ---------------------------------------------------------------------

    def approver(self, task: Task) -> User | None:
        """Who decides a step waiting for approval: the first user of its approval role who may
        (a supervisor: the debtor's team's)."""
        for user in User.objects.filter(role=task.approval_role, is_active=True).order_by("pk"):
            if can_decide_approval(user, task):
                return user
        return None

    def plan_decision(self, task: Task, day: date, next_run: date) -> None:
        """The approver approves most steps on the day of the run or a few working days later;
        the others still wait (with those of today's run, the approvals page's work)."""
        approver = self.approver(task)
        if approver is None or self.rng.random() >= DONE_SHARE:
            return
        if self.rng.random() < ON_TIME_SHARE:
            at = self.moment(day, time(9, 0), time(12, 0))
        else:
            later = self.later_day(day, next_run)
            if later is None:
                return
            at = self.moment(later)
        self.plan(at, lambda at: _void(approve_task(task, user=approver)))

    # -- the lawyer ------------------------------------------------------------------------

    def plan_pretension(self, task: Task, day: date, next_run: date) -> None:
        case = (
            LegalCase.objects.filter(counterparty_id=task.counterparty_id)
            .exclude(stage__in=FINAL_STAGES)
            .first()
        )
        if case is None or self.lawyer is None or self.rng.random() >= DONE_SHARE:
            return
        lawyer = self.lawyer
        if case.stage != CaseStage.NEW:
            # A pretension step for documents fallen due after the letter went out: left open.
            # Marked done it would start a claim period of its own, and a second court filing.
            return
        prepared = self.calendar.add_working_days(day, self.rng.choice((0, 0, 0, 1, 2)))
        if prepared >= next_run:
            return

        def prepare(at: datetime) -> None:
            # The letter, with its claim calculation, in the debtor's language; when it cannot
            # be made (a rate missing) the lawyer wrote it outside and records the sending.
            with suppress(LegalError):
                generate_document(
                    case.counterparty, PaperKind.PRETENSION, lawyer, case=case, pdf=False,
                    today=prepared,
                )  # fmt: skip
            case.refresh_from_db()
            record_pretension_sent(case, lawyer, sent_on=prepared, channel=Channel.POST)
            self.sent += 1

        self.plan(self.moment(prepared, time(10, 0), time(16, 0)), prepare)

    def plan_lawsuit(self, task: Task, day: date, next_run: date) -> None:
        case = (
            LegalCase.objects.filter(counterparty_id=task.counterparty_id)
            .exclude(stage__in=FINAL_STAGES)
            .first()
        )
        if case is None or self.lawyer is None or case.stage not in UNANSWERED:
            return
        lawyer = self.lawyer
        if self.rng.random() >= LAWSUIT_SHARE:
            # Not filed yet: on the case page the lawyer marks the step and the passed response
            # deadline done, with what they wrote there (the case: "lawsuit being prepared").
            begun = self.calendar.add_working_days(day, self.rng.randint(0, 2))
            if begun < next_run:

                def begin(at: datetime) -> None:
                    for due in Task.objects.filter(
                        counterparty_id=task.counterparty_id,
                        action=Action.COURT_FILING,
                        status=TaskStatus.OPEN,
                    ).order_by("pk"):
                        complete_ladder_task(due, user=lawyer, result=PREPARING)

                self.plan(self.moment(begun, time(10, 0), time(16, 0)), begin)
            return
        filed = self.calendar.add_working_days(day, self.rng.randint(2, 4))
        if filed >= next_run:
            return
        # The court of the debtor's country and city, its file number written as it writes them.
        debtor = case.counterparty
        court, number = court_for(
            debtor.country, debtor.address, self.rng.randrange(1000, 48000), filed.year
        )
        hearing_in = self.rng.randint(30, 60)

        def file(at: datetime) -> None:
            principal, interest = self.claim(case)
            filed_case = file_lawsuit(
                case, lawyer, court=court, case_number=number, filed_on=filed,
                principal=principal, interest=interest,
                state_fee=(principal * Decimal("0.02")).quantize(Decimal("0.01")),
            )  # fmt: skip
            hearing = max(filed + timedelta(days=hearing_in), self.as_of + timedelta(days=3))
            hearing = self.calendar.next_working_day(hearing)
            schedule_hearing(
                filed_case, lawyer, at=datetime.combine(hearing, time(9, 30), tzinfo=self.zone)
            )
            self.lawsuits += 1

        self.plan(self.moment(filed, time(10, 0), time(16, 0)), file)

    # -- the notices ------------------------------------------------------------------------

    def read_notices(self, until: date) -> int:
        """Near the end of each working day before `until`, each recipient read the notices
        that had come in by then, through the bell's own service at that moment."""
        rng = random.Random(f"{self.seed}:read")  # its own stream: the replay stays as it was
        unread = Notification.objects.filter(
            counterparty__company=self.company,
            read_at__isnull=True,
            created_at__lt=datetime.combine(until, time(0), tzinfo=self.zone),
        )
        first = unread.order_by("created_at").values_list("created_at", flat=True).first()
        if first is None:
            return 0
        readers = list(User.objects.filter(pk__in=unread.values("recipient_id")).order_by("pk"))
        read = 0
        day = first.astimezone(self.zone).date()
        while day < until:
            if self.calendar.is_working_day(day):
                start = datetime.combine(day, READ_AT[0], tzinfo=self.zone)
                end = datetime.combine(day, READ_AT[1], tzinfo=self.zone)
                span = int((end - start).total_seconds())
                for reader in readers:
                    at = start + timedelta(seconds=rng.randrange(span))
                    ids = list(
                        unread.filter(recipient=reader, created_at__lte=at).values_list(
                            "pk", flat=True
                        )
                    )
                    if ids:
                        with _at(at):
                            read += mark_notifications_read(reader, ids)
            day += timedelta(days=1)
        return read

    @staticmethod
    def claim(case: LegalCase) -> tuple[Decimal, Decimal]:
        """The principal and the penalty of the case's pretension letter, else what its
        documents still owe in its currency."""
        letter = case.papers.filter(kind=PaperKind.PRETENSION).order_by("-created_at").first()
        raw = letter.data.get("raw", {}) if letter is not None else {}
        for group in raw.get("groups", []):
            if group.get("currency") == case.currency:
                return Decimal(group["principal"]), Decimal(group["interest"])
        owed = sum(
            (d.open_amount for d in case.documents if d.currency == case.currency), Decimal(0)
        )
        return owed, Decimal(0)


def seed_past(
    company: Company,
    as_of: date,
    *,
    seed: int,
    weeks: int = PAST_WEEKS,
    say: Callable[[str], object] = lambda _line: None,
) -> Past:
    """Replay the runs and the work of the `weeks` weeks before `as_of` (see the module);
    `say` hears which week is being replayed (the replay takes a while)."""
    if (
        Task.objects.filter(counterparty__company=company, status=TaskStatus.DONE).exists()
        or LegalCase.objects.filter(company=company).exists()
    ):
        return Past(0, 0, 0, 0, 0, 0)
    replay = _Replay(company, as_of, seed)
    days = run_days(replay.calendar, as_of, weeks)
    # The supervisor put the team's largest debts on the scale they approve, the week before.
    with _at(replay.moment(replay.calendar.next_working_day(days[0] - timedelta(days=7)))):
        put_large_debts_on_approval(company)
    for number, (day, next_run) in enumerate(zip(days, [*days[1:], as_of], strict=True), 1):
        say(f"  the last {weeks} weeks: {number}/{len(days)}, the run of {day.isoformat()}")
        since = datetime.combine(day, RUN_AT, tzinfo=replay.zone)
        with _at(since):
            run(day)
        replay.work_tasks(day, since, next_run)
        replay.replay()
    read = replay.read_notices(as_of - timedelta(days=READ_AFTER_DAYS))
    done = Task.objects.filter(counterparty__company=company, status=TaskStatus.DONE)
    return Past(
        runs=len(days),
        tasks_done=done.count(),
        tasks_late=done.filter(done_at__gt=F("due_at")).count(),
        cases=LegalCase.objects.filter(company=company).count(),
        pretensions_sent=replay.sent,
        lawsuits=replay.lawsuits,
        notices_read=read,
    )
