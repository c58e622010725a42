"""A new API token's secret at 390 px showed only its start (a one-line input cut at the
screen's edge): the administrator copying it by eye, or checking what they pasted, read
'dw_77639ca8_qQyUScB3wvd6HoXOCUr' and no more. Now the whole secret is on the page, wrapped,
and copying it still gives the secret that works."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["uk", "ro"])
def test_the_whole_secret_is_readable_on_a_phone(
    live_server: Any, make_user: Any, chromium: Any, sign_in: Any, language: str
) -> None:
    from dunwell.accounts.models import Role

    admin = make_user("ada", Role.ADMIN, language=language)
    page = sign_in(chromium, admin, width=390)
    page.goto(live_server.url + "/integrations/tokens/")
    page.fill("input[name=name]", "ERP")
    page.check("input[value='work:read']")
    page.click("#token-form button[type=submit]")
    field = page.locator("#token-secret")
    secret = field.input_value()
    assert secret.startswith("dw_") and len(secret) > 40
    # All of it inside the box, on the screen: nothing scrolled away sideways or below.
    sizes = field.evaluate(
        "e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight,"
        " e.getBoundingClientRect().right]"
    )
    scroll_width, client_width, scroll_height, client_height, right = sizes
    assert scroll_width <= client_width and scroll_height <= client_height, sizes
    assert right <= 390, sizes
    assert "\n" not in secret  # wrapped on screen, one line when copied
    answer = Client().get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
