"""The case page tells the lawyer what to do next: the step the stage calls for first, as a
button; the other steps that move the case on apart from the ones that end it; a step already
taken only as a correction; the deadlines, the ones to come first, say whether they passed or
were done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty
from dunwell.legal import services
from dunwell.legal.models import CaseStage, LegalCase

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Chisinau"))


def page_of(user: Any, case: LegalCase, language: str = "en") -> Any:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    response = client.get(reverse("legal:case", args=[case.pk]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def texts(tree: Any, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


@pytest.fixture
def preparing(debtor: Counterparty, director: Any, lawyer: Any) -> LegalCase:
    """The lead's case: the pretension sent on 14.10.2026, its response awaited in vain, the
    lawsuit being prepared (the pressure scale's court filing moved it there)."""
    with time_machine.travel(datetime(2026, 10, 14, 15, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        case = services.open_case(debtor, director, lawyer=lawyer)
        case = services.record_pretension_sent(
            case, lawyer, sent_on=date(2026, 10, 14), channel="post"
        )
    LegalCase.objects.filter(pk=case.pk).update(stage=CaseStage.LAWSUIT_PREPARING)
    case.refresh_from_db()
    return case


def test_the_lawsuit_is_the_next_step_and_the_pretension_only_a_correction(
    preparing: LegalCase, lawyer: Any
) -> None:
    with time_machine.travel(TODAY, tick=False):
        tree = page_of(lawyer, preparing)
    steps = tree.xpath("//section[@id='next-step']//details/summary")
    # the step the stage calls for comes first, as a button
    assert steps[0].get("role") == "button"
    assert " ".join(steps[0].text_content().split()) == "Lawsuit filed"
    assert [s for s in steps[1:] if s.get("role") == "button"] == []
    others = texts(tree, "//div[@id='other-steps']/details/summary")
    assert others == ["Hearing scheduled", "Judgment", "Enforcement", "Ask the director"]
    assert texts(tree, "//div[@id='ending-steps']/details/summary") == [
        "Close the case",
        "Write off",
    ]
    # going back to "Pretension sent" is a correction, apart and folded
    corrections = tree.xpath("//details[@id='correct-stage']")
    assert len(corrections) == 1 and corrections[0].get("open") is None
    assert texts(corrections[0], "./div/details/summary") == ["Pretension sent"]
    # every step still posts where it did: nothing the services accept is lost
    actions = {f.get("action").rsplit("/", 2)[-2] for f in tree.xpath("//section//form")}
    assert actions == set(services_steps())


def services_steps() -> list[str]:
    from dunwell.legal.views import CASE_ACTIONS

    return [*CASE_ACTIONS]


def test_the_director_is_not_offered_to_ask_himself(preparing: LegalCase, director: Any) -> None:
    with time_machine.travel(TODAY, tick=False):
        tree = page_of(director, preparing)
    assert "Ask the director" not in texts(tree, "//summary")
    assert "Close the case" in texts(tree, "//summary")


@pytest.mark.parametrize(
    ("stage", "primary", "corrections"),
    [
        (CaseStage.AWAITING_RESPONSE, "Lawsuit filed", ["Pretension sent"]),
        (CaseStage.LAWSUIT_FILED, "Hearing scheduled", ["Pretension sent", "Lawsuit filed"]),
        (CaseStage.HEARINGS, "Judgment", ["Pretension sent", "Lawsuit filed"]),
        (CaseStage.JUDGMENT, "Enforcement", ["Pretension sent", "Lawsuit filed", "Judgment"]),
    ],
)
def test_each_stage_has_its_own_next_step(
    preparing: LegalCase, lawyer: Any, stage: str, primary: str, corrections: list[str]
) -> None:
    LegalCase.objects.filter(pk=preparing.pk).update(stage=stage)
    with time_machine.travel(TODAY, tick=False):
        tree = page_of(lawyer, preparing)
    assert texts(tree, "//details[contains(@class, 'primary-step')]/summary") == [primary]
    assert texts(tree, "//details[@id='correct-stage']/div/details/summary") == corrections


def test_a_key_customers_lawsuit_says_it_waits_for_the_director(
    preparing: LegalCase, lawyer: Any
) -> None:
    from dunwell.ledger.models import Segment

    key, _ = Segment.objects.get_or_create(code="key", defaults={"name": "Key customer"})
    Counterparty.objects.filter(pk=preparing.counterparty_id).update(segment=key)
    with time_machine.travel(TODAY, tick=False):
        tree = page_of(lawyer, preparing)
        assert (
            "needs the director's approval first: ask for it below"
            in texts(tree, "//p[@id='step-gate']")[0]
        )
        services.request_approval(preparing, "lawsuit", lawyer)
        tree = page_of(lawyer, preparing)
    assert "has been asked for and is awaited" in texts(tree, "//p[@id='step-gate']")[0]


def deadline_rows(tree: Any) -> list[str]:
    return texts(tree, "//article[h3='Deadlines' or h3='Строки']/ul[1]/li")


def test_a_deadline_gone_by_says_how_long_ago_and_the_coming_ones_come_first(
    preparing: LegalCase, lawyer: Any
) -> None:
    with time_machine.travel(TODAY, tick=False):
        services.schedule_hearing(
            preparing, lawyer, at=datetime(2027, 1, 12, 9, 30, tzinfo=ZoneInfo("Europe/Chisinau"))
        )
        assert preparing.response_due is not None
        days = (date(2026, 12, 7) - preparing.response_due).days
        rows = deadline_rows(page_of(lawyer, preparing))
        assert rows[0].startswith("12.01.2027") and "Court hearing" in rows[0]
        assert "Pretension response due" in rows[1]
        assert f"passed {days} days ago" in rows[1]
        uk = deadline_rows(page_of(lawyer, preparing, "uk"))
        assert f"минув {days} днів тому" in uk[1] or f"минув {days} дні тому" in uk[1]


def test_a_deadline_done_says_when(preparing: LegalCase, lawyer: Any) -> None:
    Task.objects.filter(pk__in=preparing.deadlines.values("task_id")).update(
        status=TaskStatus.DONE,
        done_at=datetime(2026, 11, 4, 9, 7, tzinfo=ZoneInfo("UTC")),
        result="Preparing the lawsuit",
    )
    with time_machine.travel(TODAY, tick=False):
        rows = deadline_rows(page_of(lawyer, preparing))
    assert "done on 04.11.2026: Preparing the lawsuit" in rows[0]
    assert "passed" not in rows[0]
    assert timezone.now() > preparing.deadlines.get().due_at


def test_the_case_list_tells_the_case_number_from_the_court(
    preparing: LegalCase, lawyer: Any
) -> None:
    """'Tribunalul București, Secția a VI-a civilă 22818/3/2026' read as one name: the number
    comes first, the court under it."""
    LegalCase.objects.filter(pk=preparing.pk).update(
        court="Tribunalul București, Secția a VI-a civilă", case_number="22818/3/2026"
    )
    client = Client()
    client.force_login(lawyer)
    tree = lxml_html.fromstring(client.get(reverse("legal:cases")).content.decode())
    (cell,) = tree.xpath("//td[@class='court-case']")
    assert (cell.text, cell.xpath("./small/text()")) == (
        "22818/3/2026",
        ["Tribunalul București, Secția a VI-a civilă"],
    )


def test_a_pretension_task_of_a_later_document_is_done_on_its_own_past_the_pretension(
    preparing: LegalCase, lawyer: Any, director: Any
) -> None:
    """The scale's pretension for an invoice that fell due after the case's letter: its "done
    when the pretension is recorded as sent" could only be met by recording the pretension
    again, a correction that takes the case back to awaiting the response. Past that step the
    task is marked done with what was sent, and the case stays where it is."""
    from dunwell.ladder import services as ladder

    with time_machine.travel(TODAY, tick=False):
        task = ladder.create_manual_task(
            counterparty=preparing.counterparty,
            assignee=lawyer,
            action="pretension",
            due_at=TODAY,
            title="Pretension (claim letter) for INV-17",
            user=director,
        )
        tree = page_of(lawyer, preparing, "uk")
        row = texts(tree, f'//tr[@data-task="{task.pk}"]')[0]
        assert "Претензію у справі вже зареєстровано" in row
        assert tree.xpath(f'//tr[@data-task="{task.pk}"]//form//button')
        client = Client()
        client.force_login(lawyer)
        url = reverse("legal:complete_task", args=[preparing.pk, task.pk])
        assert (
            client.post(url, {"result": "претензію щодо INV-17 надіслано 07.12"}).status_code == 302
        )
    task.refresh_from_db()
    preparing.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert preparing.stage == CaseStage.LAWSUIT_PREPARING


def test_a_refused_step_opens_again_with_what_the_lawyer_typed(
    preparing: LegalCase, lawyer: Any
) -> None:
    """A lawsuit's form refused (a fee that is no number) sent the lawyer back to the case page
    with a red line and an empty form: the court, the case number and the amounts typed were
    lost. The page comes back with the step open, everything typed in it, the reason beside
    the field."""
    client = Client()
    client.force_login(lawyer)
    with time_machine.travel(TODAY, tick=False):
        response = client.post(
            reverse("legal:case_action", args=[preparing.pk, "lawsuit"]),
            {
                "court": "Judecătoria Chișinău, sediul Centru",
                "case_number": "2-1234/26",
                "filed_on": "2026-12-07",
                "principal": "96792.86",
                "interest": "3097.37",
                "state_fee": "1 935,86 lei",
            },
        )
    assert response.status_code == 400
    tree = lxml_html.fromstring(response.content.decode())
    (step,) = tree.xpath('//details[@data-step="lawsuit"]')
    assert step.get("open") is not None
    values = {i.get("name"): i.get("value") for i in step.xpath(".//input")}
    assert values["court"] == "Judecătoria Chișinău, sediul Centru"
    assert values["case_number"] == "2-1234/26"
    assert values["principal"] == "96792.86"
    assert "Enter a number." in step.text_content()
    assert "Nothing was saved: Lawsuit filed." in response.content.decode()
    preparing.refresh_from_db()
    assert preparing.stage == CaseStage.LAWSUIT_PREPARING and preparing.filed_on is None
