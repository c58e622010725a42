"""The header's search box reads whole at a laptop's 1366 px in every language: with the
administrator's, the director's and finance's menus the box is at its narrowest, and its
placeholder "Пошук (натисніть /)" read "Пошук (натисніт" (finance: "Пошук (нати"). Now it says
"Search" in the reader's language; "/" is in its title and the keys list (?)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import Role
from tests.fit import cut_placeholder

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("adrian", Role.ADMIN, "Adrian", "Admin"),
    ("daniela", Role.DIRECTOR, "Daniela", "Dinu"),
    ("florin", Role.FINANCE, "Florin", "Florea"),
    ("ana", Role.SUPERVISOR, "Ana", "Georgescu"),
]
WORD = {"uk": "Пошук", "ru": "Поиск", "ro": "Căutare", "en": "Search"}
HINT = {
    "uk": "Пошук (натисніть /)",
    "ru": "Поиск (нажмите /)",
    "ro": "Căutare (apăsați /)",
    "en": "Search (press /)",
}


@pytest.mark.parametrize("language", ["uk", "ru", "ro", "en"])
def test_the_search_box_reads_whole_in_the_header_at_1366(
    installation_data: None,
    live_server: Any,
    make_user: Any,
    chromium: Any,
    sign_in: Any,
    language: str,
) -> None:
    cut = []
    for username, role, first, last in PEOPLE:
        user = make_user(username, role, first_name=first, last_name=last, language=language)
        page = sign_in(chromium, user, width=1366)
        page.goto(live_server.url + "/work/day/")
        box = page.locator("#topsearch-q")
        assert box.get_attribute("placeholder") == WORD[language]
        assert box.get_attribute("title") == HINT[language]
        assert box.get_attribute("aria-keyshortcuts") == "/"
        problem = cut_placeholder(page, "#topsearch-q")
        if problem:
            cut.append(f"{username}: {problem}")
            page.screenshot(path=str(SCREENSHOTS / f"search-box-{username}-{language}.png"))
    assert not cut, cut
