"""The KPIs page's period form: "As of" says it is not used for a From – to range (a script
hides it while that is chosen; without JavaScript the note stays), and the seven fields wrap
instead of cutting a select's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User

pytestmark = pytest.mark.django_db


def form_of(client: Client, user: User, language: str) -> str:
    user.language = language
    user.save()
    client.force_login(user)
    html = client.get(reverse("insight:metrics"), {"period": "custom"}).content.decode()
    field = html.index('name="period"')  # the period form (the top bar has a search form)
    return html[html.rfind("<form", 0, field) : html.index("</form>", field)]


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "Not used for From – to."),
        ("ru", "Не используется для периода «С – по»."),
        ("ro", "Nu se folosește pentru „De la – până la”."),
    ],
)
def test_as_of_says_it_is_not_used_for_a_custom_range(
    client: Client, director: User, language: str, note: str
) -> None:
    form = form_of(client, director, language)
    as_of = form[form.index('id="kpi-as-of"') :]
    as_of = as_of[: as_of.index("</label>")]
    assert note in as_of


def test_the_filter_row_wraps_and_the_script_hides_as_of_for_a_custom_range(
    client: Client, director: User
) -> None:
    form = form_of(client, director, "en")
    # .filter-grid: as many 12rem columns as fit, the rest on the next row (a 'grid' was one
    # row of seven equal columns, the select's "Только по валютам" cut off)
    assert 'class="filter-grid" id="kpi-filters"' in form
    script = (Path(__file__).parents[1] / "static/insight/metrics.js").read_text()
    assert 'getElementById("kpi-as-of")' in script and '"custom"' in script
