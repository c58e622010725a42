"""Legal case stages as events for integrations: opening and every change of stage."""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.legal import services
from dunwell.outbox.models import Event

# Events are written when a subscription lists their kind (outbox.services.wanted).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("subscriber")]


def test_opening_and_closing_a_case_emit_its_stage_changes(
    debtor: Counterparty, lawyer: User
) -> None:
    case = services.open_case(debtor, lawyer)
    services.close_case(case, lawyer, closed_on=date(2026, 5, 1), note="paid in full")
    changes = list(Event.objects.filter(kind="legal_case.stage_changed").order_by("id"))
    assert [(e.data["from"], e.data["to"]) for e in changes] == [(None, "new"), ("new", "closed")]
    assert {e.counterparty_id for e in changes} == {debtor.pk}
    assert {e.data["case"] for e in changes} == {case.pk}
    assert {e.company_id for e in changes} == {debtor.company_id}
