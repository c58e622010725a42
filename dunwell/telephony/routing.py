"""Which extension takes an incoming call: the responsible collector of the debtor whose contact
is calling; when that collector is absent today (their own calendar day), inactive or has no
extension, their team's queue (the supervisor's `TeamQueue`); else the default queue
(`DUNWELL_PBX_DEFAULT_QUEUE`).

Working hours and the company's non-working days are left to the PBX: its own time conditions
(dialplan `GotoIfTime`, Zadarma's and Mango's schedules) already send calls outside office hours
to voicemail or a duty queue, and a collector's holiday is an `Absence`.

Built for the PBX's time budget (p95 <= 50 ms): one indexed query (the contact, its collector,
whether an absence falls near today, the team queue), a second one only when an absence is near;
plain values, no model instances. The dialplan endpoint itself skips Django's middleware
(`fastroute.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
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


def today_for(time_zone: str, now: datetime) -> date:
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
    e164 = caller_number(number, _home_country, country)
    if not e164:
        return default_route()
    now = now or timezone.now()
    # "Today" is the collector's own day; every time zone's today is within a day of UTC's.
    utc_today = now.astimezone(ZoneInfo("UTC")).date()
    collector = OuterRef("counterparty__collector_id")
    row = (
        Contact.objects.filter(Q(phone=e164) | Q(phone_alt=e164))
        .filter(counterparty__collector__isnull=False)
        .order_by("-pk")
        .annotate(
            absence_near=Exists(
                Absence.objects.filter(
                    user_id=collector,
                    ends_on__gte=utc_today - timedelta(days=1),
                    starts_on__lte=utc_today + timedelta(days=1),
                )
            ),
            queue=Subquery(
                TeamQueue.objects.filter(
                    supervisor_id=OuterRef("counterparty__collector__supervisor_id")
                ).values("number")[:1]
            ),
        )
        .values_list(
            "counterparty__collector_id",
            "counterparty__collector__extension",
            "counterparty__collector__is_active",
            "counterparty__collector__time_zone",
            "absence_near",
            "queue",
        )
        .first()
    )
    if row is None:
        return default_route()
    collector_id, extension, active, time_zone, absence_near, queue = row
    away = False
    if absence_near:
        today = today_for(time_zone, now)
        away = Absence.objects.filter(
            user_id=collector_id, ends_on__gte=today, starts_on__lte=today
        ).exists()
    return choose(collector_id, extension, active, away, queue)


def caller_number(number: str, home_country: Callable[[], str], country: str = "") -> str:
    """The caller's number in E.164 ("" when it is not a number): a national number is read
    with `country`, else with the home country (asked only then)."""
    if not country and _national(number):
        country = home_country()
    return normalise_number(number, country)


def choose(collector_id: int, extension: str, active: bool, away: bool, queue: str | None) -> Route:
    """The rule once the caller's collector is known (shared with the route server's
    in-memory table, `route_table.py`)."""
    if extension and active and not away:
        return Route(extension, "collector", collector_id)
    if queue:
        return Route(queue, "team_queue", collector_id)
    return Route(default_route().target, "default", collector_id)
