"""The calculator opened with ?lang= (a page's address in another language than the user's):
it was read as a calculation asked with nothing filled in, and greeted the lawyer in red with
"Виберіть боржника або введіть суму боргу і строк оплати." and "Обов'язкове поле." under the
empty date; a debtor's link with ?lang= calculated at once instead of listing the documents.
?lang= only picks the language now."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


def _page(user: Any, query: dict[str, Any]) -> str:
    client = Client()
    client.force_login(user)
    with time_machine.travel("2026-05-20 10:00:00+03:00", tick=False):
        return client.get(reverse("legal:calculator"), query).content.decode()


def test_the_calculator_in_another_language_opens_empty(collector: Any) -> None:
    page = _page(collector, {"lang": "uk"})
    assert "Пеня та відсотки" in page
    assert "Виберіть боржника або введіть суму боргу і строк оплати." not in page
    assert "Обов&#x27;язкове поле." not in page and "Обов'язкове поле." not in page
    assert 'name="to" value="2026-05-20"' in page


def test_a_debtors_link_in_another_language_lists_its_documents(
    debtor: Counterparty, collector: Any
) -> None:
    page = _page(collector, {"counterparty": debtor.pk, "lang": "ro"})
    assert f'<option value="{debtor.pk}" selected>' in page
    assert "INV-1" in page and "INV-2" in page
    assert "calc-total" not in page
    assert "Câmp obligatoriu." not in page
    assert 'id="result"' not in page
