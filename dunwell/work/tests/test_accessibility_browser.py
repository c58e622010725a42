"""The main pages pass axe-core (vendored under tests/vendor/axe-core) in Chromium with no
serious or critical violation, for a collector and for the director (issue 16, item 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Counterparty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[3] / "tests" / "vendor" / "axe-core" / "axe.min.js"
PAGES = [
    "/work/day/",
    "/work/calendar/",
    "/work/debtors/",
    "/work/debtors/{debtor}/",
    "/work/debtors/{debtor}/call/",
    "/reports/aging/",
    "/legal/",
    "/legal/calculator/",
    "/correspondence/inbox/",
    "/mail/outbox/",
    "/search/?q=Customer",
    "/work/preferences/",
]
RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.id + " (" + v.impact + "): "
    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))"""


@pytest.fixture(autouse=True)
def seed_data(installation_data: None) -> None:
    """Start from the installation's data (conftest.installation_data)."""


@pytest.mark.parametrize(("who", "language"), [("collector", "en"), ("director", "ru")])
def test_main_pages_have_no_serious_accessibility_violations(
    request: Any,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    debtor: Counterparty,
    collector: User,
    who: str,
    language: str,
) -> None:
    ladder.create_manual_task(
        counterparty=debtor,
        assignee=collector,
        action="call",
        due_at=timezone.now() - timedelta(hours=1),
        title="Reminder call",
        user=None,
    )
    page = sign_in(chromium, request.getfixturevalue(who), language=language)
    script = AXE.read_text()
    found = {}
    for path in PAGES:
        url = live_server.url + path.format(debtor=debtor.pk)
        response = page.goto(url)
        assert response is not None and response.status == 200, path
        page.evaluate(script)
        violations = page.evaluate(RUN)
        if violations:
            found[path] = violations
    assert found == {}
