"""The 1C client goes through the SSRF guard (dunwell/netguard.py): a private 1C address only
when the operator trusts that host, never a redirect on to another private address, and the
1C password never follows a redirect to another host."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from dunwell.onec.odata import Client, ODataError
from dunwell.onec.tests.fixtures1c import fake

PASSWORD = "Пароль-1c"


@pytest.fixture(autouse=True)
def _guarded(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # production's rule (the tests allow private)
    settings.DUNWELL_ONEC_PRIVATE_HOSTS = []


class Recorder:
    """An HTTP server that answers every GET with `status` and `location`, and remembers who
    asked and with which Authorization header."""

    def __init__(self, status: int = 200, location: str = "") -> None:
        self.status, self.location = status, location
        self.hits: list[tuple[str, str | None]] = []
        self.port = 0

    @contextmanager
    def running(self) -> Iterator[Recorder]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                recorder.hits.append((self.path, self.headers.get("Authorization")))
                self.send_response(recorder.status)
                if recorder.location:
                    self.send_header("Location", recorder.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def test_a_1c_address_on_a_private_network_is_refused_unless_trusted():
    with Recorder().running() as onec:
        client = Client(f"http://127.0.0.1:{onec.port}/trade", "odata.reader", PASSWORD)
        with pytest.raises(ODataError, match="127.0.0.1 is on a private network"):
            client.metadata()
        assert onec.hits == []  # refused before any connection


def test_a_trusted_private_1c_host_is_read(settings):
    settings.DUNWELL_ONEC_PRIVATE_HOSTS = ["127.0.0.1"]
    server = fake("bp30")
    with server.running():
        meta = Client(server.url, server.user, server.password).metadata()
    assert "Catalog_Контрагенты" in meta.entity_sets


def test_a_redirect_from_the_trusted_1c_host_to_another_private_address_is_refused(settings):
    settings.DUNWELL_ONEC_PRIVATE_HOSTS = ["127.0.0.1"]
    with Recorder().running() as elsewhere:
        target = f"http://localhost:{elsewhere.port}/latest/meta-data/"
        with Recorder(302, target).running() as onec:
            client = Client(f"http://127.0.0.1:{onec.port}/trade", "odata.reader", PASSWORD)
            with pytest.raises(ODataError, match="localhost is on a private network"):
                client.metadata()
        assert len(onec.hits) == 1
        assert elsewhere.hits == []  # never reached


def test_a_redirect_to_the_metadata_service_is_refused(settings):
    settings.DUNWELL_ONEC_PRIVATE_HOSTS = ["127.0.0.1"]
    with Recorder(302, "http://169.254.169.254/latest/meta-data/").running() as onec:
        client = Client(f"http://127.0.0.1:{onec.port}/trade", "odata.reader", PASSWORD)
        with pytest.raises(ODataError, match="169.254.169.254 is on a private network"):
            client.metadata()


def test_the_password_does_not_follow_a_redirect_to_another_host(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # development: private addresses reachable
    with Recorder().running() as elsewhere:
        target = f"http://localhost:{elsewhere.port}/other"
        with Recorder(302, target).running() as onec:
            client = Client(f"http://127.0.0.1:{onec.port}/trade", "odata.reader", PASSWORD)
            with pytest.raises(ODataError):
                client.metadata()  # "{}" is no metadata document; what matters is who asked
        assert onec.hits[0][1] is not None and onec.hits[0][1].startswith("Basic ")
        assert elsewhere.hits == [("/other", None)]
