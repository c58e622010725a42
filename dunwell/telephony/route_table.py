"""Routing from memory, for the route server (`route_server.py`): every number → its debtor's
collector, the collectors' extensions, team queues and absences, and the routing token (kept
only as its SHA-256), loaded from the database in a few queries and answered without one.

The rule is `routing.py`'s (`routing.choose`, the same number reading, the same absence days in
the collector's own time zone); `fastroute.respond` gives both servers the same status codes and
bodies.

Knowing when to reload: `fingerprint()` is read every second. It is

- the `RoutingVersion` counter, bumped after the commit of every ORM save or delete of a
  contact, debtor, user (not a mere login), absence, team queue, company or stored secret
  (signals connected in `TelephonyConfig.ready`);
- the contacts' count and highest id (contacts inserted by SQL, e.g. the import engine);
- the debtors' latest `updated_at` (a reassignment is a queryset update that sets it; so do the
  import engine's upserts).

What none of these sees (a contact's phone changed by raw SQL) is picked up by the full reload
every `FULL_RELOAD_SECONDS` anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from dunwell.telephony import fastroute
from dunwell.telephony.routing import Route, caller_number, choose, default_route, today_for

log = logging.getLogger(__name__)

FULL_RELOAD_SECONDS = 60.0


@dataclass(frozen=True)
class Collector:
    extension: str
    active: bool
    time_zone: str
    queue: str | None


Fingerprint = tuple[Any, ...]


@dataclass
class RouteTable:
    numbers: dict[str, int] = field(default_factory=dict)  # E.164 → collector id
    collectors: dict[int, Collector] = field(default_factory=dict)
    absences: dict[int, list[tuple[date, date]]] = field(default_factory=dict)
    home_country: str = ""
    default_queue: str = ""
    token_digest: bytes | None = None
    fingerprint: Fingerprint = ()

    def route(self, number: str, now: datetime | None = None) -> Route:
        """What `routing.route_call(number)` answers, from memory."""
        e164 = _e164(number, self.home_country)
        if not e164:
            return Route(self.default_queue, "default")
        collector_id = self.numbers.get(e164)
        collector = self.collectors.get(collector_id) if collector_id is not None else None
        if collector_id is None or collector is None:
            return Route(self.default_queue, "default")
        away = False
        days = self.absences.get(collector_id)
        if days:
            today = today_for(collector.time_zone, now or timezone.now())
            away = any(start <= today <= end for start, end in days)
        route = choose(collector_id, collector.extension, collector.active, away, collector.queue)
        if route.reason == "default":  # the loaded default, not the settings read in choose()
            return Route(self.default_queue, "default", collector_id)
        return route

    def answer(self, method: str, token: str, number: str, remote: str) -> tuple[int, str]:
        """(HTTP status, body): `fastroute.answer`'s, from memory."""
        return fastroute.respond(
            method, token, number, remote, self.token_digest, lambda n: self.route(n).target
        )


@lru_cache(maxsize=20_000)
def _e164(number: str, home_country: str) -> str:
    return caller_number(number, lambda: home_country)


def fingerprint() -> Fingerprint:
    """What changes when routing data changes (read before the data it guards)."""
    from dunwell.ledger.models import Contact, Counterparty
    from dunwell.telephony.models import RoutingVersion

    version = RoutingVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    contacts = Contact.objects.aggregate(n=Count("pk"), top=Max("pk"))
    debtors = Counterparty.objects.aggregate(at=Max("updated_at"))
    return (version or 0, contacts["n"], contacts["top"], debtors["at"])


def load() -> RouteTable:
    """The table as the database has it now (fingerprint first: a change committed while the
    table loads makes the next poll load again, never the opposite)."""
    from dunwell.accounts.models import User
    from dunwell.ledger.models import Company, Contact
    from dunwell.telephony.models import Absence, TeamQueue
    from dunwell.telephony.webhooks import routing_token

    print_ = fingerprint()
    queues = dict(TeamQueue.objects.values_list("supervisor_id", "number"))
    collectors = {
        pk: Collector(extension or "", active, time_zone or "", queues.get(boss))
        for pk, extension, active, time_zone, boss in User.objects.values_list(
            "pk", "extension", "is_active", "time_zone", "supervisor_id"
        ).iterator(chunk_size=2000)
    }
    numbers: dict[str, int] = {}
    rows = (
        Contact.objects.filter(counterparty__collector__isnull=False)
        .order_by("pk")  # the most recently added contact wins, as in route_call
        .values_list("phone", "phone_alt", "counterparty__collector_id")
    )
    for phone, phone_alt, collector_id in rows.iterator(chunk_size=5000):
        if phone:
            numbers[phone] = collector_id
        if phone_alt:
            numbers[phone_alt] = collector_id
    # Every time zone's today is within a day of UTC's; keep what can still matter.
    since = timezone.now().date() - timedelta(days=2)
    absences: dict[int, list[tuple[date, date]]] = {}
    for user_id, starts, ends in Absence.objects.filter(ends_on__gte=since).values_list(
        "user_id", "starts_on", "ends_on"
    ):
        absences.setdefault(user_id, []).append((starts, ends))
    token = routing_token()
    return RouteTable(
        numbers=numbers,
        collectors=collectors,
        absences=absences,
        home_country=Company.objects.order_by("pk").values_list("country", flat=True).first() or "",
        default_queue=default_route().target,
        token_digest=fastroute.token_digest(token) if token else None,
        fingerprint=print_,
    )


# --- the change counter -------------------------------------------------------------------


def bump() -> None:
    """Tell the route server that routing data changed: after the commit, once per
    transaction (a bulk of saves bumps once)."""
    if not connection.in_atomic_block:
        _bump_now()
        return
    # Django starts a new list of callbacks after every commit or rollback: one bump is
    # pending in this transaction while our marker is that very list (O(1) per save).
    pending = connection.run_on_commit
    if getattr(connection, "_dunwell_route_bump", None) is pending:
        return
    transaction.on_commit(_bump_now)
    connection._dunwell_route_bump = pending  # type: ignore[attr-defined]


def _bump_now() -> None:
    from dunwell.telephony.models import RoutingVersion

    if not RoutingVersion.objects.filter(pk=1).update(version=F("version") + 1):
        RoutingVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def _changed(sender: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login"}:
        return  # a login changes nothing routing reads
    bump()


def connect_signals() -> None:
    """Called in TelephonyConfig.ready."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from dunwell.ledger.models import Company, Contact, Counterparty
    from dunwell.telephony.models import Absence, ProviderSecret, TeamQueue

    for model in (
        Contact,
        Counterparty,
        get_user_model(),
        Absence,
        TeamQueue,
        Company,
        ProviderSecret,
    ):
        uid = f"telephony.route_table.{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
