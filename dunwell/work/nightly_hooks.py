"""What the workspace adds to the ladder's nightly run (registered in `WorkConfig.ready`):
stalling detection for debtors with recent call-backs or broken promises, in-app notices for
the nightly rules, and the calls that got no answer (so the ladder retries them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.ladder.models import Action, Promise, PromiseStatus, Task
from dunwell.ladder.nightly import NightlyRun, UnansweredCall
from dunwell.ledger.models import Counterparty
from dunwell.work.models import CallActivity, Notification, Outcome

# "Recent": since the previous morning's run, with a day of slack for a missed run.
RECENT = timedelta(days=2)


def detect_stalling_tonight(run: NightlyRun) -> None:
    """Run the stalling detector for the debtors with a call-back outcome or a broken promise
    since the previous run (not for every debtor: the detector reads one debtor's calls)."""
    from dunwell.work.services import detect_stalling

    since = run.now - RECENT
    calls = run.in_shard(
        CallActivity.objects.filter(outcome=Outcome.CALL_BACK, at__gte=since)
    ).values_list("counterparty_id", flat=True)
    broken = run.in_shard(
        Promise.objects.filter(status=PromiseStatus.BROKEN, resolved_at__gte=since)
    ).values_list("counterparty_id", flat=True)
    found = 0
    for counterparty_id in sorted(set(calls) | set(broken)):
        if detect_stalling(counterparty_id, now=run.now) is not None:
            found += 1
    run.summary.transitions["stalling_detected"] += found


def notify_in_app(
    recipient_id: int,
    kind: str,
    message: StrOrPromise,
    params: dict[str, Any],
    counterparty_id: int,
    key: str,
) -> None:
    from dunwell.work.services import notify

    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    counterparty = Counterparty.objects.filter(pk=counterparty_id).first()
    if recipient is None:
        return
    kinds = set(Notification.Kind.values)
    notify(
        recipient,
        kind if kind in kinds else Notification.Kind.OTHER,
        message,
        counterparty,
        reverse("work:debtor", args=[counterparty_id]),
        key=key,
        params=params,
    )


def unanswered_calls(since: datetime, until: datetime) -> Iterable[UnansweredCall]:
    """Calls without an answer in [since, until) that are still their debtor's latest call,
    each with the ladder task it completed (recorded in the same transaction, so done by the
    same user within a minute of the call), whose step's window the retry keeps."""
    latest = (
        CallActivity.objects.filter(counterparty=OuterRef("counterparty"))
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    task = (
        Task.objects.filter(
            counterparty=OuterRef("counterparty"),
            action=Action.CALL,
            done_by=OuterRef("user"),
            done_at__gte=OuterRef("at") - timedelta(minutes=1),
            done_at__lte=OuterRef("at") + timedelta(minutes=1),
        )
        .order_by("-done_at")
        .values("id")[:1]
    )
    rows = (
        CallActivity.objects.filter(outcome=Outcome.NO_ANSWER, at__gte=since, at__lt=until)
        .filter(id=Subquery(latest))
        .annotate(task_id=Subquery(task))
        .values_list("id", "counterparty_id", "at", "task_id")
    )
    for call_id, counterparty_id, at, task_id in rows:
        yield UnansweredCall(call_id, counterparty_id, at, task_id)


def settle_in_app(key: str) -> None:
    """The notices with `key` asked for something now done: read, for every recipient."""
    Notification.objects.filter(key=key, read_at__isnull=True).update(read_at=timezone.now())
