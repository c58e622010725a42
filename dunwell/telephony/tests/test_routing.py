"""Routing of incoming calls: the responsible collector, their team queue, the default queue;
the dialplan's endpoint and its token."""

from datetime import UTC, date, datetime
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client

from dunwell.accounts.models import Role
from dunwell.ledger.models import Contact
from dunwell.telephony.models import Absence, TeamQueue
from dunwell.telephony.routing import route_call
from dunwell.wsgi import application  # imported once: it sets Django up (and its logging)

# 23:30 UTC on 1 December is already 2 December in Bucharest.
LATE = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
TOKEN = "route-token-" + "x" * 20


@pytest.fixture(autouse=True)
def _queues(settings):
    settings.DUNWELL_PBX_DEFAULT_QUEUE = "600"
    settings.DUNWELL_PBX_ROUTING_TOKEN = TOKEN


@pytest.fixture
def debtor_phone(make_counterparty, collector):
    collector.extension = "101"
    collector.time_zone = "Europe/Bucharest"
    collector.save()
    debtor = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567",
                           phone_alt="+40731000000")  # fmt: skip
    return "+40721234567"


def test_a_known_number_rings_the_responsible_collector(debtor_phone, collector):
    route = route_call("40721234567", now=LATE)  # as a provider writes it, without the plus
    assert (route.target, route.reason, route.collector_id) == ("101", "collector", collector.pk)


def test_the_second_phone_of_a_contact_is_known_too(debtor_phone):
    assert route_call("+40731000000", now=LATE).target == "101"


def test_an_absent_collector_hands_over_to_the_team_queue(debtor_phone, collector, supervisor):
    TeamQueue.objects.create(supervisor=supervisor, number="501", name="Team Sofia")
    Absence.objects.create(user=collector, starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 5))
    route = route_call(debtor_phone, now=LATE)  # 2 December in the collector's time zone
    assert (route.target, route.reason) == ("501", "team_queue")


def test_an_absence_counts_in_the_collectors_own_time_zone(debtor_phone, collector, supervisor):
    TeamQueue.objects.create(supervisor=supervisor, number="501")
    Absence.objects.create(user=collector, starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 2))
    collector.time_zone = "UTC"  # still 1 December for them: at work
    collector.save()
    assert route_call(debtor_phone, now=LATE).target == "101"


def test_an_absence_that_is_over_does_not_count(debtor_phone, collector, supervisor):
    TeamQueue.objects.create(supervisor=supervisor, number="501")
    Absence.objects.create(user=collector, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 1))
    assert route_call(debtor_phone, now=LATE).target == "101"


def test_an_absent_collector_without_a_team_queue_falls_to_the_default_queue(
    debtor_phone, collector
):
    Absence.objects.create(user=collector, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 9))
    route = route_call(debtor_phone, now=LATE)
    assert (route.target, route.reason) == ("600", "default")


def test_a_collector_without_an_extension_hands_over_to_the_team_queue(
    debtor_phone, collector, supervisor
):
    TeamQueue.objects.create(supervisor=supervisor, number="501")
    collector.extension = ""
    collector.save()
    assert route_call(debtor_phone, now=LATE).target == "501"


def test_an_unknown_number_goes_to_the_default_queue(debtor_phone):
    route = route_call("+40799999999", now=LATE)
    assert (route.target, route.reason) == ("600", "default")


def test_a_debtor_without_a_collector_goes_to_the_default_queue(make_counterparty):
    debtor = make_counterparty()
    Contact.objects.create(counterparty=debtor, name="Ion", phone="+40722000111")
    assert route_call("+40722000111", now=LATE).reason == "default"


def test_routing_takes_at_most_three_queries(debtor_phone, collector, supervisor,
                                             django_assert_max_num_queries):  # fmt: skip
    TeamQueue.objects.create(supervisor=supervisor, number="501")
    Absence.objects.create(user=collector, starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 2))
    with django_assert_max_num_queries(3):
        assert route_call(debtor_phone, now=LATE).target == "501"


# --- the dialplan's endpoint --------------------------------------------------------------


def test_the_dialplan_gets_the_extension_as_plain_text(debtor_phone):
    response = Client().get("/telephony/route/", {"number": "0040721234567"},
                            headers={"X-Dunwell-Token": TOKEN})  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"101"


def test_the_token_may_come_in_the_query(debtor_phone):
    response = Client().get("/telephony/route/", {"number": debtor_phone, "token": TOKEN})
    assert response.content == b"101"


def test_a_wrong_or_missing_token_is_refused(debtor_phone, caplog):
    client = Client()
    wrong = client.get("/telephony/route/", {"number": debtor_phone, "token": "nope"})
    missing = client.get("/telephony/route/", {"number": debtor_phone})
    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert b"101" not in wrong.content + missing.content
    assert "routing" in caplog.text and "nope" not in caplog.text


def test_without_a_configured_token_the_endpoint_does_not_exist(settings, debtor_phone):
    settings.DUNWELL_PBX_ROUTING_TOKEN = ""
    response = Client().get("/telephony/route/", {"number": debtor_phone, "token": ""})
    assert response.status_code == 404


def test_a_signed_in_user_without_the_token_is_refused(debtor_phone, make_user):
    client = Client()
    client.force_login(make_user("boss", Role.DIRECTOR))
    assert client.get("/telephony/route/", {"number": debtor_phone}).status_code == 403


def test_an_administrator_keeps_team_queues_and_absences_in_the_admin(
    debtor_phone, collector, supervisor
):
    from dunwell.accounts.models import User

    admin_user = User.objects.create_superuser(username="root", password="pw-root")
    TeamQueue.objects.create(supervisor=supervisor, number="501", name="Team Sofia")
    Absence.objects.create(user=collector, starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 5))
    client = Client()
    client.force_login(admin_user)
    queues = client.get("/admin/telephony/teamqueue/")
    absences = client.get("/admin/telephony/absence/")
    assert queues.status_code == absences.status_code == 200
    assert "Team Sofia" in queues.content.decode()
    assert "colin" in absences.content.decode()
    assert client.get("/admin/telephony/absence/add/").status_code == 200


def test_a_number_in_the_national_format_is_read_with_the_companys_country(debtor_phone):
    # An on-premises Asterisk writes a local mobile caller as 0721234567; the company is in RO.
    assert route_call("0721234567", now=LATE).target == "101"


def test_a_lookup_without_an_absence_nearby_is_one_query(
    debtor_phone, supervisor, django_assert_num_queries
):
    TeamQueue.objects.create(supervisor=supervisor, number="501")
    with django_assert_num_queries(1):
        assert route_call(debtor_phone, now=LATE).target == "101"


# --- the deployed WSGI application answers the dialplan before Django's middleware -------


def _wsgi(path: str, query: str = "", method: str = "GET", **headers: str):
    environ: dict = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method}
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    setup_testing_defaults(environ)
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: the request signals must not close the test's connection
    # (its transaction holds the test data).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        answer["body"] = b"".join(application(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer


def test_the_wsgi_application_routes_with_the_same_rules(debtor_phone, caplog, settings):
    ok = _wsgi("/telephony/route/", "number=%2B40721234567", x_dunwell_token=TOKEN)
    assert (ok["status"], ok["body"]) == ("200 OK", b"101")
    assert ok["headers"]["Content-Type"].startswith("text/plain")
    # No page middleware ran: no session cookie, no page security headers.
    assert "Set-Cookie" not in ok["headers"] and "X-Frame-Options" not in ok["headers"]
    assert _wsgi("/telephony/route/", f"number=0040721234567&token={TOKEN}")["body"] == b"101"
    refused = _wsgi("/telephony/route/", "number=%2B40721234567&token=nope")
    assert refused["status"].startswith("403") and b"101" not in refused["body"]
    assert "bad or missing token" in caplog.text
    assert _wsgi("/telephony/route/", method="POST", x_dunwell_token=TOKEN)["status"].startswith(
        "405"
    )
    settings.DUNWELL_PBX_ROUTING_TOKEN = ""
    assert _wsgi("/telephony/route/", f"token={TOKEN}")["status"].startswith("404")


def test_other_paths_still_go_through_django(debtor_phone):
    page = _wsgi("/login/")
    assert page["status"] == "200 OK"
    assert "X-Frame-Options" in page["headers"]
