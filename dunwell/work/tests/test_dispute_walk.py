"""Disputes as their users meet them (DESIGN §1.1, §1.6, §1.7): what the card says of a claim,
how the call card registers one, what the collector reads when asked to call again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User, language: str = "en") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def disputes_section(page: str) -> str:
    start = page.index('id="disputes"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize(
    ("language", "decision"),
    [("en", "Decision by sofia, 10.03.2026"), ("ru", "Решение: sofia, 10.03.2026")],
)
def test_the_card_says_what_was_disputed_and_how_it_was_settled(
    language: str, decision: str, debtor: Counterparty, collector: User, supervisor: User
) -> None:
    document = debtor.documents.order_by("due_date").first()
    assert document is not None
    dispute = ladder.register_dispute(
        counterparty=debtor,
        reason="documents_missing",
        amount=Decimal("600"),
        user=collector,
        documents=[document],
        description="No signed waybill for half the delivery",
        responsible=supervisor,
    )
    ladder.resolve_dispute(
        dispute,
        user=supervisor,
        resolution="Waybill sent again; the claim is unfounded",
        rejected=True,
    )
    page = client_for(collector, language).get(reverse("work:debtor", args=[debtor.pk]))
    section = disputes_section(page.content.decode())
    assert document.number in section
    assert "No signed waybill for half the delivery" in section
    assert f"{decision}: Waybill sent again; the claim is unfounded" in section


def test_a_dispute_over_a_document_of_the_second_currency_takes_the_documents_currency(
    debtor: Counterparty, collector: User, make_document: Any
) -> None:
    """The currency list started with the debtor's first currency, so a dispute over a EUR
    invoice of a debtor owing RON too was refused: "The chosen documents are in EUR, not in
    RON" — a currency the collector never chose."""
    from datetime import date

    invoice = make_document(debtor, "300.00", currency="EUR", due_date=date(2026, 2, 20))
    client = client_for(collector, "uk")
    page = client.get(reverse("work:call", args=[debtor.pk])).content.decode()
    form = page[page.index('id="dispute-form"') :]
    select = form[form.index('<select name="dispute_currency">') :]
    first = select[select.index("<option") : select.index("</option>")]
    assert first == '<option value="">валюта документів'
    # What the browser posts when the collector leaves the list alone.
    client.post(
        reverse("work:call", args=[debtor.pk]),
        {
            "outcome": "dispute",
            "dispute_reason": "quality",
            "dispute_amount": "100",
            "dispute_currency": "",
            "dispute_documents": [invoice.pk],
        },
    )
    dispute = Dispute.objects.get()
    assert (dispute.amount, dispute.currency) == (Decimal("100"), "EUR")
