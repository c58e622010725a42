"""The debtor list as a work tool (issue 16, item 2): what its address asks for (filters, sort,
page) and the query that answers it.

The address is the view: every filter and the sort are query parameters, so a saved view is a
query string and the XLSX export reads the same parameters as the page.

Speed at 100k debtors: the list is one query over counterparties; every amount, date and flag
it filters or sorts by is a correlated subquery on the documents of that counterparty (indexed
by counterparty), so there is no GROUP BY over the whole ledger and no Python loop over rows.
A page is LIMIT/OFFSET over that query; the per-currency amounts shown are computed for the
50 rows of the page only (`selectors.with_amounts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import COLLECTING_ROLES, visible_counterparties, visible_people
from dunwell.compiled import Reusable
from dunwell.forms import AmountField
from dunwell.insight.models import saved_edges
from dunwell.interest.fx import rates_on
from dunwell.ladder.models import Dispute, DisputeStatus, Promise, PromiseStatus
from dunwell.ledger.models import Contact, Counterparty, Document, Segment
from dunwell.money import Amounts, is_currency_code
from dunwell.work.bucket_names import bucket_name
from dunwell.work.logic import DEFAULT_BUCKETS, bucket_labels, bucket_range, company_bounds
from dunwell.work.selectors import MONEY, ZERO, equivalent_expression

PAGE_SIZE = 50
# The most debtors one XLSX export writes (setting WORK_LIST_EXPORT_MAX).
EXPORT_MAX = 20_000


def export_max() -> int:
    return int(getattr(settings, "WORK_LIST_EXPORT_MAX", EXPORT_MAX))


# Column key -> the label of its heading. Amount columns sort by the company-currency
# equivalent at today's official rates (the amounts themselves stay per currency).
SORT_COLUMNS: dict[str, Any] = {
    "name": _("Debtor"),
    "country": _("Country"),
    "segment": _("Segment"),
    "collector": _("Collector"),
    "total": _("Total due"),
    "overdue": _("Overdue"),
    "days": _("Days overdue"),
}
DEFAULT_SORT = "-overdue"
# Parameters that make up a view (a saved view stores these; `page` and `view` are not part).
VIEW_PARAMS = (
    "q",
    "overdue",
    "collector",
    "team",
    "country",
    "segment",
    "bucket",
    "currency",
    "amount_min",
    "amount_max",
    "promise",
    "dispute",
    "legal",
    "stopped",
    "no_decider",
    "sort",
)


def sort_choices() -> list[tuple[str, Any]]:
    """Each column both ways; the arrow says which (↑ smallest or A first, ↓ largest first)."""
    choices: list[tuple[str, Any]] = []
    for key, label in SORT_COLUMNS.items():
        choices.append((key, f"{label} ↑"))
        choices.append((f"-{key}", f"{label} ↓"))
    return choices


def bucket_choices(bounds: Sequence[int]) -> list[tuple[str, Any]]:
    """The company's aging buckets, named as on the debtor card ("Not yet due", "1–30 days")."""
    choices: list[tuple[str, Any]] = [("", _("Any bucket"))]
    choices += [(label, bucket_name(label)) for label in bucket_labels(bounds)]
    return choices


class BucketField(forms.ChoiceField):
    """A bucket of the company's buckets, or "N+" for one of their edges (an older link's
    "90+" when the company's last edge is 180)."""

    bounds: Sequence[int] = DEFAULT_BUCKETS

    def valid_value(self, value: Any) -> bool:
        return super().valid_value(value) or bucket_range(str(value), self.bounds) is not None


class DebtorListForm(forms.Form):
    """The list's address. Every field is optional; a bad value is an error naming its field."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    overdue = forms.BooleanField(label=_("Only with overdue debt"), required=False)
    collector = forms.TypedChoiceField(
        label=_("Collector"), coerce=int, required=False, empty_value=None
    )
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    bucket = BucketField(label=_("Oldest debt"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    amount_min = AmountField(label=_("Amount from"), required=False, allow_zero=True)
    amount_max = AmountField(label=_("Amount up to"), required=False, allow_zero=True)
    promise = forms.BooleanField(label=_("Has a promise"), required=False)
    dispute = forms.BooleanField(label=_("In dispute"), required=False)
    legal = forms.BooleanField(label=_("On the legal track"), required=False)
    # The credit controller's list of customers to review for lifting the stop.
    stopped = forms.BooleanField(label=_("Shipments stopped"), required=False)
    no_decider = forms.BooleanField(label=_("No contact who decides payments"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, initial=DEFAULT_SORT)

    def __init__(self, data: Any, *, user: User) -> None:
        if data is not None and not data.get("sort"):
            # The list is in DEFAULT_SORT when the address names no order: the select says so
            # (it showed its first choice, "Debtor ↑", above a list sorted by the overdue).
            data = data.copy()
            data["sort"] = DEFAULT_SORT
        super().__init__(data)
        self.user = user
        people = list_people(user)
        self.fields["collector"].choices = [("", _("Any collector"))] + [  # type: ignore[attr-defined]
            (u.pk, str(u)) for u in people.collectors
        ]
        self.fields["team"].choices = [("", _("Any team"))] + [  # type: ignore[attr-defined]
            (u.pk, str(u)) for u in people.supervisors
        ]
        self.fields["segment"].choices = [("", _("Any segment"))] + [  # type: ignore[attr-defined]
            (s.code, s.localized_name) for s in Segment.objects.order_by("name")
        ]
        bounds = company_bounds(saved_edges())
        field = self.fields["bucket"]
        assert isinstance(field, BucketField)
        field.bounds = bounds
        choices = bucket_choices(bounds)
        asked = str((data or {}).get("bucket") or "")
        if asked and asked not in dict(choices) and bucket_range(asked, bounds) is not None:
            choices.append((asked, bucket_name(asked)))  # the older link's bucket, as asked
        field.choices = choices
        self.fields["sort"].choices = sort_choices()  # type: ignore[attr-defined]
        self.show_people = bool(people.collectors)

    def clean_country(self) -> str:
        value = str(self.cleaned_data.get("country") or "").strip().upper()
        if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
            raise forms.ValidationError(_("Country: enter a two-letter code such as RO."))
        return value

    def clean_currency(self) -> str:
        value = str(self.cleaned_data.get("currency") or "").strip().upper()
        if value and not is_currency_code(value):
            raise forms.ValidationError(_("Currency: enter a currency code such as EUR."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("amount_min"), data.get("amount_max")
        if (low is not None or high is not None) and not data.get("currency"):
            # Amounts are per currency: "more than 1000" means nothing without naming which.
            self.add_error("currency", _("Choose the currency the amount range is in."))
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The upper amount is below the lower one."))
        return data

    def filters(self) -> DebtorFilters:
        data = self.cleaned_data
        return DebtorFilters(
            search=data.get("q") or "",
            only_overdue=bool(data.get("overdue")),
            collector=data.get("collector"),
            team=data.get("team"),
            country=data.get("country") or "",
            segment=data.get("segment") or "",
            bucket=data.get("bucket") or "",
            bucket_bounds=tuple(self.fields["bucket"].bounds),  # type: ignore[attr-defined]
            currency=data.get("currency") or "",
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            has_promise=bool(data.get("promise")),
            in_dispute=bool(data.get("dispute")),
            on_legal=bool(data.get("legal")),
            shipments_stopped=bool(data.get("stopped")),
            no_decider=bool(data.get("no_decider")),
            sort=data.get("sort") or DEFAULT_SORT,
        )


@dataclass(frozen=True)
class People:
    collectors: list[User]
    supervisors: list[User]


def list_people(user: User) -> People:
    """Whom the collector and team filters offer: nothing for a collector (they see their
    own debtors), the team for a supervisor, everybody for those who see all: of the people
    `visibility.visible_people` names, those who can hold debtors (a supervisor cannot, so is
    not offered as a collector) and, for the team filter, the other supervisors."""
    if not (user.sees_all or user.role == Role.SUPERVISOR):
        return People([], [])
    people = visible_people(user).order_by("username")
    return People(
        list(people.filter(role__in=COLLECTING_ROLES)),
        list(people.filter(role=Role.SUPERVISOR).exclude(pk=user.pk)),
    )


@dataclass(frozen=True)
class DebtorFilters:
    search: str = ""
    only_overdue: bool = False
    collector: int | None = None
    team: int | None = None
    country: str = ""
    segment: str = ""
    bucket: str = ""
    # The company's buckets the bucket is one of (work.logic.company_bounds).
    bucket_bounds: tuple[int, ...] = DEFAULT_BUCKETS
    currency: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    has_promise: bool = False
    in_dispute: bool = False
    on_legal: bool = False
    shipments_stopped: bool = False
    no_decider: bool = False
    sort: str = DEFAULT_SORT


def _open_documents() -> QuerySet[Document]:
    return Document.objects.filter(counterparty=OuterRef("pk"), open_amount__gt=0)


def _per_debtor(queryset: QuerySet[Document], expression: Any) -> Subquery:
    """One value per counterparty from its documents (a correlated, indexed subquery): the
    aggregate `expression` over all the rows the subquery finds. Without a GROUP BY (and the
    LIMIT 1 it would need) PostgreSQL runs a plain aggregate, about a quarter cheaper per debtor,
    and takes MIN of an indexed column from the index's first entry."""
    inner = queryset.order_by().annotate(value=expression).values("value")
    inner.query.group_by = None
    return Subquery(inner)


def bucket_condition(label: str, today: date, bounds: Sequence[int] = DEFAULT_BUCKETS) -> Q:
    """Debtors whose OLDEST open document falls in the aging bucket `label` (the bucket that
    decides how urgent the debtor is). "The oldest is due before X" is "some open document is
    due before X", and "the oldest is due on or after Y" is "no open document is due before
    Y": two index probes per debtor that stop at the first match, instead of the minimum."""
    days = bucket_range(label, bounds)
    if days is None:
        raise ValueError(f"no such bucket: {label!r}")
    low, high = days
    open_docs = _open_documents()
    condition = Q(Exists(open_docs))
    if high is not None:
        condition &= ~Q(Exists(open_docs.filter(due_date__lt=today - timedelta(days=high))))
    if low is not None:
        condition &= Q(Exists(open_docs.filter(due_date__lt=today - timedelta(days=low))))
    return condition


def debtor_rows(user: User, filters: DebtorFilters, today: date) -> QuerySet[Counterparty]:
    """Visible counterparties matching `filters`, in the asked order with a stable tie-break
    (name, then id): the same rows whichever page is read."""
    qs = visible_counterparties(user).select_related("segment", "collector")
    open_docs = _open_documents()
    search = filters.search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(tax_id__icontains=search) | Q(external_id=search)
        )
    if filters.collector is not None:
        qs = qs.filter(collector_id=filters.collector)
    if filters.team is not None:
        qs = qs.filter(collector__supervisor_id=filters.team)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.segment:
        qs = qs.filter(segment__code=filters.segment)
    if filters.on_legal:
        qs = qs.filter(legal=True)
    if filters.shipments_stopped:
        qs = qs.filter(stop_shipments=True)
    if filters.only_overdue:
        qs = qs.filter(Exists(open_docs.filter(due_date__lt=today)))
    if filters.currency:
        in_currency = open_docs.filter(currency=filters.currency)
        qs = qs.filter(Exists(in_currency))
        if filters.amount_min is not None or filters.amount_max is not None:
            qs = qs.annotate(
                currency_total=Coalesce(
                    _per_debtor(in_currency, Sum("open_amount")), ZERO, output_field=MONEY
                )
            )
            if filters.amount_min is not None:
                qs = qs.filter(currency_total__gte=filters.amount_min)
            if filters.amount_max is not None:
                qs = qs.filter(currency_total__lte=filters.amount_max)
    if filters.has_promise:
        qs = qs.filter(
            Exists(Promise.objects.filter(counterparty=OuterRef("pk"), status=PromiseStatus.ACTIVE))
        )
    if filters.in_dispute:
        qs = qs.filter(
            Exists(Dispute.objects.filter(counterparty=OuterRef("pk"), status=DisputeStatus.OPEN))
        )
    if filters.no_decider:
        qs = qs.filter(
            ~Exists(Contact.objects.filter(counterparty=OuterRef("pk"), decides_payments=True))
        )
    key = filters.sort.lstrip("-")
    if filters.bucket:
        qs = qs.filter(bucket_condition(filters.bucket, today, filters.bucket_bounds))
    if key == "days":
        qs = qs.annotate(oldest_due=_per_debtor(open_docs, Min("due_date")))
    if key in ("total", "overdue"):
        docs = open_docs.filter(due_date__lt=today) if key == "overdue" else open_docs
        rank = _per_debtor(docs, equivalent_expression(rates_on(today)))
        qs = qs.annotate(rank=Coalesce(rank, ZERO, output_field=MONEY))
    return qs.order_by(*ordering(filters.sort))


def ordering(sort: str) -> list[Any]:
    """ORDER BY for a sort key ("name", "-total", …) of a `debtor_rows` query."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key in ("total", "overdue"):
        fields: list[Any] = [F("rank").desc() if descending else F("rank").asc()]
    elif key == "days":
        # Most days overdue = the oldest due date; debtors with nothing open come last.
        fields = [
            F("oldest_due").asc(nulls_last=True)
            if descending
            else F("oldest_due").desc(nulls_last=True)
        ]
    else:
        column = {
            "name": ["name"],
            "country": ["country"],
            "segment": ["segment__name"],
            "collector": ["collector__last_name", "collector__first_name", "collector__username"],
        }[key]
        fields = [
            F(c).desc(nulls_last=True) if descending else F(c).asc(nulls_last=True) for c in column
        ]
    return [*fields, "name", "pk"]


def view_query(params: dict[str, Any]) -> str:
    """The query string of a view: only the view's own parameters, non-empty, in a fixed
    order (so the same view always has the same address)."""
    pairs = [(k, str(params[k])) for k in VIEW_PARAMS if params.get(k) not in (None, "")]
    return urlencode(pairs)


# Apps above `work` add columns to the list's page (credit: exposure against limit) by
# registering a function called once per page with its rows (set-based, never per row).
PAGE_COLUMNS: list[Callable[[list[Counterparty], date], None]] = []


def register_page_column(function: Callable[[list[Counterparty], date], None]) -> None:
    if function not in PAGE_COLUMNS:
        PAGE_COLUMNS.append(function)


def _page_amounts(ids: list[int], today: date) -> QuerySet[Any]:
    return (
        Document.objects.filter(counterparty_id__any=ids, open_amount__gt=0)
        .values("counterparty_id", "currency")
        .annotate(
            total=Sum("open_amount"),
            late=Coalesce(
                Sum("open_amount", filter=Q(due_date__lt=today)), ZERO, output_field=MONEY
            ),
            first_due=Min("due_date"),
        )
        .order_by()
    )


# A page's amounts per debtor and currency, its SQL built once per process.
_PAGE_AMOUNTS = Reusable(_page_amounts, list, date)


def page_details(rows: Any, today: date) -> list[Counterparty]:
    """What a page shows beyond the row itself, for its rows only (three small queries):
    amounts per currency and the oldest open due date (one grouped query), an active promise,
    an open dispute; and the address of each card, built once rather than reversed per row."""
    page = list(rows)
    ids = [cp.pk for cp in page]
    totals: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    overdue: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    oldest: dict[int, date] = {}
    for row in _PAGE_AMOUNTS(ids, today):
        cp_id, currency, total, late, first_due = (
            row["counterparty_id"],
            row["currency"],
            row["total"],
            row["late"],
            row["first_due"],
        )
        totals[cp_id].append((currency, total))
        overdue[cp_id].append((currency, late))
        if cp_id not in oldest or first_due < oldest[cp_id]:
            oldest[cp_id] = first_due
    # An active promise or an open dispute: one query for both (a UNION of the two).
    flags = Promise.objects.filter(counterparty__in=ids, status=PromiseStatus.ACTIVE).values_list(
        "counterparty_id", Value("promise", output_field=CharField())
    )
    flags = flags.union(
        Dispute.objects.filter(counterparty__in=ids, status=DisputeStatus.OPEN).values_list(
            "counterparty_id", Value("dispute", output_field=CharField())
        )
    )
    promised: set[int] = set()
    disputed: set[int] = set()
    for cp_id, flag in flags:
        (promised if flag == "promise" else disputed).add(cp_id)
    card = reverse("work:debtor", args=[0]).removesuffix("0/")
    for cp in page:
        due = oldest.get(cp.pk)
        cp.total_due = Amounts.of(totals[cp.pk])  # type: ignore[attr-defined]
        cp.overdue = Amounts.of(overdue[cp.pk]).nonzero()  # type: ignore[attr-defined]
        cp.oldest_open_due = due  # type: ignore[attr-defined]
        cp.days_overdue = max((today - due).days, 0) if due else None  # type: ignore[attr-defined]
        cp.has_promise = cp.pk in promised  # type: ignore[attr-defined]
        cp.in_dispute = cp.pk in disputed  # type: ignore[attr-defined]
        cp.card_url = f"{card}{cp.pk}/"  # type: ignore[attr-defined]
    for column in PAGE_COLUMNS:
        column(page, today)
    return page


def column_labels() -> dict[str, str]:
    """The headings each cell repeats as its label on narrow screens, translated once per
    page rather than once per cell."""
    return {
        "country": gettext("Country"),
        "segment": gettext("Segment"),
        "collector": gettext("Collector"),
        "total": gettext("Total due"),
        "overdue": gettext("Overdue"),
        "days": gettext("Days overdue"),
        "stopped": gettext("Shipments stopped"),
        "legal": gettext("Legal track"),
        "dispute": gettext("Dispute"),
        "promise": gettext("Promise"),
    }
