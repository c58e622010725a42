"""The negotiation meeting page (DESIGN §1.8, §1.14): the checklist, the protocol, the repayment
schedule and the documents the debtor signs, as the collector uses them."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Agreement
from dunwell.ledger.models import Counterparty
from dunwell.legal.models import GeneratedDocument
from dunwell.work import services
from dunwell.work.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(frozen: Any, debtor: Counterparty, collector: User) -> Meeting:
    at = datetime(2026, 3, 12, 10, tzinfo=timezone.get_current_timezone())
    values = {"starts_at": at, "place": "Cluj, their office"}
    return services.save_meeting(collector, debtor, values)


def _meeting_fields(**changed: str) -> dict[str, str]:
    fields = {
        "starts_at": "2026-03-12T10:00",
        "duration_minutes": "60",
        "place": "Cluj, their office",
        "status": "held",
        "economic_situation": "",
        "ideal_terms": "",
        "acceptable_terms": "",
        "questions": "",
        "protocol": "",
        "good_relations_until": "",
    }
    return fields | changed


def _docx_text(paper: GeneratedDocument) -> str:
    document = docx.Document(io.BytesIO(paper.docx.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_saving_the_schedule_keeps_the_protocol_just_typed(
    client: Client, collector: User, debtor: Counterparty, meeting: Meeting
) -> None:
    """The collector writes the protocol, then fills the schedule and saves it: the protocol and
    the good-relations date are saved too, and the agreement carries them."""
    client.force_login(collector)
    response = client.post(
        reverse("work:meeting", args=[debtor.pk, meeting.pk]),
        _meeting_fields(
            protocol="They pay 1,500 in two instalments.",
            good_relations_until="2026-06-30",
            form="agreement",
            signed_on="2026-03-12",
            currency="RON",
            schedule="2026-04-01 500\n2026-05-01 1000",
        ),
        follow=True,
    )
    assert "They pay 1,500 in two instalments." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.protocol == "They pay 1,500 in two instalments."
    agreement = Agreement.objects.get(counterparty=debtor)
    assert agreement.notes == "They pay 1,500 in two instalments."
    assert str(agreement.good_relations_until) == "2026-06-30"


def test_a_wrong_schedule_line_keeps_everything_typed(
    client: Client, collector: User, debtor: Counterparty, meeting: Meeting
) -> None:
    client.force_login(collector)
    response = client.post(
        reverse("work:meeting", args=[debtor.pk, meeting.pk]),
        _meeting_fields(
            protocol="They pay in two instalments.",
            form="agreement",
            signed_on="2026-03-12",
            currency="RON",
            schedule="2026-04-01 500\nfirst of May 1000",
        ),
    )
    page = response.content.decode()
    assert "They pay in two instalments." in page
    assert "first of May 1000" in page
    assert not Agreement.objects.filter(counterparty=debtor).exists()


def test_the_signed_schedule_becomes_the_document_in_the_debtors_language(
    client: Client, collector: User, debtor: Counterparty, meeting: Meeting
) -> None:
    """The page offers the agreement of the schedule just signed as DOCX and PDF, in the debtor's
    language, with the instalments as saved (not typed a second time on another page)."""
    debtor.language = "ro"
    debtor.save(update_fields=["language"])
    client.force_login(collector)
    url = reverse("work:meeting", args=[debtor.pk, meeting.pk])
    client.post(
        url,
        _meeting_fields(
            form="agreement",
            signed_on="2026-03-12",
            currency="RON",
            schedule="2026-04-01 500\n2026-05-01 1000",
        ),
    )
    agreement = Agreement.objects.get(counterparty=debtor)
    page = client.get(url).content.decode()
    assert f'name="agreement" value="{agreement.pk}"' in page
    assert '<option value="ro" selected>' in page
    client.post(
        reverse("legal:debtor_documents", args=[debtor.pk]),
        {"kind": "schedule", "agreement": agreement.pk, "language": "ro"},
    )
    paper = GeneratedDocument.objects.get(counterparty=debtor, kind="schedule")
    assert paper.language == "ro"
    text = _docx_text(paper)
    assert "01.04.2026" in text and "01.05.2026" in text
    assert "1.500,00 RON" in text


def test_the_protocol_document_starts_from_the_meeting(
    client: Client, collector: User, debtor: Counterparty, meeting: Meeting
) -> None:
    meeting.protocol = "Pay 500 by 1 April\nPay 1000 by 1 May"
    meeting.save(update_fields=["protocol"])
    client.force_login(collector)
    page = client.get(reverse("work:meeting", args=[debtor.pk, meeting.pk])).content.decode()
    assert 'name="meeting_date" value="2026-03-12"' in page
    assert 'name="place" value="Cluj, their office"' in page
    assert "Pay 500 by 1 April\nPay 1000 by 1 May</textarea>" in page
