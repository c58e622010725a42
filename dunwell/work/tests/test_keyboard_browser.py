"""The collector works five tasks with the keyboard only: Enter opens the task, 1 records
"no answer", back on the worklist Enter opens the next; ? lists the page's keys in the user's
language; n / p walk the worklist's order from a call card (issue 16, item 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty
from dunwell.work.models import CallActivity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seed_data(installation_data: None) -> None:
    """Start from the installation's data (conftest.installation_data)."""


@pytest.fixture
def five_calls(
    debtor: Counterparty, collector: User, make_counterparty: Callable[..., Counterparty]
) -> list[Task]:
    """Five calls of five debtors: one call settles every call of its debtor due that day
    (cfad87b), so five calls of one debtor would be one call."""
    now = timezone.now()
    debtors = [debtor] + [make_counterparty(collector=collector) for _ in range(4)]
    return [
        ladder.create_manual_task(
            counterparty=debtors[n - 1],
            assignee=collector,
            action="call",
            due_at=now - timedelta(hours=6 - n),
            title=f"Call number {n}",
            user=None,
        )
        for n in range(1, 6)
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_five_tasks_with_one_key_each(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    five_calls: list[Task],
    collector: User,
    width: int,
) -> None:
    page = sign_in(chromium, collector, width=width)
    page.goto(live_server.url + "/work/day/")
    for _ in range(5):
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/call/" in page.url
        with page.expect_navigation():
            page.keyboard.press("1")
        assert page.url.endswith("/work/day/")
        assert "Outcome recorded: No answer" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / f"keyboard-five-done-{width}.png"), full_page=True)

    assert CallActivity.objects.filter(outcome="no_answer", user=collector).count() == 5
    closed = Task.objects.filter(pk__in=[t.pk for t in five_calls]).exclude(
        status__in=["open", "awaiting_approval"]
    )
    assert closed.count() == 5


def test_question_mark_lists_the_keys_and_n_p_walk_the_worklist(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    five_calls: list[Task],
    collector: User,
) -> None:
    page = sign_in(chromium, collector, width=390, language="ru")
    page.goto(live_server.url + "/work/day/")
    order = page.eval_on_selector_all(
        "table.worklist tbody tr[data-href]", "rows => rows.map(r => r.dataset.task)"
    )
    assert len(order) == 5
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"?task={order[0]}")

    page.keyboard.press("?")
    help_text = page.inner_text("#keys-help")
    page.screenshot(path=str(SCREENSHOTS / "keyboard-help-390-ru.png"))
    for words in ("Сочетания клавиш", "Нет ответа", "Обещание оплаты", "Следующая задача"):
        assert words in help_text
    page.keyboard.press("?")
    assert not page.is_visible("#keys-help")

    with page.expect_navigation():
        page.keyboard.press("n")
    assert page.url.endswith(f"?task={order[1]}")
    with page.expect_navigation():
        page.keyboard.press("p")
    assert page.url.endswith(f"?task={order[0]}")

    page.keyboard.press("4")
    assert page.evaluate("document.activeElement.name") == "promised_on"
    # typing in a field is not a shortcut
    page.keyboard.type("1")
    assert "/call/" in page.url


def test_my_day_opens_at_its_top_on_a_phone(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    five_calls: list[Task],
    collector: User,
) -> None:
    """The first task is selected for the keys, and the page still opens at its top: at 390 px
    the selection scrolled My day down on opening (its row taller than the room left under the
    filters), the menu and the first lines cut off; j / k still bring a row into view."""
    page = sign_in(chromium, collector, width=390, language="uk")
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(live_server.url + "/work/day/")
    page.wait_for_load_state("load")
    rows = page.locator("table.worklist tbody tr[data-href]")
    assert "selected" in (rows.first.get_attribute("class") or "")
    scrolled = page.evaluate("window.scrollY")
    box = rows.first.bounding_box()
    assert scrolled + box["y"] + box["height"] > 700  # the first row reaches below the screen
    assert scrolled == 0
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "selected" in (rows.nth(2).get_attribute("class") or "")
    assert page.evaluate("window.scrollY") > 0  # the selected row is brought into view
