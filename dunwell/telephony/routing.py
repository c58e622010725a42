"""Which extension takes an incoming call: the responsible collector of the debtor whose contact
is calling; when that collector is absent today (their own calendar day), inactive or has no
extension, their team's queue (the supervisor's `TeamQueue`); else the default queue
(`DUNWELL_PBX_DEFAULT_QUEUE`).

Working hours and the company's non-working days are left to the PBX: its own time conditions
(dialplan `GotoIfTime`, Zadarma's and Mango's schedules) already send calls outside office hours
to voicemail or a duty queue, and a collector's holiday is an `Absence`.

Built for the PBX's time budget (p95 <= 50 ms): at most three small indexed queries (four for a
number in the national format, which needs the company's country), plain
values, no model instances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dunwell.ledger.models import Company, Contact
from dunwell.telephony.models import Absence, TeamQueue
from dunwell.telephony.services import normalise_number


@dataclass(frozen=True)
class Route:
    target: str  # an extension or a queue number; "" when nothing is configured
    reason: str  # "collector", "team_queue" or "default" (for logs and tests)
    collector_id: int | None = None


def default_route() -> Route:
    return Route(str(getattr(settings, "DUNWELL_PBX_DEFAULT_QUEUE", "") or ""), "default")


def _today_for(time_zone: str, now: datetime) -> date:
    try:
        zone = ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def _national(number: str) -> bool:
    digits = number.strip()
    return digits.startswith("0") and not digits.startswith("00")


def _home_country() -> str:
    """The country of our (first) company: an on-premises PBX writes local callers' numbers in
    the national format (0721 234 567)."""
    return Company.objects.order_by("pk").values_list("country", flat=True).first() or ""


def route_call(number: str, *, country: str = "", now: datetime | None = None) -> Route:
    """Where a call from `number` (as the PBX wrote it) should ring."""
    if not country and _national(number):
        country = _home_country()
    e164 = normalise_number(number, country)
    if not e164:
        return default_route()
    row = (
        Contact.objects.filter(Q(phone=e164) | Q(phone_alt=e164))
        .filter(counterparty__collector__isnull=False)
        .order_by("-pk")
        .values_list(
            "counterparty__collector_id",
            "counterparty__collector__extension",
            "counterparty__collector__is_active",
            "counterparty__collector__time_zone",
            "counterparty__collector__supervisor_id",
        )
        .first()
    )
    if row is None:
        return default_route()
    collector_id, extension, active, time_zone, supervisor_id = row
    today = _today_for(time_zone, now or timezone.now())
    away = Absence.objects.filter(
        user_id=collector_id, ends_on__gte=today, starts_on__lte=today
    ).exists()
    if extension and active and not away:
        return Route(extension, "collector", collector_id)
    if supervisor_id is not None:
        queue = (
            TeamQueue.objects.filter(supervisor_id=supervisor_id)
            .values_list("number", flat=True)
            .first()
        )
        if queue:
            return Route(queue, "team_queue", collector_id)
    fallback = default_route()
    return Route(fallback.target, "default", collector_id)
