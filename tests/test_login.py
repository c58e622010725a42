import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_works_and_lands_on_a_page(collector) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "colin", "password": "pw-colin"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code in (200, 302)


def test_login_is_throttled_after_repeated_failures(collector, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "colin", "password": "wrong"})
        assert response.status_code == 200
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "colin", "password": "pw-colin"})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()


def test_anonymous_user_is_sent_to_login() -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
