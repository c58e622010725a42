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
