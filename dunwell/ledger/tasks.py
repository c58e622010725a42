"""Background work of the ledger: file imports started from the upload page."""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks import task

from dunwell.accounts.models import User
from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.importing.readers import ReadError
from dunwell.ledger.importing.reasons import failure, read_params
from dunwell.ledger.models import ImportRun

log = logging.getLogger(__name__)
# A queued or running import that shows no sign of life for this long was abandoned (no worker
# took it, or the worker died). The longest step without a progress report, the apply
# transaction of a million-row file, takes a few minutes.
STALE_AFTER = timedelta(minutes=30)
WAITING = (ImportRun.Status.PENDING, ImportRun.Status.RUNNING)


def _claim(run_id: int) -> bool:
    """Only one worker runs a given import (a retried or duplicated task is harmless)."""
    return (
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).update(
            status=ImportRun.Status.RUNNING, started_at=timezone.now(), progress_at=timezone.now()
        )
        == 1
    )


@task()
def run_import(run_id: int) -> str:
    if not _claim(run_id):
        return "skipped"
    run = ImportRun.objects.select_related("company", "user").get(pk=run_id)
    # The failure and the rows' reasons are kept as codes, worded in the language of who reads
    # them; anything else worded on the way (an exception's text) is the importer's language,
    # not the worker's.
    language = run.user.language if run.user is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        return _run_import(run_id, run)


def _run_import(run_id: int, run: ImportRun) -> str:
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
                rejected_coded=True,
                display_name=run.file_name,
                encoding=run.encoding or None,
            )
        except ImportRejected as rejected:
            ImportRun.objects.filter(pk=run_id).update(
                status=ImportRun.Status.FAILED,
                rejected=rejected.rejected,
                errors=[e.stored() for e in rejected.errors[: ImportRun.REASONS_KEPT]],
                failure=failure("rejected"),
                finished_at=timezone.now(),
            )
            return "rejected"
        except ReadError as exc:  # a line further down the file cannot be read
            fail_run(run_id, failure("unreadable", **read_params(exc)))
            return "failed"
        except Exception as exc:
            # The import's own transaction rolled back; the run must not stay "running".
            log.exception("import %s failed", run_id)
            fail_run(run_id, failure("stopped", error=str(exc)))
            return "failed"
        run.refresh_from_db()
        run.status = ImportRun.Status.DONE
        run.created, run.updated = result.created, result.updated
        run.unchanged, run.rejected = result.unchanged, result.rejected
        run.errors = [e.stored() for e in result.errors[: ImportRun.REASONS_KEPT]]
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


def fail_run(run_id: int, reason: str) -> bool:
    """Record that a run failed and why (unless it has finished meanwhile): `reason` is
    `reasons.failure(...)`, worded when read."""
    return (
        ImportRun.objects.filter(pk=run_id, status__in=WAITING).update(
            status=ImportRun.Status.FAILED, failure=reason, finished_at=timezone.now()
        )
        == 1
    )


def stale_runs(now: datetime | None = None) -> Q:
    """Queued or running imports with no sign of life for STALE_AFTER."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return Q(status__in=WAITING) & (
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    )


def fail_abandoned_runs(now: datetime | None = None) -> int:
    """Mark abandoned imports failed, saying so; a worker that wakes up later cannot claim
    them any more (the claim needs "waiting"). A file still waiting for its column mapping is
    abandoned by its user the same way."""
    minutes = int(STALE_AFTER.total_seconds() // 60)
    return ImportRun.objects.filter(stale_runs(now)).update(
        status=ImportRun.Status.FAILED,
        failure=failure("abandoned", minutes=minutes),
        finished_at=now or timezone.now(),
    )


@transaction.atomic
def rerun_import(run: ImportRun, user: User | None, *, partial: bool | None = None) -> ImportRun:
    """Import the same file again with the same settings, as a new run (the failed one stays
    in the list as it was); `partial` True applies the valid rows only this time (a file
    rejected for some of its rows). Only a failed run is re-run."""
    fail_abandoned_runs()
    run.refresh_from_db()
    if run.status != ImportRun.Status.FAILED:
        raise ValueError(run.status)
    again = ImportRun.objects.create(
        kind=run.kind,
        company=run.company,
        file_name=run.file_name,
        stored_file=run.stored_file.name,
        partial=run.partial if partial is None else partial,
        encoding=run.encoding,
        mapping=run.mapping,
        user=user,
    )
    if again.mapping:
        start_import(again)
    return again


def purge_import_files(now: datetime | None = None, days: int | None = None) -> int:
    """Delete the uploaded and rejected-rows files of imports finished more than `days` ago
    (IMPORT_RETENTION_DAYS); the runs stay in the list with their counts and messages.
    Returns the number of files deleted."""
    from django.conf import settings

    keep = days if days is not None else settings.IMPORT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=keep)
    old = ImportRun.objects.exclude(status__in=WAITING).filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )
    deleted = 0
    for run in old.exclude(stored_file="", rejected_file="").iterator():
        for field in (run.stored_file, run.rejected_file):
            if field:
                field.delete(save=False)
                deleted += 1
        run.save(update_fields=["stored_file", "rejected_file"])
    return deleted
