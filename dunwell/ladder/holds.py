"""Why a ladder task is on hold, and until when: one set-based computation for the worklist,
the debtor card and the task pages.

A hold is what pauses the pressure scale (DESIGN §1.4, §1.6–1.8):

- a management **grace** covers every ladder task of the counterparty until its date;
- an active **repayment agreement** covers the tasks whose open documents are all in its
  currency while the agreement runs (shown until its last instalment): a schedule of the
  hryvnia debt does not pay the euro one, which goes on up the ladder;
- an active **promise** covers the tasks whose open documents it pays in full, until the
  promised date plus the promise's grace days;
- an open **dispute** covers the tasks whose open documents are all disputed, until the
  dispute's deadline (or until it is settled);
- a dispute **accepted in part** (settled, a credit note to come) goes on holding the amount
  accepted over the documents it names until the ledger credits it: until what they (naming
  none, the debtor's documents in its currency dated by the decision) are billed falls by that
  amount, as the accounting system's credit note or correction brings about, or nothing of
  them is left open (`accepted_still_held`). A payment lowers what they owe, not what they
  were billed: the customer paying the rest does not bring the accepted part back.

Promises and disputes are laid over documents of their own currency only, oldest first, as
the daily run does; a task is held when every open document it names is fully held. Tasks
made by hand (a call-back someone asked for) are never held: a person decided them. A held
task leaves "My day" and comes back by itself the day after its hold ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.compiled import Reusable, together
from dunwell.ladder.decide import held_amounts
from dunwell.ladder.models import (
    Agreement,
    AgreementStatus,
    Dispute,
    DisputeStatus,
    Grace,
    Promise,
    PromiseStatus,
    Task,
)
from dunwell.ledger.models import Document
from dunwell.money import Amounts, Money

GRACE = "grace"
AGREEMENT = "agreement"
PROMISE = "promise"
DISPUTE = "dispute"

REASON_LABELS: dict[str, StrOrPromise] = {
    GRACE: _("grace"),
    AGREEMENT: _("repayment agreement"),
    PROMISE: _("promise"),
    DISPUTE: _("dispute"),
}


@dataclass(frozen=True)
class Hold:
    """`reason` is one of GRACE, AGREEMENT, PROMISE, DISPUTE; `until` is the last day the
    hold lasts (None: until a person settles it, e.g. a dispute without a deadline).
    `currencies` are the debts an agreement holds, each with its last instalment's day (empty:
    every currency, as a grace)."""

    reason: str
    until: date | None
    currencies: tuple[tuple[str, date | None], ...] = ()

    @property
    def label(self) -> StrOrPromise:
        if not self.currencies:
            return REASON_LABELS[self.reason]
        codes = ", ".join(code for code, _until in self.currencies)
        return format_lazy("{}, {}", REASON_LABELS[self.reason], codes)


def _later(a: date | None, b: date | None) -> date | None:
    if a is None or b is None:
        return None  # an open-ended hold wins
    return max(a, b)


def _graces(ids: Any, today: date) -> QuerySet[Any]:
    """The last day of grace of each counterparty of `ids` (a list or a subquery) in grace."""
    lookup = "counterparty_id__in" if isinstance(ids, QuerySet) else "counterparty_id__any"
    return (
        Grace.objects.filter(**{lookup: ids}, until__gte=today)
        .values("counterparty_id")
        .annotate(until=Max("until"))
        .order_by()
    )


def _agreements(ids: Any) -> QuerySet[Any]:
    """The last instalment's day of the active agreements of each counterparty of `ids`, by
    currency."""
    lookup = "counterparty_id__in" if isinstance(ids, QuerySet) else "counterparty_id__any"
    return (
        Agreement.objects.filter(**{lookup: ids}, status=AgreementStatus.ACTIVE)
        .values("counterparty_id", "currency")
        .annotate(until=Max("instalments__due_date"))
        .order_by("counterparty_id", "currency")
    )


GRACES_OF = Reusable(_graces, list, date)
AGREEMENTS_OF = Reusable(_agreements, list)


def counterparty_holds(
    counterparty_ids: Collection[int] | QuerySet[Any], today: date
) -> dict[int, Hold]:
    """Holds of a counterparty as a whole, by id: a grace covers all of its debts; else its
    active agreements cover the debts of their currencies (`Hold.currencies`), which
    `task_holds` lays over the tasks' documents.

    `counterparty_ids` is a list or a values("counterparty_id") queryset (kept as a subquery).
    Two queries whatever the number of counterparties."""
    holds: dict[int, Hold] = {}
    if isinstance(counterparty_ids, QuerySet):
        graces: Any = _graces(counterparty_ids, today)
        agreements: Any = _agreements(counterparty_ids)
    else:  # a list: the reads built once per process (the debtor card sends them together)
        ids = list(counterparty_ids)
        graces, agreements = GRACES_OF(ids, today), AGREEMENTS_OF(ids)
    for row in graces:
        holds[row["counterparty_id"]] = Hold(GRACE, row["until"])
    # An active agreement pauses the ladder for its currency while it runs; shown until its
    # last instalment.
    by_currency: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    for row in agreements:
        by_currency[row["counterparty_id"]].append((row["currency"], row["until"]))
    for cp_id, currencies in by_currency.items():
        last = max((until for _code, until in currencies if until is not None), default=None)
        holds.setdefault(cp_id, Hold(AGREEMENT, last, tuple(sorted(currencies))))
    return holds


# A counterparty's active promises and open disputes, one row per document each names (None
# for one that names none), for a list of counterparties; the SQL built once per process.
ACTIVE_PROMISES_OF = Reusable(
    lambda ids: (
        Promise.objects.filter(counterparty_id__any=ids, status=PromiseStatus.ACTIVE)
        .values(
            "id",
            "counterparty_id",
            "amount",
            "currency",
            "promised_date",
            "grace_days",
            "documents",
        )
        .order_by()
    ),
    list,
)
# What a dispute holds: an open one its disputed amount; a settled one accepted in part the
# amount accepted, until the ledger credits it (`_credited` decides, by the documents).
HOLDING_DISPUTES = Q(status=DisputeStatus.OPEN) | Q(
    status=DisputeStatus.RESOLVED, accepted_amount__gt=0
)
OPEN_DISPUTES_OF = Reusable(
    lambda ids: (
        Dispute.objects.filter(HOLDING_DISPUTES, counterparty_id__any=ids)
        .values(
            "id",
            "counterparty_id",
            "amount",
            "currency",
            "deadline",
            "documents",
            "status",
            "accepted_amount",
            "accepted_billed",
            "resolved_at",
        )
        .order_by()
    ),
    list,
)


def task_holds(
    tasks: QuerySet[Task],
    today: date,
    whole: dict[int, Hold] | None = None,
    rows: Sequence[tuple[int, int]] | None = None,
) -> dict[int, Hold]:
    """The hold of each task of `tasks` that is on hold on `today` (task id → Hold).

    A fixed number of queries whatever the number of tasks: the task list (unless the caller
    passes `rows`, the (id, counterparty id) of the tasks of `tasks` that have a step), graces
    and agreements (unless the caller passes `whole`, the `counterparty_holds` of the tasks'
    counterparties), promises and disputes (of the counterparties not held whole, or of all
    the `rows`' counterparties), then — only when some of them have one — open documents and
    the tasks' documents. The reads by a list of counterparties are built once per process;
    with `rows`, they go out in one round trip."""
    given = rows is not None
    if rows is None:
        rows = list(tasks.filter(step__isnull=False).values_list("id", "counterparty_id"))
    if not rows:
        return {}
    # The caller's few rows: their counterparties' graces, agreements, promises and disputes
    # in one round trip (reads built once; a counterparty held whole has its claims read
    # too, and skipped). Else the claims of the counterparties not held whole.
    listed = sorted({cp for _t, cp in rows}) if given else []
    sending: list[tuple[Reusable, tuple[Any, ...]]] = []
    if given and whole is None:
        sending += [(GRACES_OF, (listed, today)), (AGREEMENTS_OF, (listed,))]
    if given:
        sending += [(ACTIVE_PROMISES_OF, (listed,)), (OPEN_DISPUTES_OF, (listed,))]
    with together(sending):
        return _task_holds(tasks, today, whole, rows, listed)


def _task_holds(
    tasks: QuerySet[Task],
    today: date,
    whole: dict[int, Hold] | None,
    rows: Sequence[tuple[int, int]],
    listed: list[int],
) -> dict[int, Hold]:
    if whole is None:
        # The caller's few rows as a list (reads built once); else the tasks' counterparties as
        # a subquery, whatever their number.
        ids: Any = listed or tasks.values("counterparty_id")
        whole = counterparty_holds(ids, today)
    result: dict[int, Hold] = {}
    rest: dict[int, list[int]] = defaultdict(list)  # counterparty → its task ids
    for task_id, cp_id in rows:
        hold = whole.get(cp_id)
        if hold is not None and not hold.currencies:
            result[task_id] = hold
        else:
            rest[cp_id].append(task_id)
    if not rest:
        return result
    claims = _claims_of(listed or sorted(rest), today)
    # Only the counterparties in `rest` can hold a task by a claim or an agreement of a
    # currency: the others are held whole.
    agreed = {cp: whole[cp].currencies for cp in rest if cp in whole}
    claimed = [cp for cp in rest if cp in claims or cp in agreed]
    if not claimed:
        return result
    docs: dict[int, dict[str, list[tuple[int, date, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for doc_id, cp_id, currency, due, amount in Document.objects.filter(
        counterparty_id__in=claimed, open_amount__gt=0
    ).values_list("id", "counterparty_id", "currency", "due_date", "open_amount"):
        docs[cp_id][currency].append((doc_id, due, amount))
    task_docs: dict[int, list[int]] = dict(
        tasks.filter(counterparty_id__in=claimed, step__isnull=False).values_list(
            "id", "document_ids"
        )
    )
    for cp_id in claimed:
        covered = _covered_documents(docs[cp_id], claims.get(cp_id, []))
        for currency, last in agreed.get(cp_id, ()):
            covered.update((d[0], (AGREEMENT, last)) for d in docs[cp_id].get(currency, []))
        open_ids = {d[0] for cur in docs[cp_id].values() for d in cur}
        for task_id in rest[cp_id]:
            wanted = [d for d in task_docs.get(task_id, []) if d in open_ids]
            if not wanted or any(d not in covered for d in wanted):
                continue
            kinds = {covered[d][0] for d in wanted}
            reason = next(k for k in (AGREEMENT, PROMISE, DISPUTE) if k in kinds)
            until: date | None = covered[wanted[0]][1]
            for d in wanted[1:]:
                until = _later(until, covered[d][1])
            result[task_id] = Hold(reason, until)
    return result


class Claim(NamedTuple):
    """An active promise (within its date) or an open dispute, as it holds documents."""

    kind: str  # PROMISE or DISPUTE
    id: int
    amount: Decimal
    currency: str
    documents: list[int]  # the documents it names; empty: the oldest first
    until: date | None  # a promise's date plus its grace days; a dispute's deadline
    promised_date: date | None = None
    # A dispute accepted in part: what its documents were billed when accepted, and the day
    # (the claim's amount is then the accepted amount, held until they are billed that much
    # less, `_credited`).
    accepted_billed: Decimal | None = None
    accepted_on: date | None = None


def _accepted_claim(row: Mapping[str, Any]) -> Claim:
    """The claim of a dispute settled with a part accepted: the accepted amount."""
    return Claim(
        DISPUTE,
        row["id"],
        row["accepted_amount"],
        row["currency"],
        [],
        None,
        accepted_billed=row["accepted_billed"] or Decimal("0"),
        accepted_on=timezone.localdate(row["resolved_at"]) if row["resolved_at"] else None,
    )


def _claims_of(counterparty_ids: list[int], today: date) -> dict[int, list[Claim]]:
    """The counterparties' claims by counterparty: their active promises whose date (plus grace)
    has not passed, in the order they were recorded, then their open disputes. Two reads."""
    promises: dict[int, tuple[int, Claim]] = {}
    for p in ACTIVE_PROMISES_OF(counterparty_ids):
        ends = p["promised_date"] + timedelta(days=p["grace_days"])
        claim = Claim(PROMISE, p["id"], p["amount"], p["currency"], [], ends, p["promised_date"])
        entry = promises.setdefault(p["id"], (p["counterparty_id"], claim))
        if p["documents"] is not None:
            entry[1].documents.append(p["documents"])
    disputes: dict[int, tuple[int, Claim]] = {}
    for d in OPEN_DISPUTES_OF(counterparty_ids):
        if d["status"] == DisputeStatus.OPEN:
            claim_d = Claim(DISPUTE, d["id"], d["amount"], d["currency"], [], d["deadline"])
        else:  # accepted in part: the accepted amount, until the ledger credits it
            claim_d = _accepted_claim(d)
        entry_d = disputes.setdefault(d["id"], (d["counterparty_id"], claim_d))
        if d["documents"] is not None:
            entry_d[1].documents.append(d["documents"])
    for dispute_id in _credited(
        {i: e for i, e in disputes.items() if e[1].accepted_billed is not None}
    ):
        del disputes[dispute_id]
    claims: dict[int, list[Claim]] = defaultdict(list)
    for _id, (cp_id, claim) in sorted(promises.items()):
        assert claim.until is not None
        if claim.until >= today:  # a promise past its date no longer holds, whatever its status
            claims[cp_id].append(claim)
    for _id, (cp_id, claim) in sorted(disputes.items()):
        claims[cp_id].append(claim)
    return claims


def _reached(
    docs_by_currency: dict[str, list[tuple[int, date, Decimal]]], claims: list[Claim]
) -> list[tuple[Claim, set[int]]]:
    """Each claim with the documents it reaches that the claims of its currency hold in full
    together (promises first, then disputes, as the daily run lays them)."""
    out: list[tuple[Claim, set[int]]] = []
    for currency, open_docs in docs_by_currency.items():
        mine = [c for c in claims if c.currency == currency]
        if not mine:
            continue
        mine.sort(key=lambda c: c.kind != PROMISE)
        open_amount = {doc_id: amount for doc_id, _due, amount in open_docs}
        held = held_amounts(open_docs, [(c.amount, c.documents) for c in mine])
        full = {d for d, amount in held.items() if amount >= open_amount[d]}
        # Which claim reaches which document: lay each claim alone in the same order.
        for claim in mine:
            reached = held_amounts(open_docs, [(claim.amount, claim.documents)])
            out.append((claim, {d for d in reached if d in full}))
    return out


def _covered_documents(
    docs_by_currency: dict[str, list[tuple[int, date, Decimal]]], claims: list[Claim]
) -> dict[int, tuple[str, date | None]]:
    """Documents fully held by the claims, with the kind that held them and until when."""
    covered: dict[int, tuple[str, date | None]] = {}
    for claim, documents in _reached(docs_by_currency, claims):
        for doc_id in documents:
            previous = covered.get(doc_id)
            if previous is None:
                covered[doc_id] = (claim.kind, claim.until)
            elif previous[0] == claim.kind:
                covered[doc_id] = (claim.kind, _later(previous[1], claim.until))
    return covered


@dataclass(frozen=True)
class PromiseCover:
    """An active promise and the debtor's open documents it holds out of the ladder: those it
    reaches and that the debtor's promises and open disputes pay in full together. Its other
    documents, and the debtor's in other currencies, go on up the ladder."""

    amount: Money
    promised_date: date
    covers: frozenset[int]
    overdue: frozenset[int]  # the debtor's overdue open documents, every currency


def promise_covers(counterparty_id: int, today: date) -> list[PromiseCover]:
    """The debtor's promises that hold today, in the order they were recorded, with what each
    covers (laid as `task_holds` lays them). Two reads, a third (open documents) only if a
    promise holds."""
    claims = _claims_of([counterparty_id], today).get(counterparty_id, [])
    if not any(c.kind == PROMISE for c in claims):
        return []
    docs: dict[str, list[tuple[int, date, Decimal]]] = defaultdict(list)
    overdue: set[int] = set()
    for doc_id, currency, due, amount in Document.objects.filter(
        counterparty_id=counterparty_id, open_amount__gt=0
    ).values_list("id", "currency", "due_date", "open_amount"):
        docs[currency].append((doc_id, due, amount))
        if due < today:
            overdue.add(doc_id)
    covers = {claim.id: frozenset(found) for claim, found in _reached(docs, claims)}
    return [
        PromiseCover(
            amount=Money(claim.amount, claim.currency),
            promised_date=claim.promised_date,
            covers=covers.get(claim.id, frozenset()),
            overdue=frozenset(overdue),
        )
        for claim in claims
        if claim.kind == PROMISE and claim.promised_date is not None
    ]


def _credited(accepted: dict[int, tuple[int, Claim]]) -> set[int]:
    """The disputes among `accepted` (id → counterparty, claim accepted in part) whose accepted
    part the ledger has credited: what the documents a claim names (none: the counterparty's
    documents in its currency dated by the decision) are billed fell by the accepted amount
    (the credit note, or the invoice corrected in accounting), or nothing of them is open. One
    read of those counterparties' documents when there are any; a payment changes neither."""
    if not accepted:
        return set()
    rows = list(
        Document.objects.filter(
            counterparty_id__in={cp for cp, _claim in accepted.values()}, cancelled=False
        ).values_list("id", "counterparty_id", "currency", "date", "amount", "open_amount")
    )
    done: set[int] = set()
    for dispute_id, (cp_id, claim) in accepted.items():
        named = set(claim.documents)
        billed, owed = Decimal("0"), Decimal("0")
        for doc_id, doc_cp, currency, day, amount, open_amount in rows:
            if doc_cp != cp_id or currency != claim.currency:
                continue
            if named and doc_id not in named:
                continue
            if not named and claim.accepted_on is not None and day > claim.accepted_on:
                continue
            billed += amount
            owed += open_amount
        if owed <= 0 or billed <= (claim.accepted_billed or Decimal("0")) - claim.amount:
            done.add(dispute_id)
    return done


def billed_now(counterparty_id: int, currency: str, documents: Collection[int]) -> Decimal:
    """What the documents (none: the debtor's documents in `currency` dated by today) are
    billed, cancelled ones aside: what a dispute accepted in part is measured against
    (`Dispute.accepted_billed`). One read."""
    found = Document.objects.filter(
        counterparty_id=counterparty_id, currency=currency, cancelled=False
    )
    if documents:
        found = found.filter(pk__in=list(documents))
    else:
        found = found.filter(date__lte=timezone.localdate())
    return sum(found.values_list("amount", flat=True), Decimal("0"))


def accepted_still_held(counterparty_ids: Collection[int]) -> dict[int, Money]:
    """The disputes of the counterparties settled with a part accepted whose credit the ledger
    has not brought yet (dispute id → the amount accepted, still held out of escalation). Two
    reads (one when none was accepted in part)."""
    accepted: dict[int, tuple[int, Claim]] = {}
    for row in Dispute.objects.filter(
        counterparty_id__in=list(counterparty_ids),
        status=DisputeStatus.RESOLVED,
        accepted_amount__gt=0,
    ).values(
        "id",
        "counterparty_id",
        "accepted_amount",
        "accepted_billed",
        "resolved_at",
        "currency",
        "documents",
    ):
        entry = accepted.setdefault(row["id"], (row["counterparty_id"], _accepted_claim(row)))
        if row["documents"] is not None:
            entry[1].documents.append(row["documents"])
    credited = _credited(accepted)
    return {
        dispute_id: Money(claim.amount, claim.currency)
        for dispute_id, (_cp, claim) in accepted.items()
        if dispute_id not in credited
    }


def open_documents(counterparty_id: int) -> dict[str, list[tuple[int, date, Decimal]]]:
    """One debtor's open documents by currency, (id, due date, open amount), oldest first: what
    `disputed_amounts` lays claims over. One read."""
    by_currency: dict[str, list[tuple[int, date, Decimal]]] = defaultdict(list)
    for doc_id, currency, due, amount in (
        Document.objects.filter(counterparty_id=counterparty_id, open_amount__gt=0, cancelled=False)
        .order_by("due_date", "id")
        .values_list("id", "currency", "due_date", "open_amount")
    ):
        by_currency[currency].append((doc_id, due, amount))
    return dict(by_currency)


def disputed_of(
    counterparty_id: int,
    today: date,
    documents: dict[str, list[tuple[int, date, Decimal]]] | None = None,
) -> dict[int, Decimal]:
    """One debtor's open documents held by its open disputes (document → amount), laid as
    `disputed_amounts` lays them over `documents` (`open_documents`, read here when not
    given): one read when the debtor has no open dispute (most debtors)."""
    if not Dispute.objects.filter(HOLDING_DISPUTES, counterparty_id=counterparty_id).exists():
        return {}
    if documents is None:
        documents = open_documents(counterparty_id)
    if not documents:
        return {}
    return disputed_amounts({counterparty_id: documents}, today).get(counterparty_id, {})


def disputed_amounts(
    open_docs: dict[int, dict[str, list[tuple[int, date, Decimal]]]], today: date
) -> dict[int, dict[int, Decimal]]:
    """How much of each open document the debtors' open disputes hold out of escalation
    (counterparty → document → amount), laid as the daily run lays them: per currency, the
    active promises first, then the disputes, each over the documents it names or the oldest
    first. A letter asks for the overdue debt less this (DESIGN §1.7).

    `open_docs` are each counterparty's open documents by currency, (id, due date, open
    amount). Two reads whatever the number of counterparties."""
    claims = _claims_of(sorted(open_docs), today) if open_docs else {}
    out: dict[int, dict[int, Decimal]] = {}
    for cp_id, by_currency in open_docs.items():
        for currency, rows in by_currency.items():
            mine = [c for c in claims.get(cp_id, []) if c.currency == currency]
            disputes = [(c.amount, c.documents) for c in mine if c.kind == DISPUTE]
            if not disputes:
                continue
            promises = [(c.amount, c.documents) for c in mine if c.kind == PROMISE]
            before = held_amounts(rows, promises)
            for doc_id, amount in held_amounts(rows, promises + disputes).items():
                disputed = amount - before.get(doc_id, Decimal("0"))
                if disputed > 0:
                    out.setdefault(cp_id, {})[doc_id] = disputed
    return out


def disputed_overdue(counterparty_ids: Collection[int], today: date) -> dict[int, Amounts]:
    """What the debtors' disputes hold of their overdue debt, per currency (counterparty →
    amounts; a debtor none holds is left out): the part of "Overdue X" the collector does not
    ask for (`disputed_amounts`, laid over the open documents). Three reads, whatever the
    number of debtors: call it for the debtors a page knows to have a dispute."""
    ids = sorted(set(counterparty_ids))
    if not ids:
        return {}
    open_docs: dict[int, dict[str, list[tuple[int, date, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for doc_id, cp_id, currency, due, amount in (
        Document.objects.filter(counterparty_id__in=ids, open_amount__gt=0, cancelled=False)
        .order_by("due_date", "id")
        .values_list("id", "counterparty_id", "currency", "due_date", "open_amount")
    ):
        open_docs[cp_id][currency].append((doc_id, due, amount))
    overdue_of = {
        doc_id: (currency, due < today)
        for by_currency in open_docs.values()
        for currency, rows in by_currency.items()
        for doc_id, due, _amount in rows
    }
    out: dict[int, Amounts] = {}
    for cp_id, held in disputed_amounts(dict(open_docs), today).items():
        amounts = Amounts.of(
            (overdue_of[doc_id][0], amount)
            for doc_id, amount in held.items()
            if overdue_of[doc_id][1]
        ).nonzero()
        if amounts:
            out[cp_id] = amounts
    return out
