"""The tokens page in a browser: create a token, copy it from the page, use it, revoke it."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_user_creates_uses_and_revokes_a_token(
    live_server: Any, collector: Any, monkeypatch: pytest.MonkeyPatch, chromium: Any, sign_in: Any
) -> None:
    page = sign_in(chromium, "colin")
    page.goto(live_server.url + "/work/preferences/")
    page.click("#api-tokens-link")
    assert page.locator("input[value='ledger:write']").count() == 0  # not for a collector
    page.fill("input[name=name]", "Spreadsheet")
    page.check("input[value='work:read']")
    page.click("#token-form button[type=submit]")
    secret = page.input_value("#token-secret")
    if os.environ.get("DUNWELL_SCREENSHOT"):  # a look at the page, when asked for
        page.screenshot(path=os.environ["DUNWELL_SCREENSHOT"], full_page=True)
    answer = Client().get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"})
    assert answer.json()["scopes"] == ["work:read"]
    page.goto(live_server.url + "/integrations/tokens/")
    assert page.locator("#token-secret").count() == 0  # shown once
    asked: list[str] = []

    def confirm(dialog: Any) -> None:  # 'Revoke' asks first, naming the token
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    page.click("#tokens button[type=submit]")
    page.wait_for_selector("p.flash")
    assert "Spreadsheet" in asked[0]
    assert "revoked." in page.inner_text("p.flash")
    answer = Client().get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401


def test_reloading_the_new_tokens_page_creates_no_second_token(
    live_server: Any, make_user: Any, chromium: Any, sign_in: Any
) -> None:
    """F5 on the page that shows a new token's secret: the browser asked to send the form again
    and a second live token was created. Now that page is a GET: reloading it shows the secret
    no more, says so, and creates nothing."""
    from dunwell.accounts.models import Role
    from dunwell.restapi.models import ApiToken

    admin = make_user("ada", Role.ADMIN, language="uk")
    page = sign_in(chromium, admin)
    page.goto(live_server.url + "/integrations/tokens/")
    page.fill("input[name=name]", "ERP")
    page.check("input[value='work:read']")
    page.click("#token-form button[type=submit]")
    secret = page.input_value("#token-secret")
    page.reload()
    assert page.locator("#token-secret").count() == 0
    assert secret not in page.content()
    assert "було показано один раз" in page.inner_text("#secret-shown")
    assert ApiToken.objects.count() == 1
    answer = Client().get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
