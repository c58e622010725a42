"""Read side of the workspace: debtor list, debtor card, worklist, team view, calendar.

Each function returns plain data built with a fixed number of queries, whatever the size of
the ledger (the page tests bound the query count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import COLLECTING_ROLES, visible_counterparties
from dunwell.ledger.models import Contact, Contract, Counterparty, Document, TimelineEntry
from dunwell.work import ladder_bridge
from dunwell.work.logic import DEFAULT_BUCKETS, bucket_labels
from dunwell.work.models import CallActivity, Meeting, Reassignment, StallingAlert

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)


def visible_counterparty(user: User, counterparty_id: int) -> Counterparty:
    """The counterparty if `user` may see it, else 404 (never reveal that it exists)."""
    try:
        return (
            visible_counterparties(user)
            .select_related("segment", "collector", "sales_manager", "company")
            .get(pk=counterparty_id)
        )
    except Counterparty.DoesNotExist:
        raise Http404 from None


def debtor_list(
    user: User, today: date, search: str = "", only_overdue: bool = False
) -> QuerySet[Counterparty]:
    """Visible counterparties with their open and overdue totals, largest overdue first."""
    open_docs = Q(documents__open_amount__gt=0)
    qs = (
        visible_counterparties(user)
        .select_related("segment", "collector")
        .annotate(
            total_due=Coalesce(
                Sum("documents__open_amount", filter=open_docs), Value(ZERO), output_field=MONEY
            ),
            overdue=Coalesce(
                Sum("documents__open_amount", filter=open_docs & Q(documents__due_date__lt=today)),
                Value(ZERO),
                output_field=MONEY,
            ),
        )
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(tax_id__icontains=search) | Q(external_id=search)
        )
    if only_overdue:
        qs = qs.filter(overdue__gt=0)
    return qs.order_by("-overdue", "name")


@dataclass
class Header:
    currency: str
    total_due: Decimal
    overdue: Decimal
    buckets: list[tuple[str, Decimal]]
    credit_limit: Decimal | None
    credit_used_percent: int | None
    oldest_due: date | None
    max_days_overdue: int
    open_documents: int


def debtor_header(counterparty: Counterparty, today: date) -> Header:
    """Totals and aging buckets in one aggregate query, credit limit in a second."""
    bounds = DEFAULT_BUCKETS
    aggregates: dict[str, Any] = {
        "total": Coalesce(Sum("open_amount"), Value(ZERO), output_field=MONEY),
        "overdue": Coalesce(
            Sum("open_amount", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY
        ),
        "oldest": Min("due_date"),
        "count": Count("id"),
    }
    # Bucket i holds documents with days overdue in (bounds[i-1], bounds[i]]; comparing due
    # dates with fixed cut-off dates keeps this portable between SQLite and PostgreSQL.
    for index in range(len(bounds) + 1):
        condition = Q()
        if index < len(bounds):
            condition &= Q(due_date__gte=today - timedelta(days=bounds[index]))
        if index > 0:
            condition &= Q(due_date__lt=today - timedelta(days=bounds[index - 1]))
        aggregates[f"b{index}"] = Coalesce(
            Sum("open_amount", filter=condition), Value(ZERO), output_field=MONEY
        )
    row = Document.objects.filter(counterparty=counterparty, open_amount__gt=0).aggregate(
        **aggregates
    )
    labels = bucket_labels(bounds)
    limit = Contract.objects.filter(counterparty=counterparty).aggregate(limit=Sum("credit_limit"))[
        "limit"
    ]
    used = None
    if limit:
        used = int(row["total"] * 100 / limit)
    oldest: date | None = row["oldest"]
    return Header(
        currency=counterparty.company.currency,
        total_due=row["total"],
        overdue=row["overdue"],
        buckets=[(labels[i], row[f"b{i}"]) for i in range(len(bounds) + 1)],
        credit_limit=limit,
        credit_used_percent=used,
        oldest_due=oldest,
        max_days_overdue=max((today - oldest).days, 0) if oldest else 0,
        open_documents=row["count"],
    )


TIMELINE_FILTERS: dict[str, tuple[str, ...]] = {
    "ledger": ("ledger.",),
    "calls": ("work.call", "work.outcome"),
    "tasks": ("ladder.task", "ladder.step"),
    "promises": ("ladder.promise", "work.promise"),
    "disputes": ("ladder.dispute", "work.dispute"),
    "documents": ("legal.",),
    "work": ("work.",),
}


@dataclass
class DebtorCard:
    counterparty: Counterparty
    header: Header
    contracts: list[Contract]
    documents: list[dict[str, Any]]
    documents_total: int
    contacts: list[Contact]
    timeline: list[TimelineEntry]
    calls: list[CallActivity]
    stalling: StallingAlert | None
    reassignments: list[Reassignment]
    meetings: list[Meeting]
    ladder: ladder_bridge.LadderFacts = field(default_factory=ladder_bridge.LadderFacts)


DOCUMENTS_ON_CARD = 200


def debtor_card(counterparty: Counterparty, today: date, timeline_filter: str = "") -> DebtorCard:
    documents = list(
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
        .select_related("contract")
        .order_by("due_date", "id")[:DOCUMENTS_ON_CARD]
    )
    header = debtor_header(counterparty, today)
    timeline_qs = TimelineEntry.objects.filter(counterparty=counterparty).select_related("actor")
    prefixes = TIMELINE_FILTERS.get(timeline_filter)
    if prefixes:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(kind__startswith=prefix)
        timeline_qs = timeline_qs.filter(condition)
    facts = ladder_bridge.facts_for(counterparty, today)
    disputed = facts.disputed_documents
    return DebtorCard(
        counterparty=counterparty,
        header=header,
        contracts=list(Contract.objects.filter(counterparty=counterparty).order_by("-date")),
        documents=[
            {
                "document": d,
                "days_overdue": max((today - d.due_date).days, 0),
                "disputed": d.pk in disputed,
            }
            for d in documents
        ],
        documents_total=header.open_documents,
        contacts=list(
            Contact.objects.filter(counterparty=counterparty).order_by("-decides_payments", "name")
        ),
        timeline=list(timeline_qs.order_by("-at", "-id")[:100]),
        calls=list(
            CallActivity.objects.filter(counterparty=counterparty)
            .select_related("user", "contact")
            .order_by("-at", "-id")[:20]
        ),
        stalling=StallingAlert.objects.filter(
            counterparty=counterparty, closed_at__isnull=True
        ).first(),
        reassignments=list(
            Reassignment.objects.filter(counterparty=counterparty).select_related(
                "from_user", "to_user", "by"
            )[:10]
        ),
        meetings=list(Meeting.objects.filter(counterparty=counterparty)[:10]),
        ladder=facts,
    )


def open_documents_for_export(counterparty: Counterparty) -> QuerySet[Document]:
    return (
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
        .select_related("contract")
        .order_by("due_date", "id")
    )


def reassignment_candidates(counterparty: Counterparty, by: User) -> list[User]:
    """Active collectors (and the director) the supervisor may assign, who never worked with
    this counterparty (never its collector, sales manager, or author of a call on it). A sales
    manager is not a collector: never offered."""
    worked = set(
        Reassignment.objects.filter(counterparty=counterparty).values_list(
            "from_user_id", flat=True
        )
    )
    worked |= set(
        CallActivity.objects.filter(counterparty=counterparty).values_list("user_id", flat=True)
    )
    worked |= {u for u in (counterparty.collector_id, counterparty.sales_manager_id) if u}
    qs = User.objects.filter(is_active=True, role__in=COLLECTING_ROLES)
    if not by.sees_all:
        qs = qs.filter(Q(supervisor=by) | Q(pk=by.pk))
    return [u for u in qs.order_by("username") if u.pk not in worked]


def unread_notifications(user: User) -> int:
    from dunwell.work.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def team_members(user: User) -> QuerySet[User]:
    if user.sees_all:
        return User.objects.filter(is_active=True, role__in=["collector", "sales"]).order_by(
            "username"
        )
    return User.objects.filter(is_active=True, supervisor=user).order_by("username")


@dataclass
class WorkItem:
    task: Any
    overdue: Decimal
    max_days_overdue: int
    broken_promises: int
    priority: Any
    late: bool
    call_url: str = ""
    debtor_url: str = ""
    reasons: str = ""


@dataclass
class Worklist:
    items: list[WorkItem]
    done_today: int
    left: int
    actions: list[tuple[str, Any]]
    segments: list[Any]
    countries: list[str]
    on_hold: int = 0


def worklist(
    user: User,
    now: datetime,
    action: str = "",
    segment: str = "",
    country: str = "",
    min_amount: Decimal | None = None,
    limit: int = 300,
) -> Worklist:
    """Today's and overdue open tasks of `user`, each with its explained priority.

    Five queries whatever the ledger's size: tasks (with debtor and step), done-today count,
    overdue totals of the listed debtors, broken promises of the listed debtors, segments.
    """
    from dunwell.ladder.holds import task_holds
    from dunwell.ladder.models import OPEN_STATUSES, Action, Promise, PromiseStatus, Task
    from dunwell.ledger.models import Segment
    from dunwell.work.logic import PriorityInput, priority

    local_now = timezone.localtime(now)
    start_of_day = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    end_of_day = start_of_day + timedelta(days=1)
    today = local_now.date()
    qs = (
        Task.objects.filter(assignee=user, status__in=OPEN_STATUSES, due_at__lt=end_of_day)
        .select_related("counterparty", "counterparty__segment", "step")
        .order_by("due_at")
    )
    if action:
        qs = qs.filter(action=action)
    if segment:
        qs = qs.filter(counterparty__segment__code=segment)
    if country:
        qs = qs.filter(counterparty__country=country.upper())
    # Tasks on hold (promise, agreement, dispute, grace) leave the day until the hold ends.
    held = task_holds(qs, today)
    tasks = [t for t in qs[: limit + len(held)] if t.pk not in held][:limit]
    ids = {t.counterparty_id for t in tasks}
    overdue_rows = (
        Document.objects.filter(counterparty_id__in=ids, open_amount__gt=0, due_date__lt=today)
        .values("counterparty_id")
        .annotate(total=Sum("open_amount"), oldest=Min("due_date"))
    )
    overdue = {r["counterparty_id"]: (r["total"], r["oldest"]) for r in overdue_rows}
    since = now - timedelta(days=60)
    broken = dict(
        Promise.objects.filter(
            counterparty_id__in=ids, status=PromiseStatus.BROKEN, resolved_at__gte=since
        )
        .values("counterparty_id")
        .annotate(n=Count("id"))
        .values_list("counterparty_id", "n")
    )
    items = []
    for task in tasks:
        total, oldest = overdue.get(task.counterparty_id, (ZERO, None))
        if min_amount is not None and total < min_amount:
            continue
        days = (today - oldest).days if oldest else 0
        late_days = (today - timezone.localtime(task.due_at).date()).days
        prio = priority(
            PriorityInput(
                amount_overdue=total,
                max_days_overdue=days,
                broken_promises=broken.get(task.counterparty_id, 0),
                step_order=task.step.order if task.step else 0,
                task_late_days=late_days,
            )
        )
        items.append(
            WorkItem(
                task=task,
                overdue=total,
                max_days_overdue=days,
                broken_promises=broken.get(task.counterparty_id, 0),
                priority=prio,
                late=task.due_at < start_of_day,
            )
        )
    items.sort(key=lambda i: (-i.priority.score, i.task.due_at))
    _decorate(items)
    done_today = Task.objects.filter(
        done_by=user, status="done", done_at__gte=start_of_day, done_at__lt=end_of_day
    ).count()
    return Worklist(
        items=items,
        done_today=done_today,
        left=len(items),
        actions=list(Action.choices),
        segments=list(Segment.objects.order_by("name")),
        countries=sorted({t.counterparty.country for t in tasks}),
        on_hold=len(held),
    )


REASON_LABELS = {
    "amount": _("amount"),
    "days": _("days overdue"),
    "broken": _("broken promises"),
    "step": _("ladder step"),
    "late": _("task late"),
}
_MARK = 987654321


def _decorate(items: list[WorkItem]) -> None:
    """URLs and the priority explanation for each row, built once per page rather than
    once per row in the template (reverse() and gettext are the page's hottest calls).

    Each task opens the page its kind is done on (`task_queries.task_url`): a call the call
    card, a legal step its legal case, anything else its own task page."""
    from dunwell.work.task_queries import kind_of, legal_case_url

    call = reverse("work:call", args=[_MARK])
    card = reverse("work:debtor", args=[_MARK])
    page = reverse("work:task", args=[_MARK])
    legal = legal_case_url(_MARK) or page
    labels = {name: str(label) for name, label in REASON_LABELS.items()}
    for item in items:
        cp_id = str(item.task.counterparty_id)
        kind = kind_of(item.task.action)
        if kind == "call":
            item.call_url = call.replace(str(_MARK), cp_id) + f"?task={item.task.pk}"
        else:
            item.call_url = (legal if kind == "legal" else page).replace(
                str(_MARK), str(item.task.pk)
            )
        item.debtor_url = card.replace(str(_MARK), cp_id)
        item.reasons = ", ".join(
            f"{labels[name]} +{points}" for name, points in item.priority.reasons
        )


@dataclass
class TeamRow:
    user: User
    open_today: int = 0
    overdue_tasks: int = 0
    done_today: int = 0
    done_30: int = 0
    on_time_30: int = 0
    promises_30: int = 0
    promised_amount_30: Decimal = ZERO
    calls_30: int = 0
    debtors: int = 0

    @property
    def punctuality(self) -> int | None:
        return round(100 * self.on_time_30 / self.done_30) if self.done_30 else None


def team(user: User, now: datetime) -> list[TeamRow]:
    """Load, punctuality and results of the people `user` supervises: grouped queries."""
    from django.db.models import F

    from dunwell.ladder.models import OPEN_STATUSES, Promise, Task
    from dunwell.work.models import CallActivity

    members = list(team_members(user))
    rows = {m.pk: TeamRow(user=m) for m in members}
    ids = list(rows)
    local_now = timezone.localtime(now)
    start_of_day = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    end_of_day = start_of_day + timedelta(days=1)
    since = now - timedelta(days=30)
    open_rows = (
        Task.objects.filter(assignee_id__in=ids, status__in=OPEN_STATUSES, due_at__lt=end_of_day)
        .values("assignee_id")
        .annotate(
            total=Count("id"),
            late=Count("id", filter=Q(due_at__lt=start_of_day)),
        )
    )
    for r in open_rows:
        rows[r["assignee_id"]].open_today = r["total"]
        rows[r["assignee_id"]].overdue_tasks = r["late"]
    done_rows = (
        Task.objects.filter(done_by_id__in=ids, status="done", done_at__gte=since)
        .values("done_by_id")
        .annotate(
            total=Count("id"),
            today=Count("id", filter=Q(done_at__gte=start_of_day)),
            on_time=Count(
                "id",
                filter=Q(window_end__isnull=False, done_at__lte=F("window_end"))
                | Q(window_end__isnull=True, done_at__lte=F("due_at") + timedelta(days=1)),
            ),
        )
    )
    for d in done_rows:
        row = rows[d["done_by_id"]]
        row.done_30, row.done_today, row.on_time_30 = d["total"], d["today"], d["on_time"]
    promise_rows = (
        Promise.objects.filter(recorded_by_id__in=ids, recorded_at__gte=since)
        .values("recorded_by_id")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    for p in promise_rows:
        rows[p["recorded_by_id"]].promises_30 = p["n"]
        rows[p["recorded_by_id"]].promised_amount_30 = p["amount"] or ZERO
    for c in (
        CallActivity.objects.filter(user_id__in=ids, at__gte=since)
        .values("user_id")
        .annotate(n=Count("id"))
    ):
        rows[c["user_id"]].calls_30 = c["n"]
    for k in (
        Counterparty.objects.filter(collector_id__in=ids)
        .values("collector_id")
        .annotate(n=Count("id"))
    ):
        rows[k["collector_id"]].debtors = k["n"]
    return list(rows.values())
