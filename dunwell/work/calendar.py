"""A user's calendar: ladder tasks assigned to them and their negotiation meetings, for the
day/week page and the iCal feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from dunwell.accounts.models import User
from dunwell.work import ladder_bridge
from dunwell.work.models import CalendarFeedToken, Meeting


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts: datetime
    ends: datetime
    title: str
    url: str
    kind: str  # "task" or "meeting"
    done: bool = False


def events_for(user: User, start: datetime, end: datetime) -> list[CalendarEvent]:
    events = ladder_bridge.task_events(user, start, end)
    meetings = Meeting.objects.filter(
        organiser=user, starts_at__gte=start, starts_at__lt=end
    ).select_related("counterparty")
    for meeting in meetings.exclude(status=Meeting.Status.CANCELLED):
        events.append(
            CalendarEvent(
                uid=f"meeting-{meeting.pk}@dunwell",
                starts=meeting.starts_at,
                ends=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
                title=_("Negotiation meeting: %s") % meeting.counterparty.name,
                url=reverse("work:meeting", args=[meeting.counterparty_id, meeting.pk]),
                kind="meeting",
                done=meeting.status == Meeting.Status.HELD,
            )
        )
    return sorted(events, key=lambda e: e.starts)


def overdue_events(user: User, now: datetime) -> list[CalendarEvent]:
    """The user's open tasks left from past days (My day's overdue rows, holds excepted)."""
    from dunwell.work.selectors import overdue_tasks

    return [ladder_bridge.task_event(task) for task in overdue_tasks(user, now)]


def user_for_token(token: str) -> User | None:
    row = (
        CalendarFeedToken.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def ical(user: User, start: datetime, end: datetime, base_url: str = "") -> bytes:
    """An RFC 5545 calendar of the user's events, titles in the user's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Dunwell//Collections//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("Dunwell: %s") % user)
        for item in events_for(user, start, end):
            event = Event()
            event.add("uid", item.uid)
            # UTC in the feed: every calendar app reads it, none needs our zone definitions.
            event.add("dtstart", item.starts.astimezone(UTC))
            event.add("dtend", item.ends.astimezone(UTC))
            event.add("dtstamp", item.starts.astimezone(UTC))
            event.add("summary", item.title)
            if base_url:
                event.add("url", base_url + item.url)
            if item.done:
                event.add("status", "CONFIRMED")
            calendar.add_component(event)
    return calendar.to_ical()
