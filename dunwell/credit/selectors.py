"""What the credit pages read: the counterparty asked about, the card's panel, the approvals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    EVERYTHING,
    can_decide_credit,
    can_run_committee,
    counterparty_filter,
    visible_counterparties,
)
from dunwell.compiled import Reusable
from dunwell.credit.exposure import COMPONENTS, Exposure, convert, native_amounts
from dunwell.credit.models import (
    ApprovalStatus,
    CommitteeMeeting,
    CommitteeVote,
    CreditApprovalRequest,
    CreditCheck,
    CreditLimit,
    LimitRequest,
    RequestStatus,
    Vote,
)
from dunwell.credit.reasons import exposure_line_label, message
from dunwell.credit.rules import (
    LIMIT_COMPONENTS,
    LimitInForce,
    current_rule_sets,
    governing_limit_text,
    rule_set_reads,
)
from dunwell.credit.services import DEFAULT_BEYOND_DAYS, evaluate
from dunwell.interest.fx import rates_on
from dunwell.ladder.models import Dispute, DisputeStatus, Promise, PromiseStatus
from dunwell.ledger.models import Allocation, Counterparty, Document
from dunwell.legal.models import LegalCase
from dunwell.markup import html
from dunwell.money import ZERO, Amounts, Money
from dunwell.money_l10n import money_text
from dunwell.rawrows import as_instances, fetch_each, select_query, union_query
from dunwell.work.selectors import RowMark, days_late_figure, days_late_query


class NotFound(LookupError):
    """No counterparty (the user may see) answers to the key; the message names it."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))


def _latest_currency() -> Subquery:
    """The currency of the counterparty's latest document (an outer reference to its row)."""
    return Subquery(
        Document.objects.filter(counterparty=OuterRef("pk"))
        .order_by("-date", "-pk")
        .values("currency")[:1]
    )


def order_currency(user: User, key: str) -> str:
    """The currency an order of the customer `key` is most likely in, to fill in the check
    form the card links to: its latest document's, else its company's; "" if not found."""
    try:
        counterparty = find_counterparty(user, key)
    except NotFound:
        return ""
    latest = (
        Counterparty.objects.filter(pk=counterparty.pk)
        .annotate(latest_currency=_latest_currency())
        .values_list("latest_currency", flat=True)
        .first()
    )
    return latest or counterparty.company.currency


def customer_options(user: User, text: str) -> list[dict[str, Any]]:
    """The check page's customer picker: at most 10 customers `user` sees whose name, external
    id or tax id holds `text`, each with the currency an order of it is most likely in (as
    `order_currency` says, so picking one fills the form as the card's link does)."""
    found = (
        visible_counterparties(user)
        .filter(
            Q(name__icontains=text) | Q(external_id__icontains=text) | Q(tax_id__icontains=text)
        )
        .annotate(latest_currency=_latest_currency())
        .order_by("name", "id")
        .values("id", "name", "external_id", "tax_id", "latest_currency", "company__currency")[:10]
    )
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "external_id": row["external_id"],
            "tax_id": row["tax_id"],
            "currency": row["latest_currency"] or row["company__currency"],
        }
        for row in found
    ]


def find_counterparty(user: User | None, key: str) -> Counterparty:
    """The counterparty `user` sees with this external id or tax id (exactly one); without a
    user (the command line, run by whoever runs the server) any counterparty."""
    key = (key or "").strip()
    if not key:
        raise NotFound(_("Give the customer's external id or tax id."))
    if user is None or counterparty_filter(user) is EVERYTHING:
        # Whoever sees every counterparty (and the command line): the API check's path (the
        # company is loaded when used). One statement, prepared once per connection: each half
        # has an index for any value (the partial credit_cp_tax_id_given for the tax ids that
        # are given); a generic plan for `external_id = $1 OR tax_id = $1`, or for `tax_id = $1`
        # over mostly empty tax ids, would read the whole table. A row found by both halves
        # comes twice: two of each are enough to tell one customer from several.
        [rows] = fetch_each(
            [
                union_query(
                    select_query(Counterparty, "external_id = %s", [key], 2),
                    select_query(Counterparty, "tax_id = %s AND tax_id <> ''", [key], 2),
                )
            ]
        )
        found = as_instances(Counterparty, list({row[0]: row for row in rows}.values())[:2])
    else:
        found = list(
            visible_counterparties(user)
            .filter(Q(external_id=key) | Q(tax_id=key))
            .select_related("company", "segment")[:2]
        )
    if not found:
        raise NotFound(_("No customer with the id or tax id %(key)s.") % {"key": key})
    if len(found) > 1:
        raise NotFound(
            _("More than one customer has the id or tax id %(key)s: use the external id.")
            % {"key": key}
        )
    return found[0]


@dataclass(frozen=True)
class ComponentLine:
    name: str
    label: str
    amount: Money
    limit: Money | None
    native: Amounts = field(default_factory=Amounts)

    @property
    def percent(self) -> int | None:
        if self.limit is None or not self.limit.amount:
            return None
        return min(int(self.amount.amount * 100 / self.limit.amount), 999)

    @property
    def over(self) -> bool:
        return self.limit is not None and self.amount.amount > self.limit.amount


@dataclass(frozen=True)
class Panel:
    exposure: Exposure
    limit: LimitInForce | None
    lines: list[ComponentLine]
    breaches: list[str]
    total_percent: int | None
    last_check: CreditCheck | None

    @property
    def governs(self) -> str:
        """Which limit an order is checked against, in words (the contracts' are not)."""
        return governing_limit_text(self.limit)


def panel(counterparty: Counterparty, on: date) -> Panel:
    """The debtor card's credit panel: exposure by component against the limit, the rules'
    breaches today (a check of a zero order, not logged), the last check."""
    result = evaluate(counterparty, Money(ZERO, counterparty.company.currency), "", on)
    exposure, limit = result.exposure, result.limit
    currency = exposure.currency
    lines = []
    for name in COMPONENTS:
        cap = limit.components.get(name) if limit is not None else None
        lines.append(
            ComponentLine(
                name,
                exposure_line_label(name, exposure.beyond_days),
                exposure.converted[name],
                Money(cap, currency) if cap is not None else None,
                exposure.native[name],
            )
        )
    breaches = [
        message(r.code, r.params) for r in result.reasons if r.effect and r.code != "stop_shipments"
    ]
    total_percent = None
    if limit is not None and limit.total:
        total_percent = max(int(exposure.total.amount * 100 / limit.total), 0)
    last = (
        CreditCheck.objects.filter(counterparty=counterparty).order_by("-created_at", "-id").first()
    )
    return Panel(exposure, limit, lines, breaches, total_percent, last)


def pending_approvals() -> QuerySet[CreditApprovalRequest]:
    return (
        CreditApprovalRequest.objects.filter(status=ApprovalStatus.PENDING)
        .select_related("counterparty", "requested_by")
        .order_by("requested_at", "id")
    )


def orders_wait_for(user: User) -> bool:
    """Whether orders wait for a credit decision `user` may take (the Approvals page): one
    query, none for who decides no credit."""
    return can_decide_credit(user) and pending_approvals().exists()


def recent_decisions() -> QuerySet[CreditApprovalRequest]:
    return (
        CreditApprovalRequest.objects.exclude(status=ApprovalStatus.PENDING)
        .select_related("counterparty", "decided_by")
        .order_by("-decided_at", "-id")
    )


# --- the credit committee (issue 13, item 5) ---------------------------------------------------

# The payment trend compares the last TREND_MONTHS with the TREND_MONTHS before.
TREND_MONTHS = 3
# A change of the average days late smaller than this is "steady".
TREND_STEADY_DAYS = Decimal(2)


@dataclass(frozen=True)
class Trend:
    recent: Decimal | None  # average days late of documents closed in the last months
    before: Decimal | None  # … in the months before
    recent_count: int
    before_count: int

    @property
    def direction(self) -> str:
        """ "better", "worse", "steady", or "" when either window has no paid document."""
        if self.recent is None or self.before is None:
            return ""
        if self.recent - self.before >= TREND_STEADY_DAYS:
            return "worse"
        if self.before - self.recent >= TREND_STEADY_DAYS:
            return "better"
        return "steady"


@dataclass(frozen=True)
class CustomerFile:
    """What the committee reads about the customer on a request's page."""

    header: Any  # work.selectors.Header: totals and aging per currency
    average_days_late: Decimal | None
    documents_paid: int
    last_paid_on: date | None
    trend: Trend
    promises_kept: int
    promises_broken: int
    promises_active: int
    disputes: list[Dispute]
    disputes_open: int
    legal_cases: list[LegalCase]
    panel: Panel
    limits: list[CreditLimit]


def payment_trend(counterparty: Counterparty, on: date) -> Trend:
    """Average days late (early counts as 0) of the documents whose last payment fell in the
    last TREND_MONTHS, and in the TREND_MONTHS before: one query. A document paid in part
    counts by its payment, as the file's average does."""
    middle = on - relativedelta(months=TREND_MONTHS)
    start = middle - relativedelta(months=TREND_MONTHS)
    rows = (
        Allocation.objects.filter(
            counterparty=counterparty,
            paid_on__gt=start,
            paid_on__lte=on,
            document__cancelled=False,
        )
        .values("document_id", "document__due_date")
        .annotate(closed_on=Max("paid_on"))
    )
    recent: list[int] = []
    before: list[int] = []
    for row in rows:
        late = max((row["closed_on"] - row["document__due_date"]).days, 0)
        (recent if row["closed_on"] > middle else before).append(late)

    def average(values: list[int]) -> Decimal | None:
        if not values:
            return None
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))

    return Trend(average(recent), average(before), len(recent), len(before))


def days_late(counterparty: Counterparty, on: date) -> tuple[Decimal | None, int]:
    """The average days late of the documents that received a payment by `on`, each by its
    last payment, and how many: the debtor card's figure (work.selectors.days_late_query) as
    of the committee's day, one query."""
    return days_late_figure(list(days_late_query(counterparty.pk, on)))


def customer_file(counterparty: Counterparty, on: date) -> CustomerFile:
    """The customer's file for the committee: payment history with average days late and its
    trend, aging, promises kept and broken, disputes, legal history, exposure against the
    limit, and the limit's history. A fixed number of queries, none per row."""
    from dunwell.work.selectors import debtor_header, payment_history

    history = payment_history(counterparty)
    average_late, documents_paid = days_late(counterparty, on)
    promises = dict(
        Promise.objects.filter(counterparty=counterparty)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    disputes = list(
        Dispute.objects.filter(counterparty=counterparty).order_by("-registered_at", "-id")[:20]
    )
    disputes_open = Dispute.objects.filter(
        counterparty=counterparty, status=DisputeStatus.OPEN
    ).count()
    return CustomerFile(
        header=debtor_header(counterparty, on),
        average_days_late=average_late,
        documents_paid=documents_paid,
        last_paid_on=history.last_paid_on,
        trend=payment_trend(counterparty, on),
        promises_kept=promises.get(PromiseStatus.KEPT, 0),
        promises_broken=promises.get(PromiseStatus.BROKEN, 0),
        promises_active=promises.get(PromiseStatus.ACTIVE, 0),
        disputes=disputes,
        disputes_open=disputes_open,
        legal_cases=list(
            LegalCase.objects.filter(counterparty=counterparty).order_by("-opened_at")[:20]
        ),
        panel=panel(counterparty, on),
        limits=list(
            CreditLimit.objects.filter(counterparty=counterparty)
            .select_related("set_by")
            .order_by("-valid_from", "-id")[:50]
        ),
    )


def waiting_requests() -> QuerySet[LimitRequest]:
    """Filed requests not yet on an agenda, oldest first."""
    return (
        LimitRequest.objects.filter(status=RequestStatus.FILED)
        .select_related("counterparty", "filed_by", "review_of")
        .order_by("filed_at", "id")
    )


def requests_filed_by(user: User) -> QuerySet[LimitRequest]:
    return (
        LimitRequest.objects.filter(filed_by=user)
        .select_related("counterparty", "meeting")
        .order_by("-filed_at", "-id")
    )


def meetings_for(user: User) -> QuerySet[CommitteeMeeting]:
    """The meetings `user` may open: all for the credit deciders, else those they sit on."""
    meetings = CommitteeMeeting.objects.select_related("chair").order_by("-day", "-id")
    if can_run_committee(user):
        return meetings
    return meetings.filter(Q(chair=user) | Q(members=user)).distinct()


@dataclass(frozen=True)
class AgendaItem:
    request: LimitRequest
    votes: list[CommitteeVote]
    tally: dict[str, int]


def agenda(meeting: CommitteeMeeting) -> list[AgendaItem]:
    """The meeting's items (decided ones included) with their votes: two queries."""
    items = list(
        meeting.items.exclude(status=RequestStatus.WITHDRAWN)
        .select_related("counterparty", "filed_by", "decided_by", "review_of")
        .prefetch_related(
            Prefetch(
                "votes",
                queryset=CommitteeVote.objects.select_related("member").order_by("voted_at"),
            )
        )
        .order_by("filed_at", "id")
    )
    out = []
    for item in items:
        votes = list(item.votes.all())
        tally = {v: sum(1 for x in votes if x.vote == v) for v in Vote.values}
        out.append(AgendaItem(item, votes, tally))
    return out


def last_committee_decision(counterparty: Counterparty) -> LimitRequest | None:
    """The customer's last decided limit request (the card's credit panel shows it)."""
    return (
        LimitRequest.objects.filter(counterparty=counterparty, status=RequestStatus.DECIDED)
        .select_related("meeting")
        .order_by("-decided_at", "-id")
        .first()
    )


# --- the debtor list's credit column (issue 13, item 7) ------------------------------------
# Called by work/list_views.py for the rows of one page; the cell's markup is `list_cell`.


@dataclass(frozen=True)
class CreditMark:
    """A debtor's total exposure against its limit in force (in the limit's currency)."""

    exposure: Money
    limit: Money | None
    over: bool  # the total or a component is over its limit
    missing_rates: tuple[str, ...] = ()

    @property
    def percent(self) -> int | None:
        if self.limit is None or not self.limit.amount:
            return None
        return max(int(self.exposure.amount * 100 / self.limit.amount), 0)


def _limits_in_force(ids: list[int], on: date) -> QuerySet[CreditLimit]:
    latest = (
        CreditLimit.objects.filter(counterparty=OuterRef("counterparty"), valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .values("pk")[:1]
    )
    return CreditLimit.objects.filter(counterparty_id__any=ids, pk=Subquery(latest))


# The limit row in force of each debtor of a page, its SQL built once per process.
_LIMITS_IN_FORCE = Reusable(_limits_in_force, list, date)


def credit_marks(counterparties: Sequence[Counterparty], on: date) -> dict[int, CreditMark]:
    """Exposure against limit for every debtor of a list page, with a fixed number of queries
    whatever the page's size: the limits in force (one), the rules in force (one), the
    exposure of all of them (one, `exposure.native_amounts`); the day's rates are cached.
    A debtor with neither its own limit nor a default one in its rules gets no mark."""
    ids = [cp.pk for cp in counterparties]
    if not ids:
        return {}
    rows = {row.counterparty_id: row for row in _LIMITS_IN_FORCE(ids, on)}
    by_scope = {rules.segment_id: rules for rules in current_rule_sets(on)}
    limits: dict[int, LimitInForce] = {}
    for cp in counterparties:
        row = rows.get(cp.pk)
        if row is not None:
            components = {
                name: getattr(row, name)
                for name in LIMIT_COMPONENTS
                if getattr(row, name) is not None
            }
            limits[cp.pk] = LimitInForce(row.currency, row.total, components, row.source, row)
            continue
        rules = by_scope.get(cp.segment_id) or by_scope.get(None)
        if rules is not None and rules.default_limit is not None:
            limits[cp.pk] = LimitInForce(rules.limit_currency, rules.default_limit, {}, "rules")
    if not limits:
        return {}
    native = native_amounts(list(limits), on, DEFAULT_BEYOND_DAYS)
    rates = rates_on(on)
    marks = {}
    for cp_id, limit in limits.items():
        exposure = convert(cp_id, native[cp_id], limit.currency, rates, on)
        over = limit.total is not None and exposure.total.amount > limit.total
        over = over or any(
            exposure.converted[name].amount > cap for name, cap in limit.components.items()
        )
        marks[cp_id] = CreditMark(
            exposure.total,
            Money(limit.total, limit.currency) if limit.total is not None else None,
            over,
            exposure.missing_rates,
        )
    return marks


def list_cell(mark: CreditMark | None, label: str) -> SafeString:
    """The debtor list's credit cell (`<td>`, `label` its heading on narrow screens): exposure,
    "/ limit (percent)", and the badges."""
    if mark is None:
        return html('<td class="num" data-label="{}">—</td>', label)
    limit = ""
    if mark.limit:
        percent = f" ({formats.localize(mark.percent)}%)" if mark.percent is not None else ""
        limit = html("<br><small>/ {}{}</small>", money_text(mark.limit), percent)
    # the badge on a line of its own: beside the limit it made the column the list's widest
    over = (
        html('<br><span class="badge bad">{}</span>', gettext("over the limit"))
        if mark.over
        else ""
    )
    missing = ""
    if mark.missing_rates:
        title = gettext("No exchange rate for %(c)s: left out of the total.") % {
            "c": ", ".join(mark.missing_rates)
        }
        missing = html(
            ' <span class="badge warn" title="{}">{}</span>', title, gettext("rate missing")
        )
    return html(
        '<td class="num" data-label="{}"><span class="credit-mark{}">{}{}{}{}</span></td>',
        label,
        " bad" if mark.over else "",
        money_text(mark.exposure),
        SafeString(limit),
        SafeString(over),
        SafeString(missing),
    )


def mark_page(rows: list[Counterparty], today: date) -> None:
    """Set `credit_mark` and its cell `credit_cell` on each row of a debtor-list page
    (registered with `work.listing.register_page_column`)."""
    marks = credit_marks(rows, today)
    label = gettext("Exposure / limit")
    for row in rows:
        mark = marks.get(row.pk)
        row.credit_mark = mark  # type: ignore[attr-defined]
        row.credit_cell = list_cell(mark, label)  # type: ignore[attr-defined]


def worklist_reads(ids: list[int], today: date) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """What `worklist_marks` reads of the worklist's debtors before the exposure (the limits
    and the rules in force), sent with the worklist's other reads of its rows."""
    return [(_LIMITS_IN_FORCE, (ids, today)), *rule_set_reads(today)]


def worklist_marks(debtors: list[Counterparty], today: date) -> dict[int, list[RowMark]]:
    """The collector's worklist badges (issue 13, item 7), for a whole page at once: "over the
    limit" (total or a component; the credit marks' three queries) and "shipments stopped"
    (the row's own flag). Registered with `work.selectors.register_row_marks`."""
    credit = credit_marks(debtors, today)
    label = str(_("Exposure / limit"))
    out: dict[int, list[RowMark]] = {}
    for cp in debtors:
        marks = []
        mark = credit.get(cp.pk)
        if mark is not None and mark.over:
            limit = money_text(mark.limit) if mark.limit is not None else "—"
            title = f"{label}: {money_text(mark.exposure)} / {limit}"
            marks.append(RowMark(str(_("over the limit")), "bad", title))
        if cp.stop_shipments:
            marks.append(RowMark(str(_("Shipments stopped")), "bad"))
        if marks:
            out[cp.pk] = marks
    return out
