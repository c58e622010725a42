"""The route server answers from memory exactly what the Django endpoint answers, and follows
the database's changes within a couple of seconds."""

import asyncio
import http.client
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from dunwell.accounts.models import Role
from dunwell.ledger.models import Contact
from dunwell.telephony import fastroute, route_table
from dunwell.telephony.models import Absence, RoutingVersion, TeamQueue
from dunwell.telephony.route_server import RouteServer, parse_bind
from dunwell.telephony.routing import route_call
from dunwell.telephony.services import set_extension
from dunwell.work.services import reassign_counterparty

LATE = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # already 2 December in Bucharest
TOKEN = "route-token-" + "x" * 20


@pytest.fixture(autouse=True)
def _queues(settings):
    settings.DUNWELL_PBX_DEFAULT_QUEUE = "600"
    settings.DUNWELL_PBX_ROUTING_TOKEN = TOKEN


@pytest.fixture
def world(make_counterparty, make_user, collector, teammate, supervisor):
    """Numbers for every case routing knows."""
    collector.extension, collector.time_zone = "101", "Europe/Bucharest"
    collector.save()
    teammate.extension = "102"
    teammate.save()
    on_holiday = make_user("holiday1", supervisor=supervisor, extension="103",
                           time_zone="Europe/Bucharest")  # fmt: skip
    gone = make_user("gone1", supervisor=supervisor, extension="104", is_active=False)
    no_phone = make_user("nophone1", supervisor=supervisor)
    lone = make_user("lone1", extension="", time_zone="UTC")
    TeamQueue.objects.create(supervisor=supervisor, number="501")
    # On holiday on 2 December, the collector's own day at LATE (still 1 December in UTC).
    Absence.objects.create(user=on_holiday, starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 5))
    # An absence that is over.
    Absence.objects.create(user=collector, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 25))
    numbers: dict[str, str] = {}
    for name, user in [("mine", collector), ("holiday", on_holiday), ("gone", gone),
                       ("nophone", no_phone), ("lone", lone)]:  # fmt: skip
        debtor = make_counterparty(collector=user)
        phone = f"+4072{len(numbers):07d}"
        Contact.objects.create(counterparty=debtor, name=name, phone=phone)
        numbers[name] = phone
    Contact.objects.create(counterparty=make_counterparty(collector=collector), name="alt",
                           phone="+40731000001", phone_alt="+40731000002")  # fmt: skip
    Contact.objects.create(counterparty=make_counterparty(collector=None), name="orphan",
                           phone="+40731000003")  # fmt: skip
    # Two debtors share a number: the contact added last wins.
    Contact.objects.create(counterparty=make_counterparty(collector=collector), name="old",
                           phone="+40731000004")  # fmt: skip
    Contact.objects.create(counterparty=make_counterparty(collector=teammate), name="new",
                           phone="+40731000004")  # fmt: skip
    return numbers


CASES = [
    "+40720000000",  # the collector
    "0040720000000",  # the same, international prefix
    "40720000000",  # the same without the plus
    "0720000000",  # national format, the company's country
    "+40720000001",  # absent in their own time zone: team queue
    "+40720000002",  # inactive collector: team queue
    "+40720000003",  # no extension: team queue
    "+40720000004",  # no extension, no team queue: default
    "+40731000002",  # a second phone
    "+40731000003",  # a debtor without a collector
    "+40731000004",  # shared number: the newest contact
    "+40799999999",  # unknown number
    "",  # no number
    "abc",  # not a number
    "+",
    "12",
    "0" * 80,
    "+40 (720) 000-000",
]


def test_the_table_routes_every_case_as_the_database_does(world):
    table = route_table.load()
    for number in CASES:
        assert table.route(number, now=LATE) == route_call(number, now=LATE), number
    assert table.route("+40720000001", now=LATE).target == "501"
    assert table.route("+40731000004", now=LATE).target == "102"


def test_the_table_answers_every_request_as_the_endpoint_does(world, caplog):
    table = route_table.load()
    for method in ("GET", "POST"):
        for token in (TOKEN, "", "nope", TOKEN + "x"):
            for number in CASES:
                expected = fastroute.answer(method, token, number, "10.0.0.1")
                assert table.answer(method, token, number, "10.0.0.1") == expected
    assert table.answer("GET", "nope", "+40720000000", "10.0.0.9")[0] == 403
    assert "from=10.0.0.9: bad or missing token" in caplog.text


def test_without_a_configured_token_the_table_answers_not_found(world, settings):
    settings.DUNWELL_PBX_ROUTING_TOKEN = ""
    table = route_table.load()
    assert table.answer("GET", "", "+40720000000", "") == (404, "not found\n")
    assert table.token_digest is None


def test_the_table_keeps_only_a_digest_of_the_token(world):
    table = route_table.load()
    assert TOKEN.encode() not in repr(table).encode()
    assert table.token_digest == fastroute.token_digest(TOKEN)


def test_saving_routing_data_bumps_the_version_once_per_transaction_after_the_commit(
    installation_data, world, collector
):
    before = RoutingVersion.objects.get(pk=1).version
    with transaction.atomic():
        set_extension(collector, "111")
        Absence.objects.create(user=collector, starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 8))
        assert RoutingVersion.objects.get(pk=1).version == before  # not before the commit
    assert RoutingVersion.objects.get(pk=1).version == before + 1
    TeamQueue.objects.filter(number="501").delete()  # outside a transaction: at once
    assert RoutingVersion.objects.get(pk=1).version == before + 2


def test_a_rolled_back_change_bumps_nothing_and_does_not_stop_later_bumps(
    installation_data, world, collector
):
    before = RoutingVersion.objects.get(pk=1).version
    with pytest.raises(RuntimeError), transaction.atomic():
        set_extension(collector, "111")
        raise RuntimeError
    assert RoutingVersion.objects.get(pk=1).version == before
    with transaction.atomic():
        set_extension(collector, "112")
    assert RoutingVersion.objects.get(pk=1).version == before + 1


def test_the_command_refuses_a_malformed_bind_address():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--bind: expected host:port"):
        call_command("pbx", "route-server", "--bind", "8081")


def test_a_login_does_not_bump_the_version(installation_data, world, collector):
    before = RoutingVersion.objects.get(pk=1).version
    collector.last_login = timezone.now()
    collector.save(update_fields=["last_login"])
    assert RoutingVersion.objects.get(pk=1).version == before


def test_a_bind_address_is_host_and_port():
    assert parse_bind("127.0.0.1:8081") == ("127.0.0.1", 8081)
    assert parse_bind("[::1]:9000") == ("::1", 9000)
    for bad in ("8081", "host:", "host:99999", "host:x"):
        with pytest.raises(ValueError, match="host:port"):
            parse_bind(bad)


def test_a_stale_table_is_not_answered_from(world):
    server = RouteServer(max_age=2.0)
    server.state = None
    assert server.answer("GET", f"/telephony/route/?number=%2B40720000000&token={TOKEN}", "",
                         "")[0] == 503  # fmt: skip


# --- the server itself, over HTTP -----------------------------------------------------------


class Running:
    def __init__(self, server: RouteServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.stop = asyncio.Event()
        ready = asyncio.Event()

        async def main() -> None:
            task = asyncio.create_task(self.server.serve("127.0.0.1", 0, self.stop, ready))
            await ready.wait()
            self.started.set()
            await task

        self.loop.run_until_complete(main())

    def __enter__(self) -> "Running":
        self.thread.start()
        assert self.started.wait(20), "the route server did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(20)

    def get(self, path: str, conn: http.client.HTTPConnection | None = None, method: str = "GET",
            token: str = "") -> tuple[int, str, dict]:  # fmt: skip
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        conn.request(method, path, headers={"X-Dunwell-Token": token} if token else {})
        response = conn.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())


def _wait_for(running: Running, path: str, expected: str, seconds: float = 2.5) -> float:
    """Seconds until the server answers `expected` (fails after `seconds`)."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if running.get(path)[1] == expected:
            return time.monotonic() - began
        time.sleep(0.05)
    raise AssertionError(f"still {running.get(path)[1]!r}, expected {expected!r}")


def test_the_server_answers_over_http_as_the_endpoint_does(installation_data, world, caplog):
    with Running(RouteServer(poll=0.2)) as running:
        conn = http.client.HTTPConnection("127.0.0.1", running.server.port, timeout=5)
        status, body, headers = running.get(
            "/telephony/route/?number=%2B40720000000", conn, token=TOKEN
        )
        assert (status, body) == (200, "101")
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        # The same keep-alive connection serves the next lookup.
        assert running.get(f"/telephony/route/?number=0720000001&token={TOKEN}", conn)[1] == (
            route_call("0720000001").target
        )
        assert running.get("/telephony/route/?number=%2B40799999999", conn,
                           token=TOKEN)[1] == "600"  # fmt: skip
        assert running.get("/telephony/route/?token=nope&number=%2B40720000000")[:2] == (
            403,
            "forbidden\n",
        )
        refused = running.get("/telephony/route/", method="POST", token=TOKEN)
        assert refused[0] == 405 and refused[2]["Allow"] == "GET"
        assert running.get("/admin/")[:2] == (404, "not found\n")
    assert "provider=routing" in caplog.text


def test_a_reassignment_reaches_the_server_within_two_seconds(
    installation_data, world, collector, teammate, supervisor
):
    path = f"/telephony/route/?number=%2B40720000000&token={TOKEN}"
    debtor = Contact.objects.get(phone="+40720000000").counterparty
    with Running(RouteServer()) as running:  # polls every second, as deployed
        assert running.get(path)[1] == "101"
        reassign_counterparty(supervisor, debtor, teammate)
        assert _wait_for(running, path, "102") < 2.5
        # An absence for today (the teammate's own day) sends the call to the team queue.
        today = timezone.localdate()
        Absence.objects.create(user=teammate, starts_on=today - timedelta(days=1),
                               ends_on=today + timedelta(days=1))  # fmt: skip
        _wait_for(running, path, "501")
        # A new contact's number is known at once too.
        Contact.objects.create(counterparty=debtor, name="new", phone="+40725555555")
        _wait_for(running, f"/telephony/route/?number=%2B40725555555&token={TOKEN}", "501")


def test_a_new_routing_token_applies_and_the_old_is_refused(installation_data, world, make_user):
    from dunwell.telephony.secrets import set_secret

    admin_user = make_user("admin1", role=Role.ADMIN)
    new = "a-brand-new-routing-token-" + "y" * 10
    with Running(RouteServer(poll=0.2)) as running:
        set_secret("DUNWELL_PBX_ROUTING_TOKEN", new, by=admin_user)
        _wait_for(running, f"/telephony/route/?number=%2B40720000000&token={new}", "101")
        assert running.get(f"/telephony/route/?number=%2B40720000000&token={TOKEN}")[0] == 403


def _exchange(port: int, raw: bytes, pieces: int = 1) -> bytes:
    """Send `raw` (in `pieces` packets, a pause between) and read until the server closes."""
    import socket

    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        step = -(-len(raw) // pieces)
        try:
            for start in range(0, len(raw), step):
                sock.sendall(raw[start : start + step])
                time.sleep(0.05)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed on us: what it sent before is the answer
    return b"".join(chunks)


def test_pipelined_split_and_bodied_requests_are_answered_in_order(installation_data, world):
    lookup = f"GET /telephony/route/?number=%2B40720000000&token={TOKEN} HTTP/1.1\r\n"
    raw = (
        (lookup + "Host: x\r\n\r\n").encode()
        + b"GET /telephony/route/?number=%2B40799999999 HTTP/1.1\r\nX-Dunwell-Token: "
        + TOKEN.encode()
        + b"\r\nContent-Length: 5\r\n\r\nhello"
        + (lookup + "Connection: close\r\n\r\n").encode()
    )
    with Running(RouteServer(poll=0.2)) as running:
        for pieces in (1, 7):  # all at once, and cut across heads and the body
            answers = _exchange(running.server.port, raw, pieces).split(b"HTTP/1.1 ")[1:]
            assert [a.split(b"\r\n\r\n", 1)[1] for a in answers] == [b"101", b"600", b"101"]
            assert b"Connection: close" in answers[-1]


@pytest.mark.parametrize(
    "raw",
    [
        b"NONSENSE\r\n\r\n",
        b"GET /telephony/route/ HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        b"GET /telephony/route/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
)
def test_a_malformed_request_is_answered_400_and_closed(installation_data, world, raw):
    with Running(RouteServer(poll=0.2)) as running:
        answer = _exchange(running.server.port, raw + b"GET / HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert answer.count(b"HTTP/1.1") == 1 and answer.endswith(b"bad request\n")


def test_a_head_longer_than_any_dialplan_sends_is_closed_unanswered(installation_data, world):
    with Running(RouteServer(poll=0.2)) as running:
        raw = b"GET /telephony/route/?number=" + b"1" * 9000 + b" HTTP/1.1\r\n\r\n"
        assert _exchange(running.server.port, raw, pieces=3) == b""
