"""The policy editor in Chromium: duplicate a step, move it, add one, save; the saved order is
the list's order; the calendar preview and the error summary show (issue 16, item 7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ladder.models import Policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seed_data(installation_data: None) -> None:
    """The default policies come from the data migrations (conftest.installation_data)."""


@pytest.mark.parametrize("width", [1280, 390])
def test_duplicate_move_add_and_save(
    chromium: Any, sign_in: Callable[..., Any], live_server: Any, supervisor: User, width: int
) -> None:
    standard = Policy.objects.get(code="standard")
    names = list(standard.steps.order_by("order").values_list("name", flat=True))
    page = sign_in(chromium, supervisor, width=width)
    page.goto(f"{live_server.url}/ladder/{standard.pk}/")
    page.wait_for_selector("table.preview-calendar")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    first = page.locator("ol.steps > li.step").first
    first.locator("summary.step-line").click()
    first.locator("button[data-step=duplicate]").click()
    copy = page.locator("ol.steps > li.step").nth(1)
    assert copy.locator("input[name$='-name']").input_value() == names[0]
    copy.locator("input[name$='-name']").fill("Copied call")
    copy.locator("button[data-step=down]").click()  # now third
    page.click("#add-step")
    added = page.locator("ol.steps > li.step").last
    added.locator("input[name$='-name']").fill("Last word")
    added.locator("input[name$='-days']").fill("30")  # on day 0 the run would skip every step
    added.locator("select[name$='-action']").select_option("call")
    page.screenshot(path=str(SCREENSHOTS / f"policy-editor-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.click("#policy-form button[type=submit]")
    assert "The pressure scale was saved." in page.inner_text("main")

    saved = list(standard.steps.order_by("order").values_list("name", flat=True))
    assert saved[:4] == [names[0], names[1], "Copied call", names[2]]
    assert saved[-1] == "Last word"
    assert len(saved) == len(names) + 2


def test_an_error_is_summarised_on_top_and_its_link_reaches_the_field(
    chromium: Any, sign_in: Callable[..., Any], live_server: Any, supervisor: User
) -> None:
    standard = Policy.objects.get(code="standard")
    page = sign_in(chromium, supervisor, width=1280, language="ru")
    page.goto(f"{live_server.url}/ladder/{standard.pk}/")
    page.click("#add-step")
    added = page.locator("ol.steps > li.step").last
    added.locator("input[name$='-name']").fill("Без события")
    added.locator("select[name$='-trigger']").select_option("event")
    added.locator("select[name$='-action']").select_option("call")
    with page.expect_navigation():
        page.click("#policy-form button[type=submit]")
    summary = page.locator("#error-summary")
    assert "1 ошибка мешает сохранить" in summary.inner_text()
    link = summary.locator("a").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("document.activeElement.id") == target.lstrip("#") or page.is_visible(
        target
    )
    page.screenshot(path=str(SCREENSHOTS / "policy-editor-errors-ru.png"))


FITS = """(sel) => {
    const style = getComputedStyle(sel);
    const canvas = document.createElement("canvas").getContext("2d");
    canvas.font = style.font;
    const text = canvas.measureText(sel.options[sel.selectedIndex].text).width;
    const room = sel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return text <= room;
}"""


def test_a_russian_step_shows_its_choices_whole_and_long_step_lines_do_not_overlap(
    chromium: Any, sign_in: Callable[..., Any], live_server: Any, supervisor: User
) -> None:
    standard = Policy.objects.get(code="standard")
    page = sign_in(chromium, supervisor, width=1366, language="ru")
    page.goto(f"{live_server.url}/ladder/{standard.pk}/")
    page.click("#add-step")
    added = page.locator("ol.steps > li.step").last
    for name in ("trigger", "assignee_role", "scope"):  # "ответственный взыскатель" …
        select = added.locator(f"select[name$='-{name}']")
        assert select.evaluate(FITS), (name, select.evaluate("s => s.selectedOptions[0].text"))
    line = page.locator("summary.step-line").first
    spacing = line.evaluate(
        "s => parseFloat(getComputedStyle(s).lineHeight) / parseFloat(getComputedStyle(s).fontSize)"
    )
    assert spacing >= 1.3  # a wrapped line does not run into the next (Pico gives 1rem)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ro",
            {
                "-1": "1 zi înainte de scadență",
                "2": "2 zile după scadență",
                "20": "20 de zile după scadență",
                "0": "în ziua scadenței",
            },
        ),
        (
            "ru",
            {
                "-1": "1 день до срока оплаты",
                "3": "3 дня после срока оплаты",
                "5": "5 дней после срока оплаты",
                "21": "21 день после срока оплаты",
            },
        ),
    ],
)
def test_a_folded_step_and_the_calendar_follow_its_edits_in_the_readers_language(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    director: User,
    language: str,
    expected: dict[str, str],
) -> None:
    """The line a folded step shows (day, action) and the calendar follow an edit at once, in
    the reader's language with its plural forms; a new step's line names it as typed; a step
    marked for removal says so."""
    standard = Policy.objects.get(code="standard")
    page = sign_in(chromium, director, width=1280, language=language)
    page.goto(f"{live_server.url}/ladder/{standard.pk}/")
    page.wait_for_selector("table.preview-calendar")
    step = page.locator("ol.steps > li.step").nth(2)  # 30: call on day +3
    line = step.locator("summary.step-line")
    line.click()
    for days, when in expected.items():
        step.locator("input[name$='-days']").fill(days)
        assert f" · {when} · " in line.inner_text(), (days, line.inner_text())
    step.locator("input[name$='-days']").fill("4")
    step.locator("select[name$='-action']").select_option("letter")
    letter = step.locator("select[name$='-action'] option[value=letter]").inner_text()
    line.click()  # folded
    assert line.inner_text().endswith(f" · {letter}")
    row = page.locator("table.preview-calendar tbody tr", has_text="30. ")
    expect(row.locator("td").nth(2)).to_have_text(letter)  # the calendar follows too

    page.click("#add-step")
    added = page.locator("ol.steps > li.step").last
    added.locator("input[name$='-name']").fill("Ultimul apel")
    added.locator("select[name$='-action']").select_option("call")
    call = added.locator("select[name$='-action'] option[value=call]").inner_text()
    assert added.locator("summary.step-line").inner_text().startswith("130. Ultimul apel · ")
    assert added.locator("summary.step-line").inner_text().endswith(f" · {call}")

    removed = page.locator("ol.steps > li.step").nth(5)
    removed.locator("summary.step-line").click()
    removed.locator("input[name$='-DELETE']").check()
    assert (
        removed.locator("summary.step-line")
        .inner_text()
        .endswith(
            {"ro": " · va fi șters la salvare", "ru": " · будет удалён при сохранении"}[language]
        )
    )
    page.screenshot(path=str(SCREENSHOTS / f"policy-editor-follows-edits-{language}.png"))


def test_the_save_button_stays_put_while_the_calendar_is_redrawn(
    chromium: Any, sign_in: Callable[..., Any], live_server: Any, supervisor: User
) -> None:
    """The calendar redraws itself after each edit (93f9cb6); the Save button under it moved
    while the user went to click it, and a click at 390 px landed beside it (CI caught the
    editor's test saving nothing)."""
    standard = Policy.objects.get(code="standard")
    page = sign_in(chromium, supervisor, width=390)
    page.goto(f"{live_server.url}/ladder/{standard.pk}/")
    page.wait_for_selector("table.preview-calendar")
    save = page.locator("#policy-form button[type=submit]")
    before = save.bounding_box()
    rows = page.locator("table.preview-calendar tr").count()
    page.click("#add-step")
    added = page.locator("ol.steps > li.step").last
    added.locator("input[name$='-name']").fill("Last word")
    added.locator("input[name$='-days']").fill("30")
    added.locator("select[name$='-action']").select_option("call")
    # the calendar has been redrawn with the new step's row
    expect(page.locator("table.preview-calendar tr")).to_have_count(rows + 1, timeout=10_000)
    page.click("#preview-button")  # and once more, as a user may
    page.wait_for_load_state("networkidle")
    after = save.bounding_box()
    assert before is not None and after is not None
    # the button moves only by what was added above it (the new step), never by the calendar
    added_box = added.bounding_box()
    assert added_box is not None
    assert after["y"] <= before["y"] + added_box["height"] + 20
    page.evaluate("document.querySelector('#preview-result').innerHTML += '<p>x</p>'.repeat(20)")
    assert save.bounding_box() == after


@pytest.mark.parametrize(
    ("language", "due_help", "previous_help"),
    [
        (
            "en",
            "negative = before the due date (due-date trigger)",
            "Counted from the previous step's day; 0 or more.",
        ),
        (
            "ro",
            "negativ = înainte de scadență (declanșare după scadență)",
            "Se numără de la ziua pasului anterior; 0 sau mai mult.",
        ),
    ],
)
def test_a_step_marked_for_removal_looks_removed_and_the_days_help_follows_the_trigger(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    supervisor: User,
    language: str,
    due_help: str,
    previous_help: str,
) -> None:
    standard = Policy.objects.get(code="standard")
    page = sign_in(chromium, supervisor, width=1280, language=language)
    page.goto(f"{live_server.url}/ladder/{standard.pk}/")
    step = page.locator("ol.steps > li.step").nth(1)
    step.locator("summary.step-line").click()
    line = step.locator("summary.step-line")
    name = step.locator(".field-name")
    assert "line-through" not in line.evaluate("e => getComputedStyle(e).textDecorationLine")
    step.locator("input[name$='-DELETE']").check()
    # Before saving: struck through, its fields faded, the Delete box as it was (to undo).
    expect(step).to_have_class("step removed")
    assert "line-through" in line.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert float(name.evaluate("e => getComputedStyle(e).opacity")) < 0.6
    delete = step.locator(".field-DELETE")
    assert float(delete.evaluate("e => getComputedStyle(e).opacity")) == 1
    page.screenshot(path=str(SCREENSHOTS / f"policy-editor-removed-{language}.png"))
    step.locator("input[name$='-DELETE']").uncheck()
    expect(step).to_have_class("step")

    # The days' help stands under the Days field and says what they count for the trigger.
    days = step.locator(".field-days")
    help_text = days.locator("small.help")
    expect(help_text).to_have_text(due_help)
    step.locator("select[name$='-trigger']").select_option("after_previous")
    expect(help_text).to_have_text(previous_help)
    box = days.locator("input").bounding_box()
    under = help_text.bounding_box()
    assert box is not None and under is not None
    assert under["y"] >= box["y"] + box["height"] and abs(under["x"] - box["x"]) < 2
