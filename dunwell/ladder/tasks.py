"""Background work of the ladder through Django's Tasks API (django-tasks backport)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dunwell.ladder.engine import parse_shard, run
from dunwell.ladder.models import DailyRun


@task()
def daily_run(as_of: str, shard: str = "1/1") -> dict[str, object]:
    """Run one shard of the morning's ladder run (idempotent: a retry is harmless)."""
    day = date.fromisoformat(as_of)
    DailyRun.objects.filter(as_of=day, shard=shard).update(started_at=timezone.now())
    summary = run(day, shard=parse_shard(shard))
    DailyRun.objects.filter(as_of=day, shard=shard).update(
        finished_at=timezone.now(), summary=summary.as_dict()
    )
    return summary.as_dict()


def claim_daily_run(as_of: date, shards: int = 1) -> bool:
    """Enqueue the morning's run once, whatever number of workers ask: each shard's row is
    claimed with a conditional update, so only one worker enqueues it (healthchecks style)."""
    claimed = False
    for k in range(1, shards + 1):
        shard = f"{k}/{shards}"
        row, _created = DailyRun.objects.get_or_create(as_of=as_of, shard=shard)
        now = timezone.now()
        if DailyRun.objects.filter(pk=row.pk, enqueued_at=None).update(enqueued_at=now) == 1:
            claimed = True
            transaction.on_commit(
                lambda s=shard: daily_run.enqueue(as_of.isoformat(), s)  # type: ignore[misc]
            )
    return claimed
