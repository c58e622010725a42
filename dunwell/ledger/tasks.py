"""Background work of the ledger: file imports started from the upload page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.models import ImportRun


def _claim(run_id: int) -> bool:
    """Only one worker runs a given import (a retried or duplicated task is harmless)."""
    return (
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).update(
            status=ImportRun.Status.RUNNING, started_at=timezone.now()
        )
        == 1
    )


@task()
def run_import(run_id: int) -> str:
    if not _claim(run_id):
        return "skipped"
    run = ImportRun.objects.select_related("company", "user").get(pk=run_id)
    with tempfile.TemporaryDirectory() as scratch:
        rejected_out = Path(scratch) / "rejected.csv"
        try:
            result = import_file(
                run.kind,
                Path(run.stored_file.path),
                company=run.company,
                partial=run.partial,
                mapping=run.mapping or None,
                user=run.user,
                run=run,
                rejected_out=rejected_out,
                display_name=run.file_name,
            )
        except ImportRejected as rejected:
            ImportRun.objects.filter(pk=run_id).update(
                status=ImportRun.Status.FAILED,
                rejected=rejected.rejected,
                errors=[e.__dict__ for e in rejected.errors[:1000]],
                finished_at=timezone.now(),
            )
            return "rejected"
        run.refresh_from_db()
        run.status = ImportRun.Status.DONE
        run.created, run.updated = result.created, result.updated
        run.unchanged, run.rejected = result.unchanged, result.rejected
        run.errors = [e.__dict__ for e in result.errors[:1000]]
        run.finished_at = timezone.now()
        if rejected_out.exists():
            with rejected_out.open("rb") as handle:
                run.rejected_file.save(f"rejected-{run.pk}.csv", File(handle), save=False)
        run.save()
    return "done"


def start_import(run: ImportRun) -> None:
    """Queue the import once the run row is committed (a worker must be able to see it)."""
    run_id = run.pk
    transaction.on_commit(lambda: run_import.enqueue(run_id))
