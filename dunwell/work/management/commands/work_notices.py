from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dunwell.work.services import send_scheduled_notices


class Command(BaseCommand):
    help = "Notify supervisors of tasks overdue by a day and approvers of steps waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_scheduled_notices()
        self.stdout.write(f"{sent} notifications sent")
