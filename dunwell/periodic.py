"""Jobs the worker runs every minute (`dunwell worker`): apps register them at start-up
(AppConfig.ready), so the worker command drives apps it does not import. A job must be
idempotent and cheap when it has nothing to do: every worker runs every job."""

from __future__ import annotations

from collections.abc import Callable

Job = Callable[[], object]
JOBS: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    JOBS[name] = job


def run_all(log: Callable[[str], object]) -> None:
    """Run every registered job; one failing job is logged and does not stop the others."""
    for name, job in list(JOBS.items()):
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - a worker must survive a job's failure
            log(f"periodic job {name} failed: {exc!r}")
