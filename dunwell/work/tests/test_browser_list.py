"""The debtor list in a real browser (Debian's Chromium through Playwright) at a laptop's and a
phone's width: a supervisor saves a view, opens it again, selects the page and reassigns the
debtors in bulk through the confirmation page — and no page scrolls sideways."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.work.models import SavedView

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def seed_data(installation_data: None) -> None:
    """Every test here starts from the installation's data (conftest.installation_data)."""


@pytest.fixture
def browser(chromium: Any) -> Any:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return chromium


def no_sideways_scroll(page: Any) -> None:
    wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"{page.url} is {wide}px wide in a {inner}px window"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_supervisor_saves_a_view_and_reassigns_its_debtors_in_bulk(
    width: int,
    browser: Any,
    live_server: Any,
    supervisor: User,
    collector: User,
    teammate: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    for n in range(3):
        cp = make_counterparty(
            collector=collector,
            name=f"Moldova Debtor {n} with a long trading name SRL",
            country="MD",
        )
        make_document(cp, f"{(n + 1) * 12345}.67", due_date=date(2025, 11, 5))
    make_counterparty(collector=collector, name="Romanian Debtor SRL")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", "pw-" + supervisor.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")

    # filter by the address, then save what is shown as a view shared with the team
    page.goto(f"{live_server.url}/work/debtors/?country=MD&sort=-days")
    no_sideways_scroll(page)
    assert "3 debtors" in page.inner_text("p.count")
    page.click("#save-view summary")
    page.fill("#view-name", "Moldova, oldest first")
    page.check("#save-view input[name=shared]")
    page.click("#save-view button[type=submit]")
    page.wait_for_url(lambda url: "country=MD" in url and "view=" in url)
    view = SavedView.objects.get()
    assert (view.name, view.shared, view.query) == (
        "Moldova, oldest first",
        True,
        "country=MD&sort=-days",
    )
    assert "Moldova, oldest first" in page.inner_text("nav.saved-views [aria-current=page]")
    page.screenshot(path=str(SHOTS / f"debtor-list-{width}.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / f"debtor-list-{width}.png"), full_page=True)
    no_sideways_scroll(page)

    # the saved view opens again from the plain list
    page.goto(f"{live_server.url}/work/debtors/")
    page.click("nav.saved-views a[data-view='Moldova, oldest first']")
    page.wait_for_url(lambda url: "view=" in url)
    assert "Romanian Debtor SRL" not in page.inner_text("#debtor-list")

    # select all on the page, reassign, read the confirmation, confirm
    page.check("#select-all")
    assert page.locator("#debtor-list input[name=ids]:checked").count() == 3
    page.select_option("#bulk-to-user", str(teammate.pk))
    page.click("#bulk-reassign")
    page.wait_for_selector("#bulk-summary")
    assert page.inner_text("#bulk-summary") == f"Reassign 3 debtors from {collector} to {teammate}."
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"bulk-reassign-confirm-{width}.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / f"bulk-reassign-confirm-{width}.png"), full_page=True)
    page.fill("#bulk-note", "fresh eyes")
    page.click("#bulk-confirm")
    page.wait_for_url(lambda url: "/work/debtors/?country=MD" in url)
    assert "3 debtors reassigned to" in page.inner_text("main")
    assert Counterparty.objects.filter(collector=teammate).count() == 3
    assert TimelineEntry.objects.filter(kind="work.reassigned").count() == 3
    no_sideways_scroll(page)
    page.close()
