"""The aging chart in a real browser: its axis writes amounts as the page's language does
(a Russian page read "140,000" on the axis beside "140 000,00" in the table)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]


def test_the_chart_axis_writes_amounts_in_the_pages_language(
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    cp = make_counterparty()
    make_document(cp, "140000.00", due_date=timezone.localdate() - timedelta(days=10))
    # The browser itself in English: the page's language decides, not the browser's.
    page = sign_in(chromium, director, width=1400, locale="en-US")
    ticks = (
        "Chart.getChart(document.getElementById('aging-chart')).scales.y.ticks.map(t => t.label)"
    )
    for language, separator in (("ru", "\u00a0"), ("en", ",")):
        User.objects.filter(pk=director.pk).update(language=language)
        page.goto(f"{live_server.url}/reports/aging/")
        labels = page.evaluate(ticks)
        assert f"140{separator}000" in labels, labels
