"""A customer's dispute is called what the catalogues call it: in Russian and Ukrainian "спор" /
"спір", never "претензия" / "претензія" (the pretension letter of the legal track); its reason
reads the same on the card and in the notice; the step after it fits a rejected claim too."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.ladder.models import PolicyStep
from dunwell.ledger.models import Counterparty
from dunwell.work import ladder_bridge
from dunwell.work.models import Notification
from dunwell.work.tests.test_dispute_walk import client_for, disputes_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.mark.parametrize(
    ("language", "reason", "rejected", "column"),
    [("ru", "Качество", "Спор отклонён", "Споры"), ("uk", "Якість", "Спір відхилено", "Спори")],
)
def test_the_card_calls_a_dispute_a_dispute_and_its_reason_reads_as_in_the_notice(
    language: str,
    reason: str,
    rejected: str,
    column: str,
    debtor: Counterparty,
    collector: User,
    supervisor: User,
) -> None:
    supervisor.language = language
    supervisor.save(update_fields=["language"])
    ladder_bridge.register_dispute(collector, debtor, "quality", Decimal("600"), "RON", [], "")
    notice = Notification.objects.get(recipient=supervisor)
    page = client_for(supervisor, language).get(reverse("work:debtor", args=[debtor.pk]))
    text = page.content.decode()
    section = disputes_section(text)
    assert f">{reason} · " in section  # the item opens with the reason
    assert f": {reason}, " in notice.text(language)
    assert rejected in section
    assert f"<th>{column}</th>" in text
    assert "етенз" not in section  # neither "Претензия" nor "претензію"


def test_the_step_after_a_dispute_says_it_is_closed_and_the_old_shipped_text_is_replaced() -> None:
    step = PolicyStep.objects.filter(
        instructions="The claim is settled. Call and ask for a firm payment date."
    ).first()
    assert step is not None
    # as migration 0005 left it; the Ukrainian edited by the company
    step.translated_instructions = {
        **step.translated_instructions,
        "ru": "Претензия клиента урегулирована. Позвоните и спросите твёрдую дату оплаты.",
        "uk": "Наш власний текст.",
    }
    step.save()

    importlib.import_module("dunwell.ladder.migrations.0018_dispute_closed_wording").reword(
        apps, None
    )

    step.refresh_from_db()
    with translation.override("ru"):
        assert step.localized_instructions == (
            "Спор закрыт. Позвоните и спросите твёрдую дату оплаты."
        )
    assert step.translated_instructions["uk"] == "Наш власний текст."
