"""A judgment ends the first instance: the hearings set for after it, and a pretension's
response still awaited, leave the lawyer's calendar with a result that says why, read in the
reader's language; the deadlines and the case's history stay."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.legal import services
from dunwell.legal.models import CaseDeadline, LegalCase

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")
MOOT = {
    "en": "Not needed: the judgment was given on 04.12.2026",
    "ru": "Не требуется: решение суда вынесено 04.12.2026",
    "uk": "Не потрібно: рішення суду ухвалено 04.12.2026",
    "ro": "Nu mai este necesar: hotărârea a fost pronunțată la 04.12.2026",
}


def task_of(deadline: CaseDeadline) -> Task:
    assert deadline.task_id is not None
    return Task.objects.get(pk=deadline.task_id)


@pytest.fixture
def hearings(debtor: Counterparty, lawyer: User) -> tuple[LegalCase, CaseDeadline, CaseDeadline]:
    """A case in court with a hearing on 01.12 (held, not yet marked) and one on 10.12."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=BUCHAREST), tick=False):
        case = services.open_case(debtor, lawyer)
        services.file_lawsuit(
            case, lawyer, court="Tribunalul Cluj", case_number="123/117/2026",
            filed_on=date(2026, 11, 2), principal=Decimal("3100.50"), interest=Decimal("155.92"),
            state_fee=Decimal("200.00"),
        )  # fmt: skip
        held = services.schedule_hearing(
            case, lawyer, at=datetime(2026, 12, 1, 9, 30, tzinfo=BUCHAREST)
        )
        later = services.schedule_hearing(
            case, lawyer, at=datetime(2026, 12, 10, 11, 0, tzinfo=BUCHAREST)
        )
    return case, held, later


@pytest.mark.parametrize("language", ["ru", "ro"])
def test_a_hearing_set_after_the_judgment_leaves_the_calendar_saying_why(
    hearings: tuple[LegalCase, CaseDeadline, CaseDeadline], lawyer: User, language: str
) -> None:
    case, held, later = hearings
    User.objects.filter(pk=lawyer.pk).update(language=language)
    client = Client()
    client.force_login(lawyer)
    with time_machine.travel(datetime(2026, 12, 4, 15, 0, tzinfo=BUCHAREST), tick=False):
        response = client.post(
            reverse("legal:case_action", args=[case.pk, "judgment"]),
            {"judgment_on": "2026-12-04", "amount": "3456.42", "note": ""},
        )
        assert response.status_code == 302
        page = client.get(reverse("legal:case", args=[case.pk])).content.decode()
    moot = task_of(later)
    assert (moot.status, moot.result) == (TaskStatus.DONE, MOOT["en"])
    assert task_of(held).status == TaskStatus.OPEN  # held before the judgment: the lawyer's
    tasks = page.split('id="case-tasks"')[1].split("</table>")[0]
    assert f'data-task="{later.task_id}"' not in tasks
    assert f'data-task="{held.task_id}"' in tasks
    assert f'<small class="deadline-result">{MOOT[language]}</small>' in page
    assert page.count("deadline-result") == 1
    # the history keeps both hearings, and the judgment names the task it closed
    case.refresh_from_db()
    kinds = list(case.steps.order_by("id").values_list("kind", flat=True))
    assert kinds.count("hearing_scheduled") == 2 and kinds[-1] == "judgment"
    assert case.steps.get(kind="judgment").data["tasks_done"] == [later.task_id]
    assert CaseDeadline.objects.filter(case=case).count() == 2
    done = TimelineEntry.objects.get(kind="ladder.task_done", data__task=later.task_id)
    assert done.data["result"] == MOOT["en"]


def test_a_response_still_awaited_is_closed_by_the_judgment(
    debtor: Counterparty, lawyer: User
) -> None:
    """Judgment recorded without a filing noted on the case: the pretension's response deadline
    (a court-filing task) is moot too."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=BUCHAREST), tick=False):
        case = services.open_case(debtor, lawyer)
        case = services.record_pretension_sent(
            case, lawyer, sent_on=date(2026, 11, 2), channel="post"
        )
        services.record_judgment(
            case, lawyer, judgment_on=date(2026, 12, 4), amount=Decimal("3456.42")
        )
    task = task_of(case.deadlines.get(kind="response"))
    assert (task.status, task.localized_result) == (TaskStatus.DONE, MOOT["en"])
