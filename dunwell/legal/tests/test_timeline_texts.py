"""Steps the nightly run writes in the system's language read in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.ledger.models import Counterparty
from dunwell.legal import services

pytestmark = pytest.mark.django_db


def test_a_case_opened_in_english_reads_in_russian_on_the_card_and_the_case(
    debtor: Counterparty, director: Any, lawyer: Any
) -> None:
    with translation.override("en"):
        case = services.open_case(debtor, director, lawyer=lawyer)
    assert case.steps.get().summary == "Legal case opened"
    director.language = "ru"
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)

    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    page = client.get(reverse("legal:case", args=[case.pk])).content.decode()

    for html in (card, page):
        assert "Открыто судебное дело" in html
        assert "Legal case opened" not in html


def test_words_the_actor_typed_keep_their_summary() -> None:
    from dunwell.legal.timeline_texts import step_text

    with translation.override("ru"):
        assert step_text("lawsuit_filed", {}, "Lawsuit filed with X") == "Lawsuit filed with X"
        assert step_text("approval_requested", {"action": "nonsense"}, "kept") == "kept"
        assert step_text("case_closed", None, "Legal case closed") != "Legal case closed"
