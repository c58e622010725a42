"""The "Telephone exchange keys" page: administrators only; it says where each value comes
from and never shows one; storing and clearing work from the page and are logged."""

import importlib

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role
from dunwell.telephony import secrets
from dunwell.telephony.models import ProviderSecret, ProviderSecretChange

URL = "/telephony/secrets/"
STORED = "stored-zadarma-secret-value-1"
ENVIRONMENT = "environment-mango-key-value-2"


@pytest.fixture
def admin(make_user):
    return make_user("ada", Role.ADMIN)


@pytest.fixture(autouse=True)
def _environment(settings):
    for spec in secrets.SECRETS:
        setattr(settings, spec.name, "")
    settings.DUNWELL_MANGO_KEY = ENVIRONMENT


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _row(html: str, name: str) -> str:
    start = html.index(f'id="secret-{name}"')
    return html[start : html.index("</tr>", start)]


def test_the_address_is_the_one_the_menu_links_to():
    assert reverse("telephony:secrets") == URL


def test_the_page_says_where_each_value_comes_from_and_never_shows_it(admin):
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    response = _client(admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert STORED not in html
    assert ENVIRONMENT not in html
    assert "set (stored)" in _row(html, "DUNWELL_ZADARMA_SECRET")
    assert "from the environment" in _row(html, "DUNWELL_MANGO_KEY")
    assert "not set" in _row(html, "DUNWELL_TWILIO_AUTH_TOKEN")
    assert "ada" in _row(html, "DUNWELL_ZADARMA_SECRET")


def test_the_page_is_in_the_readers_language(admin):
    admin.language = "ru"
    admin.save()
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    html = _client(admin).get(URL).content.decode()
    assert "из переменных окружения" in _row(html, "DUNWELL_MANGO_KEY")
    assert "задан (хранится)" in _row(html, "DUNWELL_ZADARMA_SECRET")
    assert "не задан" in _row(html, "DUNWELL_TWILIO_AUTH_TOKEN")


def test_an_administrator_stores_a_value_from_the_page(admin):
    response = _client(admin).post(
        URL, {"name": "DUNWELL_ZADARMA_SECRET", "action": "set", "value": STORED}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zadarma, API secret: stored." in html
    assert STORED not in html
    assert secrets.provider_secret("DUNWELL_ZADARMA_SECRET") == STORED
    log = html[html.index('id="secret-log"') :]
    assert "Zadarma, API secret" in log and "ada" in log


def test_an_administrator_clears_a_stored_value(admin):
    secrets.set_secret("DUNWELL_MANGO_KEY", "stored-mango-key-3", by=admin)
    response = _client(admin).post(
        URL, {"name": "DUNWELL_MANGO_KEY", "action": "clear"}, follow=True
    )
    assert "the stored value is cleared" in response.content.decode()
    assert secrets.provider_secret("DUNWELL_MANGO_KEY") == ENVIRONMENT
    assert [c.action for c in ProviderSecretChange.objects.order_by("id")] == ["set", "cleared"]


def test_a_bad_value_shows_the_field_and_stores_nothing(admin):
    response = _client(admin).post(
        URL, {"name": "DUNWELL_PBX_ROUTING_TOKEN", "action": "set", "value": "short-token"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Asterisk, Routing request token: at least 20 characters." in html
    assert "short-token" not in html
    assert not ProviderSecret.objects.exists()


def test_a_too_long_value_is_refused_naming_the_field(admin):
    response = _client(admin).post(
        URL, {"name": "DUNWELL_TWILIO_AUTH_TOKEN", "action": "set", "value": "x" * 1500}
    )
    assert response.status_code == 400
    assert "Twilio, Auth token: at most 500 characters." in response.content.decode()
    assert not ProviderSecret.objects.exists()


def test_an_unknown_secret_name_is_refused(admin):
    response = _client(admin).post(URL, {"name": "SECRET_KEY", "action": "set", "value": "x" * 40})
    assert response.status_code == 400
    assert not ProviderSecret.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.FINANCE, Role.COLLECTOR, Role.SUPERVISOR])
def test_only_administrators_open_the_page(make_user, role):
    client = _client(make_user(f"user-{role}", role))
    assert client.get(URL).status_code == 403
    posted = client.post(URL, {"name": "DUNWELL_ZADARMA_SECRET", "action": "set", "value": "x1"})
    assert posted.status_code == 403
    assert not ProviderSecret.objects.exists()


def test_a_superuser_opens_the_page(make_user):
    boss = make_user("root", Role.COLLECTOR, is_superuser=True)
    assert _client(boss).get(URL).status_code == 200


def test_the_owner_collector_teammate_and_outsider_are_refused(collector, teammate, outsider):
    for user in (collector, teammate, outsider):
        assert _client(user).get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_integrations_page_links_it_for_administrators_only(admin, director):
    assert URL in _client(admin).get("/integrations/").content.decode()
    assert URL not in _client(director).get("/integrations/").content.decode()


def test_the_permission_sweep_covers_the_page():
    # Imported by name: mypy checks dunwell/, and the sweep's modules live in tests/.
    sweep = importlib.import_module("tests.test_permission_sweep")
    routes = {route.name: route for route in importlib.import_module("tests.url_world").walk()}
    assert routes["telephony:secrets"].kwargs == ()  # swept for every user without set-up
    assert "telephony:secrets" not in sweep.SPECIAL
