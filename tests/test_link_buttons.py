"""Links meant as buttons look like buttons: Pico CSS (vendored) styles `role="button"`; a
`class="button"` has no style anywhere, so 'Select several and decide them at once' on the
approvals page and 'Plan a meeting' on the credit committee's page read as plain underlined
links beside the buttons of every other page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Counterparty

DUNWELL = Path(__file__).resolve().parent.parent / "dunwell"
UNSTYLED = re.compile(r'class="(?:[^"]* )?button(?: [^"]*)?"')


def test_no_template_styles_a_link_with_a_class_no_stylesheet_has() -> None:
    css = "".join(p.read_text(encoding="utf-8") for p in DUNWELL.glob("static/dunwell/*.css"))
    assert ".button" not in css  # were it styled, the sweep below would be wrong
    found = [
        f"{path.relative_to(DUNWELL)}:{n}"
        for path in sorted(DUNWELL.glob("**/templates/**/*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNSTYLED.search(line)
    ]
    assert not found, found


@pytest.mark.django_db
def test_the_approvals_pages_decide_several_link_is_a_button(
    make_counterparty: Callable[..., Counterparty], collector: User, director: User
) -> None:
    debtor = make_counterparty(collector=collector, name="Overdue Trading SRL")
    Task.objects.create(
        counterparty=debtor, assignee=collector, action="stop_shipments", title="Stop",
        status=TaskStatus.AWAITING_APPROVAL, approval_role="director", key="t1",
        due_at=datetime(2026, 3, 1, tzinfo=UTC),
    )  # fmt: skip
    client = Client()
    client.force_login(director)
    html = client.get(reverse("ladder:approvals")).content.decode()
    bulk = reverse("work:bulk_approvals")
    assert f'<a role="button" href="{bulk}" id="decide-several">' in html
