"""The call after a dispute is closed (DESIGN §1.7: once resolved the collector asks again for
a payment date): the call card tells the collector what was decided, by whom and when, and
picks the script for it, whether the claim was settled or rejected."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Contact, Counterparty
from dunwell.work.models import CallActivity, Outcome
from dunwell.work.tests.test_dispute_walk import client_for

pytestmark = pytest.mark.usefixtures("frozen")


def facts(page: str) -> str:
    start = page.index('<ul class="facts">')
    return page[start : page.index("</ul>", start)]


def closed_dispute(debtor: Counterparty, collector: User, supervisor: User, rejected: bool) -> str:
    """A dispute registered and closed after the collector's last call; its document's number."""
    CallActivity.objects.create(
        counterparty=debtor,
        user=collector,
        at=timezone.now() - timedelta(days=2),
        outcome=Outcome.DISPUTE,
    )
    document = debtor.documents.order_by("due_date").first()
    assert document is not None
    dispute = ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal("600"),
        user=collector,
        documents=[document],
        responsible=supervisor,
    )
    ladder.resolve_dispute(
        dispute, user=supervisor, resolution="The goods were fine", rejected=rejected
    )
    return document.number


@pytest.mark.parametrize(
    ("language", "rejected", "said"),
    [
        ("en", True, "Dispute: Quality, 600.00\u00a0RON ({number}) · <strong>rejected by sofia "
         "on 10.03.2026</strong>: The goods were fine"),
        ("en", False, "Dispute: Quality, 600.00\u00a0RON ({number}) · <strong>settled by sofia "
         "on 10.03.2026</strong>: The goods were fine"),
        ("uk", True, "Спір: Якість, 600,00\u00a0RON ({number}) · <strong>відхилив(ла) sofia "
         "10.03.2026</strong>: The goods were fine"),
    ],
)  # fmt: skip
def test_the_facts_say_how_the_dispute_ended_since_the_last_call(
    language: str,
    rejected: bool,
    said: str,
    debtor: Counterparty,
    collector: User,
    supervisor: User,
) -> None:
    number = closed_dispute(debtor, collector, supervisor, rejected)
    page = client_for(collector, language).get(reverse("work:call", args=[debtor.pk]))
    assert said.format(number=number) in facts(page.content.decode())


def test_a_dispute_closed_before_the_last_call_is_no_longer_news(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    closed_dispute(debtor, collector, supervisor, rejected=True)
    CallActivity.objects.create(
        counterparty=debtor, user=collector, at=timezone.now(), outcome=Outcome.NO_ANSWER
    )
    page = client_for(collector, "en").get(reverse("work:call", args=[debtor.pk]))
    assert "Dispute:" not in facts(page.content.decode())
    assert page.context["situation"] == "repeat_call"


@pytest.mark.parametrize("rejected", [True, False])
def test_after_a_closed_dispute_the_script_is_the_one_after_a_dispute_even_with_the_decider(
    rejected: bool, debtor: Counterparty, collector: User, supervisor: User
) -> None:
    Contact.objects.create(counterparty=debtor, name="Dan Decide", decides_payments=True)
    closed_dispute(debtor, collector, supervisor, rejected)
    page = client_for(collector, "en").get(reverse("work:call", args=[debtor.pk]))
    assert page.context["situation"] == "after_dispute_resolved"
