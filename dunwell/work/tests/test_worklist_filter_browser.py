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
