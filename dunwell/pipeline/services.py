"""Saving a deal from the page: one transaction with its timeline entry. Moving a deal to
another stage restarts its days on the stage (the import does the same: ledger/importing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Deal, DealStage, TimelineEntry


class DealError(ValueError):
    """A deal that cannot be saved; the message is translated and names the field."""


@dataclass(frozen=True)
class DealChanges:
    name: str
    amount: Decimal
    currency: str
    stage: DealStage
    probability: int | None
    expected_close: date
    payment_days: int
    owner: User | None


def save_deal(
    user: User,
    changes: DealChanges,
    *,
    deal: Deal | None = None,
    counterparty: Counterparty | None = None,
    today: date | None = None,
) -> Deal:
    """Create a deal (of `counterparty`) or change `deal`; the stage date restarts on a move."""
    today = today or timezone.localdate()
    if deal is None:
        if counterparty is None:
            raise DealError(_("Customer: choose one."))
        deal = Deal(
            company_id=counterparty.company_id,
            counterparty=counterparty,
            external_id=f"dunwell-{uuid.uuid4().hex[:16]}",
        )
    stage = changes.stage
    if stage.company_id != deal.company_id:
        # The new-deal form lists one company's stages: take the same stage of the customer's.
        same = DealStage.objects.filter(company_id=deal.company_id, code=stage.code).first()
        if same is None:
            raise DealError(_("Stage: not a stage of this company's pipeline."))
        stage = same
    created = deal.pk is None
    moved = created or deal.stage_id != stage.pk
    with transaction.atomic():
        deal.name = changes.name
        deal.amount = changes.amount
        deal.currency = changes.currency
        deal.stage = stage
        deal.probability = changes.probability
        deal.expected_close = changes.expected_close
        deal.payment_days = changes.payment_days
        deal.owner = changes.owner
        if moved:
            deal.stage_entered_on = today
        deal.save()
        TimelineEntry.objects.create(
            counterparty_id=deal.counterparty_id,
            at=timezone.now(),
            actor=user,
            kind="pipeline.deal_saved",
            summary=f"Deal {deal}: {stage.name}, {deal.amount} {deal.currency}",
            data={
                "deal": deal.pk,
                "created": created,
                "stage": stage.code,
                "moved": moved,
                "amount": str(deal.amount),
                "currency": deal.currency,
            },
        )
    return deal
