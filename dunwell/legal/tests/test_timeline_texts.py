"""Steps the nightly run writes in the system's language read in the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.legal import services
from dunwell.legal.models import GeneratedDocument

pytestmark = pytest.mark.django_db


def _card_and_case_in_russian(reader: Any, case: Any) -> tuple[str, str]:
    """The debtor card and the case page as `reader` reads them in Russian."""
    reader.language = "ru"
    reader.save(update_fields=["language"])
    client = Client()
    client.force_login(reader)
    card = client.get(reverse("work:debtor", args=[case.counterparty_id])).content.decode()
    return card, client.get(reverse("legal:case", args=[case.pk])).content.decode()


def test_a_case_opened_in_english_reads_in_russian_on_the_card_and_the_case(
    debtor: Counterparty, director: Any, lawyer: Any
) -> None:
    with translation.override("en"):
        case = services.open_case(debtor, director, lawyer=lawyer)
    assert case.steps.get().summary == "Legal case opened"
    card, page = _card_and_case_in_russian(director, case)
    for html in (card, page):
        assert "Открыто судебное дело" in html
        assert "Legal case opened" not in html


def test_words_the_actor_typed_keep_their_summary() -> None:
    from dunwell.legal.timeline_texts import step_text

    with translation.override("ru"):
        assert step_text("lawsuit_filed", {}, "Lawsuit filed with X") == "Lawsuit filed with X"
        assert step_text("approval_requested", {"action": "nonsense"}, "kept") == "kept"
        assert step_text("case_closed", None, "Legal case closed") != "Legal case closed"


@time_machine.travel(datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Europe/Bucharest")), tick=False)
def test_a_case_worked_in_english_reads_in_russian_step_by_step(
    debtor: Counterparty, lawyer: Any, director: Any
) -> None:
    """Each step as an English-speaking lawyer records it; a Russian reader of the card and of
    the case page reads every one in Russian."""
    with translation.override("en"):
        case = services.open_case(debtor, lawyer)
        services.generate_document(
            debtor, "pretension", lawyer, language="en", case=case, pdf=False
        )
        case = services.record_pretension_sent(
            case, lawyer, sent_on=date(2026, 4, 16), channel="post"
        )
        services.file_lawsuit(
            case, lawyer, court="Tribunalul Cluj", case_number="123/117/2026",
            filed_on=date(2026, 5, 5), principal=Decimal("3100.50"), interest=Decimal("155.92"),
            state_fee=Decimal("200.00"),
        )  # fmt: skip
        services.schedule_hearing(
            case, lawyer, at=datetime(2026, 6, 3, 9, 30, tzinfo=ZoneInfo("Europe/Bucharest"))
        )
        services.record_judgment(
            case, lawyer, judgment_on=date(2026, 6, 3), amount=Decimal("3456.42")
        )
        services.start_enforcement(case, lawyer, started_on=date(2026, 7, 1), reference="EX-1")
        approval = services.request_approval(case, "write_off", lawyer, reason="insolvent")
        services.decide_approval(approval, director, approve=True)
        services.write_off(case, lawyer, closed_on=date(2026, 8, 1), note="insolvent")
    english = [e.summary for e in TimelineEntry.objects.filter(counterparty=debtor)]
    assert any(s.startswith("Pretension sent on 16.04.2026") for s in english)

    with translation.override("ru"):
        texts = {e.kind: e.text for e in with_texts(list(TimelineEntry.objects.filter(
            counterparty=debtor, kind__startswith="legal.")))}  # fmt: skip
    number = GeneratedDocument.objects.get().number
    assert texts["legal.pretension_prepared"] == f"Подготовлена претензия {number}"
    assert texts["legal.document_generated"] == f"Сформирован документ «Претензия» {number} (en)"
    assert texts["legal.pretension_sent"] == (
        "Претензия отправлена 16.04.2026; срок ответа 04.05.2026 "
        "(перенесено с 01.05.2026 — праздничный день)"
    )
    assert texts["legal.lawsuit_filed"] == "Иск подан в Tribunalul Cluj, дело 123/117/2026"
    assert texts["legal.hearing_scheduled"] == "Заседание 03.06.2026 06:30"
    assert texts["legal.judgment"] == "Решение от 03.06.2026: присуждено 3\u00a0456,42 RON"
    assert texts["legal.enforcement"] == "Исполнительное производство возбуждено 01.07.2026"
    assert texts["legal.written_off"] == "Долг списан"
    assert texts["legal.approval_requested"] == "Запрошено утверждение директора: Списать долг"
    assert texts["legal.approval_decided"] == "Списать долг: утверждено"

    card, page = _card_and_case_in_russian(director, case)
    for html in (card, page):
        assert "Иск подан в Tribunalul Cluj" in html and "Lawsuit filed with" not in html
    assert "Претензия подготовлена" in card  # the entry's kind, not the app's name


def test_a_judgment_is_stored_with_the_amount_written_as_the_language_writes_it(
    debtor: Counterparty, lawyer: Any
) -> None:
    """The stored summary (exports, webhooks, any reader without the renderer) reads like the
    timeline does: 3 456,42 in Russian, not the raw 3456.42."""
    with translation.override("ru"):
        case = services.open_case(debtor, lawyer)
        services.record_judgment(
            case, lawyer, judgment_on=date(2026, 6, 3), amount=Decimal("3456.42")
        )
    step = case.steps.get(kind="judgment")
    assert step.summary == "Решение от 03.06.2026: присуждено 3\u00a0456,42 RON"
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="legal.judgment")
    assert entry.summary == step.summary
