"""What the policy editor's step fields read in each language: the step's position is not a
purchase order."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy

pytestmark = pytest.mark.django_db


def _label_of(html: str, field_id: str) -> str:
    found = re.search(rf'<label for="{field_id}"[^>]*>([^<]*)</label>', html)
    assert found, field_id
    return found.group(1).strip()


@pytest.mark.parametrize(
    ("language", "expected", "purchase_order"),
    [
        ("en", "Order:", None),
        ("ro", "Nr. de ordine:", "Comandă"),
        ("ru", "Порядковый номер:", "Заказ"),
        ("uk", "Порядковий номер:", "Замовлення"),
    ],
)
def test_a_steps_position_does_not_read_as_a_purchase_order(
    supervisor: User, language: str, expected: str, purchase_order: str | None
) -> None:
    supervisor.language = language
    supervisor.save(update_fields=["language"])
    client = Client()
    client.force_login(supervisor)
    standard = Policy.objects.get(code="standard")
    html = client.get(reverse("ladder:policy_edit", args=[standard.pk])).content.decode()
    assert _label_of(html, "id_steps-0-order") == expected
    if purchase_order:
        assert purchase_order not in html
