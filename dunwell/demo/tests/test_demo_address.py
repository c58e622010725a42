"""`dunwell demo` prints the address the web server actually serves (issue 16, item 8)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dunwell.demo.calls import CallsSeeded
from dunwell.demo.history import History
from dunwell.demo.inbox import InboxSeeded
from dunwell.demo.management.commands import demo
from dunwell.demo.management.commands.demo import site_url
from dunwell.demo.past import Past


@pytest.fixture(autouse=True)
def no_make_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUNWELL_HOST", raising=False)
    monkeypatch.delenv("DUNWELL_PORT", raising=False)


def test_without_anything_it_is_runservers_default() -> None:
    assert site_url() == "http://127.0.0.1:8000/"


def test_make_runs_host_and_port_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUNWELL_HOST", "localhost")
    monkeypatch.setenv("DUNWELL_PORT", "8123")
    assert site_url() == "http://localhost:8123/"


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("9000", "http://127.0.0.1:9000/"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000/"),
        ("192.168.1.5:8080", "http://192.168.1.5:8080/"),
        ("[::1]:9000", "http://[::1]:9000/"),
        ("::1", "http://[::1]:8000/"),
        ("localhost", "http://localhost:8000/"),
    ],
)
def test_the_addr_option_is_read_as_runserver_reads_it(addr: str, url: str) -> None:
    assert site_url(addr) == url


def test_the_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUNWELL_PORT", "8123")
    assert site_url("9000") == "http://127.0.0.1:9000/"


@pytest.mark.parametrize("addr", ["host:http", "70000", "127.0.0.1:0"])
def test_a_bad_port_is_refused_with_its_value(addr: str) -> None:
    with pytest.raises(CommandError, match="not a port number"):
        site_url(addr)


def test_the_command_prints_the_given_address_and_not_8000(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any, db: None
) -> None:
    settings.DATA_DIR = tmp_path
    # The data loading is tested in test_demo_command.py; here only the last line matters.
    monkeypatch.setattr(demo, "generate_demo_data", lambda *a, **k: {"users": None})
    company = type("C", (), {"name": "Demo", "language": "ro"})()
    monkeypatch.setattr(demo, "ensure_company", lambda: company)
    login = type("L", (), {"username": "admin", "password": "demo", "role": "admin"})()
    monkeypatch.setattr(demo, "ensure_users", lambda path: [login])
    monkeypatch.setattr(demo, "load_demo_data", lambda *a, **k: None)
    seeded = {"rules": 0, "limits": 0, "orders": 0}
    monkeypatch.setattr("dunwell.credit.demo.seed_credit", lambda *a, **k: seeded)
    monkeypatch.setattr("dunwell.demo.history.seed_history", lambda *a, **k: History(0, 0))
    monkeypatch.setattr("dunwell.demo.past.seed_past", lambda *a, **k: Past(0, 0, 0, 0, 0, 0))
    monkeypatch.setattr("dunwell.demo.calls.seed_calls", lambda *a, **k: CallsSeeded(0, 0, 0))
    monkeypatch.setattr("dunwell.demo.inbox.seed_inbox", lambda *a, **k: InboxSeeded(0, 0))
    monkeypatch.setattr(demo, "train_prediction", lambda as_of: (None, None))
    out = io.StringIO()
    call_command("demo", "--no-run", "--addr=0.0.0.0:9123", stdout=out)
    assert "Open http://127.0.0.1:9123/ and sign in" in out.getvalue()
    assert "8000" not in out.getvalue()


def test_a_bad_address_stops_the_command_before_any_work(
    monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("no data may be generated")

    monkeypatch.setattr(demo, "generate_demo_data", refuse)
    with pytest.raises(CommandError, match="not a port number"):
        call_command("demo", "--addr=web:port", stdout=io.StringIO())
