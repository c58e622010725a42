"""Provider secrets stored by an administrator: the accessor prefers the stored value over the
environment's, a stored Zadarma secret is what checks the webhook's signature, values are kept
sealed, and every change is logged without the value."""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client

from dunwell.accounts.models import Role
from dunwell.telephony import ami, dialing, secrets
from dunwell.telephony.models import Call, ProviderSecret, ProviderSecretChange

STORED = "zd-stored-secret-42"
ENVIRONMENT = "zd-environment-secret-7"


@pytest.fixture
def admin(make_user):
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def no_env(settings):
    for spec in secrets.SECRETS:
        setattr(settings, spec.name, "")


def test_the_environment_value_is_used_while_nothing_is_stored(db, settings):
    settings.DUNWELL_ZADARMA_SECRET = ENVIRONMENT
    assert secrets.provider_secret("DUNWELL_ZADARMA_SECRET") == ENVIRONMENT
    assert secrets.state_of("DUNWELL_ZADARMA_SECRET") == "environment"


def test_a_stored_value_wins_over_the_environment(settings, admin):
    settings.DUNWELL_ZADARMA_SECRET = ENVIRONMENT
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    assert secrets.provider_secret("DUNWELL_ZADARMA_SECRET") == STORED
    assert secrets.state_of("DUNWELL_ZADARMA_SECRET") == "stored"


def test_clearing_the_stored_value_brings_the_environment_back(settings, admin):
    settings.DUNWELL_ZADARMA_SECRET = ENVIRONMENT
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    assert secrets.clear_secret("DUNWELL_ZADARMA_SECRET", by=admin) is True
    assert secrets.provider_secret("DUNWELL_ZADARMA_SECRET") == ENVIRONMENT
    assert secrets.clear_secret("DUNWELL_ZADARMA_SECRET", by=admin) is False


def test_nothing_stored_and_nothing_in_the_environment_is_not_set(no_env, db):
    assert secrets.provider_secret("DUNWELL_MANGO_SALT") == ""
    assert secrets.state_of("DUNWELL_MANGO_SALT") == "unset"


def test_the_value_is_kept_sealed_not_in_clear(no_env, admin):
    secrets.set_secret("DUNWELL_TWILIO_AUTH_TOKEN", "tw-token-in-the-database", by=admin)
    sealed = ProviderSecret.objects.get(name="DUNWELL_TWILIO_AUTH_TOKEN").sealed
    assert "tw-token-in-the-database" not in sealed


def test_a_value_sealed_for_another_secret_does_not_open(no_env, admin):
    secrets.set_secret("DUNWELL_MANGO_KEY", "mango-key-value", by=admin)
    ProviderSecret.objects.filter(name="DUNWELL_MANGO_KEY").update(name="DUNWELL_MANGO_SALT")
    assert secrets.provider_secret("DUNWELL_MANGO_SALT") == ""
    assert secrets.state_of("DUNWELL_MANGO_SALT") == "unreadable"


def test_a_value_sealed_under_another_secret_key_falls_back_to_the_environment(settings, admin):
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    settings.DUNWELL_ZADARMA_SECRET = ENVIRONMENT
    assert secrets.provider_secret("DUNWELL_ZADARMA_SECRET") == ENVIRONMENT
    assert secrets.state_of("DUNWELL_ZADARMA_SECRET") == "unreadable"


def test_each_change_is_logged_with_who_and_when_but_not_the_value(no_env, admin):
    secrets.set_secret("DUNWELL_ZADARMA_KEY", "zd-key-logged", by=admin)
    secrets.clear_secret("DUNWELL_ZADARMA_KEY", by=admin)
    changes = list(ProviderSecretChange.objects.order_by("id"))
    assert [(c.name, c.action, c.by) for c in changes] == [
        ("DUNWELL_ZADARMA_KEY", "set", admin),
        ("DUNWELL_ZADARMA_KEY", "cleared", admin),
    ]
    assert all(c.at is not None for c in changes)
    assert "zd-key-logged" not in repr(list(ProviderSecretChange.objects.values()))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DUNWELL_ZADARMA_SECRET", "   ", "Zadarma, API secret: enter the value."),
        ("DUNWELL_ZADARMA_SECRET", "two words", "Zadarma, API secret: no spaces or line breaks."),
        ("DUNWELL_PBX_ROUTING_TOKEN", "short", "Asterisk, Routing request token: at least 20"),
        ("DUNWELL_AMI_URL", "http://pbx:5038", "expected ami://user:secret@host:port"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(
    no_env, admin, name, value, message
):
    with pytest.raises(secrets.SecretError) as error:
        secrets.set_secret(name, value, by=admin)
    assert message in str(error.value)
    assert not ProviderSecret.objects.exists()
    assert not ProviderSecretChange.objects.exists()


def test_an_unknown_name_cannot_be_stored(admin):
    with pytest.raises(secrets.SecretError):
        secrets.set_secret("SECRET_KEY", "x" * 50, by=admin)


def test_plain_settings_are_read_from_the_environment(settings, db):
    settings.DUNWELL_MANGO_API_URL = "https://mango.test/vpbx"
    assert secrets.provider_secret("DUNWELL_MANGO_API_URL") == "https://mango.test/vpbx"


# --- the webhook checks the stored secret ----------------------------------------------------


def _zadarma_signature(secret: str, data: str) -> str:
    # Zadarma: base64 of the hex HMAC-SHA1 of the signed fields.
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


START = {
    "event": "NOTIFY_START",
    "call_start": "2026-12-01 11:00:00",
    "pbx_call_id": "in_stored_1",
    "caller_id": "40721234567",
    "called_did": "40312345678",
}
SIGNED = START["caller_id"] + START["called_did"] + START["call_start"]


def test_a_stored_zadarma_secret_checks_the_webhook_signature(no_env, admin):
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    client = Client()
    good = client.post(
        "/telephony/webhooks/zadarma/",
        START,
        headers={"Signature": _zadarma_signature(STORED, SIGNED)},
    )
    assert good.status_code == 200
    assert Call.objects.filter(provider_call_id="in_stored_1").exists()


def test_a_webhook_signed_with_the_overridden_environment_secret_is_refused(settings, admin):
    settings.DUNWELL_ZADARMA_SECRET = ENVIRONMENT
    secrets.set_secret("DUNWELL_ZADARMA_SECRET", STORED, by=admin)
    forged = Client().post(
        "/telephony/webhooks/zadarma/",
        START,
        headers={"Signature": _zadarma_signature(ENVIRONMENT, SIGNED)},
    )
    assert forged.status_code == 403
    assert not Call.objects.exists()


def test_without_any_zadarma_secret_the_webhook_is_off(no_env, db):
    response = Client().post(
        "/telephony/webhooks/zadarma/", START, headers={"Signature": "anything"}
    )
    assert response.status_code == 404


def test_click_to_call_uses_the_stored_asterisk_address(
    no_env, settings, admin, collector, monkeypatch
):
    seen = []

    async def fake_send_action(config, action, action_id, **fields):
        seen.append((config.host, config.port, config.username, config.secret, action))
        return {"Response": "Success"}

    settings.DUNWELL_PBX = "asterisk"
    collector.extension = "101"
    collector.save()
    secrets.set_secret("DUNWELL_AMI_URL", "ami://dunwell:pw-stored@127.0.0.1:5038", by=admin)
    monkeypatch.setattr(ami, "send_action", fake_send_action)
    call = dialing.start_call(collector, "+40721234567")
    assert seen == [("127.0.0.1", 5038, "dunwell", "pw-stored", "Originate")]
    assert call.provider == "asterisk"


def _mango_form(data: dict, key: str, salt: str) -> dict:
    # Mango Office: sign = hex sha256(api key + json + salt).
    text = json.dumps(data)
    return {
        "vpbx_api_key": key,
        "sign": hashlib.sha256((key + text + salt).encode()).hexdigest(),
        "json": text,
    }


MANGO_CALL = {
    "entry_id": "c3RvcmVkLTE=",
    "call_id": "c3RvcmVkLWNhbGw=",
    "timestamp": 1764586800,
    "seq": 1,
    "call_state": "Appeared",
    "location": "abonent",
    "from": {"number": "40721234567"},
    "to": {"extension": "101", "number": "40312345678"},
}


def test_stored_mango_key_and_salt_check_its_events(settings, admin):
    settings.DUNWELL_MANGO_KEY, settings.DUNWELL_MANGO_SALT = "env-key", "env-salt"
    secrets.set_secret("DUNWELL_MANGO_KEY", "stored-key", by=admin)
    secrets.set_secret("DUNWELL_MANGO_SALT", "stored-salt", by=admin)
    url = "/telephony/webhooks/mango/events/call"
    forged = Client().post(url, _mango_form(MANGO_CALL, "env-key", "env-salt"))
    assert forged.status_code == 403
    assert not Call.objects.exists()
    good = Client().post(url, _mango_form(MANGO_CALL, "stored-key", "stored-salt"))
    assert good.status_code == 200
    assert Call.objects.filter(provider="mango").exists()


def test_a_stored_routing_token_opens_the_dialplan_endpoint(no_env, admin):
    token = "stored-routing-token-0123456789"
    assert Client().get("/telephony/route/", {"number": "1"}).status_code == 404  # off
    secrets.set_secret("DUNWELL_PBX_ROUTING_TOKEN", token, by=admin)
    headers = {"X-Dunwell-Token": token}
    assert Client().get("/telephony/route/", {"number": "1"}, headers=headers).status_code == 200
    wrong = {"X-Dunwell-Token": "x" * 30}
    assert Client().get("/telephony/route/", {"number": "1"}, headers=wrong).status_code == 403
