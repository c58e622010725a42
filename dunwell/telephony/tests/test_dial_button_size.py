"""The click-to-call buttons are compact, beside the contact: on the call card and My day they
stretched across the whole column, so every phone looked like the page's main action."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact
from dunwell.telephony.tests.test_browser import chromium_page  # noqa: F401
from dunwell.work.tests.test_browser import log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]


@pytest.mark.parametrize("language", ["ru", "ro"])
def test_the_dial_buttons_are_as_wide_as_their_number(
    chromium_page: Any,  # noqa: F811
    live_server: Any,
    settings: Any,
    make_counterparty: Any,
    make_document: Any,
    collector: User,
    language: str,
) -> None:
    settings.DUNWELL_PBX = "asterisk"
    User.objects.filter(pk=collector.pk).update(language=language, extension="101")
    debtor = make_counterparty(collector=collector, name="Customer SRL")
    make_document(debtor, "500.00", due_date=timezone.localdate() - timedelta(days=20))
    Contact.objects.create(
        counterparty=debtor, name="Ana Pop", phone="+40721000000", decides_payments=True
    )
    page = chromium_page
    log_in(page, live_server, collector)
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/call/")
    button = page.locator("ul.contacts form.dial button").first.bounding_box()
    line = page.locator("ul.contacts li").first.bounding_box()
    name = page.locator("ul.contacts li a").first.bounding_box()
    assert "+40 721 000 000" in page.inner_text("ul.contacts form.dial button")
    assert button["width"] < 0.4 * line["width"]
    # beside the contact, on the line of their name
    assert abs(button["y"] - name["y"]) < name["height"]
