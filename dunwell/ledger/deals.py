"""The sales pipeline's stages and the one rule of a deal's stage date (issue 14, item 3).

Deals live in the ledger beside orders so that the import engine can load them like any other
kind; the pages that list and edit them are in dunwell/pipeline/."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from dunwell.ledger.models import DEFAULT_DEAL_STAGES, DealStage


def ensure_default_stages(company_ids: Iterable[int]) -> None:
    """Give each company without stages the shipped default ones (a company that has any
    stage keeps its own list)."""
    ids = set(company_ids)
    if not ids:
        return
    have = set(DealStage.objects.filter(company_id__in=ids).values_list("company_id", flat=True))
    missing = sorted(ids - have)
    if not missing:
        return
    with transaction.atomic():
        DealStage.objects.bulk_create(
            [
                DealStage(
                    company_id=company_id,
                    code=code,
                    name=name,
                    names=dict(names),
                    position=position,
                    probability=probability,
                    usual_days=usual_days,
                    outcome=outcome,
                )
                for company_id in missing
                for position, (code, name, names, probability, usual_days, outcome) in enumerate(
                    DEFAULT_DEAL_STAGES, 1
                )
            ],
            ignore_conflicts=True,
        )
