"""The demo's telephone calls (`dunwell demo`): what the office exchange reported while the team
worked, so that the debtor cards' timelines, the team's talk time, the collectors' KPIs and the
call-back tasks of missed calls look as they do in use.

Every call goes through the one door of real calls, `telephony.services.record_event`, as the
Asterisk events a real exchange sends (ringing, answered, ended): the number is matched to the
debtor's contact, the extension to the collector, and the listeners write the timeline entry and,
for a missed incoming call, the call-back task (after the commit, as for a real call).

- Each call of the demo history (`demo.history`: a collector's outcome on the call card) was an
  outgoing call that ended just before its outcome was saved: answered with a talk time of 1–6
  minutes, or not answered for "no answer". The outcome is linked to it as the call card links
  it (`telephony.services.link_outcome`).
- Debtors rang their collector back on the last working days (answered), and a few rang after
  hours on the last working day (missed): their call-back tasks are on today's worklist.

Deterministic (seeded) and idempotent: nothing is written when the company has calls already.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Company, Contact
from dunwell.telephony.models import Call, Direction, Disposition, Provider, ScreenPop
from dunwell.telephony.services import CallEvent, link_outcome, record_event
from dunwell.work.models import CallActivity, Outcome
from dunwell.workdays import WorkCalendar

RING_SECONDS = (4, 25)  # from dialling to the answer (or to giving up)
TALK_SECONDS = (60, 360)
SAVE_SECONDS = 20  # from the end of the call to the outcome saved on the call card
INBOUND_DAYS = 5  # working days with debtors calling in
INBOUND_PER_DAY = (0, 2)  # per collector and day, answered
MISSED_PER_COLLECTOR = (1, 2)  # after hours on the last working day
MISSED_FROM = time(19, 5)  # after hours also for a debtor an hour behind (CET)
MISSED_MINUTES = 60


@dataclass(frozen=True)
class CallsSeeded:
    outgoing: int
    incoming: int
    missed: int


def seed_calls(company: Company, as_of: date, *, seed: int) -> CallsSeeded:
    """Record the calls (see the module) before `as_of`."""
    if Call.objects.filter(counterparty__company=company).exists():
        return CallsSeeded(0, 0, 0)
    rng = random.Random(f"{seed}:calls")
    zone = ZoneInfo(company.time_zone or settings.TIME_ZONE)
    numbers = _numbers(company)
    counter = [0]

    def call_id(at: datetime) -> str:
        counter[0] += 1  # Asterisk's Linkedid: the epoch seconds of the first channel and a serial
        return f"{int(at.timestamp())}.{counter[0]}"

    outgoing = incoming = missed = 0
    with transaction.atomic():
        activities = (
            CallActivity.objects.filter(counterparty__company=company, user__role=Role.COLLECTOR)
            .exclude(user__extension="")
            .select_related("user", "contact")
            .order_by("at", "pk")
        )
        for activity in activities:
            contact = activity.contact
            if contact is None or not contact.phone or activity.user is None:
                continue
            answered = activity.outcome != Outcome.NO_ANSWER
            ring = rng.randint(*RING_SECONDS)
            talk = rng.randint(*TALK_SECONDS) if answered else 0
            start = activity.at - timedelta(seconds=SAVE_SECONDS + ring + talk)
            call = _call(
                call_id(start),
                Direction.OUTBOUND,
                contact.phone,
                activity.user.extension,
                start,
                ring,
                talk if answered else None,
            )
            link_outcome(str(call.pk), activity.user, activity, None)
            outgoing += 1
        calendar = WorkCalendar(company.calendar_country)
        days = calendar.working_days_before(as_of, INBOUND_DAYS)

        def ring_in(
            mine: list[tuple[int, str]], extension: str, day: date, since: time, minutes: int,
            *, answered: bool,
        ) -> None:  # fmt: skip
            """A debtor of the collector at `extension` rings within `minutes` after `since`."""
            _collector, phone = rng.choice(mine)
            start = datetime.combine(day, since, tzinfo=zone) + timedelta(
                minutes=rng.randrange(minutes)
            )
            ring = rng.randint(*RING_SECONDS)
            talk = rng.randint(*TALK_SECONDS) if answered else None
            _call(call_id(start), Direction.INBOUND, phone, extension, start, ring, talk)

        for collector in (
            User.objects.filter(role=Role.COLLECTOR, is_active=True)
            .exclude(extension="")
            .order_by("pk")
        ):
            mine = [n for n in numbers if n[0] == collector.pk]
            if not mine:
                continue
            for day in days:
                for _n in range(rng.randint(*INBOUND_PER_DAY)):
                    ring_in(mine, collector.extension, day, time(9, 0), 8 * 60, answered=True)
                    incoming += 1
            if days:
                for _n in range(rng.randint(*MISSED_PER_COLLECTOR)):
                    ring_in(
                        mine, collector.extension, days[-1], MISSED_FROM, MISSED_MINUTES,
                        answered=False,
                    )  # fmt: skip
                    missed += 1
        # A past call rings at no one's screen: its pops go once the listeners have made them
        # at the commit (the daily job would drop them tomorrow; a tab open now would show
        # them all at once).
        transaction.on_commit(
            lambda: ScreenPop.objects.filter(call__counterparty__company=company).delete()
        )
    return CallsSeeded(outgoing, incoming, missed)


def _call(
    provider_call_id: str,
    direction: str,
    number: str,
    extension: str,
    start: datetime,
    ring: int,
    talk: int | None,
) -> Call:
    """One call as the exchange reports it: ringing, answered (when `talk` is not None), ended."""
    first = CallEvent(
        provider=Provider.ASTERISK,
        provider_call_id=provider_call_id,
        kind="ringing",
        at=start,
        direction=direction,
        external_number=number,
        extension=extension,
    )
    record_event(first)
    answer = start + timedelta(seconds=ring)
    if talk is None:
        return record_event(
            CallEvent(
                provider=Provider.ASTERISK,
                provider_call_id=provider_call_id,
                kind="ended",
                at=answer,
                duration=0,
                disposition=Disposition.NO_ANSWER,
            )
        )
    record_event(
        CallEvent(
            provider=Provider.ASTERISK,
            provider_call_id=provider_call_id,
            kind="answered",
            at=answer,
            extension=extension,
        )
    )
    return record_event(
        CallEvent(
            provider=Provider.ASTERISK,
            provider_call_id=provider_call_id,
            kind="ended",
            at=answer + timedelta(seconds=talk),
            duration=talk,
            disposition=Disposition.ANSWERED,
        )
    )


def _numbers(company: Company) -> list[tuple[int, str]]:
    """(collector id, phone) of each debtor's first contact with a phone: who rings in."""
    seen: set[int] = set()
    result: list[tuple[int, str]] = []
    for cp, collector, phone in (
        Contact.objects.filter(counterparty__company=company, counterparty__collector__isnull=False)
        .exclude(phone="")
        .order_by("counterparty_id", "-decides_payments", "pk")
        .values_list("counterparty_id", "counterparty__collector_id", "phone")
    ):
        if cp not in seen:
            seen.add(cp)
            result.append((collector, phone))
    return result
