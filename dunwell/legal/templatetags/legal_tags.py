"""Template helpers of the legal app for other apps' pages."""

from __future__ import annotations

from typing import Any

from django import template

from dunwell.ledger.models import Counterparty
from dunwell.legal.selectors import contract_facts as contract_facts_of

register = template.Library()


@register.simple_tag
def contract_facts(counterparty: Counterparty) -> list[dict[str, Any]]:
    """The debtor's open debt per contract and currency with each contract's terms:
    `{% contract_facts cp as facts %}`."""
    return contract_facts_of(counterparty)
