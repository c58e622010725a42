"""The call card's promised date is the product's date box (dunwell.forms.date_input), as every
other date field: it was a raw <input type="date"> written in the template, with no id for its
label and none of the form's handling (the ISO value, the field's own error). The day it holds
is spelled under it in the page's language (tests/test_date_echo_browser.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.work.forms import OutcomeForm


def _date_box(page: str) -> str:
    form = page.split('id="promise-form"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'<input[^>]*name="promised_on"[^>]*>', form)
    assert found
    return found.group(0)


@pytest.mark.usefixtures("frozen")  # Tuesday 10.03.2026
def test_the_promised_date_is_the_products_date_input(
    debtor: Counterparty, collector: User
) -> None:
    User.objects.filter(pk=collector.pk).update(language="ru")
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[debtor.pk])).content.decode()
    assert _date_box(page) == str(OutcomeForm()["promised_on"])
    assert 'id="id_promised_on"' in _date_box(page) and "required" in _date_box(page)
    # A promise refused for its amount keeps the day typed, in the date box's ISO form.
    page = client.post(
        reverse("work:call", args=[debtor.pk]),
        {"outcome": "promise", "promised_on": "2026-03-20", "promised_amount": "0"},
    ).content.decode()
    assert 'value="2026-03-20"' in _date_box(page)
