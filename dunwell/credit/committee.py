"""Services of the credit committee (issue 13, item 5): limit requests, meetings and their
agenda, votes, the chair's decision (applied through `services.set_limit`, the one limit
service), reviews filed by the worker when a limit's review date comes, and the recorded
negotiation of a request or an order over the limit (item 6).

Each service runs in one transaction with its timeline entry; a decision is also an outbox
event (`credit.decided`, with `"subject": "limit_request"`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from time import monotonic

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_chair,
    can_file_limit_request,
    can_record_negotiation,
    can_run_committee,
    can_vote,
    can_withdraw_limit_request,
    committee_members,
    credit_approvers,
)
from dunwell.credit.models import (
    OPEN_REQUEST_STATUSES,
    CommitteeMeeting,
    CommitteeVote,
    CreditApprovalRequest,
    CreditLimit,
    LimitRequest,
    LimitSource,
    MeetingStatus,
    Negotiation,
    RequestKind,
    RequestStatus,
    Vote,
    committee_limit_reason,
)
from dunwell.credit.services import CreditError, _timeline, set_limit
from dunwell.ledger.models import Counterparty
from dunwell.money import MAX_AMOUNT, Money, quantize
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit
from dunwell.work.services import notify

# What an uploaded recording may be (the HTML5 player plays these).
RECORDING_TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}
MAX_RECORDING_BYTES = 50 * 1024 * 1024


def _open_request_exists(counterparty: Counterparty) -> bool:
    return LimitRequest.objects.filter(
        counterparty=counterparty, status__in=OPEN_REQUEST_STATUSES
    ).exists()


def file_limit_request(
    user: User,
    counterparty: Counterparty,
    *,
    kind: str,
    currency: str,
    requested_limit: Decimal | None,
    requested_term_days: int | None,
    justification: str,
    order_ref: str = "",
) -> LimitRequest:
    """A sales manager (or credit controller) asks the committee for a new or changed limit
    or payment term; the credit deciders are told. One open request per customer."""
    if not can_file_limit_request(user, counterparty.pk):
        raise CreditError(_("You may not file a limit request for this customer."))
    if kind not in {RequestKind.NEW_LIMIT, RequestKind.CHANGE_LIMIT, RequestKind.CHANGE_TERM}:
        raise CreditError(_("Choose what is requested."), "kind")
    justification = justification.strip()
    if not justification:
        raise CreditError(_("Give the justification of the request."), "justification")
    if kind != RequestKind.CHANGE_TERM and requested_limit is None:
        raise CreditError(_("Give the requested limit."), "requested_limit")
    if kind == RequestKind.CHANGE_TERM and requested_term_days is None:
        raise CreditError(_("Give the requested payment term."), "requested_term_days")
    if requested_limit is not None and not 0 <= requested_limit <= MAX_AMOUNT:
        raise CreditError(_("The requested limit is out of range."), "requested_limit")
    now = timezone.now()
    try:
        with transaction.atomic():
            if _open_request_exists(counterparty):
                raise CreditError(_("This customer already has an open limit request."))
            request = LimitRequest.objects.create(
                counterparty=counterparty,
                kind=kind,
                currency=currency,
                requested_limit=quantize(requested_limit) if requested_limit is not None else None,
                requested_term_days=requested_term_days,
                justification=justification,
                order_ref=order_ref.strip()[:64],
                filed_by=user,
                filed_at=now,
            )
            _timeline(
                counterparty.pk,
                user,
                "limit_requested",
                f"Limit request #{request.pk} ({kind}) filed by {user}",
                request=request.pk,
                request_kind=kind,
                by_name=str(user),
            )
            _tell_deciders(request)
    except IntegrityError:  # another request was filed at the same moment
        raise CreditError(_("This customer already has an open limit request.")) from None
    return request


def _tell_deciders(request: LimitRequest) -> None:
    url = reverse("credit:request", kwargs={"pk": request.pk})
    for person in credit_approvers():
        notify(
            person,
            "other",
            _("Limit request for %(name)s waits for the credit committee."),
            counterparty=request.counterparty,
            url=url,
            key=f"limit-request:{request.pk}",
            params={"name": request.counterparty.name},
        )


def withdraw_limit_request(user: User, request: LimitRequest) -> None:
    if not can_withdraw_limit_request(user, request):
        raise CreditError(_("Only whoever filed the request or a credit controller withdraws it."))
    with transaction.atomic():
        changed = LimitRequest.objects.filter(
            pk=request.pk, status__in=OPEN_REQUEST_STATUSES
        ).update(status=RequestStatus.WITHDRAWN, meeting=None)
        if changed != 1:
            raise CreditError(_("This request is no longer open."))
        request.refresh_from_db()
        _timeline(
            request.counterparty_id,
            user,
            "limit_request_withdrawn",
            f"Limit request #{request.pk} withdrawn by {user}",
            request=request.pk,
            by_name=str(user),
        )


def plan_meeting(
    user: User, *, day: date, chair: User, members: Iterable[User], place: str = ""
) -> CommitteeMeeting:
    """A new committee meeting; the chair sits on it whether listed or not."""
    if not can_run_committee(user):
        raise CreditError(_("Only a credit controller or the director sets up a meeting."))
    allowed = set(committee_members().values_list("pk", flat=True))
    people = {m.pk: m for m in members}
    if chair.pk not in allowed:
        raise CreditError(_("This person cannot chair a credit committee."), "chair")
    if set(people) - allowed:
        raise CreditError(_("This person cannot sit on a credit committee."), "members")
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.create(
            day=day, place=place.strip(), chair=chair, created_by=user, created_at=timezone.now()
        )
        meeting.members.set([chair.pk, *people])
    return meeting


def put_on_agenda(user: User, meeting: CommitteeMeeting, requests: Iterable[int]) -> int:
    """Filed requests join the meeting's agenda; returns how many did (a request already on
    another agenda is left where it is)."""
    if not (can_run_committee(user) or can_chair(user, meeting)):
        raise CreditError(_("Only a credit controller or the chair sets the agenda."))
    if meeting.status != MeetingStatus.PLANNED:
        raise CreditError(_("This meeting is closed."))
    with transaction.atomic():
        return LimitRequest.objects.filter(
            pk__in=list(requests), status=RequestStatus.FILED
        ).update(status=RequestStatus.ON_AGENDA, meeting=meeting)


def take_off_agenda(user: User, request: LimitRequest) -> None:
    """Back to the filed requests (for a later meeting)."""
    meeting = request.meeting
    if meeting is None or not (can_run_committee(user) or can_chair(user, meeting)):
        raise CreditError(_("Only a credit controller or the chair sets the agenda."))
    changed = LimitRequest.objects.filter(pk=request.pk, status=RequestStatus.ON_AGENDA).update(
        status=RequestStatus.FILED, meeting=None
    )
    if changed != 1:
        raise CreditError(_("This request is not on an agenda."))


def _on_open_agenda(request: LimitRequest) -> CommitteeMeeting:
    meeting = request.meeting
    if request.status != RequestStatus.ON_AGENDA or meeting is None:
        raise CreditError(_("This request is not on an agenda."))
    if meeting.status != MeetingStatus.PLANNED:
        raise CreditError(_("This meeting is closed."))
    return meeting


def cast_vote(user: User, request: LimitRequest, vote: str, comment: str = "") -> CommitteeVote:
    """A member's vote on an agenda item (a second vote replaces the first until the chair
    decides)."""
    meeting = _on_open_agenda(request)
    if not can_vote(user, meeting):
        raise CreditError(_("Only the members of the meeting vote."))
    if vote not in Vote.values:
        raise CreditError(_("Choose approve, reject or abstain."), "vote")
    with transaction.atomic():
        row, _created = CommitteeVote.objects.update_or_create(
            request=request,
            member=user,
            defaults={"vote": vote, "comment": comment.strip(), "voted_at": timezone.now()},
        )
    return row


@dataclass(frozen=True)
class CommitteeDecision:
    limit: Decimal
    term_days: int
    review_on: date
    conditions: str = ""


def decide_limit_request(
    user: User, request: LimitRequest, decision: CommitteeDecision
) -> CreditLimit:
    """The chair decides an agenda item: the limit, term, conditions and review date. The
    limit applies from the meeting's day through `set_limit` (source "committee"), on the
    customer's timeline and as a `credit.decided` event."""
    meeting = _on_open_agenda(request)
    if not can_chair(user, meeting):
        raise CreditError(_("Only the chair of the meeting decides."))
    if not 0 <= decision.limit <= MAX_AMOUNT:
        raise CreditError(_("The limit is out of range."), "limit")
    if decision.review_on <= meeting.day:
        raise CreditError(_("The review date must come after the meeting."), "review_on")
    now = timezone.now()
    conditions = decision.conditions.strip()
    with transaction.atomic():
        # Claimed with a conditional update: a second submit cannot decide twice.
        changed = LimitRequest.objects.filter(pk=request.pk, status=RequestStatus.ON_AGENDA).update(
            status=RequestStatus.DECIDED,
            decided_limit=quantize(decision.limit),
            decided_term_days=decision.term_days,
            conditions=conditions,
            review_on=decision.review_on,
            decided_by=user,
            decided_at=now,
        )
        if changed != 1:
            raise CreditError(_("This request was already decided."))
        valid_from = max(meeting.day, timezone.localdate())
        before = (
            CreditLimit.objects.filter(
                counterparty_id=request.counterparty_id, valid_from__lte=valid_from
            )
            .order_by("-valid_from", "-id")
            .first()
        )
        reason = committee_limit_reason(meeting.day, request.pk, conditions)
        limit = set_limit(
            request.counterparty,
            user,
            currency=request.currency,
            total=decision.limit,
            valid_from=valid_from,
            reason=reason,
            review_on=decision.review_on,
            term_days=decision.term_days,
            source=LimitSource.COMMITTEE,
        )
        LimitRequest.objects.filter(pk=request.pk).update(applied_limit=limit)
        request.refresh_from_db()
        _timeline(
            request.counterparty_id,
            user,
            "committee_decided",
            f"Credit committee of {meeting.day:%d.%m.%Y}: limit {limit.total} {limit.currency}, "
            f"{decision.term_days} days, review on {decision.review_on:%d.%m.%Y}",
            request=request.pk,
            meeting=meeting.pk,
            day=meeting.day.isoformat(),
            total=str(limit.total),
            currency=limit.currency,
            term_days=decision.term_days,
            review_on=decision.review_on.isoformat(),
            conditions=conditions,
        )
        emit(
            EventKind.CREDIT_DECIDED,
            counterparty_id=request.counterparty_id,
            company_id=request.counterparty.company_id,
            subject="limit_request",
            request=request.pk,
            meeting=meeting.pk,
            limit=str(limit.total),
            currency=limit.currency,
            term_days=decision.term_days,
            review_on=decision.review_on.isoformat(),
            conditions=conditions,
            by=user.username,
        )
        if request.filed_by is not None and request.filed_by != user:
            # The notice's label already says "Credit committee": the message says what it
            # decided, so that the pair does not read "Credit committee | The credit committee
            # decided".
            notify(
                request.filed_by,
                "credit_committee",
                _decision_message(before, limit),
                counterparty=request.counterparty,
                url=reverse("credit:request", kwargs={"pk": request.pk}),
                params={
                    "name": request.counterparty.name,
                    "limit": Money(limit.total or Decimal(0), limit.currency),
                    "term": _days(decision.term_days),
                },
            )
    return limit


def _days(n: int) -> StrOrPromise:
    """ "30 days", translated into whichever language a notice is rendered in."""
    return lazy(lambda: ngettext("%(n)d day", "%(n)d days", n) % {"n": n}, str)()


def _decision_message(before: CreditLimit | None, after: CreditLimit) -> StrOrPromise:
    """What the committee did to the limit, against the limit in force before it."""
    if before is None or before.total is None or before.currency != after.currency:
        return _("Credit limit for %(name)s set at %(limit)s, payment term %(term)s.")
    if after.total is not None and after.total > before.total:
        return _("Credit limit for %(name)s raised to %(limit)s, payment term %(term)s.")
    if after.total is not None and after.total < before.total:
        return _("Credit limit for %(name)s lowered to %(limit)s, payment term %(term)s.")
    return _("Credit limit for %(name)s kept at %(limit)s, payment term %(term)s.")


def close_meeting(user: User, meeting: CommitteeMeeting) -> int:
    """The chair closes the meeting; items not decided go back to the filed requests for the
    next one. Returns how many went back."""
    if not can_chair(user, meeting):
        raise CreditError(_("Only the chair of the meeting closes it."))
    with transaction.atomic():
        changed = CommitteeMeeting.objects.filter(
            pk=meeting.pk, status=MeetingStatus.PLANNED
        ).update(status=MeetingStatus.CLOSED, closed_at=timezone.now())
        if changed != 1:
            raise CreditError(_("This meeting is closed."))
        meeting.refresh_from_db()
        return LimitRequest.objects.filter(meeting=meeting, status=RequestStatus.ON_AGENDA).update(
            status=RequestStatus.FILED, meeting=None
        )


def file_due_reviews(today: date | None = None) -> int:
    """The worker's job: a review request for every limit in force whose review date has come,
    unless the customer has an open request or this limit was already brought back once.
    Idempotent, and safe with several workers (one open request per customer)."""
    day = today or timezone.localdate()
    latest = (
        CreditLimit.objects.filter(counterparty=OuterRef("counterparty"), valid_from__lte=day)
        .order_by("-valid_from", "-id")
        .values("pk")[:1]
    )
    open_request = LimitRequest.objects.filter(
        counterparty=OuterRef("counterparty"), status__in=OPEN_REQUEST_STATUSES
    )
    reviewed = LimitRequest.objects.filter(review_of=OuterRef("pk"))
    due = (
        CreditLimit.objects.filter(review_on__lte=day, pk=Subquery(latest))
        .exclude(Exists(open_request))
        .exclude(Exists(reviewed))
        .select_related("counterparty")
        .order_by("review_on", "pk")
    )
    filed = 0
    now = timezone.now()
    for limit in due[:1000]:
        try:
            with transaction.atomic():
                request = LimitRequest.objects.create(
                    counterparty=limit.counterparty,
                    kind=RequestKind.REVIEW,
                    currency=limit.currency,
                    requested_limit=limit.total,
                    requested_term_days=limit.term_days,
                    review_of=limit,
                    filed_at=now,
                )
                _timeline(
                    limit.counterparty_id,
                    None,
                    "limit_review_due",
                    f"Review of the credit limit due on {limit.review_on:%d.%m.%Y}",
                    request=request.pk,
                    review_on=limit.review_on.isoformat() if limit.review_on else None,
                )
                _tell_deciders(request)
        except IntegrityError:  # another worker filed it first
            continue
        filed += 1
    return filed


# The worker runs every job every minute; review dates are days, so once an hour is plenty.
REVIEW_EVERY_SECONDS = 3600
_last_review_run: list[float] = []


def file_due_reviews_periodically() -> int:
    """The worker's entry (dunwell/periodic.py): `file_due_reviews` at most once an hour in
    each process."""
    now = monotonic()
    if _last_review_run and now - _last_review_run[0] < REVIEW_EVERY_SECONDS:
        return 0
    _last_review_run[:] = [now]
    return file_due_reviews()


def record_negotiation(
    user: User,
    *,
    limit_request: LimitRequest | None = None,
    approval_request: CreditApprovalRequest | None = None,
    agreed_term_days: int | None,
    agreed_schedule: str,
    notes: str,
    recording: UploadedFile | None = None,
    call_id: int | None = None,
) -> Negotiation:
    """The agreed payment terms and the recording (an upload or a recorded call of the
    customer) or notes of the negotiation; a second record replaces what it gives."""
    owner = limit_request or approval_request
    if owner is None or (limit_request is not None and approval_request is not None):
        raise CreditError(_("A negotiation belongs to one request."))
    counterparty_id = owner.counterparty_id
    if not can_record_negotiation(user, counterparty_id):
        raise CreditError(_("You may not record a negotiation for this customer."))
    call = None
    if call_id is not None:
        from dunwell.telephony.models import Call

        call = Call.objects.filter(pk=call_id, counterparty_id=counterparty_id).first()
        if call is None or not call.recording:
            raise CreditError(_("No recorded call of this customer with that number."), "call")
    if recording is not None:
        name = (recording.name or "").lower()
        if not any(name.endswith(ext) for ext in RECORDING_TYPES):
            raise CreditError(
                _("A recording is an audio file: %(types)s.")
                % {"types": ", ".join(sorted(RECORDING_TYPES))},
                "recording",
            )
        if (recording.size or 0) > MAX_RECORDING_BYTES:
            raise CreditError(_("The recording is larger than 50 MB."), "recording")
    if not (notes.strip() or recording or call or agreed_schedule.strip() or agreed_term_days):
        raise CreditError(_("Give the agreed terms, a recording or notes."), "notes")
    with transaction.atomic():
        found = Negotiation.objects.filter(
            limit_request=limit_request, approval_request=approval_request
        ).first()
        row = found or Negotiation(limit_request=limit_request, approval_request=approval_request)
        row.agreed_term_days = agreed_term_days
        row.agreed_schedule = agreed_schedule.strip()
        row.notes = notes.strip()
        if call is not None:
            row.call = call
        row.recorded_by = user
        row.recorded_at = timezone.now()
        if recording is not None:
            row.recording.save(recording.name or "recording", recording, save=False)
        row.save()
        _timeline(
            counterparty_id,
            user,
            "negotiation_recorded",
            f"Negotiation recorded by {user}",
            negotiation=row.pk,
            by_name=str(user),
            term_days=agreed_term_days,
        )
    return row
