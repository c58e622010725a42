"""The KPI dashboard in a real browser: the DSO and CEI trend charts are drawn (Chart.js) and
the page reads in each of the four languages."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]


@pytest.fixture
def chromium_page(chromium: Any) -> Any:
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(10000)
    return page


HEADINGS = {
    "en": "Collection KPIs as of 31.03.2026",
    "ru": "Показатели взыскания на 31.03.2026",
    "uk": "Показники стягнення на 31.03.2026",
    "ro": "Indicatorii recuperării la 31.03.2026",
}


def test_the_dashboard_draws_its_trends_in_four_languages(
    chromium_page: Any,
    live_server: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    cp = make_counterparty()
    for month in range(14):
        issued = date(2025, 2, 10) + timedelta(days=30 * month)
        make_document(cp, f"{1000 + 100 * month}.00", date=issued, due_date=issued + timedelta(30))
    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", director.username)
    page.fill("input[name=password]", "pw-" + director.username)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for language, heading in HEADINGS.items():
        User.objects.filter(pk=director.pk).update(language=language)
        page.goto(f"{live_server.url}/reports/metrics/?as_of=2026-03-31")
        assert page.locator("h1").inner_text() == heading
        points = page.evaluate(
            "['dso-chart', 'cei-chart'].map(id => Chart.getChart(document.getElementById(id)))"
            ".map(c => c ? c.data.datasets[0].data.filter(v => v !== null).length : 0)"
        )
        assert points[0] == 12 and points[1] >= 11
        page.screenshot(path=str(SCREENSHOTS / f"metrics-dashboard-{language}.png"), full_page=True)
