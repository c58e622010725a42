"""The Content-Security-Policy does not break the pages that run scripts: the legal cases
filter (its inline handler), the aging chart (Chart.js), htmx, and the API docs (Swagger)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_pages_with_scripts_run_under_the_content_security_policy(
    live_server: Any, director: Any, chromium: Any, sign_in: Any
) -> None:
    refused: list[str] = []
    page = chromium.new_page()
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "diana")
    page.fill("input[name=password]", "pw-diana")
    page.click("button[type=submit]")
    page.goto(live_server.url + "/legal/")
    with page.expect_navigation():
        page.select_option("select[name=show]", "all")
    assert "show=all" in page.url
    page.goto(live_server.url + "/reports/aging/")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    page.close()
    assert refused == []
