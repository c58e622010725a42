"""Background work of the webhooks: dispatch right after events are committed."""

from __future__ import annotations

from django_tasks import task


@task()
def dispatch_task() -> None:
    from dunwell.webhooks.services import dispatch

    dispatch()
