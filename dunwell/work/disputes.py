"""Open disputes for whoever follows them up (DESIGN §1.7): the claims a supervisor, the
director or a sales manager must see settled, with who settles each and by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.accounts.visibility import dispute_filter
from dunwell.ladder.holds import accepted_still_held
from dunwell.ladder.models import Dispute, DisputeStatus
from dunwell.ledger.models import TimelineEntry
from dunwell.money import Amounts, Money
from dunwell.work.services import DISPUTE_CHANNELS, DISPUTE_REASONS

# "deadline": the nearest first (none set last); "age": the oldest first.
SORTS = ("deadline", "-deadline", "age", "-age")


@dataclass(frozen=True)
class DisputeRow:
    id: int
    counterparty_id: int
    debtor: str
    reason: str
    amount: Money
    documents: list[str]
    responsible: User | None
    deadline: date | None
    overdue: bool
    age_days: int
    channel: str


@dataclass(frozen=True)
class DisputeList:
    rows: list[DisputeRow]
    totals: Amounts  # per currency, never added across currencies
    owners: list[User]  # whom the list may be narrowed to


def visible_open_disputes(user: User) -> QuerySet[Dispute]:
    return Dispute.objects.filter(dispute_filter(user), status=DisputeStatus.OPEN)


def open_disputes(
    user: User, *, owner: int | None = None, reason: str = "", sort: str = "deadline"
) -> DisputeList:
    """The open disputes `user` may see (`visibility.dispute_filter`), narrowed to one settler
    (`owner`) and one reason, sorted by deadline or age."""
    today = timezone.localdate()
    base = visible_open_disputes(user)
    owners = list(
        User.objects.filter(pk__in=base.values("responsible")).order_by("last_name", "username")
    )
    found = base.select_related("counterparty", "responsible").prefetch_related("documents")
    if owner is not None:
        found = found.filter(responsible_id=owner)
    if reason:
        found = found.filter(reason=reason)
    order: dict[str, list[Any]] = {
        "deadline": [F("deadline").asc(nulls_last=True), "registered_at"],
        "-deadline": [F("deadline").desc(nulls_last=True), "registered_at"],
        "age": ["registered_at", "pk"],
        "-age": ["-registered_at", "-pk"],
    }
    disputes = list(found.order_by(*order.get(sort, order["deadline"])))
    channels = _channels([d.pk for d in disputes], {d.counterparty_id for d in disputes})
    rows = [
        DisputeRow(
            id=d.pk,
            counterparty_id=d.counterparty_id,
            debtor=d.counterparty.name,
            reason=str(DISPUTE_REASONS.get(d.reason, d.reason)),
            amount=Money(d.amount, d.currency),
            documents=sorted(doc.number for doc in d.documents.all()),
            responsible=d.responsible,
            deadline=d.deadline,
            overdue=d.deadline is not None and d.deadline < today,
            age_days=(today - timezone.localdate(d.registered_at)).days,
            channel=str(DISPUTE_CHANNELS.get(channels.get(d.pk, ""), "")),
        )
        for d in disputes
    ]
    totals = Amounts.of((r.amount.currency, r.amount.amount) for r in rows)
    return DisputeList(rows=rows, totals=totals, owners=owners)


def _channels(dispute_ids: list[int], counterparty_ids: set[int]) -> dict[int, str]:
    """How each claim came, as registered on the debtor card (a call's outcome says none)."""
    if not dispute_ids:
        return {}
    entries = TimelineEntry.objects.filter(
        counterparty_id__in=counterparty_ids, kind="ladder.dispute_registered"
    ).values_list("data", flat=True)
    wanted = set(dispute_ids)
    return {
        data["dispute"]: data["channel"]
        for data in entries
        if isinstance(data, dict) and data.get("dispute") in wanted and data.get("channel")
    }


@dataclass(frozen=True)
class AcceptedRow:
    """A claim settled with a part accepted whose credit note the ledger has not brought yet:
    that part is still held out of escalation."""

    id: int
    counterparty_id: int
    debtor: str
    accepted: Money
    documents: list[str]
    resolved_by: User | None
    resolved_on: date | None


def awaiting_credit(user: User) -> list[AcceptedRow]:
    """The disputes `user` may see that were settled with a part accepted and still wait for
    the credit note (`ladder.holds.accepted_still_held`), the oldest decision first."""
    found = list(
        Dispute.objects.filter(
            dispute_filter(user), status=DisputeStatus.RESOLVED, accepted_amount__gt=0
        )
        .select_related("counterparty", "resolved_by")
        .prefetch_related("documents")
        .order_by("resolved_at", "pk")
    )
    if not found:
        return []
    held = accepted_still_held({d.counterparty_id for d in found})
    return [
        AcceptedRow(
            id=d.pk,
            counterparty_id=d.counterparty_id,
            debtor=d.counterparty.name,
            accepted=held[d.pk],
            documents=sorted(doc.number for doc in d.documents.all()),
            resolved_by=d.resolved_by,
            resolved_on=timezone.localdate(d.resolved_at) if d.resolved_at else None,
        )
        for d in found
        if d.pk in held
    ]
