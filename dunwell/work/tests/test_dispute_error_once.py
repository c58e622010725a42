"""Registering a dispute with documents in two currencies: the refusal was said twice, once in
red above the form and once more as a bullet under it; it is said once, in red, above the form,
and what was typed stays."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")


def test_the_refusal_is_said_once(
    debtor: Counterparty, collector: User, make_document: Callable[..., Document]
) -> None:
    ron = debtor.documents.order_by("due_date").first()
    assert ron is not None
    eur = make_document(debtor, "200.00", currency="EUR", number="EU-7")
    client = Client()
    client.force_login(collector)
    response = client.post(
        reverse("work:dispute_new", args=[debtor.pk]),
        {
            "reason": "price",
            "amount": "300",
            "currency": "RON",
            "documents": [ron.pk, eur.pk],
            "channel": "meeting",
            "note": "Price list of 2025 applied",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    said = "The chosen documents are in several currencies (EUR, RON): one per currency."
    assert page.count(said) == 1
    assert f'id="dispute-error">{said}</p>' in page
    assert "Price list of 2025 applied</textarea>" in page
    assert 'name="amount" value="300"' in page
