"""A claim accepted in part (DESIGN §1.7): the settler records the amount the company agreed to
drop; that part stays out of escalation until the ledger credits it, the rest is asked for."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty
from dunwell.work.tests.test_dispute_walk import client_for, disputes_section

pytestmark = pytest.mark.usefixtures("frozen")


def _dispute(debtor: Counterparty, collector: User, supervisor: User) -> Dispute:
    invoice = debtor.documents.order_by("due_date").first()  # 1 500.00 RON, overdue
    assert invoice is not None
    return ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal("1000"),
        user=collector,
        documents=[invoice],
        responsible=supervisor,
    )


def _settle(supervisor: User, debtor: Counterparty, dispute: Dispute, accepted: str) -> list[str]:
    client = client_for(supervisor)
    response = client.post(
        reverse("work:resolve_dispute", args=[debtor.pk, dispute.pk]),
        {
            "resolution": "A credit note for the damaged part",
            "decision": "resolve",
            "accepted": accepted,
        },
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


def _prefilled(user: User, debtor: Counterparty) -> dict[str, str]:
    page = client_for(user).get(reverse("work:call", args=[debtor.pk])).content.decode()
    return dict(re.findall(r'<option value="([A-Z]{3})" data-amount="([^"]*)"', page))


def test_the_accepted_part_stays_held_until_the_credit_note(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    dispute = _dispute(debtor, collector, supervisor)
    assert _prefilled(collector, debtor) == {"RON": "500.00"}  # 1 500 less the disputed 1 000
    _settle(supervisor, debtor, dispute, "300")
    # Settled: the 700 not accepted is asked for again, the 300 to be credited is not.
    assert _prefilled(collector, debtor) == {"RON": "1200.00"}
    card = client_for(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Accepted 300.00\xa0RON, awaiting the credit note" in disputes_section(card)
    page = client_for(supervisor).get(reverse("work:disputes")).content.decode()
    assert f'id="accepted-dispute-{dispute.pk}"' in page
    assert "Accepted 300.00\xa0RON, awaiting the credit note" in page
    # The ledger brings the credit note (accounting corrects the invoice by 300): nothing
    # more is held, and the invoice owes 300 less.
    invoice = debtor.documents.order_by("due_date").first()
    assert invoice is not None
    invoice.amount -= Decimal("300")
    invoice.open_amount -= Decimal("300")
    invoice.save(update_fields=["amount", "open_amount"])
    assert _prefilled(collector, debtor) == {"RON": "1200.00"}
    card = client_for(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Accepted 300.00\xa0RON, credited" in disputes_section(card)
    page = client_for(supervisor).get(reverse("work:disputes")).content.decode()
    assert f'id="accepted-dispute-{dispute.pk}"' not in page


def test_a_payment_of_the_rest_does_not_bring_the_accepted_part_back(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    """The customer pays what was not accepted before the credit note arrives: the invoice
    owes 700 less, but the 300 the company agreed to drop is still not asked for."""
    dispute = _dispute(debtor, collector, supervisor)
    _settle(supervisor, debtor, dispute, "300")
    invoice = debtor.documents.order_by("due_date").first()
    assert invoice is not None
    invoice.open_amount -= Decimal("700")  # the payment's allocation; the amount billed stays
    invoice.save(update_fields=["open_amount"])
    assert _prefilled(collector, debtor) == {"RON": "500.00"}  # 1 500 − 700 paid − 300 held
    card = client_for(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Accepted 300.00\xa0RON, awaiting the credit note" in disputes_section(card)


def test_more_accepted_than_disputed_is_refused_with_both_figures(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    dispute = _dispute(debtor, collector, supervisor)
    said = _settle(supervisor, debtor, dispute, "1200")
    assert said == [
        "The accepted amount, 1,200.00\xa0RON, is more than the disputed 1,000.00\xa0RON."
    ]
    dispute.refresh_from_db()
    assert dispute.status == "open" and dispute.accepted_amount is None
