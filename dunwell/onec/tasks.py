"""Background work of the 1C connector: a queued sync, run by the worker."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from dunwell.onec.models import SyncRun
from dunwell.onec.services import ConnectionProblem, password_of
from dunwell.onec.sync import run_sync


@task()
def sync_connection(run_id: int) -> str:
    # Claimed with a conditional update: a duplicated or retried task runs the sync once.
    claimed = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.PENDING).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    run = SyncRun.objects.select_related("connection__company", "user").get(pk=run_id)
    try:
        password = password_of(run.connection)
    except ConnectionProblem as exc:
        SyncRun.objects.filter(pk=run_id).update(
            status=SyncRun.Status.FAILED, error=exc.kept(), finished_at=timezone.now()
        )
        return "failed"
    return str(run_sync(run, password).status)
