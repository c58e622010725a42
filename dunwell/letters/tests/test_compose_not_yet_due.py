"""The composer's open documents show "—" for a document not yet due, as the debtor card and
the call card do, not "0" days overdue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "ro"])
def test_a_document_not_yet_due_has_no_days_overdue(
    client: Any, frozen: Any, debtor: Any, collector: Any, language: str
) -> None:
    collector.language = language
    collector.save(update_fields=["language"])
    client.force_login(collector)
    page = client.get(f"{reverse('letters:compose')}?counterparty={debtor.pk}").content.decode()
    rows = dict(re.findall(r"<tr><td>(F-[\w-]+)</td>.*?<td class=\"num\">([^<]*)</td></tr>", page))
    assert rows == {"F-101": "34", "F-102": "—", "F-EU-7": "49"}
