"""The aging page's 'Save the company's buckets' button has a button's width: in its grid
column Pico stretched it across half the page. The .filter-buttons box (app.css) gives its
buttons their own width, as on the debtor list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_save_button_sits_in_a_box_that_keeps_its_width(client: Any, director: Any) -> None:
    client.force_login(director)
    html = client.get(reverse("insight:aging")).content.decode()
    form = html[html.index('id="company-buckets"') :]
    form = form[: form.index("</form>")]
    assert re.search(r'<div class="filter-buttons"><button type="submit"', form)
    css = (Path(__file__).parents[2] / "static" / "dunwell" / "app.css").read_text()
    assert ".filter-buttons button { margin: 0; width: auto; }" in css
