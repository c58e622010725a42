"""A repayment schedule cannot start before it is signed: an instalment typed with last year
("15.01.2026" for January 2027, easy in December) was saved, already missed, and the next
daily run fired the "instalment missed" step against a debtor who had just signed. The form
now names the line and both dates, keeps what was typed, and saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Agreement
from dunwell.ledger.models import Counterparty
from dunwell.work.models import Meeting

from .test_meeting_page import _meeting_fields, meeting  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

SAID = {
    "en": "Line 2: the instalment of 15.01.2026 falls before the signing on 12.03.2026.",
    "ro": "Linia 2: rata din 15.01.2026 este înainte de semnarea din 12.03.2026.",
    "ru": "Строка 2: платёж 15.01.2026 раньше подписания 12.03.2026.",
    "uk": "Рядок 2: платіж 15.01.2026 раніше за підписання 12.03.2026.",
}


@pytest.mark.parametrize("language", list(SAID))
def test_an_instalment_before_the_signing_is_refused_naming_it(
    client: Client,
    collector: User,
    debtor: Counterparty,
    meeting: Meeting,  # noqa: F811
    language: str,
) -> None:
    client.force_login(collector)
    typed = "15.04.2026 500\n15.01.2026 1000"
    response = client.post(
        reverse("work:meeting", args=[debtor.pk, meeting.pk]) + f"?lang={language}",
        _meeting_fields(form="agreement", signed_on="2026-03-12", currency="RON", schedule=typed),
    )
    page = response.content.decode()
    assert SAID[language] in page
    assert "15.01.2026 1000" in page
    assert not Agreement.objects.filter(counterparty=debtor).exists()
