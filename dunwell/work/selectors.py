"""Read side of the workspace: debtor list, debtor card, worklist, team view, calendar.

Each function returns plain data built with a fixed number of queries, whatever the size of
the ledger (the page tests bound the query count).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    COLLECTING_ROLES,
    sees,
    visible_counterparties,
    visible_people,
)
from dunwell.compiled import Reusable, together
from dunwell.insight.labels import LIKELY_LATE_LABEL
from dunwell.insight.models import saved_edges
from dunwell.interest.fx import rates_on
from dunwell.ladder.decide import DEFAULT_WINDOW
from dunwell.ledger.models import (
    Allocation,
    Contact,
    Contract,
    Counterparty,
    Document,
    Payment,
    TimelineEntry,
)
from dunwell.ledger.services import CLOSED_DAYS, work_calendar
from dunwell.ledger.timeline import with_texts
from dunwell.money import Amounts, Money, RateTable
from dunwell.work import ladder_bridge
from dunwell.work.logic import (
    DEFAULT_BUCKETS,
    LocalClock,
    bucket_labels,
    company_bounds,
    local_clock,
)
from dunwell.work.models import (
    CallActivity,
    CardPreference,
    Meeting,
    Note,
    Outcome,
    Reassignment,
    StallingAlert,
)

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)
RATE = DecimalField(max_digits=30, decimal_places=8)


# One counterparty with what its card shows and what `visibility.sees` reads, its SQL built
# once per process.
_COUNTERPARTY = Reusable(
    lambda pk: Counterparty.objects.filter(pk=pk).select_related(
        "segment", "collector", "sales_manager", "company"
    ),
    int,
)


def visible_counterparty(user: User, counterparty_id: int) -> Counterparty:
    """The counterparty if `user` may see it, else 404 (never reveal that it exists)."""
    if not -(2**63) <= counterparty_id < 2**63:  # the ORM answers none; the SQL would fail
        raise Http404
    found = _COUNTERPARTY(counterparty_id)
    if not found or not sees(user, found[0]):
        raise Http404
    return found[0]


def _currencies() -> QuerySet[Any]:
    from dunwell.ledger.models import Company

    return Company.objects.values("id", "currency").order_by()


_COMPANY_CURRENCIES = Reusable(_currencies)


def company_currencies() -> dict[int, str]:
    return {row["id"]: row["currency"] for row in _COMPANY_CURRENCIES()}


def equivalent_expression(table: RateTable, prefix: str = "", filter: Q | None = None) -> Any:
    """SUM of open amounts converted into each row's company currency, in SQL: used only to
    sort and rank (a CASE over the few (company currency, document currency) pairs). Amounts
    with no rate count as 0 here; pages still show them in their own currency.

    With one company currency (the usual case) the CASE reads only the document's own
    currency, so the ranking does not join the company table once per debtor."""
    targets = set(company_currencies().values())
    single = len(targets) == 1
    sources = {c for pair in table.rates for c in pair} | targets
    whens = []
    for company_currency in sorted(targets):
        for currency in sorted(sources):
            found = table.rate(currency, company_currency)
            if found is None:
                continue
            match = {f"{prefix}currency": currency}
            if not single:
                match[f"{prefix}company__currency"] = company_currency
            whens.append(
                When(
                    Q(**match), then=F(f"{prefix}open_amount") * Value(found[0], output_field=RATE)
                )
            )
    if not whens:
        return Value(ZERO, output_field=MONEY)
    converted = Case(*whens, default=Value(ZERO), output_field=RATE)
    return Coalesce(Sum(converted, filter=filter), Value(ZERO), output_field=RATE)


def debtor_list(
    user: User, today: date, search: str = "", only_overdue: bool = False
) -> QuerySet[Counterparty]:
    """Visible counterparties, largest overdue first (ranked by the company-currency equivalent
    at today's official rates); `with_amounts` adds the per-currency totals to a page."""
    open_docs = Q(documents__open_amount__gt=0)
    overdue_docs = open_docs & Q(documents__due_date__lt=today)
    table = rates_on(today)
    qs = (
        visible_counterparties(user)
        .select_related("segment", "collector")
        .annotate(
            overdue_rank=equivalent_expression(table, "documents__", overdue_docs),
            has_overdue=Count("documents", filter=overdue_docs),
        )
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(tax_id__icontains=search) | Q(external_id=search)
        )
    if only_overdue:
        qs = qs.filter(has_overdue__gt=0)
    return qs.order_by("-overdue_rank", "name")


def with_amounts(counterparties: Iterable[Counterparty], today: date) -> list[Counterparty]:
    """Set `total_due` and `overdue` (Amounts, per currency) on each counterparty of a page:
    one grouped query."""
    rows = list(counterparties)
    totals: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    overdue: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for cp_id, currency, total, late in (
        Document.objects.filter(counterparty__in=[c.pk for c in rows], open_amount__gt=0)
        .values("counterparty_id", "currency")
        .annotate(
            total=Sum("open_amount"),
            late=Coalesce(
                Sum("open_amount", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY
            ),
        )
        .values_list("counterparty_id", "currency", "total", "late")
    ):
        totals[cp_id].append((currency, total))
        overdue[cp_id].append((currency, late))
    for cp in rows:
        cp.total_due = Amounts.of(totals[cp.pk])  # type: ignore[attr-defined]
        cp.overdue = Amounts.of(overdue[cp.pk]).nonzero()  # type: ignore[attr-defined]
    return rows


@dataclass
class CreditLine:
    """One contract's credit limit and how much of it the open documents use, in its currency."""

    contract: Contract
    limit: Money
    used: Money

    @property
    def percent(self) -> int:
        return int(self.used.amount * 100 / self.limit.amount) if self.limit.amount else 0


@dataclass
class Header:
    company_currency: str
    total_due: Amounts
    overdue: Amounts
    buckets: list[tuple[str, Amounts]]
    credit: list[CreditLine]
    oldest_due: date | None
    max_days_overdue: int
    open_documents: int

    @property
    def currencies(self) -> list[str]:
        return self.total_due.currencies

    @property
    def aging_rows(self) -> list[tuple[str, list[Money]]]:
        """One row per currency, one cell per bucket (the aging table of the card)."""
        return [(c, [amounts.get(c) for _label, amounts in self.buckets]) for c in self.currencies]


def _header_sums(cp: int, today: date, *cuts: date) -> QuerySet[Any]:
    """Open amounts per currency: total, overdue, oldest due date, count and one sum per aging
    bucket. `cuts[i]` is today minus DEFAULT_BUCKETS[i] days: bucket i holds documents with
    days overdue in (bounds[i-1], bounds[i]]; comparing due dates with fixed cut-off dates
    keeps this portable between SQLite and PostgreSQL."""
    aggregates: dict[str, Any] = {
        "total": Coalesce(Sum("open_amount"), Value(ZERO), output_field=MONEY),
        "overdue": Coalesce(
            Sum("open_amount", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY
        ),
        "oldest": Min("due_date"),
        "count": Count("id"),
    }
    for index in range(len(cuts) + 1):
        condition = Q()
        if index < len(cuts):
            condition &= Q(due_date__gte=cuts[index])
        if index > 0:
            condition &= Q(due_date__lt=cuts[index - 1])
        aggregates[f"b{index}"] = Coalesce(
            Sum("open_amount", filter=condition), Value(ZERO), output_field=MONEY
        )
    return (
        Document.objects.filter(counterparty_id=cp, open_amount__gt=0)
        .values("currency")
        .annotate(**aggregates)
        .order_by("currency")
    )


# One compiled read per number of bucket bounds (the company's buckets may change).
_HEADER_SUMS: dict[int, Reusable] = {}


def _header_sums_read(bounds: int) -> Reusable:
    read = _HEADER_SUMS.get(bounds)
    if read is None:
        read = _HEADER_SUMS.setdefault(bounds, Reusable(_header_sums, int, date, *[date] * bounds))
    return read


def card_bounds() -> tuple[int, ...]:
    """The bucket bounds of the card's aging row and the debtor list: the company's buckets,
    as the aging report has them (insight.models.saved_edges), one query."""
    return company_bounds(saved_edges())


def debtor_header(
    counterparty: Counterparty,
    today: date,
    contracts: list[Contract] | None = None,
    bounds: tuple[int, ...] | None = None,
) -> Header:
    """Totals and aging buckets per currency in one grouped query; credit lines in one more
    (and one for the contracts unless the caller has read them, newest first). `bounds`: the
    company's buckets (`card_bounds`) if the caller has read them."""
    bounds = bounds or card_bounds()
    cuts = [today - timedelta(days=bound) for bound in bounds]
    rows: list[dict[str, Any]] = _header_sums_read(len(bounds))(counterparty.pk, today, *cuts)
    labels = bucket_labels(bounds)
    oldest_days = [r["oldest"] for r in rows if r["oldest"] is not None]
    oldest: date | None = min(oldest_days) if oldest_days else None
    return Header(
        company_currency=counterparty.company.currency,
        total_due=Amounts.of((r["currency"], r["total"]) for r in rows),
        overdue=Amounts.of((r["currency"], r["overdue"]) for r in rows).nonzero(),
        buckets=[
            (labels[i], Amounts.of((r["currency"], r[f"b{i}"]) for r in rows).nonzero())
            for i in range(len(bounds) + 1)
        ],
        credit=credit_lines(counterparty, contracts),
        oldest_due=oldest,
        max_days_overdue=max((today - oldest).days, 0) if oldest else 0,
        open_documents=sum(r["count"] for r in rows),
    )


def credit_lines(
    counterparty: Counterparty, contracts: list[Contract] | None = None
) -> list[CreditLine]:
    """Each contract with a credit limit against the open documents of that contract in the
    contract's currency (limits of two contracts are two limits, not one sum). `contracts`:
    the counterparty's contracts newest first, if the caller has read them."""
    if contracts is None:
        contracts = _CONTRACTS(counterparty.pk)
    contracts = [c for c in contracts if c.credit_limit is not None]
    if not contracts:
        return []
    used = {
        (r["contract_id"], r["currency"]): r["total"]
        for r in Document.objects.filter(contract__in=contracts, open_amount__gt=0)
        .values("contract_id", "currency")
        .annotate(total=Sum("open_amount"))
    }
    return [
        CreditLine(
            contract=c,
            limit=Money(c.credit_limit or ZERO, c.currency),
            used=Money(used.get((c.pk, c.currency), ZERO), c.currency),
        )
        for c in contracts
    ]


TIMELINE_FILTERS: dict[str, tuple[str, ...]] = {
    "ledger": ("ledger.",),
    "calls": ("work.call", "work.outcome", "telephony."),
    "tasks": ("ladder.task", "ladder.step"),
    "promises": ("ladder.promise", "work.promise"),
    "disputes": ("ladder.dispute", "work.dispute"),
    "documents": ("legal.",),
    "correspondence": ("correspondence.", "mail."),
    "payments": ("ledger.payment",),
    "notes": ("work.note",),
    "imports": ("ledger.import",),
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

    # The open stalling alert is the decider's own doing: "reach the decider" has been done.
    decider_stalling: bool = False

    @property
    def decider(self) -> Contact | None:
        """The contact who decides payments (one per debtor, listed first), if known and still
        working there."""
        return next((c for c in self.contacts if c.decides_payments and c.active), None)

    @property
    def active_contacts(self) -> list[Contact]:
        """The people to call: those who no longer work there stay on the card, not here."""
        return [c for c in self.contacts if c.active]


def _same_person(name: str) -> str:
    return " ".join(name.split()).casefold()


def decider_is_stalling(
    counterparty: Counterparty, alert: StallingAlert, decider: Contact | None
) -> bool:
    """Whether the person who decides payments is the one stalling: they made a promise broken
    in the alert's window (alert for broken promises), or asked for a call-back in it (alert for
    call-backs). Telling the collector to reach them then is no advice: they were reached."""
    if decider is None:
        return False
    from dunwell.work.services import stalling_rule  # services reads from here

    since = alert.detected_at - timedelta(days=stalling_rule().window_days)
    if alert.reason == StallingAlert.Reason.BROKEN_PROMISES:
        makers = ladder_bridge.broken_promise_makers(counterparty, since, alert.detected_at)
        return _same_person(decider.name) in {_same_person(name) for name in makers}
    return CallActivity.objects.filter(
        counterparty=counterparty,
        contact=decider,
        outcome=Outcome.CALL_BACK,
        at__gte=since,
        at__lte=alert.detected_at,
    ).exists()


DOCUMENTS_ON_CARD = 200

# The card's reads of one counterparty, their SQL built once per process (dunwell.compiled).
_CARD_DOCUMENTS = Reusable(
    lambda cp: (
        Document.objects.filter(counterparty_id=cp, open_amount__gt=0)
        .select_related("contract")
        .order_by("due_date", "id")[:DOCUMENTS_ON_CARD]
    ),
    int,
)
_CONTRACTS = Reusable(
    lambda cp: Contract.objects.filter(counterparty_id=cp).order_by("-date", "id"), int
)
_CONTACTS = Reusable(
    lambda cp: Contact.objects.filter(counterparty_id=cp).order_by(
        "-active", "-decides_payments", "name"
    ),
    int,
)
_CALLS = Reusable(
    lambda cp: (
        CallActivity.objects.filter(counterparty_id=cp)
        .select_related("user", "contact")
        .order_by("-at", "-id")[:20]
    ),
    int,
)
_STALLING = Reusable(
    lambda cp: StallingAlert.objects.filter(counterparty_id=cp, closed_at__isnull=True).order_by(
        "pk"
    )[:1],
    int,
)
_REASSIGNMENTS = Reusable(
    lambda cp: Reassignment.objects.filter(counterparty_id=cp).select_related(
        "from_user", "to_user", "by"
    )[:10],
    int,
)
_MEETINGS = Reusable(lambda cp: Meeting.objects.filter(counterparty_id=cp)[:10], int)
_PINNED_NOTES = Reusable(
    lambda cp: (
        Note.objects.filter(counterparty_id=cp, pinned=True)
        .select_related("author")
        .order_by("-pinned_at", "-id")
    ),
    int,
)


def _timeline_read(prefixes: tuple[str, ...]) -> Reusable:
    def build(cp: int) -> QuerySet[TimelineEntry]:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(kind__startswith=prefix)
        return (
            TimelineEntry.objects.filter(condition, counterparty_id=cp)
            .select_related("actor")
            .order_by("-at", "-id")[:100]
        )

    return Reusable(build, int)


# One read per filter ("": all kinds).
_TIMELINES = {"": _timeline_read(()), **{k: _timeline_read(v) for k, v in TIMELINE_FILTERS.items()}}


def card_reads(
    counterparty: Counterparty,
    today: date,
    timeline_filter: str = "",
    bounds: tuple[int, ...] = DEFAULT_BUCKETS,
) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """The reads the debtor card makes of every counterparty (`debtor_card`, its payment
    history, pinned notes and average days late), to send in one round trip
    (`compiled.together`)."""
    cp = counterparty.pk
    cuts = tuple(today - timedelta(days=bound) for bound in bounds)
    timeline = _TIMELINES[timeline_filter if timeline_filter in TIMELINE_FILTERS else ""]
    reads: list[tuple[Reusable, tuple[Any, ...]]] = [
        (_header_sums_read(len(bounds)), (cp, today, *cuts)),
        (timeline, (cp,)),
    ]
    reads += [
        (read, (cp,))
        for read in (
            _CARD_DOCUMENTS,
            _CONTRACTS,
            _STALLING,
            _CONTACTS,
            _CALLS,
            _REASSIGNMENTS,
            _MEETINGS,
            _PINNED_NOTES,
            _PAYMENT_FACTS,
            _DAYS_LATE,
        )
    ]
    reads.append((CLOSED_DAYS, (counterparty.company_id,)))  # the debtor's clock
    reads += ladder_bridge.card_reads(counterparty, today)
    for more in CARD_READS:
        reads += more(counterparty)
    return reads


# Apps above `work` that show a panel on the debtor card add its reads of the counterparty
# to the card's round trip: a function of the counterparty answering (read, arguments) pairs.
CARD_READS: list[Callable[[Counterparty], list[tuple[Reusable, tuple[Any, ...]]]]] = []


def register_card_reads(
    function: Callable[[Counterparty], list[tuple[Reusable, tuple[Any, ...]]]],
) -> None:
    if function not in CARD_READS:
        CARD_READS.append(function)


def page_reads(user: User) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """The reads of every page's layout (the menu's unread badge), to send with a page's own."""
    return [(_UNREAD, (user.pk,))]


def debtor_card(
    counterparty: Counterparty,
    today: date,
    timeline_filter: str = "",
    bounds: tuple[int, ...] | None = None,
) -> DebtorCard:
    documents = _CARD_DOCUMENTS(counterparty.pk)
    contracts = _CONTRACTS(counterparty.pk)
    header = debtor_header(counterparty, today, contracts, bounds)
    timeline = _TIMELINES[timeline_filter if timeline_filter in TIMELINE_FILTERS else ""]
    facts = ladder_bridge.facts_for(counterparty, today)
    disputed = facts.disputed_documents
    stalling = _STALLING(counterparty.pk)
    contacts = _CONTACTS(counterparty.pk)
    decider = next((c for c in contacts if c.decides_payments and c.active), None)
    return DebtorCard(
        counterparty=counterparty,
        header=header,
        contracts=contracts,
        documents=[
            {
                "document": d,
                "days_overdue": max((today - d.due_date).days, 0),
                "disputed": d.pk in disputed,
            }
            for d in documents
        ],
        documents_total=header.open_documents,
        contacts=contacts,
        timeline=_with_notes(with_texts(timeline(counterparty.pk))),
        calls=_CALLS(counterparty.pk),
        stalling=stalling[0] if stalling else None,
        decider_stalling=bool(stalling) and decider_is_stalling(counterparty, stalling[0], decider),
        reassignments=_REASSIGNMENTS(counterparty.pk),
        meetings=_MEETINGS(counterparty.pk),
        ladder=facts,
    )


def open_documents_for_export(counterparty: Counterparty) -> QuerySet[Document]:
    return (
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
        .select_related("contract")
        .order_by("due_date", "id")
    )


# How someone already worked with a debtor, as the reassignment page names it (DESIGN §1.9).
WORKED_AS = {
    "collector": _("responsible now"),
    "sales_manager": _("sales manager"),
    "was_responsible": _("was responsible before"),
    "called": _("called the debtor"),
}


def worked_with(counterparty: Counterparty) -> list[tuple[User, list[StrOrPromise]]]:
    """Everyone who already worked with this counterparty (its collector, its sales manager,
    an earlier collector, the author of a call on it), each with how, in that order: the
    reassignment page shows them so that the supervisor sees whose eyes are not fresh."""
    ways: dict[int, list[str]] = defaultdict(list)
    if counterparty.collector_id:
        ways[counterparty.collector_id].append("collector")
    if counterparty.sales_manager_id:
        ways[counterparty.sales_manager_id].append("sales_manager")
    for user_id in Reassignment.objects.filter(counterparty=counterparty).values_list(
        "from_user_id", flat=True
    ):
        if user_id and "was_responsible" not in ways[user_id]:
            ways[user_id].append("was_responsible")
    for user_id in (
        CallActivity.objects.filter(counterparty=counterparty)
        .values_list("user_id", flat=True)
        .distinct()
    ):
        if user_id and "called" not in ways[user_id]:
            ways[user_id].append("called")
    users = User.objects.in_bulk(list(ways))
    return [
        (users[user_id], [WORKED_AS[way] for way in found])
        for user_id, found in ways.items()
        if user_id in users
    ]


def reassignment_candidates(counterparty: Counterparty, by: User) -> list[User]:
    """Active collectors (and the director) the supervisor may assign, who never worked with
    this counterparty (`worked_with`). A sales manager is not a collector: never offered."""
    worked = {user.pk for user, _ways in worked_with(counterparty)}
    qs = User.objects.filter(is_active=True, role__in=COLLECTING_ROLES)
    if not by.sees_all:
        qs = qs.filter(Q(supervisor=by) | Q(pk=by.pk))
    return [u for u in qs.order_by("username") if u.pk not in worked]


def step_ranks(policy_ids: Iterable[int]) -> dict[int, int]:
    """Step id -> its position (1, 2, 3…) in its policy: the priority counts how far up the
    ladder a debtor is, not the order numbers a manager typed (10, 20, …)."""
    ranks: dict[int, int] = {}
    position: dict[int, int] = defaultdict(int)
    ids = list(policy_ids)
    for row in _STEPS_OF(ids) if ids else []:
        position[row["policy_id"]] += 1
        ranks[row["id"]] = position[row["policy_id"]]
    return ranks


def _steps_of(policy_ids: list[int]) -> QuerySet[Any]:
    from dunwell.ladder.models import PolicyStep

    return (
        PolicyStep.objects.filter(policy_id__any=policy_ids)
        .order_by("policy_id", "order", "id")
        .values("id", "policy_id")
    )


_STEPS_OF = Reusable(_steps_of, list)


def _unread(user_id: int) -> QuerySet[Any]:
    from dunwell.work.models import Notification

    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .order_by()
    )


_UNREAD = Reusable(_unread, int)  # on every page (the menu's badge)


def unread_notifications(user: User) -> int:
    counted = _UNREAD(user.pk)
    return int(counted[0]["n"]) if counted else 0


def team_members(user: User) -> QuerySet[User]:
    """The collectors and sales managers on the team page: of the people `user` sees by name
    (`visibility.visible_people`: a supervisor their team, the director everybody)."""
    return visible_people(user).filter(role__in=list(TEAM_GROUPS)).order_by("username")


@dataclass
class WorkItem:
    task: Any
    overdue: Amounts
    max_days_overdue: int
    broken_promises: int
    priority: Any
    late: bool
    equivalent: Money | None = None  # ranking figure, shown only for several currencies
    no_rate: list[str] = field(default_factory=list)
    call_url: str = ""
    debtor_url: str = ""
    reasons: str = ""
    action_label: str = ""
    marks: list[RowMark] = field(default_factory=list)
    # the part of `overdue` the debtor's disputes hold (not asked for), per currency
    disputed: Amounts = field(default_factory=Amounts)


@dataclass(frozen=True)
class RowMark:
    """A small badge on a worklist row: its text (translated), a tone (`bad`, `warn`) and a
    tooltip."""

    text: str
    tone: str = "warn"
    title: str = ""


# Apps above `work` mark worklist rows (credit: over the limit, shipments stopped) with a
# function called once per page with the page's debtors (set-based, never per row), answering
# {counterparty id: [RowMark, ...]}. `work` never imports them: they register in ready().
ROW_MARKS: list[Callable[[list[Any], date], dict[int, list[RowMark]]]] = []


def register_row_marks(function: Callable[[list[Any], date], dict[int, list[RowMark]]]) -> None:
    if function not in ROW_MARKS:
        ROW_MARKS.append(function)


# What such a function reads, as `compiled.together` calls made with the page's debtors (a
# sorted list of ids) and the day, so that its reads go out with the worklist's own.
ROW_READS: list[Callable[[list[int], date], list[tuple[Reusable, tuple[Any, ...]]]]] = []


def register_row_reads(
    function: Callable[[list[int], date], list[tuple[Reusable, tuple[Any, ...]]]],
) -> None:
    if function not in ROW_READS:
        ROW_READS.append(function)


def _mark_rows(items: list[WorkItem], today: date) -> None:
    if not items:
        return
    by_debtor: dict[int, list[WorkItem]] = defaultdict(list)
    for item in items:
        by_debtor[item.task.counterparty_id].append(item)
    _mark_one_debtor(by_debtor)
    if not ROW_MARKS:
        return
    debtors = [rows[0].task.counterparty for rows in by_debtor.values()]
    for function in ROW_MARKS:
        for cp_id, marks in function(debtors, today).items():
            for item in by_debtor.get(cp_id, []):
                item.marks.extend(marks)


def _mark_one_debtor(by_debtor: dict[int, list[WorkItem]]) -> None:
    """A debtor with several tasks on the list (a step's call, a call-back asked for, the
    stalling alert's "reach the person who decides payments") is one debtor: each row says so,
    as one call recorded on the call card settles the debtor's calls due that day
    (services.record_call_outcome)."""
    for rows in by_debtor.values():
        if len(rows) < 2:
            continue
        mark = RowMark(
            ngettext(
                "one of %(n)d task for this debtor",
                "one of %(n)d tasks for this debtor",
                len(rows),
            )
            % {"n": len(rows)},
            title=gettext(
                "One call recorded on the call card settles the debtor's calls due today."
            ),
        )
        for item in rows:
            item.marks.append(mark)


@dataclass
class Worklist:
    items: list[WorkItem]
    done_today: int
    left: int
    actions: list[tuple[str, Any]]
    segments: list[Any]
    countries: list[str]
    on_hold: int = 0
    # When nothing is left for today: the next day with open tasks (the run puts a weekend's
    # or a holiday's work on the next working day) and how many are due then.
    next_day: date | None = None
    next_count: int = 0
    # The companies' currencies, which the "overdue at least" filter is in (each debtor's own).
    currencies: list[str] = field(default_factory=list)


def _next_day(user_id: int, end_of_day: datetime) -> tuple[date | None, int]:
    """The user's next local day with open tasks due after `end_of_day`, and their count."""
    from dunwell.ladder.models import OPEN_STATUSES, Task

    later = Task.objects.filter(
        assignee_id=user_id, status__in=OPEN_STATUSES, due_at__gte=end_of_day
    )
    first = later.order_by("due_at").values_list("due_at", flat=True).first()
    if first is None:
        return None, 0
    start, end = _day_bounds(first)
    return start.date(), later.filter(due_at__gte=start, due_at__lt=end).count()


def _done_between(user_id: int, start: datetime, end: datetime) -> QuerySet[Any]:
    from dunwell.ladder.models import Task

    return (
        Task.objects.filter(done_by_id=user_id, status="done", done_at__gte=start, done_at__lt=end)
        .values("done_by_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _segments() -> QuerySet[Any]:
    from dunwell.ledger.models import Segment

    return Segment.objects.order_by("name")


_DONE_TODAY = Reusable(_done_between, int, datetime, datetime)
_SEGMENTS = Reusable(_segments)


# The worklist's reads of its debtors (a list of ids), their SQL built once per process.
def _overdue_of(ids: list[int], today: date) -> QuerySet[Any]:
    """The debtors' overdue debt per currency, with whether a dispute may hold part of it
    (`disputed`: then My day reads how much, `ladder.holds.disputed_overdue`)."""
    from dunwell.ladder.holds import HOLDING_DISPUTES
    from dunwell.ladder.models import Dispute

    return (
        Document.objects.filter(counterparty_id__any=ids, open_amount__gt=0, due_date__lt=today)
        .values("counterparty_id", "currency")
        .annotate(total=Sum("open_amount"), oldest=Min("due_date"))
        .annotate(
            disputed=Exists(
                Dispute.objects.filter(
                    HOLDING_DISPUTES, counterparty_id=OuterRef("counterparty_id")
                )
            )
        )
        .order_by()
    )


_OVERDUE_OF = Reusable(_overdue_of, list, date)


def _broken_of(ids: list[int], since: datetime) -> QuerySet[Any]:
    from dunwell.ladder.models import Promise, PromiseStatus

    return (
        Promise.objects.filter(
            counterparty_id__any=ids, status=PromiseStatus.BROKEN, resolved_at__gte=since
        )
        .values("counterparty_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _likely_late_of(ids: list[int]) -> QuerySet[Any]:
    from dunwell.insight.models import DocumentPrediction

    return (
        DocumentPrediction.objects.filter(counterparty_id__any=ids, document__open_amount__gt=0)
        .values("counterparty_id")
        .annotate(p=Max("late_probability"))
        .order_by()
    )


_BROKEN_OF = Reusable(_broken_of, list, datetime)
_LIKELY_LATE_OF = Reusable(_likely_late_of, list)


def _day_tasks(user_id: int, before: datetime) -> QuerySet[Any]:
    """The open tasks of a user due before `before`, with what the worklist's rows show."""
    from dunwell.ladder.models import OPEN_STATUSES, Task

    return (
        Task.objects.filter(assignee_id=user_id, status__in=OPEN_STATUSES, due_at__lt=before)
        .select_related("counterparty", "counterparty__segment", "step")
        .order_by("due_at")
    )


def overdue_tasks(user: User, now: datetime) -> list[Any]:
    """The user's open tasks due before today and not on hold, oldest first: My day's overdue
    rows, which the calendar shows on today (a week of past days would hide them)."""
    from dunwell.ladder.holds import task_holds

    start_of_day, _end = _day_bounds(now)
    qs = _day_tasks(user.pk, start_of_day)
    held = task_holds(qs, timezone.localtime(now).date())
    return list(qs.exclude(pk__in=list(held))[:_DAY_LIMIT])


_DAY_LIMIT = 300
# The worklist without filters (most pages): the day's tasks but those on hold (a list of ids),
# its SQL built once per process.
# The day's tasks that have a step (a hold can keep only those), for `task_holds`.
_DAY_HOLDABLE = Reusable(
    lambda user_id, before: (
        _day_tasks(user_id, before).filter(step__isnull=False).values("id", "counterparty_id")
    ),
    int,
    datetime,
)
_DAY_TASKS = Reusable(
    lambda user_id, before, held: _day_tasks(user_id, before).exclude(pk__any=held)[:_DAY_LIMIT],
    int,
    datetime,
    list,
)


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The start of the user's local day of `now` and of the next."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def day_reads(user: User, now: datetime) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """The worklist's reads that need only the user and the day (`worklist` without filters
    makes them all), to send in one round trip with the page's (`compiled.together`)."""
    start, end = _day_bounds(now)
    return [
        (_DAY_HOLDABLE, (user.pk, end)),
        (_DONE_TODAY, (user.pk, start, end)),
        (_SEGMENTS, ()),
        (_COMPANY_CURRENCIES, ()),
    ]


def worklist(
    user: User,
    now: datetime,
    action: str = "",
    segment: str = "",
    country: str = "",
    min_amount: Decimal | None = None,
    limit: int = _DAY_LIMIT,
    page_reads: Callable[[list[int]], list[tuple[Reusable, tuple[Any, ...]]]] | None = None,
) -> Worklist:
    """Today's and overdue open tasks of `user`, each with its explained priority.

    `page_reads` gives the caller's own reads of the listed debtors (a sorted list of ids),
    sent with the worklist's: the view's phones to call.

    A fixed number of round trips whatever the ledger's size: the tasks that a hold can keep
    (with `day_reads`, when the caller sends them), the holds, the tasks with their debtor
    and step, then every read of the listed debtors together (overdue totals, broken promises,
    predictions, step ranks and the registered apps' reads).
    """
    from dunwell.ladder.holds import disputed_overdue, task_holds
    from dunwell.ladder.models import Action
    from dunwell.work.logic import PriorityInput, priority

    start_of_day, end_of_day = _day_bounds(now)
    today = timezone.localtime(now).date()
    qs = _day_tasks(user.pk, end_of_day)
    if action:
        qs = qs.filter(action=action)
    if segment:
        qs = qs.filter(counterparty__segment__code=segment)
    if country:
        qs = qs.filter(counterparty__country=country.upper())
    # Tasks on hold (promise, agreement, dispute, grace) leave the day until the hold ends.
    if action or segment or country or limit != _DAY_LIMIT:
        held = task_holds(qs, today)
        tasks = list(qs.exclude(pk__any=list(held))[:limit])
    else:
        holdable = _DAY_HOLDABLE(user.pk, end_of_day)
        held = task_holds(qs, today, rows=[(r["id"], r["counterparty_id"]) for r in holdable])
        tasks = _DAY_TASKS(user.pk, end_of_day, list(held))
    ids = sorted({t.counterparty_id for t in tasks})
    policies = sorted({t.step.policy_id for t in tasks if t.step})
    since = now - timedelta(days=60)
    # The rows' reads in one round trip, with those of the apps that mark rows (credit's
    # limits: `register_row_reads`) and the caller's.
    reads: list[tuple[Reusable, tuple[Any, ...]]] = [
        (_OVERDUE_OF, (ids, today)),
        (_BROKEN_OF, (ids, since)),
        (_LIKELY_LATE_OF, (ids,)),
    ]
    if policies:
        reads.append((_STEPS_OF, (policies,)))
    for more in ROW_READS if ids else []:
        reads += more(ids, today)
    if page_reads is not None and ids:
        reads += page_reads(ids)
    with together(reads):
        overdue: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        oldest_due: dict[int, date] = {}
        in_dispute: set[int] = set()
        for row in _OVERDUE_OF(ids, today):
            cp_id, oldest = row["counterparty_id"], row["oldest"]
            overdue[cp_id].append((row["currency"], row["total"]))
            oldest_due[cp_id] = min(oldest, oldest_due.get(cp_id, oldest))
            if row["disputed"]:
                in_dispute.add(cp_id)
        broken = {r["counterparty_id"]: r["n"] for r in _BROKEN_OF(ids, since)}
        likely_late = {r["counterparty_id"]: r["p"] for r in _LIKELY_LATE_OF(ids)}
        table = rates_on(today)
        currencies = company_currencies()
        ranks = step_ranks(policies)
        # "Overdue X, of which Y disputed": read only for the debtors with a dispute.
        disputed = disputed_overdue(in_dispute, today) if in_dispute else {}
        items = []
        for task in tasks:
            amounts = Amounts.of(overdue.get(task.counterparty_id, []))
            own = currencies.get(task.counterparty.company_id, "")
            equivalent, missing = table.equivalent(amounts, own) if own else (None, [])
            if min_amount is not None and (equivalent is None or equivalent.amount < min_amount):
                continue
            oldest = oldest_due.get(task.counterparty_id)
            days = (today - oldest).days if oldest else 0
            late_days = (today - timezone.localtime(task.due_at).date()).days
            prio = priority(
                PriorityInput(
                    amount_overdue=equivalent.amount if equivalent else ZERO,
                    max_days_overdue=days,
                    broken_promises=broken.get(task.counterparty_id, 0),
                    step_rank=ranks.get(task.step_id, 0) if task.step_id else 0,
                    task_late_days=late_days,
                    late_probability=likely_late.get(task.counterparty_id),
                )
            )
            items.append(
                WorkItem(
                    task=task,
                    overdue=amounts,
                    max_days_overdue=days,
                    broken_promises=broken.get(task.counterparty_id, 0),
                    priority=prio,
                    late=task.due_at < start_of_day,
                    equivalent=equivalent if len(amounts) > 1 or missing else None,
                    no_rate=missing,
                    disputed=disputed.get(task.counterparty_id, Amounts()),
                )
            )
        items.sort(key=lambda i: (-i.priority.score, i.task.due_at))
        _decorate(items)
        _mark_rows(items, today)
        done = _DONE_TODAY(user.pk, start_of_day, end_of_day)
        done_today = int(done[0]["n"]) if done else 0
        # Two reads more, only for an empty day without filters.
        filtered = action or segment or country or min_amount is not None
        next_day, next_count = (None, 0) if items or filtered else _next_day(user.pk, end_of_day)
        return Worklist(
            items=items,
            done_today=done_today,
            left=len(items),
            actions=list(Action.choices),
            segments=_SEGMENTS(),
            countries=sorted({t.counterparty.country for t in tasks}),
            on_hold=len(held),
            next_day=next_day,
            next_count=next_count,
            currencies=sorted(set(currencies.values())),
        )


REASON_LABELS = {
    "amount": _("amount"),
    "days": _("days overdue"),
    "broken": _("broken promises"),
    "step": _("ladder step"),
    "late": _("task late"),
    "likely_late": LIKELY_LATE_LABEL,
}
_MARK = 987654321


def _decorate(items: list[WorkItem]) -> None:
    """URLs, the action's label and the priority explanation for each row, built once per
    page rather than once per row in the template (reverse(), gettext and get_FOO_display are
    the page's hottest calls).

    Each task opens the page its kind is done on (`task_queries.task_url`): a call the call
    card, a legal step its legal case, anything else its own task page."""
    from dunwell.ladder.models import Action
    from dunwell.work.task_queries import kind_of, legal_case_url

    actions = {value: str(label) for value, label in Action.choices}
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
        item.action_label = actions.get(item.task.action, item.task.action)
        item.reasons = ", ".join(
            f"{labels[name]} +{points}" for name, points in item.priority.reasons
        )


@dataclass
class TeamRow:
    user: User
    open_today: int = 0
    overdue_tasks: int = 0
    done_today: int = 0
    # The punctuality page's count (ladder.selectors.punctuality_by_assignee): ladder tasks due
    # in the last 30 days, and those done inside their window.
    due_30: int = 0
    on_time_30: int = 0
    promises_30: int = 0
    promised_amount_30: Amounts = field(default_factory=Amounts)
    calls_30: int = 0
    # Calls made: outcomes recorded on the call card, whether dialled through the PBX or not
    # (a promise taken on a mobile phone is a call made; the PBX's own count missed it).
    calls_today: int = 0
    calls_week: int = 0
    debtors: int = 0

    @property
    def punctuality(self) -> int | None:
        from dunwell.ladder.selectors import punctuality_share

        return punctuality_share(self.on_time_30, self.due_30)

    @property
    def role_group(self) -> str:
        """The heading the person stands under on the team page: their role, in plural."""
        return str(TEAM_GROUPS.get(self.user.role, self.user.get_role_display()))


# The team page's headings, collectors first, then sales managers, then anyone else.
TEAM_GROUPS = {"collector": _("Collectors"), "sales": _("Sales managers")}


def team(user: User, now: datetime) -> list[TeamRow]:
    """Load, punctuality and results of the people `user` supervises: grouped queries."""
    from dunwell.ladder.models import OPEN_STATUSES, Promise, Task
    from dunwell.ladder.selectors import punctuality_by_assignee
    from dunwell.work.models import CallActivity

    order = list(TEAM_GROUPS)
    members = sorted(
        team_members(user), key=lambda m: order.index(m.role) if m.role in order else len(order)
    )
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
            # the same definition as the overdue page (ladder.selectors.overdue_tasks)
            late=Count("id", filter=Q(due_at__lt=now)),
        )
    )
    for r in open_rows:
        rows[r["assignee_id"]].open_today = r["total"]
        rows[r["assignee_id"]].overdue_tasks = r["late"]
    for d in (
        Task.objects.filter(done_by_id__in=ids, status="done", done_at__gte=start_of_day)
        .values("done_by_id")
        .annotate(today=Count("id"))
    ):
        rows[d["done_by_id"]].done_today = d["today"]
    # Punctuality as the punctuality page counts it, tasks left undone included: counted over
    # the tasks done only, a collector with a third of their tasks overdue read 69 % here
    # and 57 % there.
    for assignee_id, (due, on_time) in punctuality_by_assignee(user, ids, since, now).items():
        rows[assignee_id].due_30, rows[assignee_id].on_time_30 = due, on_time
    promised: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for recorder, currency, n, amount in (
        Promise.objects.filter(recorded_by_id__in=ids, recorded_at__gte=since)
        .values("recorded_by_id", "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .values_list("recorded_by_id", "currency", "n", "amount")
    ):
        rows[recorder].promises_30 += n
        promised[recorder].append((currency, amount))
    for recorder, pairs in promised.items():
        rows[recorder].promised_amount_30 = Amounts.of(pairs)
    week_start = start_of_day - timedelta(days=start_of_day.weekday())
    for c in (
        CallActivity.objects.filter(user_id__in=ids, at__gte=min(since, week_start))
        .values("user_id")
        .annotate(
            n=Count("id", filter=Q(at__gte=since)),
            today=Count("id", filter=Q(at__gte=start_of_day)),
            week=Count("id", filter=Q(at__gte=week_start)),
        )
    ):
        row = rows[c["user_id"]]
        row.calls_30, row.calls_today, row.calls_week = c["n"], c["today"], c["week"]
    # The debtors each person works on: as their collector or as their sales manager, each
    # debtor once.
    for k in (
        Counterparty.objects.filter(Q(collector_id__in=ids) | Q(sales_manager_id__in=ids))
        .values("collector_id", "sales_manager_id")
        .annotate(n=Count("id"))
    ):
        for person in {k["collector_id"], k["sales_manager_id"]} & rows.keys():
            rows[person].debtors += k["n"]
    return list(rows.values())


# --- debtor card: payments, notes, local time, remembered filter (issue 16, item 4) -----------

PAYMENTS_PER_PAGE = 20


@dataclass
class PaymentRow:
    payment: Payment
    amount: Money
    # (document, part of this payment applied to it), in the payment's currency
    paid: list[tuple[Document, Money]]
    unallocated: Money


@dataclass
class PaymentHistory:
    rows: list[PaymentRow]
    page: Page[Payment]
    last_paid_on: date | None
    # Plain average over the documents with a payment (days_late_query): the date of each
    # one's last payment minus its due date, in days; paid early counts as 0 (not a credit).
    average_days_late: Decimal | None
    documents_paid: int


_PAYMENT_FACTS = Reusable(  # how many payments, and the date of the last one not cancelled
    lambda cp: (
        Payment.objects.filter(counterparty_id=cp)
        .values("counterparty_id")
        .annotate(count=Count("id"), last=Max("date", filter=Q(cancelled=False)))
        .order_by()
    ),
    int,
)


def payment_history(counterparty: Counterparty, page: Any = 1) -> PaymentHistory:
    """The debtor's payments newest first, a page at a time, each with the documents it paid;
    the facts (last payment date, average days late) come from aggregates in SQL."""
    payments = (
        Payment.objects.filter(counterparty=counterparty)
        .order_by("-date", "-id")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("document").order_by(
                    "document__due_date", "document_id"
                ),
            )
        )
    )
    paginator = Paginator(payments, PAYMENTS_PER_PAGE)
    facts = _PAYMENT_FACTS(counterparty.pk)
    paginator.count = facts[0]["count"] if facts else 0  # (a cached property: not asked again)
    current = paginator.get_page(page)
    rows = [
        PaymentRow(
            payment=p,
            amount=Money(p.amount, p.currency),
            paid=[(a.document, Money(a.amount, p.currency)) for a in p.allocations.all()],
            unallocated=Money(p.unallocated, p.currency),
        )
        for p in (current.object_list if paginator.count else ())  # no payments: no query
    ]
    last = facts[0]["last"] if facts else None
    average, count = _days_late(counterparty)
    return PaymentHistory(
        rows=rows,
        page=current,
        last_paid_on=last,
        average_days_late=average,
        documents_paid=count,
    )


def days_late_query(cp: int, on: date | None = None) -> QuerySet[Any]:
    """The average days late of a counterparty's documents that received a payment (by `on`,
    when given), and how many: one grouped row, one query. Each document counts by its last
    payment: that payment's date minus the due date, early counting as 0. A document paid in
    part counts too: a collector and a credit controller read a late payment as lateness even
    while some of the document is still open (the committee's file lists 'paid 136 days
    late', and the average must not read '—' beside it). The debtor card (without `on`) and
    the committee's customer file (as of its day) both read this; `days_late_figure` turns
    its row into the figure they show."""
    payments = Allocation.objects.filter(document=OuterRef("pk"))
    if on is not None:
        payments = payments.filter(paid_on__lte=on)
    last_paid = payments.order_by("-paid_on").values("paid_on")[:1]
    late = ExpressionWrapper(F("last_paid_on") - F("due_date"), output_field=DurationField())
    return (
        Document.objects.filter(counterparty_id=cp, cancelled=False, amount__gt=0)
        .annotate(last_paid_on=Subquery(last_paid, output_field=DateField()))
        .filter(last_paid_on__isnull=False)
        .annotate(late=Greatest(late, Value(timedelta(0), output_field=DurationField())))
        .values("counterparty_id")
        .annotate(average=Avg("late"), count=Count("pk"))
        .order_by()
    )


def days_late_figure(found: Sequence[dict[str, Any]]) -> tuple[Decimal | None, int]:
    """The average days late to one decimal (None without a document paid) and the number of
    documents it is taken over, from `days_late_query`'s rows."""
    if not found or found[0]["average"] is None:
        return None, found[0]["count"] if found else 0
    days = Decimal(found[0]["average"].total_seconds()) / Decimal(86400)
    return days.quantize(Decimal("0.1")), found[0]["count"]


_DAYS_LATE = Reusable(days_late_query, int)  # the card's, sent with its other reads


def _days_late(counterparty: Counterparty) -> tuple[Decimal | None, int]:
    return days_late_figure(_DAYS_LATE(counterparty.pk))


def pinned_notes(counterparty: Counterparty) -> list[Note]:
    return _PINNED_NOTES(counterparty.pk)


def _with_notes(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """Give each note entry its note (`entry.note`, None once deleted) in one query, so the
    timeline can offer pin, edit and delete."""
    ids = [e.data.get("note") for e in entries if e.kind == "work.note" and e.data]
    notes = Note.objects.in_bulk([i for i in ids if isinstance(i, int)])
    for entry in entries:
        note_id = entry.data.get("note") if entry.kind == "work.note" and entry.data else None
        entry.note = notes.get(note_id) if isinstance(note_id, int) else None  # type: ignore[attr-defined]
    return list(entries)


def debtor_clock(counterparty: Counterparty, now: datetime) -> LocalClock | None:
    """The debtor's local time now and whether it is within the product's working hours
    (the ladder's default call window, 09:00–18:00) on a working day of the debtor's country
    and our company's calendar."""
    calendar = work_calendar(counterparty.company, counterparty.country)
    return local_clock(
        now,
        counterparty.time_zone or settings.TIME_ZONE,
        calendar.is_working_day,
        DEFAULT_WINDOW,
    )


def call_back_suggestion(
    counterparty: Counterparty,
    now: datetime,
    morning: time,
    after: timedelta = timedelta(hours=2),
) -> datetime:
    """When to call the debtor back: `after` from now when the debtor is then within working
    hours, else `morning` on the debtor's next working day (at 23:00 on a Saturday two hours
    later proposed 01:00 on Sunday; an abusive call at 22:00 was called back at 22:30)."""
    at = now + after
    clock = debtor_clock(counterparty, at)
    if clock is None or clock.working:
        return at
    day = clock.at.date()
    if clock.at.time() >= morning:
        day += timedelta(days=1)
    return working_morning(counterparty, day, morning)


def working_morning(counterparty: Counterparty, day: date, morning: time) -> datetime:
    """`morning` in the debtor's time zone on `day`, or on the first working day after it (the
    debtor's country's and our company's calendar, the one the debtor's clock uses)."""
    calendar = work_calendar(counterparty.company, counterparty.country)
    zone = debtor_zone(counterparty)
    return datetime.combine(calendar.next_working_day(day), morning, tzinfo=zone)


def next_working_morning(counterparty: Counterparty, now: datetime, morning: time) -> datetime:
    """`morning` on the debtor's next working day after today (the follow-up of a call that
    reached the wrong person)."""
    today = now.astimezone(debtor_zone(counterparty)).date()
    return working_morning(counterparty, today + timedelta(days=1), morning)


def debtor_zone(counterparty: Counterparty) -> ZoneInfo:
    """The debtor's time zone; ours when the one typed for the debtor does not exist."""
    try:
        return ZoneInfo(counterparty.time_zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


_CARD_PREFERENCE = Reusable(
    lambda user: (
        CardPreference.objects.filter(user_id=user).only("timeline_filter").order_by("pk")[:1]
    ),
    int,
)


def remembered_timeline_filter(user: User) -> str:
    found = _CARD_PREFERENCE(user.pk)
    choice = found[0].timeline_filter if found else None
    return choice if choice in TIMELINE_FILTERS else ""


def meeting_agreement(meeting: Meeting) -> Any:
    """The repayment agreement a negotiation meeting reached: its newest active one, or None.
    The protocol is made in its currency."""
    from dunwell.ladder.models import AgreementStatus

    return (
        meeting.agreements.filter(status=AgreementStatus.ACTIVE)
        .order_by("-signed_on", "-pk")
        .first()
    )
