"""Reads for other apps' pages: talk time and calls per collector (the team view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext

from dunwell.compiled import Reusable
from dunwell.ledger.models import Contact
from dunwell.telephony.models import Call


@dataclass(frozen=True)
class TalkTime:
    calls_today: int = 0
    seconds_today: int = 0
    calls_week: int = 0
    seconds_week: int = 0

    @staticmethod
    def minutes(seconds: int) -> str:
        """Hours and minutes with their units ("57 min", "1 h 05 min"): "0:57" read as the
        timeline's minutes and seconds of one call."""
        hours, rest = divmod(seconds // 60, 60)
        if hours:
            return gettext("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": rest}
        return gettext("%(minutes)s min") % {"minutes": rest}

    @property
    def today(self) -> str:
        return self.minutes(self.seconds_today)

    @property
    def week(self) -> str:
        return self.minutes(self.seconds_week)


def talk_time(user_ids: Iterable[int], day_start: datetime) -> dict[int, TalkTime]:
    """Calls (any state) and talk time of each agent since `day_start` and since the Monday of
    its week: one grouped query."""
    week_start = day_start - timedelta(days=day_start.weekday())
    today = Q(started_at__gte=day_start)
    rows = (
        Call.objects.filter(agent_id__in=list(user_ids), started_at__gte=week_start)
        .values("agent_id")
        .annotate(
            calls_week=Count("id"),
            seconds_week=Sum("duration", default=0),
            calls_today=Count("id", filter=today),
            seconds_today=Sum("duration", filter=today, default=0),
        )
    )
    return {
        row["agent_id"]: TalkTime(
            calls_today=row["calls_today"],
            seconds_today=row["seconds_today"],
            calls_week=row["calls_week"],
            seconds_week=row["seconds_week"],
        )
        for row in rows
    }


# The contacts with a phone of a page's debtors who still work there, its SQL built once per
# process.
_WITH_PHONE_OF = Reusable(
    lambda ids: (
        Contact.objects.filter(counterparty_id__any=ids, active=True)
        .exclude(phone="")
        .order_by("counterparty_id", "-decides_payments", "pk")
    ),
    list,
)


def phone_reads(ids: list[int]) -> list[tuple[Reusable, tuple[Any, ...]]]:
    """`contacts_to_call(ids)`'s read, to send with a page's others (`compiled.together`)."""
    return [(_WITH_PHONE_OF, (ids,))]


def contacts_to_call(counterparty_ids: Iterable[int]) -> dict[int, Contact]:
    """The contact to call per debtor (who decides payments first, then the oldest contact with a
    phone), for the worklist's click-to-call buttons: one query."""
    chosen: dict[int, Contact] = {}
    for contact in _WITH_PHONE_OF(list(counterparty_ids)):
        chosen.setdefault(contact.counterparty_id, contact)
    return chosen
