"""The one door for call events: every adapter (AMI, webhooks, manual) turns what its PBX says
into `CallEvent`s and calls `record_event`. It creates or updates the `Call`, matches the
number to a contact and debtor, finds the agent by extension, and tells the listeners (screen
pop, missed-call tasks, the timeline) after the commit."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact
from dunwell.ledger.phones import PhoneError, normalize_phone
from dunwell.telephony.models import Call, CallState, Direction, Disposition, Provider

log = logging.getLogger(__name__)

# What a provider reports, in its order: "ringing" (a new call, or a leg ringing at an
# extension), "answered", "ended", "recording" (its address is known), and at any time after the
# answer "transferred" (the call moved to `extension`).
KINDS = ("ringing", "answered", "ended", "recording", "transferred")
MAX_EVENTS = 50

# Click-to-call records a call before the exchange has told us its id. Our provisional id
# starts with this prefix (no provider's id does); it is replaced by the provider's own id when
# its first event arrives (`_adopt`).
PROVISIONAL_PREFIX = "dunwell-"
# Providers whose callback answer carries no call id: their first outgoing event for an unknown
# call id is matched to the collector's recent click-to-call (same extension, same number).
ADOPTING_PROVIDERS = frozenset({Provider.ZADARMA, Provider.MANGO})
ADOPT_WITHIN = timedelta(minutes=2)
# Providers with no transfer event of their own: a transfer shows as an answer at another
# extension on the same call (Zadarma: NOTIFY_ANSWER with another `internal`/`destination` for
# the same `pbx_call_id`; Mango: `Connected` with another `to.extension` under the same
# `entry_id`). `record_event` turns such an answer into "transferred".
TRANSFER_BY_ANSWER_PROVIDERS = frozenset({Provider.ZADARMA, Provider.MANGO})
# A provider's event time (Mango's timestamp) may run a little behind our clock.
CLOCK_SKEW = timedelta(seconds=30)


@dataclass(frozen=True)
class CallEvent:
    provider: str
    provider_call_id: str
    kind: str
    at: datetime
    direction: str = ""  # Direction value; needed on the first event of a call
    external_number: str = ""  # as the provider wrote it; normalised here
    extension: str = ""
    line: str = ""
    duration: int | None = None  # talk time in seconds, on "ended"
    disposition: str = ""  # Disposition value, on "ended"
    recording_url: str = ""
    # Our provisional id when the provider echoes it (Mango's `command_id` of a callback).
    provisional_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict)  # the provider's fields, for support


def provisional_call_id() -> str:
    """The id of a call started by click-to-call until the exchange names it."""
    return f"{PROVISIONAL_PREFIX}{uuid.uuid4().hex}"


Listener = Callable[[Call, CallEvent], object]
LISTENERS: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Called after the commit of every recorded event (apps register in AppConfig.ready)."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def normalise_number(number: str, country: str = "") -> str:
    """E.164 for a number as a PBX writes it (`+40…`, `0040…`, `40…` without the plus, or a
    national number read with the company's country); "" when it is not a number."""
    digits = number.strip()
    if digits and digits[0].isdigit() and not digits.startswith("0") and len(digits) > 9:
        digits = "+" + digits  # providers often drop the plus of an international number
    try:
        return normalize_phone(digits, country)
    except PhoneError:
        return ""


def match_contact(e164: str) -> Contact | None:
    """The contact with this number (main or second phone); the one seen most recently wins
    when several debtors share it."""
    if not e164:
        return None
    return (
        Contact.objects.filter(Q(phone=e164) | Q(phone_alt=e164))
        .select_related("counterparty")
        .order_by("-pk")
        .first()
    )


def agent_of(extension: str) -> User | None:
    if not extension:
        return None
    return User.objects.filter(extension=extension, is_active=True).first()


def _apply(call: Call, event: CallEvent) -> None:
    if event.kind == "transferred":
        # The one exception to "the first answering extension stays": the call now belongs to
        # the colleague it was transferred to.
        if event.extension and event.extension != call.extension and call.state != CallState.ENDED:
            call.extension = event.extension
            call.agent = agent_of(event.extension) or call.agent
    elif event.extension and (not call.extension or call.state == CallState.RINGING):
        call.extension = event.extension
        call.agent = agent_of(event.extension) or call.agent
    if event.line and not call.line:
        call.line = event.line
    if event.kind == "answered" and call.answered_at is None:
        call.answered_at = event.at
        if call.state == CallState.RINGING:
            call.state = CallState.ANSWERED
    elif event.kind == "ended" and call.ended_at is None:
        call.ended_at = event.at
        call.state = CallState.ENDED
        if event.duration is not None:
            call.duration = event.duration
        elif call.answered_at is not None:
            call.duration = max(0, int((event.at - call.answered_at).total_seconds()))
        else:
            call.duration = 0
        call.disposition = event.disposition or (
            Disposition.ANSWERED if call.answered_at else Disposition.NO_ANSWER
        )
    if event.recording_url:
        call.recording_url = event.recording_url
    entry = {"kind": event.kind, "at": event.at.isoformat(), **event.raw}
    if event.kind == "transferred":
        entry["extension"] = event.extension
    call.events = [*call.events, entry][-MAX_EVENTS:]


@transaction.atomic
def record_event(event: CallEvent, *, country: str = "") -> Call:
    """Create or update the call the event belongs to. Idempotent for a repeated event (a
    provider's retry): state only moves forward, timestamps are kept from the first report."""
    if event.kind not in KINDS:
        raise ValueError(f"unknown call event kind {event.kind!r}")
    call = (
        Call.objects.select_for_update()
        .filter(provider=event.provider, provider_call_id=event.provider_call_id)
        .first()
    )
    if call is None:
        call = _adopt(event, country)
    else:
        event = _as_transfer(call, event)
    if call is None:
        number = normalise_number(event.external_number, country)
        contact = match_contact(number)
        call = Call(
            provider=event.provider,
            provider_call_id=event.provider_call_id,
            direction=event.direction or Direction.INBOUND,
            external_number=number,
            contact=contact,
            counterparty=contact.counterparty if contact else None,
            started_at=event.at,
        )
        _apply(call, event)
        try:
            with transaction.atomic():
                call.save()
        except IntegrityError:  # a concurrent first event of the same call won
            call = Call.objects.select_for_update().get(
                provider=event.provider, provider_call_id=event.provider_call_id
            )
            _apply(call, event)
            call.save()
    else:
        _apply(call, event)
        call.save()
    saved = call
    transaction.on_commit(lambda: _notify(saved, event))
    return call


def _as_transfer(call: Call, event: CallEvent) -> CallEvent:
    """An answer at another extension of a call already answered (and not over) means the call
    moved to that colleague, for the providers that report transfers that way."""
    if (
        event.kind == "answered"
        and event.provider in TRANSFER_BY_ANSWER_PROVIDERS
        and call.state == CallState.ANSWERED
        and event.extension
        and call.extension
        and event.extension != call.extension
    ):
        return replace(event, kind="transferred")
    return event


def _adopt(event: CallEvent, country: str) -> Call | None:
    """The click-to-call record this first event of an unknown outgoing call belongs to, now
    under the provider's id; None when there is none.

    By the provisional id when the provider echoes it; else, for the providers whose callback
    answer has no id, the oldest un-adopted outgoing click-to-call of the same provider, the
    same extension and the same number, started at most ADOPT_WITHIN before the event. The row
    is locked and, once renamed, no longer provisional: a concurrent event of the same call
    waits for the lock, finds nothing to adopt and meets the unique constraint instead."""
    if event.provider_call_id.startswith(PROVISIONAL_PREFIX):
        return None  # our own click-to-call being recorded: nothing to adopt
    candidates = Call.objects.select_for_update().filter(
        provider=event.provider,
        direction=Direction.OUTBOUND,
        provider_call_id__startswith=PROVISIONAL_PREFIX,
    )
    if event.provisional_id.startswith(PROVISIONAL_PREFIX):
        call = candidates.filter(provider_call_id=event.provisional_id).first()
        if call is not None:
            return _rename(call, event)
    if event.provider not in ADOPTING_PROVIDERS or event.direction != Direction.OUTBOUND:
        return None
    number = normalise_number(event.external_number, country)
    if not number or not event.extension:
        return None
    call = (
        candidates.filter(
            external_number=number,
            extension=event.extension,
            started_at__gte=event.at - ADOPT_WITHIN,
            started_at__lte=event.at + CLOCK_SKEW,
        )
        .exclude(state=CallState.ENDED)
        .order_by("started_at", "pk")
        .first()
    )
    return _rename(call, event) if call is not None else None


def end_unadopted(now: datetime | None = None) -> int:
    """The worker's job: a click-to-call still ringing under our provisional id after
    DUNWELL_PBX_UNADOPTED_SECONDS was never taken over by an event of the exchange (the
    callback failed on its side, its webhooks did not reach us): it ends as not connected
    ("failed"), through `record_event`, so its timeline entry is written as for any call.
    Idempotent: an ended call is not picked again, and a second "ended" changes nothing."""
    from django.conf import settings
    from django.utils import timezone

    now = now or timezone.now()
    limit = now - timedelta(seconds=int(settings.DUNWELL_PBX_UNADOPTED_SECONDS))
    stale = Call.objects.filter(
        provider_call_id__startswith=PROVISIONAL_PREFIX,
        state=CallState.RINGING,
        started_at__lt=limit,
    )
    ended = 0
    for pk in list(stale.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            # Locked and checked again: an event may have taken it over meanwhile.
            call = stale.select_for_update().filter(pk=pk).first()
            if call is None:
                continue
            record_event(
                CallEvent(
                    provider=call.provider,
                    provider_call_id=call.provider_call_id,
                    kind="ended",
                    at=now,
                    disposition=Disposition.FAILED,
                    raw={"unadopted": True},
                )
            )
        ended += 1
    if ended:
        log.info("ended %d click-to-call(s) that no exchange event took over", ended)
    return ended


def _rename(call: Call, event: CallEvent) -> Call:
    call.events = [
        *call.events,
        {"kind": "adopted", "at": event.at.isoformat(), "provisional_id": call.provider_call_id},
    ][-MAX_EVENTS:]
    call.provider_call_id = event.provider_call_id
    return call


def _notify(call: Call, event: CallEvent) -> None:
    for listener in list(LISTENERS):
        try:
            listener(call, event)
        except Exception:  # one listener's failure must not hide the call from the others
            log.exception("call listener %r failed for call %s", listener, call.pk)


@transaction.atomic
def add_caller_as_contact(call: Call, counterparty: Any, *, name: str, by: User) -> Contact:
    """The unknown caller's number becomes a new contact of `counterparty`; the call (and the
    caller's other calls from that number without a debtor) are matched to it. Saved by the
    contacts' one home (`work.contacts.save_contact`): who may, the timeline's "Contact added",
    and a number another active contact of the debtor already has refused (`ContactClash`,
    nothing saved)."""
    from dunwell.work.contacts import FIELDS, save_contact

    blank = Contact()  # the fields' defaults: no role, works there
    values = {field: getattr(blank, field) for field in FIELDS}
    values.update(name=" ".join(name.split()), phone=call.external_number)
    contact = save_contact(by, counterparty, None, values)
    Call.objects.filter(external_number=call.external_number, counterparty__isnull=True).update(
        contact=contact, counterparty=counterparty
    )
    return contact


class ExtensionError(Exception):
    """The extension cannot be saved; the text is for the user."""


def set_extension(user: User, extension: str) -> None:
    """The user's extension on the company's PBX: digits, unique among active users (an
    incoming call ringing at it must find one collector); empty clears it."""
    from django.utils.translation import gettext as _

    value = extension.strip()
    if value and not (value.isascii() and value.isdigit() and len(value) <= 16):
        raise ExtensionError(_("Phone extension: digits only, at most 16."))
    if value and User.objects.filter(extension=value, is_active=True).exclude(pk=user.pk).exists():
        raise ExtensionError(
            _("Phone extension: another user already has %(ext)s.") % {"ext": value}
        )
    user.extension = value
    user.save(update_fields=["extension"])


def link_outcome(call_ref: str, user: User, activity: Any, task: Any) -> Call | None:
    """The outcome recorded on the call card in live mode belongs to the call: the call keeps the
    activity's id, and the task it closed counts as done when the call was made (punctuality
    is the call's time, not when the form was saved). Only the user's own call of that debtor."""
    if not (call_ref.isascii() and call_ref.isdigit() and len(call_ref) < 16):
        return None
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .filter(pk=int(call_ref), agent=user, counterparty_id=activity.counterparty_id)
            .first()
        )
        if call is None:
            return None
        call.activity_id = activity.pk
        call.save(update_fields=["activity_id"])
        if task is not None and task.pk:
            made = call.answered_at or call.started_at
            type(task).objects.filter(pk=task.pk, done_at__gt=made).update(done_at=made)
    return call
