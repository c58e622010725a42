"""The dialplan's WSGI path reads the routing token an administrator stored at most once per
TOKEN_TTL seconds per process (it was one query per lookup); a change applies at once in the
process that made it."""

import pytest

from dunwell.accounts.models import Role
from dunwell.ledger.models import Contact
from dunwell.telephony import fastroute
from dunwell.telephony.secrets import clear_secret, set_secret

TOKEN = "env-route-token-" + "x" * 20
STORED = "stored-route-token-" + "y" * 20


@pytest.fixture(autouse=True)
def _token(settings):
    settings.DUNWELL_PBX_ROUTING_TOKEN = TOKEN
    settings.DUNWELL_PBX_DEFAULT_QUEUE = "600"


@pytest.fixture
def number(make_counterparty, collector):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=debtor, name="Ana", phone="+40721234567")
    return "+40721234567"


def test_a_cached_token_costs_no_query(number, django_assert_num_queries):
    assert fastroute.answer("GET", TOKEN, number, "") == (200, "101")
    with django_assert_num_queries(1):  # the lookup alone
        assert fastroute.answer("GET", TOKEN, number, "") == (200, "101")


def test_the_token_is_read_again_after_its_time_to_live(number, monkeypatch,
                                                         django_assert_num_queries):  # fmt: skip
    fastroute.answer("GET", TOKEN, number, "")
    clock = [fastroute.time.monotonic() + fastroute.TOKEN_TTL + 1]
    monkeypatch.setattr(fastroute.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(2):
        fastroute.answer("GET", TOKEN, number, "")


def test_a_stored_or_cleared_token_applies_at_once(number, make_user):
    admin = make_user("admin1", role=Role.ADMIN)
    assert fastroute.answer("GET", TOKEN, number, "")[0] == 200  # cached: none stored
    set_secret("DUNWELL_PBX_ROUTING_TOKEN", STORED, by=admin)
    assert fastroute.answer("GET", TOKEN, number, "")[0] == 403
    assert fastroute.answer("GET", STORED, number, "")[0] == 200
    clear_secret("DUNWELL_PBX_ROUTING_TOKEN", by=admin)
    assert fastroute.answer("GET", TOKEN, number, "")[0] == 200
    assert fastroute.answer("GET", STORED, number, "")[0] == 403
