"""The ladder's timeline entries written in the reader's language from their data (registered
with dunwell.ledger.timeline at start-up)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from dunwell.ledger.timeline import register_renderer
from dunwell.money import Money
from dunwell.money_l10n import money_text


def tasks_created(entries: Sequence[Any]) -> dict[int, str]:
    """ "Tasks scheduled: <step>; <step>" with the steps' names in the reader's language (one
    query for every entry on the page)."""
    from dunwell.ladder.models import PolicyStep

    step_ids: set[int] = {
        int(task["step"])
        for entry in entries
        for task in (entry.data or {}).get("tasks", [])
        if isinstance(task, dict) and task.get("step")
    }
    names = {step.pk: step.localized_name for step in PolicyStep.objects.filter(pk__in=step_ids)}
    out = {}
    for entry in entries:
        tasks = (entry.data or {}).get("tasks", [])
        titles = [
            names.get(int(task.get("step") or 0), task.get("title", ""))
            for task in tasks
            if isinstance(task, dict)
        ]
        if titles:
            out[entry.pk] = "; ".join(t for t in titles if t)
    return out


def promise_recorded(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        try:
            money = Money(Decimal(data["amount"]), data["currency"])
            day = date.fromisoformat(data["promised_date"])
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue  # an entry from before the currency was recorded keeps its summary
        text = gettext("Promise to pay %(amount)s by %(date)s") % {
            "amount": money_text(money),
            "date": date_format(day, "SHORT_DATE_FORMAT"),
        }
        who = data.get("promised_by")
        out[entry.pk] = f"{text} ({who})" if who else text
    return out


def register() -> None:
    register_renderer("ladder.tasks_created", tasks_created)
    register_renderer("ladder.promise_recorded", promise_recorded)
