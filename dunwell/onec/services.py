"""Actions on 1C connections: save one (the password sealed), test it, ask for a sync, and the
worker's scheduled syncs (registered as a periodic job in apps.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.onec.messages import Failure, message
from dunwell.onec.models import Connection, SyncRun
from dunwell.onec.odata import Client, ODataError, missing_names
from dunwell.onec.presets import PRESETS
from dunwell.secrets_box import SecretUnreadable, open_secret, seal

PURPOSE = "onec.password"
# A run that has been waiting or running this long without finishing was abandoned (the worker
# died): it no longer blocks the next one.
STALE_AFTER = timedelta(hours=6)
WAITING = (SyncRun.Status.PENDING, SyncRun.Status.RUNNING)


class ConnectionProblem(Failure):
    """A user's request about a connection that cannot be done; the message says why."""


def save_connection(connection: Connection, password: str) -> Connection:
    """Save a connection; a new password is sealed, an empty one keeps the stored password."""
    if password:
        connection.password_sealed = seal(password, PURPOSE)
    connection.save()
    return connection


def password_of(connection: Connection) -> str:
    if not connection.password_sealed:
        raise ConnectionProblem("no_password")
    try:
        return open_secret(connection.password_sealed, PURPOSE)
    except SecretUnreadable:
        raise ConnectionProblem("password_unreadable") from None


@dataclass
class TestResult:
    ok: bool
    messages: list[str]


def test_connection(connection: Connection) -> TestResult:
    """Reach the infobase, check the credentials and that `$metadata` publishes every entity
    set and field the preset needs."""
    try:
        client = Client(connection.url, connection.username, password_of(connection))
        problems = missing_names(PRESETS[connection.preset], client.metadata())
    except (ConnectionProblem, ODataError) as exc:
        return TestResult(False, [str(exc)])
    if problems:
        return TestResult(False, [str(problem) for problem in problems])
    return TestResult(True, [_("Connected: 1C publishes everything the preset needs.")])


def fail_abandoned_runs() -> int:
    """Runs that never finished (no worker took them, or it died) say so in the log."""
    return SyncRun.objects.filter(
        status__in=WAITING, created_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=SyncRun.Status.FAILED,
        error=message("abandoned").kept(),
        finished_at=timezone.now(),
    )


def busy(connection: Connection) -> bool:
    since = timezone.now() - STALE_AFTER
    return SyncRun.objects.filter(
        connection=connection, status__in=WAITING, created_at__gte=since
    ).exists()


def request_sync(
    connection: Connection, *, user: User | None, trigger: str = SyncRun.Trigger.MANUAL
) -> SyncRun:
    """Queue a sync of the connection (run by the worker); refused while one waits or runs."""
    from dunwell.onec.tasks import sync_connection

    with transaction.atomic():
        Connection.objects.select_for_update().filter(pk=connection.pk).first()
        if busy(connection):
            raise ConnectionProblem("already_waiting")
        run = SyncRun.objects.create(connection=connection, trigger=trigger, user=user)
        transaction.on_commit(lambda: sync_connection.enqueue(run.pk))
    return run


def schedule_due_syncs() -> int:
    """The worker's job, every minute: queue the syncs the connections' schedules ask for."""
    fail_abandoned_runs()
    now = timezone.now()
    queued = 0
    connections = Connection.objects.filter(enabled=True, from_command=False).exclude(
        schedule=Connection.Schedule.MANUAL
    )
    for connection in connections.select_related("company"):
        last = connection.runs.order_by("-created_at").first()
        last_start = (last.started_at or last.created_at) if last is not None else None
        if not connection.is_due(now, last_start) or busy(connection):
            continue
        try:
            request_sync(connection, user=None, trigger=SyncRun.Trigger.SCHEDULE)
        except ConnectionProblem:
            continue
        queued += 1
    return queued
