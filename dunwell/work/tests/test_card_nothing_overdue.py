"""A debtor with nothing overdue: the card's Overdue box reads "—" and no "oldest 0 days
overdue" under it (ro "cea mai veche întârziere 0 zile" beside a dash, on every new
customer whose invoices were not yet due)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.django_db


def card(user: User, debtor: Counterparty) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("work:debtor", args=[debtor.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_overdue_says_no_oldest_zero_days(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    debtor = make_counterparty(collector=collector)
    make_document(debtor, "500.00", due_date=date(2099, 1, 1))
    collector.language = "ro"
    collector.save()
    html = card(collector, debtor)
    assert "cea mai veche întârziere" not in html


def test_an_overdue_debtor_still_reads_its_oldest_delay(
    debtor: Counterparty, collector: User
) -> None:
    collector.language = "ro"
    collector.save()
    assert 'id="oldest-overdue">cea mai veche întârziere' in card(collector, debtor)
