"""Two `dunwell run` for the same day: the second exits with a clear message or waits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dunwell.ladder.locks import RunInProgress, run_lock

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


@pytest.fixture
def held() -> Iterator[threading.Event]:
    """The run lock for DAY, shard 1/1, held by another thread (its own DB connection)."""
    taken, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with run_lock(DAY, (1, 1)):
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert taken.wait(30)
    yield release
    release.set()
    thread.join(30)


def test_second_run_for_the_same_day_says_a_run_is_in_progress(held: threading.Event) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("run", "--as-of", DAY.isoformat(), stdout=StringIO(), stderr=StringIO())
    assert str(caught.value) == (
        "a run for 2026-03-05 (shard 1/1) is in progress; wait for it to finish (or use --wait)"
    )


def test_a_run_for_another_day_or_shard_is_not_blocked(held: threading.Event) -> None:
    with run_lock(date(2026, 3, 6), (1, 1)):
        pass
    with run_lock(DAY, (1, 2)):
        pass


def test_waiting_run_starts_once_the_first_finishes(held: threading.Event) -> None:
    timer = threading.Timer(0.3, held.set)
    timer.start()
    out = StringIO()
    call_command("run", "--as-of", DAY.isoformat(), "--wait", stdout=out, stderr=StringIO())
    assert "documents examined: 0" in out.getvalue()
    timer.join()


def test_the_lock_is_free_again_after_a_run() -> None:
    call_command("run", "--as-of", DAY.isoformat(), stdout=StringIO(), stderr=StringIO())
    with run_lock(DAY, (1, 1)), pytest.raises(RunInProgress):
        other = threading.Thread(target=_try_lock_in_thread)
        other.start()
        other.join(30)
        raise _errors.pop()


_errors: list[BaseException] = []


def _try_lock_in_thread() -> None:
    try:
        with run_lock(DAY, (1, 1)):
            _errors.append(AssertionError("the lock was taken twice"))
    except RunInProgress as exc:
        _errors.append(exc)
    finally:
        connection.close()
