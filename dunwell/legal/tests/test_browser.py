"""A lawyer's first session, in headless Chromium: find the case, make the pretension and the
reconciliation statement, record the pretension as sent and see its deadline in the calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from dunwell.ladder.models import Task
from dunwell.ledger.models import Segment
from dunwell.legal import services
from dunwell.legal.models import GeneratedDocument, LegalCase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def segments() -> None:
    """The segments of the ledger's data migration: an earlier transactional test's flush may
    have emptied the table."""
    for code, name in (("key", "Key customer"), ("standard", "Standard"), ("new", "New")):
        Segment.objects.get_or_create(code=code, defaults={"name": name})


def test_lawyer_prepares_documents_and_opens_the_deadline(
    segments: None,
    live_server: Any,
    debtor: Any,
    director: Any,
    lawyer: Any,
    chromium: Any,
    sign_in: Any,
) -> None:
    case = services.open_case(debtor, director)
    page = sign_in(chromium, "lena")
    page.goto(live_server.url + "/legal/")
    page.click("text=Șantierul Nord SRL")
    page.click("a:text-is('Documents')")
    for label, language in (("Pretension (claim letter)", "ru"),
                            ("Reconciliation statement", "uk")):  # fmt: skip
        details = page.locator("details", has=page.locator(f"summary:text-is('{label}')"))
        details.locator("summary").click()
        details.locator("select[name=language]").select_option(language)
        details.locator("button[type=submit]").click()
        assert "is ready" in page.locator(".flash").first.inner_text()
    with page.expect_download() as download:
        page.locator("table.data a:text-is('PDF')").first.click()
    assert download.value.suggested_filename.endswith(".uk.pdf")
    page.click("text=Legal case:")
    page.locator("summary:text-is('Pretension sent')").click()
    page.fill("form[action$='/do/pretension_sent/'] input[name=sent_on]", "2026-04-16")
    page.locator("form[action$='/do/pretension_sent/'] button").click()
    deadlines = page.locator("article:has(h3:text-is('Deadlines'))").inner_text()
    due = case.deadlines.get().due_at
    shown = date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT")
    # the contract's 15 days end on 01.05.2026, Labour Day, then a weekend: Monday 04.05
    assert timezone.localtime(due).date() == date(2026, 5, 4)
    assert shown in deadlines and "in the calendar" in deadlines
    # the pretension is out: the lawsuit is what comes next, a button of its own width; the
    # pretension, done, is offered again only folded away, as a correction
    primary = page.locator("#next-step .primary-step > summary")
    assert primary.inner_text().strip() == "Lawsuit filed"
    assert primary.bounding_box()["width"] < 400
    assert page.locator("#other-steps summary:text-is('Pretension sent')").count() == 0
    correction = page.locator("#correct-stage summary:text-is('Pretension sent')")
    assert correction.count() == 1 and not correction.is_visible()
    kinds = set(GeneratedDocument.objects.values_list("kind", "language"))
    assert kinds == {("pretension", "ru"), ("reconciliation", "uk")}
    task_id = case.deadlines.values_list("task_id", flat=True).get()
    assert task_id is not None
    task = Task.objects.get(pk=task_id)
    assert task.assignee == lawyer  # the first lawyer to act took the case


def test_lawyer_completes_a_pretension_task_on_the_case(
    segments: None,
    live_server: Any,
    debtor: Any,
    lawyer: Any,
    chromium: Any,
    sign_in: Any,
) -> None:
    """The pretension task of "My day" opens the legal case, not a call card; recording the
    pretension as sent there is what completes it, and it leaves "My day"."""
    from dunwell.ladder.services import create_manual_task

    task = create_manual_task(
        counterparty=debtor,
        assignee=lawyer,
        action="pretension",
        due_at=timezone.now() - timedelta(minutes=5),
        title="Send the pretension",
        user=None,
        documents=list(debtor.documents.all()),
    )
    # what the daily run does for the first legal task of a debtor
    (case_id,) = services.open_cases_for_tasks([task.pk])
    case = LegalCase.objects.get(pk=case_id)
    page = sign_in(chromium, "lena")
    page.goto(live_server.url + "/work/day/")
    page.locator(f"tr[data-task='{task.pk}'] a", has_text="Send the pretension").click()
    page.wait_for_url(f"**/legal/cases/{case.pk}/**")
    assert "Șantierul Nord SRL" in page.locator("h1").inner_text()
    row = page.locator(f"#case-tasks tr[data-task='{task.pk}']").inner_text()
    assert "Done when the pretension is recorded as sent below." in row
    page.locator("summary:text-is('Pretension sent')").click()
    page.fill("form[action$='/do/pretension_sent/'] input[name=sent_on]", "2026-04-16")
    page.locator("form[action$='/do/pretension_sent/'] button").click()
    assert "Saved." in page.locator(".flash").first.inner_text()
    assert "No open tasks." in page.locator("#case-tasks").inner_text() or (
        f"tr[data-task='{task.pk}']" not in page.content()
    )
    page.goto(live_server.url + "/work/day/")
    in_my_day = page.locator(f"tr[data-task='{task.pk}']").count()
    task.refresh_from_db()
    assert (task.status, task.done_by) == ("done", lawyer)
    assert in_my_day == 0
    case.refresh_from_db()
    assert case.stage == "awaiting_response"
    # the contract's 15 days end on 01.05.2026, Labour Day, then a weekend: Monday 04.05
    assert task.deadline == case.response_due == date(2026, 5, 4)
