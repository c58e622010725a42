"""DESIGN §3: the daily run killed mid-run and run again ends exactly as one clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from conftest import migrated_sqlite_file

ROOT = Path(__file__).resolve().parents[3]


def _database_url(tmp_path: Path) -> tuple[str, bool]:
    """A database the subprocesses can share: a SQLite file, or the PostgreSQL test database
    (already migrated; the test is transactional, so it is flushed afterwards)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'crash.sqlite3'}", True
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    return url, False


def _call(url: str, *args: str, kill_at: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "dunwell.settings_test",
        "DUNWELL_DATA_DIR": str(Path(url.removeprefix("sqlite:///")).parent)
        if url.startswith("sqlite")
        else os.environ.get("DUNWELL_DATA_DIR", "/tmp"),
    }
    env.pop("DUNWELL_LADDER_KILL_AT_BATCH", None)
    if kill_at is not None:
        env["DUNWELL_LADDER_KILL_AT_BATCH"] = str(kill_at)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _scenario(url: str, *args: str, kill_at: int | None = None) -> str:
    result = _call(url, "-m", "dunwell.ladder.tests.crash_scenario", *args, kill_at=kill_at)
    if kill_at is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == -signal.SIGKILL, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_run_rerun_equals_one_clean_run(installation_data: None, tmp_path: Path) -> None:
    url, needs_migrate = _database_url(tmp_path)
    if needs_migrate:
        migrated_sqlite_file(tmp_path / "crash.sqlite3")
    _scenario(url, "seed")
    _scenario(url, "run", "2026-03-12", kill_at=3)  # killed inside the third batch
    crashed_partial = json.loads(_scenario(url, "dump"))
    assert crashed_partial[0], "the batches before the kill were committed"
    _scenario(url, "run", "2026-03-12")
    after_crash = json.loads(_scenario(url, "dump"))
    _scenario(url, "reset")
    _scenario(url, "run", "2026-03-12")
    clean = json.loads(_scenario(url, "dump"))
    assert len(after_crash[0]) > len(crashed_partial[0])
    assert after_crash == clean
