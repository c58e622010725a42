"""The collector's day in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty
from dunwell.work.models import CallActivity, StallingAlert
from dunwell.work.selectors import call_back_suggestion
from dunwell.work.services import FOLLOW_UP_HOUR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seed_data(installation_data: None) -> None:
    """Every test here starts from the installation's data (conftest.installation_data)."""


@pytest.fixture
def chromium_page(chromium: Any) -> Iterator[Any]:
    """A wide page of the shared headless browser (conftest.chromium), not yet signed in."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(15000)
    yield page
    page.close()


def log_in(page: Any, live_server: Any, user: User) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-" + user.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")


def test_collector_works_the_list_and_records_a_promise(
    chromium_page: Any, live_server: Any, debtor: Counterparty, collector: User
) -> None:
    page = chromium_page
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(hours=1),
        title="First reminder call",
        user=None,
    )
    log_in(page, live_server, collector)
    assert "First reminder call" in page.inner_text("table.worklist")
    page.screenshot(path=str(SCREENSHOTS / "worklist.png"), full_page=True)
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/call/**")
    assert "Bună ziua" in page.inner_text("#script")
    page.screenshot(path=str(SCREENSHOTS / "call-card.png"), full_page=True)
    promised = (timezone.localdate() + timedelta(days=7)).isoformat()
    page.fill("#promise-form input[name=promised_on]", promised)
    page.fill("#promise-form input[name=promised_amount]", "1500.00")
    page.click("#promise-form button[type=submit]")
    page.wait_for_url("**/work/day/")  # back on the worklist: the task is done
    assert "First reminder call" not in page.inner_text("table.worklist")
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/")
    assert page.is_visible("#ladder-paused")
    page.screenshot(path=str(SCREENSHOTS / "debtor-card.png"), full_page=True)


def test_abusive_call_schedules_a_call_back_in_30_minutes(
    chromium_page: Any, live_server: Any, debtor: Counterparty, collector: User
) -> None:
    page = chromium_page
    log_in(page, live_server, collector)
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/call/")
    page.click("button[data-outcome=abusive]")
    page.wait_for_url(f"**/work/debtors/{debtor.pk}/")
    task = Task.objects.get(counterparty=debtor)
    called = CallActivity.objects.get(counterparty=debtor)
    # half an hour later, or the next working morning when the debtor's day is over by then
    assert task.due_at == call_back_suggestion(
        debtor, called.at, FOLLOW_UP_HOUR, after=timedelta(minutes=30)
    )
    assert "abusive" in page.inner_text("#open-tasks").lower()
    day = timezone.localtime(task.due_at).date().isoformat()
    page.goto(f"{live_server.url}/work/calendar/?view=day&date={day}")
    assert debtor.name in page.inner_text(".calendar")
    page.screenshot(path=str(SCREENSHOTS / "calendar.png"), full_page=True)


def test_supervisor_reassigns_a_stalling_debtor(
    chromium_page: Any,
    live_server: Any,
    debtor: Counterparty,
    supervisor: User,
    teammate: User,
) -> None:
    page = chromium_page
    StallingAlert.objects.create(
        counterparty=debtor, reason="call_backs", count=3, detected_at=timezone.now()
    )
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/work/team/")
    page.screenshot(path=str(SCREENSHOTS / "team.png"), full_page=True)
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/")
    assert page.is_visible("#stalling-banner")
    page.click("#reassign-suggestion")
    page.select_option("select[name=to_user]", str(teammate.pk))
    page.click("#reassign-submit")
    page.wait_for_url(f"**/work/debtors/{debtor.pk}/")
    assert page.inner_text("#responsible") == str(teammate)
    assert not page.is_visible("#stalling-banner")
    debtor.refresh_from_db()
    assert debtor.collector == teammate


def ladder_task(cp: Counterparty, user: User, action: str, title: str) -> Task:
    """A task as the daily run makes it: from a step of a policy, naming the open documents."""
    from dunwell.ladder.models import Policy, PolicyStep
    from dunwell.ledger.models import Document

    policy, _created = Policy.objects.get_or_create(code="browser", defaults={"name": "Browser"})
    step, _created = PolicyStep.objects.get_or_create(
        policy=policy, order=1, defaults={"name": "Step", "action": action}
    )
    docs = Document.objects.filter(counterparty=cp, open_amount__gt=0)
    return Task.objects.create(
        counterparty=cp, assignee=user, action=action, title=title, step=step,
        due_at=timezone.now() - timedelta(hours=1), key=f"browser:{title}",
        document_ids=list(docs.values_list("pk", flat=True)),
    )  # fmt: skip


def test_a_letter_task_is_sent_by_hand_with_its_file(
    chromium_page: Any, live_server: Any, debtor: Counterparty, collector: User, tmp_path: Path
) -> None:
    from dunwell.ladder.models import TaskStatus
    from dunwell.work.models import TaskAttachment

    page = chromium_page
    task = ladder_task(debtor, collector, "letter", "Reminder letter")
    letter = tmp_path / "reminder.pdf"
    letter.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    log_in(page, live_server, collector)
    page.click("table.worklist >> text=Reminder letter")
    page.wait_for_url(f"**/work/tasks/{task.pk}/")
    assert "INV-" in page.inner_text("#task-documents")
    assert "call" not in page.url
    page.set_input_files("#sent-form input[name=file]", str(letter))
    page.fill("#sent-form textarea[name=note]", "registered mail, receipt 4711")
    page.screenshot(path=str(SCREENSHOTS / "letter-task.png"), full_page=True)
    page.click("#sent-form button[type=submit]")
    page.wait_for_url("**/work/day/")
    assert "Reminder letter" not in page.inner_text("table.worklist")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    attachment = TaskAttachment.objects.get(task=task)
    assert attachment.original_name == "reminder.pdf" and attachment.file.read().startswith(b"%PDF")
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/")
    assert "reminder.pdf" in page.inner_text("#timeline-entries")


def test_a_promise_moves_the_debtors_tasks_out_of_my_day(
    chromium_page: Any, live_server: Any, debtor: Counterparty, collector: User
) -> None:
    page = chromium_page
    ladder_task(debtor, collector, "letter", "Reminder letter")
    ladder_task(debtor, collector, "stop_shipments", "Stop shipments")
    ladder.create_manual_task(
        counterparty=debtor, assignee=collector, action="call",
        due_at=timezone.now() - timedelta(hours=2), title="Ask for the payment date", user=None,
    )  # fmt: skip
    log_in(page, live_server, collector)
    day = page.inner_text("table.worklist")
    assert "Reminder letter" in day and "Stop shipments" in day
    page.click("table.worklist >> text=Ask for the payment date")
    page.wait_for_url("**/call/**")
    promised = timezone.localdate() + timedelta(days=7)
    page.fill("#promise-form input[name=promised_on]", promised.isoformat())
    page.fill("#promise-form input[name=promised_amount]", "2200.00")  # all that is open
    page.click("#promise-form button[type=submit]")
    page.wait_for_url("**/work/day/")
    day = page.inner_text("table.worklist")
    assert "Reminder letter" not in day and "Stop shipments" not in day
    assert "2 on hold" in page.inner_text("#on-hold-link")
    page.screenshot(path=str(SCREENSHOTS / "worklist-on-hold.png"), full_page=True)
    page.click("#on-hold-link")
    held = page.inner_text("#on-hold")
    assert "Reminder letter" in held and "Stop shipments" in held and "(promise)" in held
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/")
    tasks = page.inner_text("#open-tasks")
    assert tasks.count("on hold until") == 2 and "(promise)" in tasks
    page.screenshot(path=str(SCREENSHOTS / "debtor-card-on-hold.png"), full_page=True)
