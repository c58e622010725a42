"""A case's deadlines: a period ending on a non-working day runs to the next working day of the
debtor's calendar, and the deadlines' titles read in each reader's language."""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty, NonWorkingDay
from dunwell.legal import services
from dunwell.legal.models import CaseDeadline, LegalCase

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")


def task_of(deadline: CaseDeadline) -> Task:
    assert deadline.task_id is not None
    return Task.objects.get(pk=deadline.task_id)


def page_for(user: Any, language: str, url: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client.get(url, headers={"accept-language": language}).content.decode()


def sent(debtor: Counterparty, lawyer: Any, on: date) -> LegalCase:
    case = services.open_case(debtor, lawyer)
    return services.record_pretension_sent(case, lawyer, sent_on=on, channel="post")


def test_a_period_ending_on_new_years_day_ends_on_the_next_working_day(
    debtor: Counterparty, lawyer: Any
) -> None:
    # 17.12.2026 + 15 days = Friday 01.01.2027; 02.01 is a Romanian public holiday too and
    # 03.01 a Sunday: the response is due on Monday 04.01.2027
    case = sent(debtor, lawyer, date(2026, 12, 17))
    assert case.response_due == date(2027, 1, 4)
    assert case.response_due_moved_from == date(2027, 1, 1)
    task = task_of(case.deadlines.get(kind="response"))
    assert task.due_at.astimezone(BUCHAREST).date() == date(2027, 1, 4)

    url = reverse("legal:case", args=[case.pk])
    page = page_for(lawyer, "ro", url)
    assert "04.01.2027" in page
    assert "mutat de la 01.01.2027, zi de sărbătoare legală" in page
    page = page_for(lawyer, "uk", url)
    assert "перенесено з 01.01.2027 — святковий день" in page


def test_a_period_ending_on_a_sunday_ends_on_monday(debtor: Counterparty, lawyer: Any) -> None:
    case = sent(debtor, lawyer, date(2026, 4, 18))  # + 15 days = Sunday 03.05.2026
    assert case.response_due == date(2026, 5, 4)
    step = case.steps.get(kind="pretension_sent")
    with translation.override("ru"):
        from dunwell.legal.timeline_texts import step_text

        text = step_text(step.kind, step.data, step.summary)
    assert "срок ответа 04.05.2026 (перенесено с 03.05.2026 — воскресенье)" in text


def test_the_companys_closed_day_moves_the_period_too(debtor: Counterparty, lawyer: Any) -> None:
    NonWorkingDay.objects.create(company=debtor.company, day=date(2026, 5, 4))
    case = sent(debtor, lawyer, date(2026, 4, 18))  # Sunday 03.05, then the closed Monday
    assert case.response_due == date(2026, 5, 5)


def test_the_letter_names_the_working_day_the_period_ends(
    debtor: Counterparty, lawyer: Any, fake_calculator: Any
) -> None:
    paper = services.generate_document(
        debtor, "pretension", lawyer, today=date(2026, 12, 17), pdf=False
    )
    assert paper.data["raw"]["deadline"] == "2027-01-04"


@pytest.mark.parametrize(
    ("language", "response", "hearing"),
    [
        ("ru", "Срок ответа на претензию: Șantierul Nord SRL",
         "Судебное заседание: Șantierul Nord SRL, дело 123/117/2026"),
        ("ro", "Termen de răspuns la notificare: Șantierul Nord SRL",
         "Termen de judecată: Șantierul Nord SRL, dosarul 123/117/2026"),
        ("en", "Pretension response due: Șantierul Nord SRL",
         "Court hearing: Șantierul Nord SRL, case 123/117/2026"),
    ],
)  # fmt: skip
def test_the_deadline_titles_read_in_the_readers_language(
    debtor: Counterparty, lawyer: Any, language: str, response: str, hearing: str
) -> None:
    from decimal import Decimal

    with translation.override("uk"):  # the lawyer who records the steps works in Ukrainian
        case = sent(debtor, lawyer, date(2026, 4, 20))
        services.file_lawsuit(
            case, lawyer, court="Tribunalul Cluj", case_number="123/117/2026",
            filed_on=date(2026, 5, 12), principal=Decimal("100"), interest=Decimal("0"),
            state_fee=Decimal("0"),
        )  # fmt: skip
        services.schedule_hearing(case, lawyer, at=datetime(2026, 6, 3, 9, 30, tzinfo=BUCHAREST))
    deadlines = {d.kind: d for d in case.deadlines.all()}
    tasks = {kind: task_of(d) for kind, d in deadlines.items()}
    with translation.override(language):
        assert deadlines["response"].localized_title == response
        assert deadlines["hearing"].localized_title == hearing
        assert tasks["response"].localized_title == response
        assert tasks["hearing"].localized_title == hearing
    page = page_for(lawyer, language, reverse("legal:case", args=[case.pk]))
    assert response in page and hearing in page


def test_a_title_typed_by_a_lawyer_stays_as_typed(debtor: Counterparty, lawyer: Any) -> None:
    case = sent(debtor, lawyer, date(2026, 4, 20))
    deadline = case.deadlines.get()
    deadline.title = "Sunați avocatul părții adverse"
    with translation.override("ru"):
        assert deadline.localized_title == "Sunați avocatul părții adverse"


def test_the_titles_stored_in_a_language_are_stored_in_english(
    debtor: Counterparty, lawyer: Any
) -> None:
    migration = importlib.import_module(
        "dunwell.legal.migrations.0010_response_due_moved_from_deadline_titles"
    )
    case = sent(debtor, lawyer, date(2026, 4, 20))
    deadline = case.deadlines.get()
    old = "Срок ответа на претензию: Șantierul Nord SRL"
    CaseDeadline.objects.filter(pk=deadline.pk).update(title=old)
    Task.objects.filter(pk=task_of(deadline).pk).update(title=old)
    hearing = CaseDeadline.objects.create(
        case=case, kind="hearing", due_at=deadline.due_at,
        title="Termen de judecată: Șantierul Nord SRL, dosarul 5/2026",
    )  # fmt: skip
    typed = CaseDeadline.objects.create(
        case=case, kind="other", due_at=deadline.due_at, title="Судебное заседание: X, дело 1"
    )
    migration.to_english(apps, None)
    deadline.refresh_from_db()
    hearing.refresh_from_db()
    typed.refresh_from_db()
    assert deadline.title == "Pretension response due: Șantierul Nord SRL"
    assert task_of(deadline).title == deadline.title
    assert hearing.title == "Court hearing: Șantierul Nord SRL, case 5/2026"
    assert typed.title == "Судебное заседание: X, дело 1"  # not one the app made: kept
    with translation.override("ro"):
        assert deadline.localized_title == "Termen de răspuns la notificare: Șantierul Nord SRL"


def test_the_cases_list_says_what_the_nearest_deadline_is(
    debtor: Counterparty, lawyer: Any
) -> None:
    sent(debtor, lawyer, date(2026, 4, 20))
    page = page_for(lawyer, "ro", reverse("legal:cases"))
    assert "Termenul de răspuns la notificare" in page


def test_the_cases_list_marks_a_deadline_gone_by(
    debtor: Counterparty, lawyer: Any, make_counterparty: Any
) -> None:
    """A response deadline that has passed with its task still open reads as overdue; one
    still to come does not."""
    from django.utils import timezone

    sent(debtor, lawyer, timezone.localdate() - timedelta(days=60))
    later = sent(make_counterparty(name="Viitor SRL"), lawyer, timezone.localdate())
    page = page_for(lawyer, "ru", reverse("legal:cases"))
    assert page.count("deadline-passed") == 1
    assert "· просрочен</span>" in page
    row = page[page.index("Viitor SRL") :]
    row = row[: row.index("</tr>")]
    assert later.response_due is not None
    assert later.response_due.strftime("%d.%m.%Y") in row and "просрочен" not in row
