"""The inbox's joined search bar (its list, the words, "Найти") on a phone, in headless
Chromium at 390 px: Pico shrank the three parts alike, so the list took most of the row, the
words a sliver and the button stood one letter a line ("Н/а/й/т/и", "C/ă/u/t/a/ț/i"). Now the
list has a row of its own and the words and the button stay joined under it, the button's
word on one line; at 1366 px the bar is one row as before."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _parts(page: Any) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    form = "main form[role=search]"
    return (
        page.locator(f"{form} select[name=show]").bounding_box(),
        page.locator(f"{form} input[name=q]").bounding_box(),
        page.locator(f"{form} button[type=submit]").bounding_box(),
    )


@pytest.mark.parametrize("language", ["ru", "ro"])
def test_the_inbox_search_bar_fits_a_phone(
    installation_data: None,
    live_server: Any,
    collector: Any,
    chromium: Any,
    sign_in: Any,
    language: str,
) -> None:
    page = sign_in(chromium, collector, width=390, language=language)
    page.goto(live_server.url + "/correspondence/inbox/")
    show, words, button = _parts(page)
    line = page.locator("main form[role=search] button[type=submit]").evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight)"
    )
    assert button["height"] < 2 * line + 8, button  # the button's word on one line
    assert words["width"] > 180, words  # room to read what one types
    assert show["y"] + show["height"] <= words["y"], (show, words)  # the list above the words
    assert abs(words["y"] - button["y"]) < 2, (words, button)  # words and button on one row
    assert abs(button["x"] - (words["x"] + words["width"])) < 2, (words, button)  # joined
    assert button["x"] + button["width"] <= 390 - 8, button  # inside the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_inbox_search_bar_is_one_row_on_a_computer(
    installation_data: None, live_server: Any, collector: Any, chromium: Any, sign_in: Any
) -> None:
    page = sign_in(chromium, collector, width=1366, language="ro")
    page.goto(live_server.url + "/correspondence/inbox/")
    show, words, button = _parts(page)
    assert abs(show["y"] - words["y"]) < 2 and abs(words["y"] - button["y"]) < 2
    assert abs(words["x"] - (show["x"] + show["width"])) < 2  # one joined group
