"""The limit page leads back to the customer's card and to the other credit pages: opened from
the card's 'Задать лимит' / 'Stabilește limita', it named the customer in its heading only, and
the credit controller who decided not to save had the browser's back button alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "check"), [("ru", "Кредитная проверка"),
                                                 ("ro", "Verificare de credit")])  # fmt: skip
def test_the_limit_page_links_the_customers_card_and_the_credit_pages(
    make_counterparty: Callable[..., Counterparty], controller: User, language: str, check: str
) -> None:
    cp = make_counterparty(name="ProdGrup SA", tax_id="477819758")
    controller.language = language
    controller.save(update_fields=["language"])
    client = Client()
    client.force_login(controller)
    page = client.get(reverse("credit:limit", args=[cp.pk])).content.decode()
    card = reverse("work:debtor", args=[cp.pk])
    assert f'<a href="{card}" id="limit-customer">ProdGrup SA</a> · 477819758' in page
    assert f'<a href="{reverse("credit:check")}">{check}</a>' in page
    assert f'<a href="{reverse("credit:approvals")}">' in page
