"""The deals a user may see, with their days on the current stage and whether they are stuck."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from dunwell.accounts.models import User
from dunwell.accounts.visibility import deal_filter
from dunwell.ledger.models import Deal, DealOutcome, DealStage


def visible_deals(user: User) -> QuerySet[Deal]:
    return Deal.objects.filter(deal_filter(user))


def stuck_filter(stages: list[DealStage], today: date) -> Q:
    """Deals on an open stage longer than its usual days (a stage with 0 usual days never
    sticks). One condition per stage: stages are few, and no date arithmetic runs in SQL."""
    condition = Q(pk__in=[])
    for stage in stages:
        if stage.outcome == DealOutcome.OPEN and stage.usual_days > 0:
            condition |= Q(
                stage=stage, stage_entered_on__lt=today - timedelta(days=stage.usual_days)
            )
    return condition


@dataclass(frozen=True)
class DealRow:
    deal: Deal
    days_on_stage: int
    stuck: bool
    probability: int
    # An open deal whose expected close date has passed: the forecast still counts on it.
    close_passed: bool = False


def deal_rows(deals: list[Deal], today: date) -> list[DealRow]:
    rows = []
    for deal in deals:
        days = max(0, (today - deal.stage_entered_on).days)
        stage = deal.stage
        stuck = stage.outcome == DealOutcome.OPEN and 0 < stage.usual_days < days
        close_passed = stage.outcome == DealOutcome.OPEN and deal.expected_close < today
        rows.append(DealRow(deal, days, stuck, deal.effective_probability, close_passed))
    return rows


def deal_list(
    user: User, today: date, *, stage: str = "", stuck_only: bool = False
) -> QuerySet[Deal]:
    """The user's visible deals, open stages first, then by expected close."""
    deals = visible_deals(user).select_related("stage", "counterparty", "owner")
    if stage:
        deals = deals.filter(stage__code=stage)
    if stuck_only:
        stages = list(DealStage.objects.filter(outcome=DealOutcome.OPEN))
        deals = deals.filter(stuck_filter(stages, today))
    open_first = Case(
        When(stage__outcome=DealOutcome.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return deals.order_by(open_first, "expected_close", "id")
