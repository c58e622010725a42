"""403 and 404 in the product's layout and the user's language, with a way back (Django's own
are a bare English "403 Forbidden" and a page naming the model)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from dunwell.accounts.models import User

pytestmark = pytest.mark.django_db


def client_for(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_a_page_the_role_may_not_open_says_so_in_russian_with_a_way_back(director: User) -> None:
    response = client_for(director, "ru").get(
        "/telephony/secrets/", HTTP_REFERER="http://testserver/work/day/"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Нет доступа к этой странице</h1>" in page
    assert "Ваша роль (Директор) не даёт доступа к этой странице" in page
    assert 'href="http://testserver/work/day/">Вернуться на предыдущую страницу</a>' in page
    assert 'href="/">На мою начальную страницу</a>' in page
    assert 'class="mainnav"' in page  # the product's menu
    assert "Forbidden" not in page


def test_the_way_back_never_leads_off_the_site(director: User) -> None:
    page = (
        client_for(director, "uk")
        .get("/telephony/secrets/", HTTP_REFERER="https://evil.example/phish")
        .content.decode()
    )
    assert "evil.example" not in page
    assert "Повернутися на попередню сторінку" not in page
    assert "Немає доступу до цієї сторінки" in page


def test_a_missing_page_is_in_romanian_and_does_not_name_the_model(director: User) -> None:
    response = client_for(director, "ro").get("/legal/cases/987654/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Pagina nu a fost găsită</h1>" in page
    assert "LegalCase" not in page
    assert 'href="/">La pagina mea de start</a>' in page


def test_a_page_that_says_why_is_refused_in_the_layout_with_its_reason(collector: User) -> None:
    response = client_for(collector, "uk").get("/work/team/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Немає доступу до цієї сторінки</h1>" in page
    assert 'class="mainnav"' in page
    # the view's own reason, in the user's language (was this text alone, as a bare page)
    with translation.override("uk"):
        reason = translation.gettext("The team view is for supervisors and the director.")
    assert f"<p>{reason}</p>" in page and reason != (
        "The team view is for supervisors and the director."
    )
