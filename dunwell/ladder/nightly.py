"""The nightly rules: what the morning run applies besides the ladder's steps (issue 8).

`apply_rules` is called once from `engine.run()`, after the transitions (promises, agreements,
paid tasks) and before the documents are decided, so a grace that ends tonight lets its
debtor's documents be decided in the same run. Each rule is set-based (one query finds its
rows, writes are bulk), idempotent (a second run the same day finds nothing to do: the keys of
the tasks it writes are unique, ended graces carry `ended_at`) and runs in its own transaction.

1. graces past their `until`, or whose capped open amount grew beyond the limit, end;
2. open disputes past their deadline escalate to the supervisor of the responsible person:
   one task and one in-app notification per dispute;
3. call-back tasks not done by their time + LADDER_STALE_CALL_BACK_HOURS are closed and
   retried on the next working day, within the step's window;
4. calls that got no answer are retried the same way;
5. a step the approver refused until a day is asked again on that day while still unpaid;
6. the hooks that higher apps registered run (the workspace's stalling detector).

The ladder never imports the apps above it (STYLE: apps depend downwards): the workspace
registers its stalling detector, its notifier and its "calls without an answer" source here
in its `AppConfig.ready`, and this module calls them explicitly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Mod
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.ladder import events
from dunwell.ladder.decide import task_window
from dunwell.ladder.models import (
    CALL_AGAIN,
    CALL_AGAIN_NO_ANSWER,
    CALL_MISSED_RETRIED,
    OPEN_STATUSES,
    Action,
    Dispute,
    DisputeStatus,
    DocumentProgress,
    Grace,
    Task,
    TaskStatus,
)
from dunwell.ladder.timeline_texts import CALL_BACK_RETRIED, NO_ANSWER_RETRIED
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.money import Amounts, quantize
from dunwell.workdays import WorkCalendar

if TYPE_CHECKING:
    from dunwell.ladder.engine import Context, RunSummary


@dataclass(frozen=True)
class NightlyRun:
    """What a nightly rule or hook gets: the day, the moment, the shard and the summary."""

    as_of: date
    now: datetime
    shard: tuple[int, int]
    summary: RunSummary
    ctx: Context

    def in_shard(self, qs: QuerySet[Any], field_name: str = "counterparty_id") -> QuerySet[Any]:
        """`qs` restricted to the counterparties of this run's shard."""
        k, n = self.shard
        if n == 1:
            return qs
        return qs.annotate(_shard=Mod(field_name, n)).filter(_shard=k - 1)

    def owns(self, counterparty_id: int) -> bool:
        k, n = self.shard
        return counterparty_id % n == k - 1


@dataclass(frozen=True)
class UnansweredCall:
    """A call that got no answer, as the workspace recorded it."""

    call_id: int
    counterparty_id: int
    at: datetime
    task_id: int | None  # the ladder task the call was made for, if any


class Notifier(Protocol):
    def __call__(
        self,
        recipient_id: int,
        kind: str,
        message: StrOrPromise,
        params: dict[str, Any],
        counterparty_id: int,
        key: str,
    ) -> None: ...


NightlyHook = Callable[[NightlyRun], None]
UnansweredSource = Callable[[datetime, datetime], Iterable[UnansweredCall]]

_hooks: list[NightlyHook] = []
_notifiers: list[Notifier] = []
_unanswered_sources: list[UnansweredSource] = []


def register_hook(hook: NightlyHook) -> None:
    """Run `hook` at the end of every nightly run (higher apps call this in ready())."""
    if hook not in _hooks:
        _hooks.append(hook)


def register_notifier(notifier: Notifier) -> None:
    """Deliver the nightly rules' notices (the workspace's in-app notifications)."""
    if notifier not in _notifiers:
        _notifiers.append(notifier)


def register_unanswered_source(source: UnansweredSource) -> None:
    """`source(since, until)` lists the calls without an answer in that period, each the
    latest call of its debtor."""
    if source not in _unanswered_sources:
        _unanswered_sources.append(source)


def notify(
    recipient_id: int,
    kind: str,
    message: StrOrPromise,
    params: dict[str, Any],
    counterparty_id: int,
    key: str,
) -> None:
    """Hand a notice to every registered notifier (rendered in the recipient's language)."""
    for notifier in list(_notifiers):
        notifier(recipient_id, kind, message, params, counterparty_id, key)


def stale_call_back_hours() -> int:
    """Hours after its time a call-back task counts as missed (LADDER_STALE_CALL_BACK_HOURS)."""
    return int(getattr(settings, "LADDER_STALE_CALL_BACK_HOURS", 4))


def unanswered_lookback() -> timedelta:
    """How far back the run looks for unanswered calls (a run missed for a few days still
    retries them once: the retry's key is the call)."""
    return timedelta(days=int(getattr(settings, "LADDER_NO_ANSWER_LOOKBACK_DAYS", 3)))


def apply_rules(ctx: Context, shard: tuple[int, int], summary: RunSummary) -> None:
    """Apply every nightly rule for `ctx.as_of` (one shard); see the module docstring."""
    run = NightlyRun(ctx.as_of, timezone.now(), shard, summary, ctx)
    end_graces_over_limit(run)
    end_expired_graces(run)
    escalate_overdue_disputes(run)
    retry_stale_call_backs(run)
    retry_unanswered_calls(run)
    ask_again_refused_steps(run)
    for hook in list(_hooks):
        hook(run)


# --- helpers ---------------------------------------------------------------------------------


def _timeline_rows(
    rows: Iterable[tuple[int, str, str, dict[str, Any]]], now: datetime
) -> list[TimelineEntry]:
    return [
        TimelineEntry(counterparty_id=cp, at=now, actor=None, kind=kind, summary=text, data=data)
        for cp, kind, text, data in rows
    ]


def _recheck(counterparty_ids: Sequence[int], as_of: date) -> None:
    """Let the documents of these debtors be decided in this very run."""
    ids = sorted(set(counterparty_ids))
    for start in range(0, len(ids), 5000):
        DocumentProgress.objects.filter(
            document__counterparty_id__in=ids[start : start + 5000]
        ).update(next_due_on=as_of)


def _language_of(user_id: int | None) -> str:
    if user_id is None:
        return str(settings.LANGUAGE_CODE)
    language = User.objects.filter(pk=user_id).values_list("language", flat=True).first()
    return language or str(settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class _Debtor:
    id: int
    name: str
    company_id: int
    country: str
    time_zone: str
    collector_id: int | None


def _debtors(ids: Iterable[int]) -> dict[int, _Debtor]:
    wanted = sorted(set(ids))
    out: dict[int, _Debtor] = {}
    for start in range(0, len(wanted), 5000):
        for row in Counterparty.objects.filter(pk__in=wanted[start : start + 5000]).values_list(
            "id", "name", "company_id", "country", "time_zone", "collector_id"
        ):
            out[row[0]] = _Debtor(*row)
    return out


def retry_window(
    run: NightlyRun,
    debtor: _Debtor,
    after: date,
    start: time | None,
    end: time | None,
) -> tuple[datetime, datetime]:
    """The window of a retry: the first working day after `after` (never before the run's
    day), between `start` and `end` in the debtor's time zone (the step's window)."""
    calendar = WorkCalendar(debtor.country or "RO", run.ctx.closed.get(debtor.company_id, ()))
    day = calendar.next_working_day(max(after + timedelta(days=1), run.as_of))
    return task_window(day, start, end, debtor.time_zone)


# --- 1. graces -------------------------------------------------------------------------------


def _open_by_currency(counterparty_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
    totals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for cp, currency, total in (
        Document.objects.filter(counterparty_id__in=counterparty_ids, open_amount__gt=0)
        .values("counterparty_id", "currency")
        .annotate(total=Sum("open_amount"))
        .values_list("counterparty_id", "currency", "total")
    ):
        totals[cp][currency] = total
    return totals


CENT = Decimal("0.01")


def exceeded_limits(
    limits: dict[str, Any], open_amounts: dict[str, Decimal]
) -> list[tuple[str, Decimal, Decimal]]:
    """(currency, open, limit) for every capped currency whose open amount is above its cap.
    Currencies are compared one by one, never added."""
    out = []
    for currency, raw in sorted(limits.items()):
        try:
            limit = Decimal(str(raw))
        except InvalidOperation:
            continue
        amount = Decimal(str(open_amounts.get(currency, 0))).quantize(CENT)
        if amount > limit:
            out.append((currency, amount, limit.quantize(CENT)))
    return out


def end_graces_over_limit(run: NightlyRun) -> None:
    """A grace covers at most its limit per currency: when the debtor's open amount in a
    capped currency grows beyond it, the grace ends tonight and the ladder resumes."""
    graces = list(
        run.in_shard(Grace.objects.filter(ended_at=None, until__gte=run.as_of))
        .exclude(limits={})
        .values_list("id", "counterparty_id", "limits", "until")
    )
    graces = [g for g in graces if g[2]]
    if not graces:
        return
    open_amounts = _open_by_currency([g[1] for g in graces])
    ending: list[tuple[int, int, str, dict[str, Any]]] = []
    for grace_id, cp, limits, until in graces:
        over = exceeded_limits(limits, open_amounts.get(cp, {}))
        if over:
            text = "; ".join(f"{amount} {cur} > {limit} {cur}" for cur, amount, limit in over)
            data = {
                "until": until.isoformat(),
                "ended": "limit",
                "over": [[cur, str(amount), str(limit)] for cur, amount, limit in over],
            }
            ending.append((grace_id, cp, text, data))
    if not ending:
        return
    with transaction.atomic():
        ended: list[tuple[int, str, str, dict[str, Any]]] = []
        for grace_id, cp, text, data in ending:
            # the conditional update is the claim: a concurrent run ends it once
            if Grace.objects.filter(pk=grace_id, ended_at=None).update(
                ended_at=run.now,
                until=run.as_of - timedelta(days=1),
                end_reason=f"limit: {text}",
            ):
                summary = f"Grace ended: the open amount exceeds its limit ({text})"
                ended.append((cp, "ladder.grace_ended", summary, {"grace": grace_id, **data}))
        TimelineEntry.objects.bulk_create(_timeline_rows(ended, run.now))
        _recheck([row[0] for row in ended], run.as_of)
    run.summary.transitions["grace_ended_over_limit"] += len(ended)


def end_expired_graces(run: NightlyRun) -> None:
    """A grace whose `until` has passed ends: a "grace ended" entry on the timeline, and the
    ladder resumes for the debtor's documents in this run."""
    with transaction.atomic():
        expired = list(
            run.in_shard(Grace.objects.filter(ended_at=None, until__lt=run.as_of))
            .select_for_update()
            .values_list("id", "counterparty_id", "until")
        )
        if not expired:
            return
        Grace.objects.filter(pk__in=[g[0] for g in expired], ended_at=None).update(
            ended_at=run.now, end_reason="expired"
        )
        TimelineEntry.objects.bulk_create(
            _timeline_rows(
                (
                    (
                        cp,
                        "ladder.grace_ended",
                        f"Grace ended (forgiven until {until:%d.%m.%Y}): the ladder resumes",
                        {"grace": grace_id, "until": until.isoformat(), "ended": "expired"},
                    )
                    for grace_id, cp, until in expired
                ),
                run.now,
            )
        )
        _recheck([g[1] for g in expired], run.as_of)
    run.summary.transitions["grace_ended"] += len(expired)


# --- 2. overdue disputes ---------------------------------------------------------------------

OVERDUE_DISPUTE_TITLE = gettext_lazy("Overdue dispute: %(debtor)s")
OVERDUE_DISPUTE_NOTICE = gettext_lazy(
    "The dispute of %(debtor)s (%(reason)s, %(amount)s %(currency)s) passed its deadline "
    "%(deadline)s without a resolution."
)


def _supervisor_for(run: NightlyRun, responsible_id: int | None, collector_id: int | None) -> Any:
    """The supervisor of the responsible person (else of the collector), else the director."""
    for person in (responsible_id, collector_id):
        boss = run.ctx.supervisor_of.get(person) if person else None
        if boss:
            return boss
    return run.ctx.directors[0] if run.ctx.directors else None


def dispute_key(dispute_id: int) -> str:
    return f"dispute_overdue:{dispute_id}"


def settle_key(dispute_id: int) -> str:
    """The key of the task the dispute's settler gets when it is routed (`services`)."""
    return f"dispute:{dispute_id}"


def escalate_overdue_disputes(run: NightlyRun) -> None:
    """An open dispute past its deadline: a task for the supervisor of the responsible person
    to settle it, and an in-app notification — once per dispute (the task key)."""
    overdue = list(
        run.in_shard(
            Dispute.objects.filter(
                status=DisputeStatus.OPEN, deadline__isnull=False, deadline__lt=run.as_of
            )
        ).values(
            "id", "counterparty_id", "responsible_id", "deadline", "amount", "currency", "reason"
        )
    )
    if not overdue:
        return
    done = set(
        Task.objects.filter(key__in=[dispute_key(d["id"]) for d in overdue]).values_list(
            "key", flat=True
        )
    )
    overdue = [d for d in overdue if dispute_key(d["id"]) not in done]
    if not overdue:
        return
    debtors = _debtors(d["counterparty_id"] for d in overdue)
    reasons = dict(Dispute._meta.get_field("reason").choices or [])
    # The settler's own open task (`settle_key`), by dispute: when the supervisor picked is
    # that same person, their task becomes the escalation (one task, not two).
    settling = {
        key: (task_id, assignee_id)
        for key, task_id, assignee_id in Task.objects.filter(
            key__in=[settle_key(d["id"]) for d in overdue], status__in=OPEN_STATUSES
        ).values_list("key", "id", "assignee_id")
    }
    with transaction.atomic():
        tasks: list[Task] = []
        rekeyed: list[tuple[int, str]] = []
        notices: list[tuple[int, dict[str, Any], int, str]] = []
        timeline: list[tuple[int, str, str, dict[str, Any]]] = []
        docs: dict[int, list[int]] = defaultdict(list)
        for dispute_id, doc_id in Dispute.documents.through.objects.filter(
            dispute_id__in=[d["id"] for d in overdue]
        ).values_list("dispute_id", "document_id"):
            docs[dispute_id].append(doc_id)
        for dispute in overdue:
            debtor = debtors[dispute["counterparty_id"]]
            boss = _supervisor_for(run, dispute["responsible_id"], debtor.collector_id)
            begins, ends = retry_window(run, debtor, run.as_of - timedelta(days=1), None, None)
            params = {
                "debtor": debtor.name,
                "amount": dispute["amount"],
                "currency": dispute["currency"],
                "deadline": dispute["deadline"].strftime("%d.%m.%Y"),
            }
            with translation.override(_language_of(boss)):
                params["reason"] = str(reasons.get(dispute["reason"], dispute["reason"]))
                title = str(OVERDUE_DISPUTE_TITLE) % params
                instructions = str(OVERDUE_DISPUTE_NOTICE) % params
            key = dispute_key(dispute["id"])
            own = settling.get(settle_key(dispute["id"]))
            if own is not None and own[1] == boss:
                rekeyed.append((own[0], key))
            else:
                tasks.append(
                    Task(
                        counterparty_id=debtor.id,
                        assignee_id=boss,
                        action=Action.REVIEW_DISPUTE,
                        title=title[:255],
                        instructions=instructions,
                        due_at=ends,
                        window_start=begins,
                        window_end=ends,
                        amount=dispute["amount"],
                        currency=dispute["currency"],
                        key=key,
                        document_ids=docs.get(dispute["id"], []),
                    )
                )
            if boss is not None:  # the notice is rendered in every language: lazy reason, a date
                notice = {**params, "deadline": dispute["deadline"]}
                notice["reason"] = reasons.get(dispute["reason"], dispute["reason"])
                notices.append((boss, notice, debtor.id, key))
            timeline.append(
                (
                    debtor.id,
                    "ladder.dispute_overdue",
                    f"Dispute past its deadline {params['deadline']}: escalated to the supervisor",
                    {"dispute": dispute["id"], "assignee": boss},
                )
            )
        for task_id, key in rekeyed:
            Task.objects.filter(pk=task_id).update(key=key)
        Task.objects.bulk_create(tasks)
        events.tasks_created(
            Task.objects.filter(key__in=[t.key for t in tasks]).values_list("id", flat=True)
        )
        TimelineEntry.objects.bulk_create(_timeline_rows(timeline, run.now))
        for recipient, params, cp, key in notices:
            notify(recipient, "dispute", OVERDUE_DISPUTE_NOTICE, params, cp, key)
    run.summary.transitions["dispute_overdue"] += len(tasks) + len(rekeyed)
    run.summary.tasks_created[Action.REVIEW_DISPUTE] += len(tasks)


# --- 3 and 4. retries ------------------------------------------------------------------------

# Stored in English, read in each reader's language (models.stepless_title, timeline_texts).
RETRY_TITLE = CALL_AGAIN
NO_ANSWER_TITLE = CALL_AGAIN_NO_ANSWER
_RETRY_PREFIXES = tuple(title.split("%(")[0] for title in (RETRY_TITLE, NO_ANSWER_TITLE))


def retry_title(title: str) -> str:
    """The title of the retry of a missed call-back. A call-back that was itself a retry keeps
    its title: three missed days read 'Call again: Call again: Call again (no answer): …'."""
    if title.startswith(_RETRY_PREFIXES):
        return title
    return RETRY_TITLE % {"title": title}


def _retry_task(
    run: NightlyRun,
    debtor: _Debtor,
    assignee_id: int | None,
    title: str,
    after: date,
    window: tuple[time | None, time | None],
    key: str,
    instructions: str = "",
) -> Task:
    begins, ends = retry_window(run, debtor, after, *window)
    return Task(
        counterparty_id=debtor.id,
        assignee_id=assignee_id if assignee_id is not None else debtor.collector_id,
        action=Action.CALL,
        title=title[:255],
        instructions=instructions,
        due_at=ends,
        window_start=begins,
        window_end=ends,
        currency="",
        key=key,
    )


def _local_day(task: Task, debtor: _Debtor) -> str:
    """The day a retry is planned for, as the debtor's clock reads it (ISO, for the timeline)."""
    assert task.window_start is not None
    return timezone.localtime(task.window_start, _zone(debtor.time_zone)).date().isoformat()


def _step_window(task: Task | None) -> tuple[time | None, time | None]:
    if task is not None and task.step is not None:
        return task.step.window_start, task.step.window_end
    return None, None


def retry_stale_call_backs(run: NightlyRun) -> None:
    """A call-back (a call task made by hand, not by a ladder step) still open
    LADDER_STALE_CALL_BACK_HOURS after its time is closed as missed and planned again on the
    next working day."""
    cutoff = run.now - timedelta(hours=stale_call_back_hours())
    with transaction.atomic():
        stale = list(
            run.in_shard(
                Task.objects.filter(
                    action=Action.CALL, step=None, status=TaskStatus.OPEN, due_at__lt=cutoff
                )
            )
            .select_for_update()
            .values_list("id", "counterparty_id", "assignee_id", "title", "due_at", "window_end")
        )
        if not stale:
            return
        debtors = _debtors(row[1] for row in stale)
        new: list[Task] = []
        timeline: list[tuple[int, str, str, dict[str, Any]]] = []
        for task_id, cp, assignee, title, due_at, _end in stale:
            debtor = debtors[cp]
            local_day = timezone.localtime(due_at, _zone(debtor.time_zone)).date()
            new.append(
                _retry_task(
                    run,
                    debtor,
                    assignee,
                    retry_title(title),
                    local_day,
                    (None, None),
                    f"retry:{task_id}",
                )
            )
            timeline.append(
                (
                    cp,
                    "ladder.call_back_missed",
                    CALL_BACK_RETRIED
                    % {"title": title, "date": f"{new[-1].window_start:%d.%m.%Y}"},
                    {"task": task_id, "title": title, "day": _local_day(new[-1], debtor)},
                )
            )
        Task.objects.filter(pk__in=[row[0] for row in stale], status=TaskStatus.OPEN).update(
            status=TaskStatus.SKIPPED,
            skip_reason=CALL_MISSED_RETRIED,
            done_at=run.now,
        )
        _create_new(new)
        TimelineEntry.objects.bulk_create(_timeline_rows(timeline, run.now))
    run.summary.transitions["call_back_missed"] += len(stale)


def _create_new(tasks: list[Task]) -> list[Task]:
    """Insert the tasks whose key does not exist yet (a re-run creates nothing twice)."""
    if not tasks:
        return []
    existing = set(
        Task.objects.filter(key__in=[t.key for t in tasks]).values_list("key", flat=True)
    )
    fresh = [t for t in tasks if t.key not in existing]
    Task.objects.bulk_create(fresh)
    events.tasks_created(
        Task.objects.filter(key__in=[t.key for t in fresh]).values_list("id", flat=True)
    )
    return fresh


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


def open_calls(counterparty_ids: Iterable[int]) -> QuerySet[Task]:
    """The open call tasks of these debtors: the one rule for "the debtor already has a call".
    An unanswered call is not retried while one is open (below); the daily run gives no
    second call the same day to the same person, the open call takes the new call's documents
    (`engine.one_call_a_day`)."""
    return Task.objects.filter(
        counterparty_id__any=sorted(set(counterparty_ids)),
        action=Action.CALL,
        status=TaskStatus.OPEN,
    )


def retry_unanswered_calls(run: NightlyRun) -> None:
    """A call that got no answer (the debtor's latest call) is tried again on the next
    working day, within the window of the step it was made for — unless another call task for
    the debtor is already open."""
    calls = [
        call
        for source in _unanswered_sources
        for call in source(run.now - unanswered_lookback(), run.now)
        if run.owns(call.counterparty_id)
    ]
    if not calls:
        return
    keys = {f"retry:call{c.call_id}" for c in calls}
    done = set(Task.objects.filter(key__in=keys).values_list("key", flat=True))
    calls = [c for c in calls if f"retry:call{c.call_id}" not in done]
    busy = set(
        open_calls(c.counterparty_id for c in calls).values_list("counterparty_id", flat=True)
    )
    calls = [c for c in calls if c.counterparty_id not in busy]
    if not calls:
        return
    origins = Task.objects.select_related("step").in_bulk(
        [c.task_id for c in calls if c.task_id is not None]
    )
    debtors = _debtors(c.counterparty_id for c in calls)
    new: list[Task] = []
    for call in calls:
        debtor = debtors[call.counterparty_id]
        origin = origins.get(call.task_id) if call.task_id is not None else None
        assignee = origin.assignee_id if origin is not None else debtor.collector_id
        title = NO_ANSWER_TITLE % {"debtor": debtor.name}
        local_day = timezone.localtime(call.at, _zone(debtor.time_zone)).date()
        new.append(
            _retry_task(
                run,
                debtor,
                assignee,
                title,
                local_day,
                _step_window(origin),
                f"retry:call{call.call_id}",
                instructions=origin.instructions if origin is not None else "",
            )
        )
    with transaction.atomic():
        created = _create_new(new)
        TimelineEntry.objects.bulk_create(
            _timeline_rows(
                (
                    (
                        t.counterparty_id,
                        "ladder.no_answer_retry",
                        NO_ANSWER_RETRIED % {"date": f"{t.window_start:%d.%m.%Y}"},
                        {"key": t.key, "day": _local_day(t, debtors[t.counterparty_id])},
                    )
                    for t in created
                ),
                run.now,
            )
        )
    run.summary.transitions["no_answer_retry"] += len(created)
    run.summary.tasks_created[Action.CALL] += len(created)


__all__ = [
    "NightlyRun",
    "UnansweredCall",
    "apply_rules",
    "open_calls",
    "register_hook",
    "register_notifier",
    "register_unanswered_source",
]


# --- 6. steps refused until a day ---------------------------------------------------------------


def ask_again_key(task_id: int) -> str:
    return f"ask-again:{task_id}"


def ask_again_refused_steps(run: NightlyRun) -> None:
    """A step the approver refused until a day ("not now: ask me again on 15 January",
    `Task.ask_again_on`) is asked again on that day while its documents still owe: a task
    awaiting the same approval, for the same person, on the documents still open with what
    they owe now, in the step's window, linked to the refusal (`asked_again_from`). The
    refusal's day is then cleared: it is asked once. A step whose documents were all paid by
    then is not asked again. Without this a refused legal step was never asked again unless
    new documents reached it."""
    with transaction.atomic():
        refused = list(
            run.in_shard(
                Task.objects.filter(status=TaskStatus.REJECTED, ask_again_on__lte=run.as_of)
            )
            .select_for_update(of=("self",))
            .select_related("step")
        )
        if not refused:
            return
        wanted = {doc for task in refused for doc in task.document_ids}
        owed = {
            pk: (currency, amount)
            for pk, currency, amount in Document.objects.filter(
                pk__in=sorted(wanted), open_amount__gt=0
            ).values_list("pk", "currency", "open_amount")
        }
        debtors = _debtors(task.counterparty_id for task in refused)
        new: list[Task] = []
        for task in refused:
            still = [doc for doc in task.document_ids if doc in owed]
            if not still:
                continue
            amounts = Amounts.of(owed[doc] for doc in still)
            single = amounts.single()
            begins, ends = retry_window(
                run, debtors[task.counterparty_id], run.as_of - timedelta(days=1),
                *_step_window(task),
            )  # fmt: skip
            new.append(
                Task(
                    counterparty_id=task.counterparty_id,
                    assignee_id=task.assignee_id,
                    action=task.action,
                    title=task.title,
                    instructions=task.instructions,
                    step_id=task.step_id,
                    document_ids=still,
                    due_at=ends,
                    window_start=begins,
                    window_end=ends,
                    amounts=amounts.to_json(),
                    amount=quantize(single.amount) if single else Decimal("0"),
                    currency=single.currency if single else "",
                    status=TaskStatus.AWAITING_APPROVAL,
                    approval_role=task.approval_role,
                    asked_again_from_id=task.pk,
                    key=ask_again_key(task.pk),
                )
            )
        Task.objects.filter(pk__in=[task.pk for task in refused]).update(ask_again_on=None)
        _create_new(new)
    run.summary.transitions["refused_step_asked_again"] += len(new)
