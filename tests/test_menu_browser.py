"""The header in headless Chromium at a laptop's 1366 px: one row (the director's twenty pages
took three wrapped rows, with the search box, the name and "Sign out" on a fourth, ~260 px before
the work area), its sections open and close with the keyboard and the mouse under the app's
Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GEOMETRY = """() => {
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, middle: (r.top + r.bottom) / 2, width: r.width};
  };
  return {
    header: box("header"),
    first: box("ul.mainnav > li:first-child a"),
    who: box("header nav > ul:last-of-type small"),
    signOut: box("header form[action$='/logout/'] button"),
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


def _one_row(page: Any) -> None:
    geometry = page.evaluate(GEOMETRY)
    # One row of links is ~100 px high; three rows and the name's row made ~260.
    assert geometry["header"]["bottom"] < 130, geometry
    # The user's name and Sign out on the first link's row, not wrapped under the menu.
    for part in ("who", "signOut"):
        assert abs(geometry[part]["middle"] - geometry["first"]["middle"]) < 15, geometry
    assert geometry["sideways"] <= 0, geometry


def _focused(page: Any) -> str:
    return str(
        page.evaluate(
            "document.activeElement.tagName.toLowerCase() + '|' + "
            "(document.activeElement.getAttribute('href') || document.activeElement.textContent)"
        )
    )


@pytest.mark.parametrize(("language", "reports"), [("en", "Reports"), ("ru", "Отчёты")])
def test_the_directors_header_is_one_row_and_a_section_opens_with_the_keyboard(
    installation_data: None,
    live_server: Any,
    make_user: Any,
    chromium: Any,
    sign_in: Any,
    language: str,
    reports: str,
) -> None:
    make_user("diana", Role.DIRECTOR, first_name="Daniela", last_name="Dinu")
    page = sign_in(chromium, "diana", width=1366, language=language)
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + "/work/day/")
    _one_row(page)

    aging = page.locator("#menu-reports a[href='/reports/aging/']")
    assert not aging.is_visible()
    # Tab from the first link reaches the section's title; Enter opens it.
    page.locator("ul.mainnav > li:first-child a").focus()
    for _ in range(10):
        if _focused(page) == f"summary|{reports}":
            break
        page.keyboard.press("Tab")
    assert _focused(page) == f"summary|{reports}"
    page.keyboard.press("Enter")
    assert aging.is_visible()
    assert page.locator("#menu-reports a[href='/reports/forecast/']").is_visible()
    page.screenshot(path=str(SCREENSHOTS / f"menu-director-{language}-reports.png"))
    # Tab goes into its links; Escape closes it and the focus is back on its title.
    page.keyboard.press("Tab")
    assert _focused(page) == "a|/reports/aging/"
    page.keyboard.press("Escape")
    assert not aging.is_visible()
    assert _focused(page) == f"summary|{reports}"
    # Space opens it too; opening another closes it; a click outside closes that one.
    page.keyboard.press(" ")
    assert aging.is_visible()
    page.locator("#menu-setup > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#menu-setup a[href='/ledger/imports/']").is_visible()
    assert not aging.is_visible()
    page.mouse.click(600, 600)
    assert not page.locator("#menu-setup a[href='/ledger/imports/']").is_visible()
    # A link in a section opens its page, whose section is marked as the current one.
    page.locator("#menu-reports > summary").click()
    with page.expect_navigation():
        page.locator("#menu-reports a[href='/reports/forecast/']").click()
    assert page.locator("#menu-reports > summary[aria-current]").count() == 1
    _one_row(page)
    assert refused == []


def test_a_collectors_header_is_one_row_with_the_daily_pages_as_plain_links(
    installation_data: None, live_server: Any, collector: Any, chromium: Any, sign_in: Any
) -> None:
    collector.first_name, collector.last_name = "Cristina", "Ionescu"
    collector.save(update_fields=["first_name", "last_name"])
    page = sign_in(chromium, collector, width=1366, language="ru")
    page.goto(live_server.url + "/work/day/")
    _one_row(page)
    # The daily pages are plain links: no drop-down to open for them.
    for url in ("/work/day/", "/work/calendar/", "/work/debtors/", "/correspondence/inbox/"):
        assert page.locator(f"ul.mainnav > li > a[href='{url}']").is_visible(), url
    page.screenshot(path=str(SCREENSHOTS / "menu-collector-ru.png"))
