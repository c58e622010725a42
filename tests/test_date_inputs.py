"""A date field's <input type="date"> carries its value as ISO in every language: a browser
shows any other text as an empty field (a Russian user saw "Valid from" blank, not today)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django import forms
from django.utils import translation

from dunwell.correspondence.forms import DATE as CORRESPONDENCE_DATE
from dunwell.insight.forms import AgingFilterForm
from dunwell.ladder.grace_forms import GraceForm
from dunwell.legal.forms import DATE as LEGAL_DATE
from dunwell.work.forms import OutcomeForm

DAY = date(2026, 12, 18)


def value_of(html: str) -> str:
    found = re.search(r'value="([^"]*)"', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize("language", ["ru", "uk", "ro", "en"])
@pytest.mark.parametrize(
    ("form", "field"),
    [(OutcomeForm, "promised_on"), (GraceForm, "until"), (AgingFilterForm, "as_of")],
)
def test_a_preset_date_reaches_the_browser_as_iso(
    language: str, form: type[forms.Form], field: str
) -> None:
    with translation.override(language):
        html = str(form(initial={field: DAY})[field])
    assert 'type="date"' in html and value_of(html) == "2026-12-18"


@pytest.mark.parametrize("widget", [CORRESPONDENCE_DATE, LEGAL_DATE])
def test_the_shared_date_inputs_write_iso_in_russian(widget: forms.DateInput) -> None:
    with translation.override("ru"):
        assert widget.format_value(DAY) == "2026-12-18"
