"""The issue's "Done when": a worker killed with SIGKILL in the middle of a 2,000-message
mailing, then restarted, leaves exactly 2,000 messages at the SMTP server (none twice)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from conftest import migrated_sqlite_file
from dunwell.mail.tests.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[3]
MESSAGES = 2000
KILL_AFTER = (300, 800, 1400)  # received at the server when the worker is killed


def _database_url(tmp_path: Path) -> tuple[str, bool]:
    """A database the subprocesses share: a SQLite file, or the PostgreSQL test database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.sqlite3'}", True
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    return url, False


def _env(url: str, tmp_path: Path, sink: SmtpSink) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "dunwell.settings_test",
        "DUNWELL_DATA_DIR": str(tmp_path),
        "DUNWELL_EMAIL_URL": sink.url,
        "DUNWELL_MAIL_CONCURRENCY": "4",
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result


def _send_and_kill(env: dict[str, str], sink: SmtpSink, after: int) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "dunwell", "outbox", "send", "--until-empty"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while sink.handler.count() < after and worker.poll() is None:
        assert time.monotonic() < deadline, "the worker sends too slowly"
        time.sleep(0.002)
    worker.send_signal(signal.SIGKILL)
    _out, err = worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL, err


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_mailing_and_restarted_sends_each_message_exactly_once(
    installation_data: None,
    tmp_path: Path,
) -> None:
    sink = SmtpSink().start()
    try:
        url, needs_migrate = _database_url(tmp_path)
        env = _env(url, tmp_path, sink)
        if needs_migrate:
            migrated_sqlite_file(tmp_path / "kill.sqlite3")
        _run(env, "-m", "dunwell.mail.tests.kill_scenario", "seed", str(MESSAGES))
        for after in KILL_AFTER:
            _send_and_kill(env, sink, after)
            assert sink.handler.count() < MESSAGES, "killed too late to prove anything"
        finished = _run(env, "-m", "dunwell", "outbox", "send", "--until-empty")
        assert "sent" in finished.stdout
        stored = json.loads(_run(env, "-m", "dunwell.mail.tests.kill_scenario", "dump").stdout)
    finally:
        sink.stop()

    received = Counter(r.message_id for r in sink.received)
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert not duplicates
    assert len(sink.received) == MESSAGES
    assert set(received) == {mid for mid, _state, _unconfirmed in stored}
    assert {state for _mid, state, _unconfirmed in stored} == {"sent"}
