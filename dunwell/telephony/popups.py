"""Screen pop: a call ringing at a collector's extension becomes a `ScreenPop` row for that
collector (and for their supervisor when the supervisor follows the team's pops); the event
stream (`views.pop_stream`) sends each row once to the user's open tabs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.ledger.phones import format_phone
from dunwell.telephony.models import Call, CallState, PopFollow, ScreenPop

# How long a pop is worth showing: a tab reconnecting later must not pop a finished call.
POP_FRESH_SECONDS = 60


def pop_receivers(call: Call) -> list[User]:
    agent = call.agent
    if agent is None:
        return []
    receivers = [agent]
    supervisor = agent.supervisor
    if (
        supervisor is not None
        and supervisor.is_active
        and PopFollow.objects.filter(user=supervisor).exists()
    ):
        receivers.append(supervisor)
    return receivers


def create_pops(call: Call) -> list[ScreenPop]:
    """One pop per receiver per call (a repeated "ringing" event pops nothing new)."""
    pops = []
    for user in pop_receivers(call):
        pop, created = ScreenPop.objects.get_or_create(user=user, call=call)
        if created:
            pops.append(pop)
    return pops


def set_following(user: User, follow: bool) -> None:
    if follow:
        PopFollow.objects.get_or_create(user=user)
    else:
        PopFollow.objects.filter(user=user).delete()


def is_following(user: User) -> bool:
    return PopFollow.objects.filter(user=user).exists()


def payload(pop: ScreenPop) -> dict[str, Any]:
    """What the browser shows: the debtor's call card for a known number, else a search with
    "new contact" prefilled with the number."""
    call = pop.call
    number = format_phone(call.external_number)
    transferred = _transferred_to(call, pop.user)
    if call.counterparty_id is not None:
        name = call.counterparty.name if call.counterparty else ""
        text = (
            _("Call transferred to you: %(name)s (%(number)s)")
            if transferred
            else _("Incoming call from %(name)s (%(number)s)")
        )
        return {
            "id": pop.pk,
            "call": call.pk,
            "known": True,
            "text": text % {"name": name, "number": number},
            "button": _("Open the call card"),
            "url": reverse("work:call", args=[call.counterparty_id])
            + "?"
            + urlencode({"call": call.pk}),
            "ringing": call.state == CallState.RINGING,
        }
    return {
        "id": pop.pk,
        "call": call.pk,
        "known": False,
        "text": (
            _("Call transferred to you from an unknown number %(number)s")
            if transferred
            else _("Incoming call from an unknown number %(number)s")
        )
        % {"number": number},
        "button": _("Search or add a new contact"),
        "url": reverse("telephony:unknown", args=[call.pk]),
        "ringing": call.state == CallState.RINGING,
    }


def _transferred_to(call: Call, user: User) -> bool:
    """Whether the call came to this user by a transfer (rather than ringing at their phone)."""
    return bool(user.extension) and any(
        event.get("kind") == "transferred" and event.get("extension") == user.extension
        for event in call.events or []
    )


def delete_old(now: Any = None) -> int:
    """Pops are only worth a minute; the worker removes those older than a day."""
    from datetime import timedelta

    from django.utils import timezone

    limit = (now or timezone.now()) - timedelta(days=1)
    return ScreenPop.objects.filter(created_at__lt=limit).delete()[0]
