"""/favicon.ico, which browsers ask for on every site, is the site's icon, not a 404."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_svg_icon_for_everyone() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/dunwell/favicon.svg")
    icon = Client().get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]
