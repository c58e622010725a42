"""A lawsuit "filed" next month, a pretension "sent" next year: the case took the typo as the
day (a lawsuit filed on 05.01.2027 on 7 December 2026, the pretension's deadline counted from a
day to come). Such a day is refused now, naming the field and today, and the case is unchanged;
today itself is taken."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.ledger.models import Counterparty
from dunwell.legal import services
from dunwell.legal.models import CaseStage, LegalCase

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Chisinau"))


def _post(user: Any, case: LegalCase, action: str, data: dict[str, str]) -> str:
    client = Client()
    client.force_login(user)
    url = reverse("legal:case_action", args=[case.pk, action])
    return client.post(url, data, follow=True).content.decode()


@pytest.fixture
def case(debtor: Counterparty, director: Any, lawyer: Any) -> LegalCase:
    return services.open_case(debtor, director, lawyer=lawyer)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Filed on cannot be after today, 07.12.2026."),
        ("uk", "«Дата подання» не може бути пізніше за сьогодні, 07.12.2026."),
        ("ro", "„Depusă la” nu poate fi după ziua de azi, 07.12.2026."),
    ],
)
def test_a_lawsuit_filed_after_today_is_refused(
    case: LegalCase, lawyer: Any, language: str, said: str
) -> None:
    lawyer.language = language
    lawyer.save(update_fields=["language"])
    filing = {
        "court": "Tribunalul București",
        "case_number": "123/3/2026",
        "principal": "1000",
        "interest": "10",
        "state_fee": "100",
    }
    with time_machine.travel(NOW, tick=False):
        page = _post(lawyer, case, "lawsuit", {**filing, "filed_on": "2027-01-05"})
        assert said in page.replace("&#x27;", "'").replace("&quot;", '"')
        case.refresh_from_db()
        assert case.filed_on is None and case.stage != CaseStage.LAWSUIT_FILED
        _post(lawyer, case, "lawsuit", {**filing, "filed_on": "2026-12-07"})
    case.refresh_from_db()
    assert case.filed_on == date(2026, 12, 7)


def test_a_pretension_sent_after_today_is_refused(case: LegalCase, lawyer: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _post(lawyer, case, "pretension_sent", {"sent_on": "2026-12-08", "channel": "post"})
    assert "Sent on cannot be after today, 07.12.2026." in page
    case.refresh_from_db()
    assert case.pretension_sent_on is None
