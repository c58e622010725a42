"""State changes of the workspace: one function per user action, one transaction each, with
its timeline entry written in the same transaction (STYLE: services)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts import visibility
from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_collect, can_see_counterparty
from dunwell.ladder.models import (
    CALL_BACK_ABUSIVE,
    CALL_BACK_AS_ASKED,
    CALL_THE_DECIDER,
    ESCALATE_DECIDER_ASKS_CALL_BACKS,
    ESCALATE_DECIDER_BREAKS_PROMISES,
    REACH_THE_DECIDER,
)
from dunwell.ledger.models import Contact, Counterparty, Document, TimelineEntry
from dunwell.money import Money
from dunwell.money_l10n import money_text
from dunwell.rawrows import insert_rows
from dunwell.work import ladder_bridge, selectors
from dunwell.work.errors import WorkError
from dunwell.work.logic import StallingRule, stalling_reason
from dunwell.work.models import (
    NOTE_MAX_LENGTH,
    CalendarFeedToken,
    CallActivity,
    CallScript,
    CardPreference,
    Meeting,
    Note,
    Notification,
    Outcome,
    Reassignment,
    StallingAlert,
    TaskAttachment,
)

ABUSIVE_CALL_BACK = timedelta(minutes=30)


def stalling_rule() -> StallingRule:
    """Thresholds from settings (WORK_STALLING_CALL_BACKS, WORK_STALLING_BROKEN_PROMISES,
    WORK_STALLING_WINDOW_DAYS) or the brief's defaults: 3 call-backs, 2 broken promises,
    60 days."""
    return StallingRule(
        call_backs=getattr(settings, "WORK_STALLING_CALL_BACKS", 3),
        broken_promises=getattr(settings, "WORK_STALLING_BROKEN_PROMISES", 2),
        window_days=getattr(settings, "WORK_STALLING_WINDOW_DAYS", 60),
    )


def is_manager(user: User) -> bool:
    """Edits call scripts, reassigns debtors, skips tasks (accounts.visibility decides)."""
    return visibility.is_manager(user)


def _timeline(
    counterparty: Counterparty,
    actor: User | None,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        counterparty=counterparty,
        at=at or timezone.now(),
        actor=actor,
        kind=kind,
        summary=summary,
        data=data or {},
    )


def _check_access(user: User, counterparty: Counterparty) -> None:
    if not can_see_counterparty(user, counterparty.pk):
        raise WorkError(_("You do not have access to this debtor."))


# --- notifications -----------------------------------------------------------------------


def notify(
    recipient: User,
    kind: str,
    message: StrOrPromise,
    counterparty: Counterparty | None = None,
    url: str = "",
    key: str = "",
    params: dict[str, Any] | None = None,
) -> Notification | None:
    """Store a notification rendered in every language, read in the reader's (`texts`). With
    a `key`, a second call for the same recipient and key does nothing (idempotent daily
    checks)."""
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    [notice] = notices_for([recipient], kind, message, counterparty, url, key, params)
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
            return notice
    except IntegrityError:  # a concurrent run stored it first
        return None


def _language_of(recipient: User) -> str:
    languages = dict(settings.LANGUAGES)
    return recipient.language if recipient.language in languages else settings.LANGUAGE_CODE


def _rendered(
    recipient: User, message: StrOrPromise, params: dict[str, Any] | None
) -> dict[str, str]:
    """The message in each language the app speaks: a lazy message and lazy parameters (a
    status's label) are translated into each, dates and moments among the parameters written
    as that language writes them, moments in the recipient's time zone."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values = {key: _for_reader(value, recipient) for key, value in (params or {}).items()}
            texts[code] = str(message) % values
    return texts


def _for_reader(value: Any, recipient: User) -> Any:
    if isinstance(value, datetime):
        zone = ZoneInfo(recipient.time_zone or settings.TIME_ZONE)
        return date_format(value.astimezone(zone), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Promise):  # a lazy label, translated into the language being rendered
        return str(value)
    if isinstance(value, (Money, Decimal)):  # "1 234,50 RON" in ru, "1,234.50 RON" in en
        return money_text(value)
    return value


def notify_each(
    recipients: Sequence[User],
    kind: str,
    message: StrOrPromise,
    counterparty: Counterparty | None = None,
    url: str = "",
    key: str = "",
    params: dict[str, Any] | None = None,
) -> None:
    """`notify` for several recipients in one INSERT (the credit check's path): each gets it
    in their language, and a recipient who already has `key` keeps the first."""
    notices = notices_for(recipients, kind, message, counterparty, url, key, params)
    insert_rows(notices, skip_conflicts=bool(key))


def notices_for(
    recipients: Sequence[User],
    kind: str,
    message: StrOrPromise,
    counterparty: Counterparty | None = None,
    url: str = "",
    key: str = "",
    params: dict[str, Any] | None = None,
) -> list[Notification]:
    """The unsaved notifications of `notify_each`, each rendered in its recipient's language,
    for a caller that writes them together with other rows (`rawrows.insert_together`, with
    conflicts on `key` skipped as `notify_each` does)."""
    now = timezone.now()
    notices = []
    for recipient in recipients:
        texts = _rendered(recipient, message, params)
        notices.append(
            Notification(
                recipient=recipient,
                kind=kind,
                counterparty=counterparty,
                message=texts[_language_of(recipient)],
                texts=texts,
                url=url,
                key=key,
                created_at=now,
            )
        )
    return notices


def mark_notifications_read(user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- preferences, scripts, calendar tokens -----------------------------------------------


def set_language(user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise WorkError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])


def save_call_script(by: User, situation: str, language: str, text: str) -> CallScript:
    if not is_manager(by):
        raise WorkError(_("Only supervisors, the director and administrators edit call scripts."))
    if not text.strip():
        raise WorkError(_("A call script cannot be empty."))
    script, _created = CallScript.objects.update_or_create(
        situation=situation, language=language, defaults={"text": text, "updated_by": by}
    )
    return script


def calendar_token(user: User) -> CalendarFeedToken:
    """The user's active feed token, created on first use."""
    token = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()
    return token or CalendarFeedToken.objects.create(user=user)


@transaction.atomic
def revoke_calendar_token(user: User) -> CalendarFeedToken:
    """Revoke every active token of the user and issue a new one."""
    CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarFeedToken.objects.create(user=user)


# --- calls and outcomes --------------------------------------------------------------------


@dataclass
class OutcomeInput:
    outcome: str
    note: str = ""
    contact_id: int | None = None
    task_id: int | None = None
    promised_on: date | None = None
    promised_amount: Decimal | None = None
    promised_currency: str = ""
    promised_by: str = ""
    dispute_reason: str = ""
    dispute_amount: Decimal | None = None
    dispute_currency: str = ""
    dispute_document_ids: tuple[int, ...] = ()
    call_back_at: datetime | None = None
    decider_name: str = ""
    decider_phone: str = ""
    decider_email: str = ""
    decider_position: str = ""
    recording: UploadedFile | None = None


DISPUTE_REASONS: dict[str, StrOrPromise] = {
    "quality": _("Quality"),
    "quantity": _("Quantity"),
    "documents_missing": _("Documents missing"),
    "price": _("Price"),
    "other": _("Other"),
}


# How a claim came when it is registered on the debtor card rather than as a call's outcome
# (kept on the timeline entry, ladder.services.register_dispute).
DISPUTE_CHANNELS: dict[str, StrOrPromise] = {
    "email": _("E-mail"),
    "letter": _("Letter"),
    "meeting": _("Meeting"),
    "call": _("Call"),
}


def dispute_reason_label(code: str) -> str:
    return str(DISPUTE_REASONS.get(code, code))


OUTCOME_SUMMARY: dict[str, StrOrPromise] = {
    Outcome.PROMISE: _("Call: promise to pay %(amount)s by %(date)s (%(who)s)"),
    Outcome.DISPUTE: _("Call: dispute registered (%(reason)s)"),
    Outcome.CALL_BACK: _("Call: asked to call back at %(when)s"),
    Outcome.WRONG_PERSON: _("Call: wrong person; payments are decided by %(who)s"),
    Outcome.NO_ANSWER: _("Call: no answer"),
    Outcome.REFUSED: _("Call: refused to pay"),
    Outcome.ABUSIVE: _("Call: abusive, ended; call back at %(when)s"),
}


@transaction.atomic
def record_call_outcome(
    by: User, counterparty: Counterparty, data: OutcomeInput, now: datetime | None = None
) -> CallActivity:
    """Record one call and its outcome, and set the next step: a promise pauses the ladder,
    a dispute is routed, a call-back becomes a task, a wrong person yields the decider's
    contact, abuse flags the contact and schedules a call-back 30 minutes later (the next
    working morning when the debtor's working day is over by then)."""
    _check_access(by, counterparty)
    now = now or timezone.now()
    recording_name = check_recording(data.recording)[0] if data.recording is not None else ""
    if data.outcome not in Outcome.values:
        raise WorkError(_("Unknown outcome."))
    contact = None
    if data.contact_id:
        contact = Contact.objects.filter(pk=data.contact_id, counterparty=counterparty).first()
        if contact is None:
            raise WorkError(_("This contact does not belong to the debtor."))
    # One call is one call: it settles every call of the debtor due today for the same person
    # (a step's call beside a broken promise's), each task closed by its home with the outcome,
    # not the named task alone, which left the other on My day to record the call twice. Read
    # before this outcome schedules its call-back, which stays, as does a call due on a later day.
    due = ladder_bridge.due_call_tasks(
        counterparty, data.task_id, by, selectors._day_bounds(now)[1]
    )
    params: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    call_back_at = None
    if data.outcome == Outcome.PROMISE:
        if data.promised_on is None or not data.promised_amount or data.promised_amount <= 0:
            raise WorkError(_("A promise needs a date and a positive amount."))
        if data.promised_on < timezone.localdate(now):
            raise WorkError(_("The promised date is in the past."))
        who = data.promised_by or (contact.name if contact else "")
        promise = ladder_bridge.record_promise(
            by,
            counterparty,
            data.promised_on,
            data.promised_amount,
            data.promised_currency or None,
            who,
            now,
        )
        extra = {"promise": promise.pk, "date": data.promised_on.isoformat()}
        extra["amount"] = str(data.promised_amount)
        extra["currency"] = promise.currency
        extra["who"] = who
        params = {
            "amount": money_text(Money(promise.amount, promise.currency)),
            "date": date_format(data.promised_on, "SHORT_DATE_FORMAT"),
            "who": who or "—",
        }
    elif data.outcome == Outcome.DISPUTE:
        if not data.dispute_reason:
            raise WorkError(_("Choose the reason of the dispute."))
        dispute_id = ladder_bridge.register_dispute(
            by,
            counterparty,
            data.dispute_reason,
            data.dispute_amount,
            data.dispute_currency or None,
            data.dispute_document_ids,
            data.note,
        )
        extra = {"dispute": dispute_id, "reason": data.dispute_reason}
        params = {"reason": dispute_reason_label(data.dispute_reason)}
    elif data.outcome in (Outcome.CALL_BACK, Outcome.ABUSIVE):
        if data.outcome == Outcome.ABUSIVE:
            call_back_at = selectors.call_back_suggestion(
                counterparty, now, FOLLOW_UP_HOUR, after=ABUSIVE_CALL_BACK
            )
            if contact is not None:
                contact.abusive = True
                contact.save(update_fields=["abusive"])
        else:
            if data.call_back_at is None or data.call_back_at <= now:
                raise WorkError(_("Give a future time to call back."))
            call_back_at = data.call_back_at
        # English, shown in each reader's language (ladder.models.stepless_title)
        title = CALL_BACK_ABUSIVE if data.outcome == Outcome.ABUSIVE else CALL_BACK_AS_ASKED
        extra = {"task": ladder_bridge.create_call_back_task(by, counterparty, call_back_at, title)}
        params = {"when": date_format(timezone.localtime(call_back_at), "SHORT_DATETIME_FORMAT")}
    elif data.outcome == Outcome.WRONG_PERSON:
        if not data.decider_name.strip():
            raise WorkError(_("Write down who decides payments."))
        decider = save_decider(counterparty, data)
        extra = {
            "decider": decider.pk,
            "who": decider.name,
            "task": ladder_bridge.create_call_back_task(
                by,
                counterparty,
                selectors.next_working_morning(counterparty, now, FOLLOW_UP_HOUR),
                titled(CALL_THE_DECIDER, decider.name),
            ),
        }
        params = {"who": decider.name}
    if data.task_id and ladder_bridge.complete_task(by, counterparty, data.task_id, data.outcome):
        # The closed task's page tells this call (its outcome, the promise it took).
        extra["closed_task"] = data.task_id
    settled = [
        task_id
        for task_id in due
        if ladder_bridge.complete_task(by, counterparty, task_id, data.outcome)
    ]
    if settled:
        extra["settled_tasks"] = settled
    activity = CallActivity.objects.create(
        counterparty=counterparty,
        contact=contact,
        user=by,
        at=now,
        outcome=data.outcome,
        note=data.note,
        call_back_at=call_back_at,
        data=extra,
    )
    heard: dict[str, str] = {}
    if data.recording is not None:
        activity.recording.save(recording_name, data.recording, save=True)
        # The timeline plays it where the call is told (the debtor card), as a PBX call's
        # recording: uploaded with the outcome it was reachable only from a closed task's page.
        heard = {"recording_url": reverse("work:call_recording", args=[activity.pk])}
    summary = str(OUTCOME_SUMMARY[data.outcome]) % params
    _timeline(
        counterparty,
        by,
        f"work.call.{data.outcome}",
        summary + (f" — {data.note}" if data.note else ""),
        {"activity": activity.pk, **extra, **heard, "note": data.note},
        at=now,
    )
    transaction.on_commit(lambda: detect_stalling(counterparty.pk))
    return activity


FOLLOW_UP_HOUR = time(10, 0)


def save_decider(counterparty: Counterparty, data: OutcomeInput) -> Contact:
    """Create or update the contact who decides payments. There is one decider per debtor:
    the new one replaces the old one's flag. The phone is stored in E.164, a local number read
    with the debtor's country, and an extension written after it ("доб. 12") apart, as the
    contact form reads it. The one already known is found by phone (either of theirs, with
    its extension: two people behind one switchboard differ by theirs) or e-mail among those
    who work there, then by name: never the same person twice."""
    from dunwell.ledger.phones import PhoneError, read_phone

    try:
        phone, extension = read_phone(data.decider_phone, counterparty.country)
    except PhoneError:
        raise WorkError(
            gettext("Phone: “%(value)s” is not a phone number.") % {"value": data.decider_phone}
        ) from None
    name = " ".join(data.decider_name.split())
    reachable = (
        Q(phone=phone, phone_ext=extension) | Q(phone_alt=phone, phone_alt_ext=extension)
        if phone
        else Q(pk__in=[])
    )
    if data.decider_email:
        reachable |= Q(email__iexact=data.decider_email)
    contact = (
        Contact.objects.filter(reachable, counterparty=counterparty, active=True)
        .order_by("pk")
        .first()
    )
    if contact is not None:
        contact.name = name or contact.name
    else:
        contact = Contact.objects.filter(counterparty=counterparty, name__iexact=name).first()
    if contact is None:
        contact = Contact(counterparty=counterparty, name=name)
    Contact.objects.filter(counterparty=counterparty, decides_payments=True).exclude(
        pk=contact.pk
    ).update(decides_payments=False)
    contact.decides_payments = True
    contact.active = True  # named again as the one who decides: they work there
    # their second phone given: it stays their second one
    if phone and (contact.phone_alt, contact.phone_alt_ext) != (phone, extension):
        contact.phone, contact.phone_ext = phone, extension
    contact.email = data.decider_email or contact.email
    contact.position = data.decider_position or contact.position
    contact.save()
    return contact


# --- stalling and reassignment -------------------------------------------------------------


def detect_stalling(counterparty_id: int, now: datetime | None = None) -> StallingAlert | None:
    """Open a stalling alert when the rule fires: a task for the collector to reach the decider
    (to escalate, when the decider is the one stalling), a notice for the supervisor.
    Idempotent: one open alert per debtor."""
    now = now or timezone.now()
    rule = stalling_rule()
    since = now - timedelta(days=rule.window_days)
    with transaction.atomic():
        counterparty = (
            Counterparty.objects.select_for_update(of=("self",))
            .select_related("collector__supervisor")
            .get(pk=counterparty_id)
        )
        open_alert = StallingAlert.objects.filter(
            counterparty=counterparty, closed_at__isnull=True
        ).first()
        # "Call me tomorrow" before anything falls due is not stalling: the debtor has time, and
        # the alert would tell the collector to escalate a debt nobody owes yet.
        if not Document.objects.filter(
            counterparty=counterparty,
            open_amount__gt=0,
            cancelled=False,
            due_date__lt=timezone.localdate(now),
        ).exists():
            return None
        calls = CallActivity.objects.filter(
            counterparty=counterparty, at__gte=since, outcome=Outcome.CALL_BACK
        ).values_list("at", flat=True)
        promises, broken = ladder_bridge.promise_times(counterparty, since)
        promises = promises + list(
            CallActivity.objects.filter(
                counterparty=counterparty, at__gte=since, outcome=Outcome.PROMISE
            ).values_list("at", flat=True)
        )
        found = stalling_reason(list(calls), promises, broken, now, rule)
        if found is None:
            return None
        reason, count = found
        if open_alert is not None:
            # One open alert per debtor; a promise broken since it was raised is counted on
            # the card's banner ("Repeated broken promises (3)", not the (2) it was raised with).
            if open_alert.reason == reason and count > open_alert.count:
                StallingAlert.objects.filter(pk=open_alert.pk).update(count=count)
            return None
        alert = StallingAlert.objects.create(
            counterparty=counterparty, reason=reason, count=count, detected_at=now
        )
        collector = counterparty.collector
        # The one the debtor card names (one decider per debtor; by name should there be two).
        decider = (
            Contact.objects.filter(counterparty=counterparty, decides_payments=True, active=True)
            .order_by("name")
            .first()
        )
        # When the decider is the one stalling, reaching them has been done: the task and the
        # supervisor's notice say what comes next, as the card's banner does.
        stalling_decider = (
            decider if selectors.decider_is_stalling(counterparty, alert, decider) else None
        )
        if collector is not None:
            # English, shown in each reader's language (ladder.models.stepless_title)
            # within the hour, or the debtor's next working morning when that hour is not a
            # working one (the nightly check, a call recorded on a Saturday evening)
            ladder_bridge.create_call_back_task(
                None,
                counterparty,
                selectors.call_back_suggestion(
                    counterparty, now, FOLLOW_UP_HOUR, after=timedelta(hours=1)
                ),
                _stalling_task_title(reason, stalling_decider),
                assignee=collector,
            )
        _timeline(
            counterparty,
            None,
            "work.stalling",
            str(StallingAlert.Reason(reason).label) + f" ({count})",
            {"alert": alert.pk, "reason": reason, "count": count},
            at=now,
        )
        url = reverse("work:debtor", args=[counterparty.pk])
        supervisor = collector.supervisor if collector else None
        message = (
            _(
                "%(debtor)s is stalling: %(who)s decides payments and is the one stalling. Call"
                " them yourself, have the pretension sent, or give the debtor to fresh eyes."
            )
            if stalling_decider is not None
            else _("%(debtor)s is stalling: consider reassigning it.")
            if decider is not None
            else _(
                "%(debtor)s is stalling: no one who decides payments is known. Have the"
                " collector ask who does, or consider reassigning it."
            )
        )
        for recipient in {u for u in (supervisor,) if u is not None}:
            notify(
                recipient,
                Notification.Kind.STALLING,
                message,
                counterparty,
                url,
                key=f"stalling:{alert.pk}",
                params={
                    "debtor": counterparty.name,
                    "who": stalling_decider.name if stalling_decider else "",
                },
            )
        return alert


TASK_TITLE_LENGTH = 255  # ladder.models.Task.title


def _stalling_task_title(reason: str, stalling_decider: Contact | None) -> str:
    """The stored English title of the stalling alert's task: reach the decider, or, when the
    decider is the one stalling, escalate (reaching them has been done)."""
    if stalling_decider is None:
        return REACH_THE_DECIDER
    source = (
        ESCALATE_DECIDER_BREAKS_PROMISES
        if reason == StallingAlert.Reason.BROKEN_PROMISES
        else ESCALATE_DECIDER_ASKS_CALL_BACKS
    )
    return titled(source, stalling_decider.name)


def titled(source: str, who: str) -> str:
    """A stepless task title `source` (one "%(who)s" place) with a person's name, the name cut
    to fit the title, never the title's own words (a contact's name may be as long as it)."""
    room = TASK_TITLE_LENGTH - len(source % {"who": ""})
    return source % {"who": who[:room]}


REASSIGNED_TO_YOU = _("%(who)s gave you %(debtor)s.")
REASSIGNED_TO_YOU_WHY = _("%(who)s gave you %(debtor)s: %(reason)s")
REASSIGNED_AWAY_WHY = _("%(who)s reassigned %(debtor)s to %(new)s: %(reason)s")


@transaction.atomic
def reassign_counterparty(
    by: User, counterparty: Counterparty, to_user: User, reason: str = ""
) -> Reassignment:
    """Give the debtor to fresh eyes (DESIGN §1.9): history kept, open tasks follow, the old
    collector is told, an open stalling alert is closed."""
    if not is_manager(by):
        raise WorkError(_("Only a supervisor or the director reassigns debtors."))
    _check_access(by, counterparty)
    if to_user.pk == counterparty.collector_id:
        raise WorkError(_("This person is already responsible for the debtor."))
    if not can_collect(to_user):
        raise WorkError(_("Only a collector or the director can be made responsible."))
    if not by.sees_all and to_user.supervisor_id != by.pk and to_user.pk != by.pk:
        raise WorkError(_("You can reassign only to members of your team."))
    now = timezone.now()
    old = counterparty.collector
    Counterparty.objects.filter(pk=counterparty.pk).update(collector=to_user, updated_at=now)
    counterparty.collector = to_user
    moved = ladder_bridge.move_open_tasks(counterparty, old, to_user)
    record = Reassignment.objects.create(
        counterparty=counterparty, from_user=old, to_user=to_user, by=by, at=now, reason=reason
    )
    StallingAlert.objects.filter(counterparty=counterparty, closed_at__isnull=True).update(
        closed_at=now
    )
    _timeline(
        counterparty,
        by,
        "work.reassigned",
        gettext("Reassigned from %(old)s to %(new)s") % {"old": old or "—", "new": to_user},
        {"from": old.pk if old else None, "to": to_user.pk, "tasks_moved": moved},
        at=now,
    )
    url = reverse("work:debtor", args=[counterparty.pk])
    if old is not None:
        notify(
            old,
            Notification.Kind.REASSIGNED,
            # with the reason too, as the new owner's (the one who loses it asks why first)
            REASSIGNED_AWAY_WHY if reason.strip() else _("%(debtor)s was reassigned to %(new)s."),
            counterparty,
            url,
            params={
                "debtor": counterparty.name,
                "new": str(to_user),
                "who": str(by),
                "reason": reason.strip(),
            },
        )
    # the new owner learns who gave them the debtor and why (the reason the supervisor typed)
    notify(
        to_user,
        Notification.Kind.REASSIGNED,
        REASSIGNED_TO_YOU_WHY if reason.strip() else REASSIGNED_TO_YOU,
        counterparty,
        url,
        params={"debtor": counterparty.name, "who": str(by), "reason": reason.strip()},
    )
    return record


# --- meetings ------------------------------------------------------------------------------

MEETING_FIELDS = (
    "starts_at",
    "duration_minutes",
    "place",
    "status",
    "authority_checked",
    "history_reviewed",
    "documents_copied",
    "economic_situation",
    "ideal_terms",
    "acceptable_terms",
    "questions",
    "protocol",
    "good_relations_until",
)


@transaction.atomic
def save_meeting(
    by: User, counterparty: Counterparty, values: dict[str, Any], meeting: Meeting | None = None
) -> Meeting:
    """Plan a negotiation meeting or update its checklist and protocol."""
    _check_access(by, counterparty)
    created = meeting is None
    if meeting is None:
        meeting = Meeting(counterparty=counterparty, organiser=by)
    elif meeting.counterparty_id != counterparty.pk:
        raise WorkError(_("This meeting belongs to another debtor."))
    elif not visibility.can_edit_meeting(by, meeting):
        raise WorkError(
            _("Only the meeting's organiser, the collector or a manager can change it.")
        )
    for name in MEETING_FIELDS:
        if name in values:
            setattr(meeting, name, values[name])
    meeting.save()
    _timeline(
        counterparty,
        by,
        "work.meeting.planned" if created else "work.meeting.updated",
        (
            gettext("Negotiation meeting planned for %(when)s")
            if created
            else gettext("Negotiation meeting updated (%(when)s)")
        )
        % {"when": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")},
        {"meeting": meeting.pk, "status": meeting.status, "at": meeting.starts_at.isoformat()},
    )
    if not created:
        _carry_good_relations(by, meeting)
    return meeting


def agreement_date_text(
    signed_on: date, currency: str, until: date | None, was: date | None
) -> str:
    """The timeline's words, in the active language, for an agreement given the good-relations
    date of its meeting."""

    def day(value: date | None) -> str:
        return date_format(value, "SHORT_DATE_FORMAT") if value else "—"

    return gettext(
        "Repayment agreement of %(signed)s (%(currency)s): good relations until %(until)s, as "
        "at the negotiation meeting (was %(was)s)."
    ) % {"signed": day(signed_on), "currency": currency, "until": day(until), "was": day(was)}


def _carry_good_relations(by: User, meeting: Meeting) -> None:
    """The meeting's active agreements take its good-relations date: it was copied to them only
    when they were signed, so a date changed at the meeting later never reached the schedule
    the ladder watches (the final warning follows it)."""
    from dunwell.ladder.models import Agreement, AgreementStatus

    until = meeting.good_relations_until
    changed = (
        meeting.agreements.filter(status=AgreementStatus.ACTIVE)
        .exclude(good_relations_until=until)
        .order_by("signed_on", "pk")
    )
    for agreement in list(changed.select_for_update()):
        was = agreement.good_relations_until
        Agreement.objects.filter(pk=agreement.pk).update(good_relations_until=until)
        _timeline(
            meeting.counterparty,
            by,
            "work.meeting.agreement_date",
            agreement_date_text(agreement.signed_on, agreement.currency, until, was),
            {
                "meeting": meeting.pk,
                "agreement": agreement.pk,
                "signed_on": agreement.signed_on.isoformat(),
                "currency": agreement.currency,
                "until": until.isoformat() if until else None,
                "was": was.isoformat() if was else None,
            },
        )


# --- approvals and scheduled notices -------------------------------------------------------


def approve(by: User, task: Any, comment: str) -> Any:
    """Approve a ladder step; the ladder audit-logs it on the debtor's timeline."""
    from dunwell.ladder import services as ladder

    try:
        return ladder.approve_task(task, user=by, comment=comment)
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc


def reject(by: User, task: Any, comment: str, ask_again_on: date | None = None) -> Any:
    """Refuse a step; with `ask_again_on`, until that day (the ladder checks the day)."""
    from dunwell.ladder import services as ladder

    try:
        return ladder.reject_task(task, user=by, comment=comment, ask_again_on=ask_again_on)
    except ladder.LadderError as exc:
        raise WorkError(exc.message) from exc


def send_scheduled_notices(now: datetime | None = None) -> int:
    """Supervisors learn of tasks still open a day after their due time (day +1), approvers
    of steps waiting for them. Idempotent: each notice has a key, so re-runs add nothing."""
    from dunwell.ladder.models import Task, TaskStatus

    now = now or timezone.now()
    sent = 0
    late = Task.objects.filter(
        status=TaskStatus.OPEN,
        due_at__lt=now - timedelta(days=1),
        assignee__supervisor__isnull=False,
    ).select_related("assignee__supervisor", "counterparty", "step")
    for task in late.iterator(chunk_size=500):
        assert task.assignee is not None and task.assignee.supervisor is not None
        sent += bool(
            notify(
                task.assignee.supervisor,
                Notification.Kind.OVERDUE_DAY_ONE,
                _("%(who)s has not done “%(task)s” for %(debtor)s (due %(due)s)."),
                task.counterparty,
                reverse("work:debtor", args=[task.counterparty_id]),
                key=f"overdue:{task.pk}",
                params={
                    "who": str(task.assignee),
                    "task": task.beside_debtor_in_each_language,
                    "debtor": task.counterparty.name,
                    "due": task.due_at,
                },
            )
        )
    waiting = Task.objects.filter(status=TaskStatus.AWAITING_APPROVAL).select_related(
        "counterparty", "step"
    )
    for task in waiting.iterator(chunk_size=500):
        for approver in ladder_bridge.approvers_for(task):
            if not can_see_counterparty(approver, task.counterparty_id):
                continue
            sent += bool(
                notify(
                    approver,
                    Notification.Kind.APPROVAL,
                    _("“%(task)s” for %(debtor)s waits for your approval."),
                    task.counterparty,
                    reverse("ladder:approvals"),
                    key=f"approval:{task.pk}",
                    params={
                        "task": task.beside_debtor_in_each_language,
                        "debtor": task.counterparty.name,
                    },
                )
            )
    return sent


# --- task pages: every task kind is done its own way ----------------------------------------

# Steps done in writing: a letter or an email (and the final warning, which is a letter).
WRITTEN_ACTIONS = frozenset({"letter", "email", "final_warning"})
# A written step's and a notice's results, stored in English and read in the reader's language
# (ladder.models.TASK_RESULTS, registered in timeline_texts): a note typed with them is kept
# instead.
SENT_RESULTS = {
    TaskAttachment.Method.BY_HAND: gettext_noop("Sent by hand: %(file)s"),
    TaskAttachment.Method.EMAIL: gettext_noop("Sent by email: %(file)s"),
    TaskAttachment.Method.POST: gettext_noop("Printed for post: %(file)s"),
}
NOTIFIED = gettext_noop("notified")
TASK_FILE_MAX_BYTES = 10 * 1024 * 1024
RECORDING_MAX_BYTES = 20 * 1024 * 1024

_UPLOAD_ERRORS: dict[str, StrOrPromise] = {
    "size": _("File: the file is larger than %(mb)s MB."),
    "empty": _("File: the file is empty."),
    "kind": _("File: only PDF, DOCX, ODT, EML, TXT, PNG or JPG files are accepted."),
    "extension": _("File: the file's name does not match its content."),
}


def task_file_max_bytes() -> int:
    """WORK_TASK_FILE_MAX_BYTES, 10 MB by default."""
    return int(getattr(settings, "WORK_TASK_FILE_MAX_BYTES", TASK_FILE_MAX_BYTES))


def recording_max_bytes() -> int:
    """WORK_RECORDING_MAX_BYTES, 20 MB by default."""
    return int(getattr(settings, "WORK_RECORDING_MAX_BYTES", RECORDING_MAX_BYTES))


def check_recording(upload: UploadedFile) -> tuple[str, str]:
    """(file name to store, content type) of a call recording: audio by its content, within the
    size limit; WorkError naming the field otherwise. The stored name carries the extension of
    what the file really is, so nothing uploaded as `evil.html` keeps that name."""
    from dunwell.work.uploads import AUDIO_KINDS, sniff_audio

    limit = recording_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise WorkError(
            _("Recording: the file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    head = upload.read(64)
    upload.seek(0)
    kind = sniff_audio(head)
    if kind is None:
        raise WorkError(_("Recording: only audio files (MP3, WAV, OGG, M4A, WebM) are accepted."))
    content_type, extension = AUDIO_KINDS[kind]
    return f"call{extension}", content_type


def _ladder_call(function: Any, *args: Any, **kwargs: Any) -> Any:
    from dunwell.ladder.services import LadderError

    try:
        return function(*args, **kwargs)
    except LadderError as exc:
        raise WorkError(exc.message) from exc


def _check_can_work(by: User, task: Any) -> None:
    from dunwell.accounts.visibility import can_work_task

    if not can_work_task(by, task):
        raise WorkError(_("Only the person the task is given to, or their manager, can do it."))


def check_task_file(upload: UploadedFile) -> tuple[bytes, str]:
    """The uploaded file's content and its real content type; WorkError naming the field."""
    from dunwell.work.uploads import UploadRejected, check_upload

    limit = task_file_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise WorkError(str(_UPLOAD_ERRORS["size"]) % {"mb": limit // (1024 * 1024)})
    content = upload.read(limit + 1)
    try:
        _kind, content_type = check_upload(upload.name or "", content, limit)
    except UploadRejected as exc:
        raise WorkError(str(_UPLOAD_ERRORS[exc.code]) % {"mb": limit // (1024 * 1024)}) from exc
    return content, content_type


@transaction.atomic
def record_written_step(
    by: User,
    task: Any,
    *,
    method: str,
    file_name: str,
    content: bytes,
    content_type: str,
    note: str = "",
    result: str = "",
    timeline: bool = True,
) -> TaskAttachment:
    """A letter or email of the ladder went out: the file as sent is stored with the task, the
    task is done and the debtor's timeline says so. The composer passes its own `result` (in
    English, one of TASK_RESULTS) and writes its own timeline entry (`timeline=False`): an
    email it queued is not sent yet."""
    from django.core.files.base import ContentFile

    from dunwell.ladder import services as ladder
    from dunwell.ladder.models import Task
    from dunwell.work.uploads import KINDS

    if task.action not in WRITTEN_ACTIONS:
        raise WorkError(_("This task is not a letter or an email."))
    _check_can_work(by, task)
    method_label = TaskAttachment.Method(method).label
    result = result or SENT_RESULTS[TaskAttachment.Method(method)] % {"file": file_name}
    done: Task = _ladder_call(ladder.complete_task, task, user=by, result=result)
    attachment = TaskAttachment(
        task=done,
        counterparty_id=done.counterparty_id,
        original_name=file_name[:255],
        content_type=content_type,
        size=len(content),
        method=method,
        note=note,
        uploaded_by=by,
        uploaded_at=done.done_at or timezone.now(),
    )
    # The stored name is ours (the user's name is kept apart): the extension of the real kind.
    suffix = next(
        (exts[0] for kind_type, exts in KINDS.values() if kind_type == content_type), ".bin"
    )
    attachment.file.save(f"task-{done.pk}{suffix}", ContentFile(content), save=False)
    attachment.save()
    if not timeline:
        return attachment
    _timeline(
        done.counterparty,
        by,
        "work.task.sent",
        gettext("%(task)s: %(how)s, file %(file)s")
        % {"task": done.title, "how": method_label, "file": file_name}
        + (f" — {note}" if note else ""),
        {"task": done.pk, "attachment": attachment.pk, "method": method},
    )
    return attachment


def mark_sent_by_hand(by: User, task: Any, upload: UploadedFile, note: str = "") -> TaskAttachment:
    """The collector sent the letter or email themselves and attaches the file they sent."""
    content, content_type = check_task_file(upload)
    return record_written_step(
        by,
        task,
        method=TaskAttachment.Method.BY_HAND,
        file_name=upload.name or "file",
        content=content,
        content_type=content_type,
        note=note,
    )


def confirm_shipments_stopped(by: User, task: Any, note: str = "") -> Any:
    """Shipments to the debtor are stopped (the flag, who and when): the task is done."""
    from dunwell.ladder import services as ladder

    _check_can_work(by, task)
    return _ladder_call(ladder.confirm_shipments_stopped, task, user=by, note=note)


def notify_recipients(counterparty: Counterparty) -> list[User]:
    """Who the regulation tells of a missed payment (DESIGN §1.3): the responsible sales
    manager and the collector's supervisor."""
    people: list[User] = []
    collector = counterparty.collector
    for person in (counterparty.sales_manager, collector.supervisor if collector else None):
        if person is not None and person.is_active and person not in people:
            people.append(person)
    return people


def negotiation_deadline(task: Any) -> date | None:
    """The day the regulation's negotiation window ends (DESIGN §1.3): the day the notice's
    policy sends the pretension, counted like the notice from the due date of the task's
    earliest document, on the working day the debtor card's "Next on the pressure scale"
    shows (`ladder.upcoming.step_day`: off weekends and the debtor's country's holidays).
    None when no pretension follows the notice on that scale."""
    from dunwell.ladder.models import Action, PolicyStep, Trigger
    from dunwell.ladder.upcoming import step_day

    step = task.step
    if step is None or step.trigger != Trigger.DUE_OFFSET or not task.document_ids:
        return None
    pretension = (
        PolicyStep.objects.filter(
            policy_id=step.policy_id,
            order__gt=step.order,
            action=Action.PRETENSION,
            trigger=Trigger.DUE_OFFSET,
        )
        .order_by("order")
        .first()
    )
    due = (
        Document.objects.filter(pk__in=task.document_ids)
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    if pretension is None or due is None:
        return None
    return step_day(task.counterparty, pretension, due)


def notify_key(task: Any) -> str:
    return f"task-notify:{task.pk}"


@transaction.atomic
def complete_notify_task(by: User, task: Any, note: str = "") -> list[User]:
    """Send the regulation's notices of a missed payment and close the task. A second
    completion (a double click, a re-run) sends nothing more: each notice has a key."""
    from dunwell.ladder import services as ladder

    if task.action != "notify_supervisor":
        raise WorkError(_("This is not a notification task."))
    _check_can_work(by, task)
    done = _ladder_call(ladder.complete_task, task, user=by, result=note or NOTIFIED)
    counterparty = done.counterparty
    url = reverse("work:debtor", args=[counterparty.pk])
    notified = []
    # The date the window ends and who takes over then, not the notice's own task title ("…
    # (Payment missed: notify the manager and the supervisor)"), which told its readers nothing.
    deadline = negotiation_deadline(done)
    message = (
        _(
            "%(debtor)s missed a payment: settle it by negotiation by %(deadline)s; after that"
            " the lawyers send the pretension."
        )
        if deadline is not None
        else _(
            "%(debtor)s missed a payment: settle it by negotiation within the regulation's "
            "window (%(task)s)."
        )
    )
    for person in notify_recipients(counterparty):
        sent = notify(
            person,
            Notification.Kind.PAYMENT_MISSED,
            message,
            counterparty,
            url,
            key=notify_key(done),
            params={
                "debtor": counterparty.name,
                "task": done.beside_debtor_in_each_language,
                "deadline": deadline,
            },
        )
        if sent is not None:
            notified.append(person)
    _timeline(
        counterparty,
        by,
        "work.task.notified",
        gettext("Payment missed: notified %(who)s")
        % {"who": ", ".join(str(p) for p in notified) or "—"},
        {"task": done.pk, "notified": [p.pk for p in notified]},
    )
    return notified


def complete_task_with_note(by: User, task: Any, note: str) -> Any:
    """Mark a task done that has no page of its own (a meeting, the director's decision …)."""
    from dunwell.ladder import services as ladder

    _check_can_work(by, task)
    if not note.strip():
        raise WorkError(_("Note: write what was done."))
    return _ladder_call(ladder.complete_task, task, user=by, result=note)


def skip_task(by: User, task: Any, reason: str) -> Any:
    """A manager closes a task without doing it; the reason is kept on the timeline."""
    from dunwell.ladder import services as ladder

    return _ladder_call(ladder.skip_task, task, user=by, reason=reason)


# --- notes on the debtor card (issue 16, item 4) ---------------------------------------------

NOTE_KIND = "work.note"


def _note_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkError(_("Note: write something first."))
    if len(text) > NOTE_MAX_LENGTH:
        raise WorkError(
            _("Note: at most %(max)d characters (this one has %(n)d).")
            % {"max": NOTE_MAX_LENGTH, "n": len(text)}
        )
    return text


def _note_entry(note: Note) -> TimelineEntry | None:
    return (
        TimelineEntry.objects.select_for_update()
        .filter(counterparty_id=note.counterparty_id, kind=NOTE_KIND, data__note=note.pk)
        .first()
    )


@transaction.atomic
def add_note(user: User, counterparty: Counterparty, text: str, pinned: bool = False) -> Note:
    """Write a free note on the debtor; its timeline entry is written with it."""
    if not visibility.can_write_note(user, counterparty.pk):
        raise WorkError(_("You cannot write notes on this debtor."))
    text = _note_text(text)
    now = timezone.now()
    note = Note.objects.create(
        counterparty=counterparty,
        author=user,
        text=text,
        pinned=pinned,
        pinned_at=now if pinned else None,
        created_at=now,
    )
    _timeline(counterparty, user, NOTE_KIND, text, {"note": note.pk}, at=now)
    return note


@transaction.atomic
def pin_note(user: User, note: Note, pinned: bool) -> Note:
    """Pin a note to the top of the card, or take it down."""
    if not visibility.can_write_note(user, note.counterparty_id):
        raise WorkError(_("You cannot change notes on this debtor."))
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.pinned != pinned:
        note.pinned = pinned
        note.pinned_at = timezone.now() if pinned else None
        note.save(update_fields=["pinned", "pinned_at"])
    return note


@transaction.atomic
def edit_note(user: User, note: Note, text: str) -> Note:
    """Change a note's words (its author, or a manager); the timeline entry follows."""
    if not visibility.can_change_note(user, note):
        raise WorkError(_("Only the author or a supervisor can change this note."))
    text = _note_text(text)
    note = Note.objects.select_for_update().get(pk=note.pk)
    note.text = text
    note.edited_at = timezone.now()
    note.save(update_fields=["text", "edited_at"])
    entry = _note_entry(note)
    if entry is not None:
        entry.summary = text
        entry.data = {**entry.data, "edited_at": note.edited_at.isoformat(), "editor": user.pk}
        entry.save(update_fields=["summary", "data"])
    return note


@transaction.atomic
def delete_note(user: User, note: Note) -> None:
    """Delete a note (its author, or a manager). The timeline keeps that a note was deleted
    and by whom, not its words."""
    if not visibility.can_change_note(user, note):
        raise WorkError(_("Only the author or a supervisor can delete this note."))
    entry = _note_entry(note)
    if entry is not None:
        entry.summary = ""
        entry.data = {
            "note": note.pk,
            "deleted_by": user.pk,
            "deleted_at": timezone.now().isoformat(),
        }
        entry.save(update_fields=["summary", "data"])
    Note.objects.filter(pk=note.pk).delete()


def remember_timeline_filter(user: User, choice: str) -> None:
    """Keep the user's last timeline filter for the next card they open."""
    CardPreference.objects.update_or_create(user=user, defaults={"timeline_filter": choice})
