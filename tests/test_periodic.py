"""The worker's periodic jobs: every registered job runs; one failing does not stop the rest."""

from __future__ import annotations

import pytest

from dunwell import periodic


def test_every_job_runs_and_a_failing_one_is_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    logged: list[str] = []

    def broken() -> None:
        raise RuntimeError("receiver exploded")

    monkeypatch.setattr(periodic, "JOBS", {"first": broken, "second": lambda: ran.append("second")})
    periodic.run_all(logged.append)
    assert ran == ["second"]
    assert len(logged) == 1 and "first" in logged[0] and "receiver exploded" in logged[0]


def test_the_apps_register_their_jobs_at_start_up() -> None:
    assert "webhooks.dispatch" in periodic.JOBS
