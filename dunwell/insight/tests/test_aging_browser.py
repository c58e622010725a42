"""The aging chart in a real browser: its axis writes amounts as the page's language does
(a Russian page read "140,000" on the axis beside "140 000,00" in the table)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        # The browser itself in English: the page's language decides, not the browser's.
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page.set_default_timeout(10000)
        yield page
        browser.close()


def test_the_chart_axis_writes_amounts_in_the_pages_language(
    chromium_page: Any,
    live_server: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    cp = make_counterparty()
    make_document(cp, "140000.00", due_date=timezone.localdate() - timedelta(days=10))
    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", director.username)
    page.fill("input[name=password]", "pw-" + director.username)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    ticks = (
        "Chart.getChart(document.getElementById('aging-chart')).scales.y.ticks.map(t => t.label)"
    )
    for language, separator in (("ru", "\u00a0"), ("en", ",")):
        User.objects.filter(pk=director.pk).update(language=language)
        page.goto(f"{live_server.url}/reports/aging/")
        labels = page.evaluate(ticks)
        assert f"140{separator}000" in labels, labels
