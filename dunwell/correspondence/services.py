"""Registering letters and assigning received emails. Register numbers are per company,
direction and year, handed out under the company's row lock so two registrations never share
one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_see_counterparty, can_triage_mail
from dunwell.correspondence.models import (
    Direction,
    InboundMessage,
    InboundState,
    KnownAddress,
    MatchedBy,
    PaperLetter,
)
from dunwell.ledger.models import Company, Counterparty, TimelineEntry

SCAN_MAX_BYTES = 20 * 1024 * 1024
SCAN_KINDS = frozenset({"pdf", "jpg"})


class CorrespondenceError(Exception):
    """A letter cannot be registered or changed, or an email assigned; names the field."""

    def __init__(self, message: StrOrPromise, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def next_number(company: Company, direction: str, on: date) -> str:
    """The next register number ("OUT-2026-0007"); call inside the registering transaction."""
    prefix = f"{'IN' if direction == Direction.INCOMING else 'OUT'}-{on.year}-"
    numbers = PaperLetter.objects.filter(
        company=company, our_number__startswith=prefix
    ).values_list("our_number", flat=True)
    last = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


@transaction.atomic
def register_letter(
    *,
    company: Company,
    counterparty: Counterparty,
    direction: str,
    on: date,
    party: str,
    subject: str,
    by: User | None,
    message_id: int | None = None,
    legal_case_id: int | None = None,
    their_number: str = "",
    tracking_number: str = "",
    delivered_on: date | None = None,
    scan: UploadedFile | None = None,
) -> PaperLetter:
    """Register one letter with the next number. An outbox message is registered once: asking
    again returns its letter. A delivered outgoing letter of a legal case feeds the case's
    pretension deadline (`_feed_legal_case`)."""
    if message_id is not None:
        existing = PaperLetter.objects.filter(message_id=message_id).first()
        if existing is not None:
            return existing
    # The company's row lock, held to the commit, serialises the numbering (on SQLite the write
    # transaction does).
    list(Company.objects.select_for_update().filter(pk=company.pk).values_list("pk", flat=True))
    _check_case(counterparty, legal_case_id)
    letter = PaperLetter(
        company=company,
        counterparty=counterparty,
        direction=direction,
        date=on,
        our_number=next_number(company, direction, on),
        their_number=their_number,
        party=party[:255],
        subject=subject[:500],
        message_id=message_id,
        legal_case_id=legal_case_id,
        tracking_number=tracking_number,
        delivered_on=delivered_on,
        registered_by=by,
        registered_at=timezone.now(),
    )
    if scan is not None:
        _attach_scan(letter, scan)
    letter.save()
    _timeline_letter(letter, by, "correspondence.letter_registered")
    if delivered_on is not None:
        _feed_legal_case(letter, by)
    return letter


def check_scan(upload: UploadedFile) -> tuple[bytes, str]:
    """The scan's content and extension: a PDF or a JPEG by its first bytes, as the task files
    are checked (dunwell.work.uploads)."""
    from dunwell.work.uploads import UploadRejected, check_upload

    if upload.size is not None and upload.size > SCAN_MAX_BYTES:
        raise CorrespondenceError(_("The scan is larger than 20 MB."), "scan")
    content = upload.read(SCAN_MAX_BYTES + 1)
    try:
        kind, _type = check_upload(upload.name or "", content, SCAN_MAX_BYTES)
    except UploadRejected as exc:
        messages = {
            "size": _("The scan is larger than 20 MB."),
            "empty": _("The scan is empty."),
            "extension": _("The scan's name does not match its content (a PDF must end in .pdf)."),
        }
        raise CorrespondenceError(
            messages.get(exc.code, _("A scan must be a PDF or a JPEG image.")), "scan"
        ) from exc
    if kind not in SCAN_KINDS:
        raise CorrespondenceError(_("A scan must be a PDF or a JPEG image."), "scan")
    return content, ".pdf" if kind == "pdf" else ".jpg"


def _attach_scan(letter: PaperLetter, upload: UploadedFile) -> None:
    from django.core.files.base import ContentFile

    content, extension = check_scan(upload)
    letter.scan.save(f"{letter.our_number}{extension}", ContentFile(content), save=False)


def _check_case(counterparty: Counterparty, legal_case_id: int | None) -> None:
    from dunwell.legal.models import LegalCase

    if legal_case_id is None:
        return
    if not LegalCase.objects.filter(pk=legal_case_id, counterparty=counterparty).exists():
        raise CorrespondenceError(_("The legal case is not this debtor's."), "legal_case")


def _timeline_letter(letter: PaperLetter, by: User | None, kind: str) -> None:
    TimelineEntry.objects.create(
        counterparty_id=letter.counterparty_id,
        at=timezone.now(),
        actor=by,
        kind=kind,
        summary=f"{letter.our_number}: {letter.subject}",
        data={
            "letter": letter.pk,
            "number": letter.our_number,
            "direction": letter.direction,
            "subject": letter.subject,
            "party": letter.party,
            "delivered_on": letter.delivered_on.isoformat() if letter.delivered_on else None,
            "url": reverse("correspondence:letter", args=[letter.pk]),
        },
    )


def _feed_legal_case(letter: PaperLetter, by: User | None) -> None:
    """A delivered pretension starts the debtor's period to answer it. The register takes an
    outgoing letter linked to a legal case whose pretension is not recorded yet as that
    pretension, and records it through the legal track's own service with the DELIVERY date:
    the claim period runs from the day the debtor received the claim (Ukraine: the month to
    answer a claim counts from its receipt; Russia, Civil Code art. 165.1: a legally
    significant message takes effect when delivered; counting from delivery is never earlier
    than a rule that counts from sending). A pretension recorded on the case before is left as
    the lawyer recorded it."""
    from dunwell.legal import services as legal
    from dunwell.legal.errors import LegalError
    from dunwell.legal.models import Channel

    if (
        letter.direction != Direction.OUTGOING
        or letter.legal_case_id is None
        or letter.delivered_on is None
    ):
        return
    case = letter.legal_case
    assert case is not None
    if case.pretension_sent_on is not None:
        return
    if by is None or not legal.can_work_cases(by):
        raise CorrespondenceError(
            _(
                "Only lawyers, finance and the director record a pretension's delivery on a "
                "legal case."
            ),
            "delivered_on",
        )
    try:
        legal.record_pretension_sent(case, by, sent_on=letter.delivered_on, channel=Channel.POST)
    except LegalError as exc:
        raise CorrespondenceError(str(exc), "delivered_on") from exc


LETTER_FIELDS = frozenset(
    {"date", "their_number", "party", "subject", "tracking_number", "delivered_on", "legal_case"}
)


@transaction.atomic
def update_letter(
    letter: PaperLetter, by: User, *, scan: UploadedFile | None = None, **changes: Any
) -> PaperLetter:
    """Change a registered letter (its number stays); a delivery date entered now feeds the
    legal case as on registration."""
    if not can_see_counterparty(by, letter.counterparty_id):
        raise CorrespondenceError(_("You cannot change this debtor's letters."))
    letter = PaperLetter.objects.select_for_update().get(pk=letter.pk)
    unknown = set(changes) - LETTER_FIELDS
    if unknown:
        raise ValueError(f"not letter fields: {sorted(unknown)}")
    was_delivered = letter.delivered_on
    if "legal_case" in changes:
        case = changes.pop("legal_case")
        _check_case(letter.counterparty, case.pk if case is not None else None)
        letter.legal_case = case
    for name, value in changes.items():
        setattr(letter, name, value)
    if scan is not None:
        _attach_scan(letter, scan)
    letter.save()
    _timeline_letter(letter, by, "correspondence.letter_changed")
    if letter.delivered_on is not None and letter.delivered_on != was_delivered:
        _feed_legal_case(letter, by)
    return letter


# --- received emails ---------------------------------------------------------------------------


@transaction.atomic
def assign_message(message: InboundMessage, counterparty: Counterparty, by: User) -> InboundMessage:
    """Give an email from the triage to a debtor, or move one the matcher placed on the wrong
    debtor: it goes on the debtor's timeline (the former debtor's timeline says where it went),
    the collector is told, and the sender's address is learned for the next mail."""
    from dunwell.correspondence.inbound import put_on_debtor

    if not can_triage_mail(by):
        raise CorrespondenceError(_("Only supervisors, finance and the director sort the mail."))
    message = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.state == InboundState.BOUNCE:
        raise CorrespondenceError(_("A bounce belongs to the message it reports."))
    if message.counterparty_id == counterparty.pk:
        raise CorrespondenceError(_("The email is already on this debtor."))
    if message.state == InboundState.MATCHED and message.counterparty_id is not None:
        TimelineEntry.objects.create(
            counterparty_id=message.counterparty_id,
            at=timezone.now(),
            actor=by,
            kind="correspondence.email_moved",
            summary=f"{message.from_email}: {message.subject} → {counterparty.name}",
            data={
                "message": message.pk,
                "from": message.from_email,
                "subject": message.subject,
                "to_debtor": counterparty.name,
            },
        )
    put_on_debtor(message, counterparty, MatchedBy.ASSIGNED, actor=by)
    message.assigned_by = by
    message.assigned_at = timezone.now()
    message.save(update_fields=["assigned_by", "assigned_at"])
    address = message.from_email.strip().lower()
    if address:
        KnownAddress.objects.update_or_create(
            email=address,
            defaults={
                "counterparty": counterparty,
                "learned_from": message,
                "created_by": by,
                "created_at": timezone.now(),
            },
        )
    return message
