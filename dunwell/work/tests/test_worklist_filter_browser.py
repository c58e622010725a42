"""My day's filter row in headless Chromium at 1366 px: the "Filter" button spanned the whole
page under the fields (Pico's submit button); it is a button of its own width beside them, as
the debtor list's "Apply" is."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_my_days_filter_button_sits_beside_the_fields(
    installation_data: None, live_server: Any, collector: Any, chromium: Any, sign_in: Any
) -> None:
    page = sign_in(chromium, collector, width=1366, language="ru")
    page.goto(live_server.url + "/work/day/")
    button = page.locator("form.filters button[type=submit]").bounding_box()
    field = page.locator("form.filters select[name=action]").bounding_box()
    assert button["width"] < 250, button
    assert abs((button["y"] + button["height"] / 2) - (field["y"] + field["height"] / 2)) < 10


@pytest.mark.parametrize("path", ["/work/bulk/tasks/", "/work/day/on-hold/"])
def test_open_tasks_and_on_hold_filter_like_my_day(
    installation_data: None,
    live_server: Any,
    supervisor: Any,
    collector: Any,
    chromium: Any,
    sign_in: Any,
    path: str,
) -> None:
    """Open tasks and On hold mark their filter row role="search": Pico drew it as one joined
    group, the Filter button a pill-ended bar to the page's right edge and the "Who" list a pill."""
    page = sign_in(chromium, supervisor, width=1366, language="uk")
    page.goto(live_server.url + path)
    button = page.locator("form.filters button[type=submit]")
    field = page.locator("form.filters select[name=assignee]")
    box, field_box = button.bounding_box(), page.locator("form.filters label").last.bounding_box()
    assert box["width"] < 250, box
    assert box["x"] < field_box["x"] + field_box["width"] + 50, (box, field_box)
    assert abs((box["y"] + box["height"] / 2) - (field_box["y"] + field_box["height"] / 2)) < 10
    radius = "el => parseFloat(getComputedStyle(el).borderTopRightRadius)"
    assert button.evaluate(radius) < 10 and field.evaluate(radius) < 10  # not pill-ended (80 px)


def test_open_disputes_filter_like_my_day(
    installation_data: None, live_server: Any, supervisor: Any, chromium: Any, sign_in: Any
) -> None:
    """Open disputes laid its filters out as a three-column grid: the "Show" button a thin bar
    as wide as a column beside the two lists; it is a filter row as Open tasks' now."""
    page = sign_in(chromium, supervisor, width=1366, language="ro")
    page.goto(live_server.url + "/work/disputes/")
    box = page.locator("#disputes-filter button[type=submit]").bounding_box()
    label = page.locator("#disputes-filter label").last.bounding_box()
    field = page.locator("#disputes-filter select[name=reason]").bounding_box()
    assert box["width"] < 250, box
    assert box["x"] < label["x"] + label["width"] + 50, (box, label)
    assert abs((box["y"] + box["height"] / 2) - (field["y"] + field["height"] / 2)) < 2, (
        box,
        field,
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_pipeline_show_button_sits_beside_the_filters(
    installation_data: None,
    live_server: Any,
    make_user: Any,
    chromium: Any,
    sign_in: Any,
    width: int,
) -> None:
    """The Pipeline laid its filters out as a Pico grid: "Afișați" was a bar across the page's
    right half (435 px at 1366, the page's width on a phone) with "New deal" under it; the
    form is a filter row as My day's now, product-wide (app.css), the two buttons side by side."""
    from dunwell.accounts.models import Role

    page = sign_in(chromium, make_user("sam", Role.SALES), width=width, language="ro")
    page.goto(live_server.url + "/pipeline/")
    row = "main form:has(select[name=stage])"  # the filters
    assert page.locator(f"{row} button[type=submit]").inner_text() == "Afișați"
    box = page.locator(f"{row} button[type=submit]").bounding_box()
    new_deal = page.get_by_role("button", name="Oportunitate nouă").bounding_box()
    assert box["width"] < 250 and new_deal["width"] < 250, (box, new_deal)
    if width == 1366:  # one row: level with the stage list, right of "Doar cele blocate"
        assert abs(new_deal["y"] - box["y"]) < 2 and new_deal["x"] > box["x"] + box["width"], (
            new_deal,
            box,
        )
        field = page.locator(f"{row} select[name=stage]").bounding_box()
        stuck = page.locator(f"{row} label").last.bounding_box()
        assert abs((box["y"] + box["height"] / 2) - (field["y"] + field["height"] / 2)) < 2
        assert stuck["x"] + stuck["width"] < box["x"] < stuck["x"] + stuck["width"] + 50


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/reports/aging/", "input[name=buckets]"),
        ("/reports/forecast/", "select[name=currency]"),
        ("/correspondence/letters/", "input[name=date_to]"),
    ],
)
def test_reports_and_letters_filter_like_my_day(
    installation_data: None,
    live_server: Any,
    director: Any,
    chromium: Any,
    sign_in: Any,
    path: str,
    field: str,
) -> None:
    """Aging, the cash forecast and the paper letters had Pico grid filter forms: the "Show"
    button a column-wide bar with "Export to Excel" under it (the letters' "Filter" under a blank
    line in its own column); each is a filter row now, the button its own width beside the
    fields."""
    page = sign_in(chromium, director, width=1366, language="ru")
    page.goto(live_server.url + path)
    box = page.locator(f"main form:has({field}) button[type=submit]").bounding_box()
    last = page.locator(f"main form:has({field}) {field}").bounding_box()
    assert box["width"] < 250, box
    assert abs((box["y"] + box["height"] / 2) - (last["y"] + last["height"] / 2)) < 2, (box, last)
    assert last["x"] < box["x"] < last["x"] + last["width"] + 300, (box, last)


def test_the_inbox_search_bar_stays_a_joined_group(
    installation_data: None, live_server: Any, collector: Any, chromium: Any, sign_in: Any
) -> None:
    """The filter row's rules are product-wide now; the inbox's search bar (its list, the words
    and "Найти" in one group) is not a filter row and keeps its joined look."""
    page = sign_in(chromium, collector, width=1366, language="ru")
    page.goto(live_server.url + "/correspondence/inbox/")
    words = page.locator("main form[role=search] input[name=q]").bounding_box()
    button = page.locator("main form[role=search] button[type=submit]")
    box = button.bounding_box()
    assert abs(box["x"] - (words["x"] + words["width"])) < 2, (words, box)  # no gap between
    radius = "el => parseFloat(getComputedStyle(el).borderTopRightRadius)"
    assert button.evaluate(radius) > 10  # the group's pill end
