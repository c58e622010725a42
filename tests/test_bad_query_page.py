"""The 400 page of an address with parameters a page cannot use names each bad parameter by
its label; a reason about the parameters together stands alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from dunwell.accounts.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "Choose one week or one month of the forecast."),
        ("ro", "Alegeți o săptămână sau o lună a prognozei."),
    ],
)
def test_a_reason_about_the_parameters_together_reads_without_django_s_name_for_it(
    make_user: Callable[..., User], language: str, reason: str
) -> None:
    """The forecast's week page opened without a week or a month read
    '__all__: Alegeți o săptămână sau o lună a prognozei.' (Django's key for a form-wide error
    in place of a field's label)."""
    client = Client()
    client.force_login(make_user("fiona", Role.FINANCE))
    response = client.get("/reports/forecast/week/", {"lang": language})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<li>{reason}</li>" in page
    assert "__all__" not in page
    # a bad parameter still says which one: its label, then the reason
    response = client.get("/reports/forecast/week/", {"week": "0", "lang": "en"})
    assert response.status_code == 400
    assert "<strong>Week</strong>: Ensure this value is greater than or equal to 1." in (
        response.content.decode()
    )
