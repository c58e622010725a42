"""What the credit pages read: the counterparty asked about, the card's panel, the approvals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import visible_counterparties
from dunwell.credit.exposure import COMPONENTS, Exposure
from dunwell.credit.models import ApprovalStatus, CreditApprovalRequest, CreditCheck
from dunwell.credit.reasons import component_label, message
from dunwell.credit.rules import LimitInForce
from dunwell.credit.services import evaluate
from dunwell.ledger.models import Counterparty
from dunwell.money import ZERO, Amounts, Money


class NotFound(LookupError):
    """No counterparty (the user may see) answers to the key; the message names it."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))


def find_counterparty(user: User | None, key: str) -> Counterparty:
    """The counterparty `user` sees with this external id or tax id (exactly one); without a
    user (the command line, run by whoever runs the server) any counterparty."""
    key = (key or "").strip()
    if not key:
        raise NotFound(_("Give the customer's external id or tax id."))
    scope = visible_counterparties(user) if user is not None else Counterparty.objects.all()
    found = list(
        scope.filter(Q(external_id=key) | Q(tax_id=key)).select_related("company", "segment")[:2]
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
                component_label(name),
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


def recent_decisions() -> QuerySet[CreditApprovalRequest]:
    return (
        CreditApprovalRequest.objects.exclude(status=ApprovalStatus.PENDING)
        .select_related("counterparty", "decided_by")
        .order_by("-decided_at", "-id")
    )
