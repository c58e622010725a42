import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_lands_a_collector_on_my_day_with_their_name(collector) -> None:
    collector.first_name, collector.last_name = "Colin", "Baker"
    collector.save()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "colin", "password": "pw-colin"}, follow=True
    )
    # login -> home -> the first page of a collector's menu: "My day"
    assert [url for url, _status in response.redirect_chain] == [
        reverse("home"),
        reverse("work:worklist"),
    ]
    assert response.status_code == 200
    page = response.content.decode()
    assert "Colin Baker" in page and "My day" in page


def test_a_wrong_password_does_not_log_in(collector) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "colin", "password": "nope"})
    assert response.status_code == 200
    assert client.get(reverse("work:worklist")).status_code == 302


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
