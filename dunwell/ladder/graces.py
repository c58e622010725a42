"""Grace periods for key clients (DESIGN §1.4): management grants, extends and ends them;
the director approves those for key customers and those longer than the limit.

One function per user action, one transaction each, a timeline entry in it. A grace pauses
the ladder while its `until` has not passed (the engine reads `Grace.until`); a request that
waits for the director pauses nothing. Ending a grace moves its `until` to yesterday, so the
ladder resumes at the next run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from dunwell.accounts.grace_rules import GRACE_APPROVERS, can_approve_grace, can_manage_grace
from dunwell.accounts.models import Role, User
from dunwell.ladder import hooks, nightly
from dunwell.ladder.models import (
    Grace,
    GraceRequest,
    GraceRequestStatus,
)
from dunwell.ladder.services import LadderError
from dunwell.ladder.services import recheck as _recheck
from dunwell.ladder.services import write_timeline as _timeline
from dunwell.ledger.models import Counterparty

GRACE_REQUEST_NOTICE = _("%(who)s asks for a grace for %(debtor)s until %(until)s.")
GRACE_APPROVED_NOTICE = _("%(who)s approved the grace for %(debtor)s until %(until)s.")
GRACE_REFUSED_NOTICE = _("%(who)s refused the grace for %(debtor)s: %(comment)s")
# Segments whose graces always need the director (DESIGN §1.4: key customers).
KEY_SEGMENTS = frozenset({"key"})
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class GraceError(LadderError):
    """A grace action that cannot be done; `field` names the form field at fault."""

    def __init__(self, message: StrOrPromise, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def max_days() -> int:
    """The longest grace management grants alone (LADDER_GRACE_MAX_DAYS, default 60 days);
    a longer one needs the director."""
    return int(getattr(settings, "LADDER_GRACE_MAX_DAYS", 60))


def clean_limits(limits: Mapping[str, Any] | None) -> dict[str, str]:
    """{"RUB": Decimal("100000")} → {"RUB": "100000.00"}; a bad code or amount is an error
    naming the currency's field."""
    out: dict[str, str] = {}
    for currency, raw in (limits or {}).items():
        if raw is None or raw == "":
            continue
        code = str(currency).upper()
        if not _CURRENCY.match(code):
            raise GraceError(_("Unknown currency code."), field=f"limit_{currency}")
        try:
            amount = Decimal(str(raw)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise GraceError(_("Not an amount."), field=f"limit_{code}") from None
        if amount <= 0:
            raise GraceError(_("The limit must be positive."), field=f"limit_{code}")
        out[code] = str(amount)
    return out


def _check_covers(counterparty: Counterparty, limits: Mapping[str, str]) -> None:
    """A limit below what the debtor owes now in that currency would end the grace the next
    night (the nightly run ends a grace whose capped amount is exceeded): refuse it here."""
    owed = dict(open_by_currency(counterparty))
    for code, text in sorted(limits.items()):
        amount = owed.get(code, Decimal("0"))
        if Decimal(text) < amount:
            raise GraceError(
                _("The debtor owes %(amount)s %(currency)s now; the limit must cover it.")
                % {"amount": amount, "currency": code},
                field=f"limit_{code}",
            )


def active_grace(counterparty: Counterparty, today: date | None = None) -> Grace | None:
    today = today or timezone.localdate()
    return (
        Grace.objects.filter(counterparty=counterparty, ended_at=None, until__gte=today)
        .order_by("-until")
        .first()
    )


def why_director(counterparty: Counterparty, until: date, today: date) -> str:
    """Why this grace needs the director's approval, as codes ("" when it does not):
    "key_customer" and/or "longer_than:N" (GraceRequest.approval_reasons translates them)."""
    reasons = []
    if counterparty.segment.code in KEY_SEGMENTS:
        reasons.append("key_customer")
    if (until - today).days > max_days():
        reasons.append(f"longer_than:{max_days()}")
    return ",".join(reasons)


def _check(user: User, counterparty: Counterparty, until: date, reason: str, today: date) -> None:
    if not can_manage_grace(user, counterparty.pk):
        raise GraceError(_("Only management can grant a grace period for this debtor."))
    if until <= today:
        raise GraceError(_("The grace must last beyond today."), field="until")
    if not reason.strip():
        raise GraceError(_("A grace period needs a reason."), field="reason")


def _describe(until: date, limits: Mapping[str, str]) -> str:
    text = f"until {until:%d.%m.%Y}"
    if limits:
        text += " (limit " + ", ".join(f"{a} {c}" for c, a in sorted(limits.items())) + ")"
    return text


def _request(
    counterparty: Counterparty,
    grace: Grace | None,
    until: date,
    reason: str,
    limits: dict[str, str],
    user: User,
    why: str,
) -> GraceRequest:
    if GraceRequest.objects.filter(
        counterparty=counterparty, status=GraceRequestStatus.PENDING
    ).exists():
        raise GraceError(_("A grace request for this debtor is already waiting for the director."))
    request = GraceRequest.objects.create(
        counterparty=counterparty,
        grace=grace,
        until=until,
        reason=reason,
        limits=limits,
        why_approval=why,
        requested_by=user,
        requested_at=timezone.now(),
    )
    directors = User.objects.filter(is_active=True, role__in=GRACE_APPROVERS - {Role.ADMIN})
    for director_id in directors.values_list("id", flat=True):
        nightly.notify(
            director_id,
            "approval",
            GRACE_REQUEST_NOTICE,
            {"debtor": counterparty.name, "until": until, "who": str(user)},
            counterparty.pk,
            f"grace_request:{request.pk}",
        )
    _timeline(
        counterparty.pk,
        user,
        "grace_requested",
        f"Grace {'extension ' if grace else ''}requested {_describe(until, limits)}, "
        f"needs the director ({why}): {reason}",
        request=request.pk,
        until=until.isoformat(),
        limits=limits,
        reason=reason,
        extension=grace is not None,
    )
    return request


def _grant(
    counterparty: Counterparty,
    until: date,
    reason: str,
    limits: dict[str, str],
    approver: User,
    actor: User,
    today: date,
) -> Grace:
    grace = Grace.objects.create(
        counterparty=counterparty,
        until=until,
        reason=reason,
        limits=limits,
        approved_by=approver,
        approved_at=timezone.now(),
    )
    _recheck(counterparty.pk, today)
    _timeline(
        counterparty.pk,
        actor,
        "grace_granted",
        f"Grace granted {_describe(until, limits)}: {reason}",
        grace=grace.pk,
        until=until.isoformat(),
        limits=limits,
        approved_by=approver.pk,
        reason=reason,
    )
    return grace


def _extend(
    grace: Grace, until: date, reason: str, limits: dict[str, str], approver: User, actor: User
) -> Grace:
    old = grace.until
    grace.until = until
    grace.limits = limits
    grace.reason = reason
    grace.approved_by = approver
    grace.approved_at = timezone.now()
    grace.save(update_fields=["until", "limits", "reason", "approved_by", "approved_at"])
    _timeline(
        grace.counterparty_id,
        actor,
        "grace_extended",
        f"Grace extended from {old:%d.%m.%Y} {_describe(until, limits)}: {reason}",
        grace=grace.pk,
        until=until.isoformat(),
        previous=old.isoformat(),
        limits=limits,
        reason=reason,
    )
    return grace


@transaction.atomic
def grant_grace(
    *,
    counterparty: Counterparty,
    until: date,
    reason: str,
    user: User,
    limits: Mapping[str, Any] | None = None,
) -> Grace | GraceRequest:
    """Forgive the debtor's delay until `until` (the ladder pauses), covering at most
    `limits` per currency. A key customer or a grace longer than the limit needs the director:
    then a request is stored and nothing pauses until the director approves it."""
    today = timezone.localdate()
    counterparty = Counterparty.objects.select_for_update().get(pk=counterparty.pk)
    _check(user, counterparty, until, reason, today)
    cleaned = clean_limits(limits)
    _check_covers(counterparty, cleaned)
    if active_grace(counterparty, today) is not None:
        raise GraceError(_("This debtor already has a grace: extend or end it."))
    why = why_director(counterparty, until, today)
    if why and not can_approve_grace(user, counterparty.pk):
        return _request(counterparty, None, until, reason, cleaned, user, why)
    return _grant(counterparty, until, reason, cleaned, user, user, today)


@transaction.atomic
def extend_grace(
    grace: Grace,
    *,
    until: date,
    reason: str,
    user: User,
    limits: Mapping[str, Any] | None = None,
) -> Grace | GraceRequest:
    """Move an active grace's end later (and set its limits); same approval rule as a grant."""
    today = timezone.localdate()
    grace = (
        Grace.objects.select_for_update().select_related("counterparty__segment").get(pk=grace.pk)
    )
    counterparty = grace.counterparty
    _check(user, counterparty, until, reason, today)
    if grace.ended_at is not None or grace.until < today:
        raise GraceError(_("This grace has ended; grant a new one."))
    if until <= grace.until:
        raise GraceError(_("An extension must end after the current grace."), field="until")
    cleaned = clean_limits(limits)
    _check_covers(counterparty, cleaned)
    why = why_director(counterparty, until, today)
    if why and not can_approve_grace(user, counterparty.pk):
        return _request(counterparty, grace, until, reason, cleaned, user, why)
    return _extend(grace, until, reason, cleaned, user, user)


@transaction.atomic
def end_grace(grace: Grace, *, user: User, reason: str) -> Grace:
    """End a grace today: the ladder resumes at the next run."""
    grace = Grace.objects.select_for_update().get(pk=grace.pk)
    if not can_manage_grace(user, grace.counterparty_id):
        raise GraceError(_("Only management can end a grace period for this debtor."))
    if not reason.strip():
        raise GraceError(_("Say why the grace ends."), field="end_reason")
    today = timezone.localdate()
    if grace.ended_at is not None or grace.until < today:
        raise GraceError(_("This grace has already ended."))
    grace.until = today - timedelta(days=1)
    grace.ended_at = timezone.now()
    grace.ended_by = user
    grace.end_reason = reason
    grace.save(update_fields=["until", "ended_at", "ended_by", "end_reason"])
    _recheck(grace.counterparty_id, today)
    _timeline(
        grace.counterparty_id,
        user,
        "grace_ended",
        f"Grace ended by hand: {reason}",
        grace=grace.pk,
        reason=reason,
    )
    return grace


@transaction.atomic
def decide_request(
    request: GraceRequest, *, user: User, approve: bool, comment: str = ""
) -> GraceRequest:
    """The director approves (the grace starts or is extended) or rejects a request."""
    request = (
        GraceRequest.objects.select_for_update()
        .select_related("counterparty__segment", "requested_by")
        .get(pk=request.pk)
    )
    if not can_approve_grace(user, request.counterparty_id):
        raise GraceError(_("Only the director approves this grace."))
    if request.status != GraceRequestStatus.PENDING:
        raise GraceError(_("This request has already been decided."))
    if not approve and not comment.strip():
        raise GraceError(_("Say why the grace is rejected."), field="comment")
    today = timezone.localdate()
    request.status = GraceRequestStatus.APPROVED if approve else GraceRequestStatus.REJECTED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.comment = comment
    request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    # the directors' "asks for a grace" notices are answered, whoever of them decided
    hooks.notices_settled(f"grace_request:{request.pk}")
    if not approve:
        _timeline(
            request.counterparty_id,
            user,
            "grace_rejected",
            f"Grace request rejected: {comment}",
            request=request.pk,
            comment=comment,
        )
        _tell_decision(request, user)
        return request
    if request.until <= today:
        raise GraceError(_("The requested grace would already be over."))
    if request.grace is not None and request.grace.ended_at is None:
        _extend(request.grace, request.until, request.reason, request.limits, user, user)
    elif active_grace(request.counterparty, today) is not None:
        raise GraceError(_("This debtor already has a grace: extend or end it."))
    else:
        _grant(
            request.counterparty, request.until, request.reason, request.limits, user, user, today
        )
    _tell_decision(request, user)
    return request


def _tell_decision(request: GraceRequest, user: User) -> None:
    """The one who asked and the debtor's collector learn the director's answer, each in their
    language (the decider is not told their own). Without it a request was decided and nobody
    who asked ever heard."""
    counterparty = request.counterparty
    recipients = {request.requested_by_id, counterparty.collector_id} - {None, user.pk}
    approved = request.status == GraceRequestStatus.APPROVED
    for recipient_id in sorted(r for r in recipients if r is not None):
        nightly.notify(
            recipient_id,
            "decision",
            GRACE_APPROVED_NOTICE if approved else GRACE_REFUSED_NOTICE,
            {
                "who": str(user),
                "debtor": counterparty.name,
                "until": request.until,
                "comment": request.comment,
            },
            counterparty.pk,
            f"grace_decision:{request.pk}",
        )


def days_left_text(grace: Grace, today: date) -> str:
    """ "3 days left" in the active language, with its plural form (день/дня/дней)."""
    days = (grace.until - today).days + 1
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


# --- reading ---------------------------------------------------------------------------------


def open_by_currency(counterparty: Counterparty) -> list[tuple[str, Decimal]]:
    """The debtor's open amount per currency (never added across currencies)."""
    from django.db.models import Sum

    from dunwell.ledger.models import Document

    return [
        (row["currency"], Decimal(str(row["total"])).quantize(Decimal("0.01")))
        for row in Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
        .values("currency")
        .annotate(total=Sum("open_amount"))
        .order_by("currency")
    ]


def pending_requests(user: User) -> list[GraceRequest]:
    """The grace requests waiting for `user`'s approval (the debtors they may approve for)."""
    from dunwell.accounts.visibility import counterparty_filter

    if not (user.is_superuser or user.role in GRACE_APPROVERS):
        return []
    return list(
        GraceRequest.objects.filter(status=GraceRequestStatus.PENDING)
        .filter(counterparty_filter(user, "counterparty__"))
        .select_related("counterparty", "requested_by")
        .order_by("requested_at")[:500]
    )


def overview(counterparty: Counterparty, today: date) -> dict[str, Any]:
    """What the grace page shows: the active grace, waiting requests, the history."""
    grace = active_grace(counterparty, today)
    return {
        "grace": grace,
        "days_left": days_left_text(grace, today) if grace else "",
        "limits": sorted(grace.limits.items()) if grace else [],
        "pending": list(
            GraceRequest.objects.filter(
                counterparty=counterparty, status=GraceRequestStatus.PENDING
            ).select_related("requested_by")
        ),
        "history": list(
            Grace.objects.filter(counterparty=counterparty)
            .select_related("approved_by", "ended_by")
            .order_by("-approved_at")[:50]
        ),
        "open_amounts": open_by_currency(counterparty),
    }
