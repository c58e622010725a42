"""Background work of the ladder through Django's Tasks API (django-tasks backport)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from dunwell.ladder.engine import parse_shard, run
from dunwell.ladder.locks import run_lock
from dunwell.ladder.models import DailyRun
from dunwell.ledger.models import Company


def _company(company_id: int | None) -> Q:
    """The runs of one company (None: the runs started for every company at once)."""
    return Q(company__isnull=True) if company_id is None else Q(company_id=company_id)


@task()
def daily_run(as_of: str, shard: str = "1/1", company_id: int | None = None) -> dict[str, object]:
    """Run one shard of the morning's ladder run (idempotent: a retry is harmless)."""
    day = date.fromisoformat(as_of)
    row = DailyRun.objects.filter(_company(company_id), as_of=day, shard=shard)
    parsed = parse_shard(shard)
    with run_lock(day, parsed, wait=True):  # a manual `dunwell run` of the day finishes first
        row.update(started_at=timezone.now())
        summary = run(day, shard=parsed)
    row.update(finished_at=timezone.now(), summary=summary.as_dict())
    return summary.as_dict()


def _run_row(as_of: date, shard: str, company_id: int | None) -> DailyRun:
    """The run's row, created once (a concurrent worker's insert wins the unique key)."""
    rows = DailyRun.objects.filter(_company(company_id), as_of=as_of, shard=shard)
    row = rows.first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return DailyRun.objects.create(as_of=as_of, shard=shard, company_id=company_id)
    except IntegrityError:
        return rows.get()


def claim_daily_run(as_of: date, shards: int = 1, company_id: int | None = None) -> bool:
    """Enqueue the morning's run once, whatever number of workers ask: each shard's row is
    claimed with a conditional update, so only one worker enqueues it (healthchecks style)."""
    claimed = False
    for k in range(1, shards + 1):
        shard = f"{k}/{shards}"
        row = _run_row(as_of, shard, company_id)
        now = timezone.now()
        if DailyRun.objects.filter(pk=row.pk, enqueued_at=None).update(enqueued_at=now) == 1:
            claimed = True
            transaction.on_commit(
                lambda s=shard: daily_run.enqueue(as_of.isoformat(), s, company_id)  # type: ignore[misc]
            )
    return claimed


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def company_mornings(now: datetime, hour: int) -> list[tuple[int, date]]:
    """(company, its local date) for every company whose local clock has reached `hour`
    (DUNWELL_RUN_HOUR is company time, not the server's)."""
    due = []
    for company_id, zone in Company.objects.order_by("id").values_list("id", "time_zone"):
        local = now.astimezone(_zone(zone))
        if local.hour >= hour:
            due.append((company_id, local.date()))
    return due


def schedule_morning_runs(now: datetime, hour: int, shards: int = 1) -> list[tuple[int, date]]:
    """The worker's scheduling step: claim and enqueue each company's morning run once per
    day in the company's time zone; returns the runs this call enqueued."""
    enqueued = []
    for company_id, day in company_mornings(now, hour):
        with transaction.atomic():
            if claim_daily_run(day, shards, company_id):
                enqueued.append((company_id, day))
    return enqueued
