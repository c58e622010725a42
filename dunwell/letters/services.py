"""Letters and mailings: wordings (saved as new versions, approved by a manager), the
composer's two doors out (email through the outbox, print for post with a register number),
the ladder's automatic steps, and personal mass mailings.

Every message goes through `dunwell.mail.services.queue_message` (or, for a mailing's
thousands, `queue_many` below, which writes the same rows with the same Message-ID rule), and a
ladder task is completed through `dunwell.work.services.record_written_step`."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_see_counterparty,
    can_work_task,
    counterparty_filter,
    is_manager,
)
from dunwell.ladder.models import OPEN_STATUSES, PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Company, Contact, Counterparty, Document, TimelineEntry
from dunwell.letters import kinds
from dunwell.letters.drafting import Draft, Sender, draft
from dunwell.letters.engine import WordingSyntaxError, compile_wording
from dunwell.letters.models import KindSetting, Mailing, MailingDebtor, MailingState, Wording
from dunwell.letters.situation import (
    ContactInfo,
    Situation,
    choose_recipient,
    situations,
    unusable_reason,
)
from dunwell.letters.threats import find_threats
from dunwell.mail.models import Channel, MessageState, OutgoingAttachment, OutgoingMessage
from dunwell.mail.services import (
    Attachment,
    MailError,
    new_message_id,
    queue_message,
    sender_for,
)

log = logging.getLogger(__name__)

WRITTEN_ACTIONS = ("letter", "email", "final_warning")
BATCH = 500


class LetterError(Exception):
    """A letter, wording or mailing action that cannot be done; the message is for the user
    and names the field when one is at fault."""

    def __init__(self, message: StrOrPromise, field: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- wordings --------------------------------------------------------------------------------


def current_wording(kind: str, language: str) -> Wording | None:
    """The newest version of the kind in `language`, else in English."""
    for lang in (language, "en"):
        found = Wording.objects.filter(kind=kind, language=lang).order_by("-version").first()
        if found is not None:
            return found
    return None


def check_wording(kind: str, language: str, subject: str, body: str) -> None:
    """Refuse a wording that does not parse, or that threatens before the legal stage."""
    for name, text in (("subject", subject), ("body", body)):
        if not text.strip():
            raise LetterError(_("This field is required."), name)
        try:
            compile_wording(text)
        except WordingSyntaxError as exc:
            raise LetterError(
                _("The text cannot be read as a template: %(error)s") % {"error": exc}, name
            ) from exc
    if kind in kinds.PRE_LEGAL:
        for name, text in (("subject", subject), ("body", body)):
            words = find_threats(text, language)
            if words:
                raise LetterError(
                    _(
                        "A letter before the legal stage must not threaten: remove “%(words)s”. "
                        "Legal consequences belong to the legal-stage wording only."
                    )
                    % {"words": "”, “".join(words)},
                    name,
                )


@dataclass(frozen=True)
class WordingPreview:
    debtor: str
    draft: Draft


def wording_preview(
    by: User, *, kind: str, language: str, subject: str, body: str
) -> WordingPreview | None:
    """The wording being edited filled with one debtor's data, as the letter would read, in
    the wording's language: a debtor the user sees, writing in that language and overdue if
    there is one. None when the user sees no debtor. Checked as saving checks it."""
    check_wording(kind, language, subject, body)
    seen = Counterparty.objects.filter(counterparty_filter(by)).order_by("pk")
    candidates = list(seen.filter(language=language).values_list("pk", flat=True)[:20])
    candidates += list(seen.values_list("pk", flat=True)[:5])
    found = situations(candidates)
    if not found:
        return None
    chosen = next(
        (found[pk] for pk in candidates if pk in found and found[pk].total_overdue),
        found[next(pk for pk in candidates if pk in found)],
    )
    sample = dataclasses.replace(chosen, language=language)
    return WordingPreview(sample.name, draft(sample, subject, body, sender_of(by)))


@transaction.atomic
def save_wording(by: User, *, kind: str, language: str, subject: str, body: str) -> Wording:
    """Save the text as the kind's next version in `language` (not approved yet)."""
    if not is_manager(by):
        raise LetterError(_("Only a supervisor or the director can change wordings."))
    check_wording(kind, language, subject, body)
    last = Wording.objects.filter(kind=kind, language=language).aggregate(v=Max("version"))["v"]
    return Wording.objects.create(
        kind=kind,
        language=language,
        version=(last or 0) + 1,
        subject=subject.strip(),
        body=body.strip(),
        created_by=by,
        created_at=timezone.now(),
    )


@transaction.atomic
def approve_wording(by: User, wording: Wording) -> Wording:
    if not is_manager(by):
        raise LetterError(_("Only a supervisor or the director can approve wordings."))
    newest = current_wording(wording.kind, wording.language)
    if newest is None or newest.pk != wording.pk:
        raise LetterError(_("Only the newest version of a wording can be approved."))
    Wording.objects.filter(pk=wording.pk, approved_at__isnull=True).update(
        approved_by=by, approved_at=timezone.now()
    )
    wording.refresh_from_db()
    return wording


@transaction.atomic
def set_auto_send(by: User, kind: str, on: bool) -> KindSetting:
    if not is_manager(by):
        raise LetterError(_("Only a supervisor or the director can change wordings."))
    setting, _created = KindSetting.objects.get_or_create(kind=kind)
    setting.auto_send = on
    setting.updated_by = by
    setting.updated_at = timezone.now()
    setting.save()
    return setting


def auto_send_allowed(kind: str, language: str) -> bool:
    """Steps of this kind go out by themselves: switched on, and the wording the debtor would
    get (its language's newest version) approved by a manager."""
    if not KindSetting.objects.filter(kind=kind, auto_send=True).exists():
        return False
    wording = current_wording(kind, language)
    return wording is not None and wording.approved


# --- which wording a task writes with ---------------------------------------------------------


def kind_for_task(task: Task | None, counterparty: Counterparty) -> str:
    step = task.step if task is not None else None
    if step is None:
        return kinds.kind_for_step(None, (), counterparty.legal)
    steps = [
        kinds.StepInfo(s.order, s.action, s.trigger, s.days)
        for s in PolicyStep.objects.filter(policy_id=step.policy_id)
    ]
    this = next((s for s in steps if s.order == step.order), None)
    return kinds.kind_for_step(this, steps, counterparty.legal)


# --- the composer -------------------------------------------------------------------------


def sender_of(user: User | None) -> Sender:
    if user is None:
        return Sender(name="")
    return Sender(name=user.get_full_name() or user.username, email=user.email or "")


@dataclass
class Composition:
    situation: Situation
    kind: str
    wording: Wording | None
    draft: Draft
    task: Task | None = None
    contacts: list[ContactInfo] = field(default_factory=list)
    # The person the letter would be addressed to who cannot get it by email (the draft then
    # greets whoever it goes to).
    passed_over: ContactInfo | None = None


def compose(
    by: User, counterparty: Counterparty, task: Task | None = None, greet_id: int | None = None
) -> Composition:
    """The draft for this debtor (and task): its situation in the letter's language, written
    with the wording of the task's step. It greets the contact `greet_id` when given, else the
    addressee, or, when the addressee cannot get an email, the contact the email goes to (a
    letter greets the person who reads it)."""
    if not can_see_counterparty(by, counterparty.pk):
        raise LetterError(_("You do not have access to this debtor."))
    found = situations([counterparty.pk]).get(counterparty.pk)
    assert found is not None
    passed_over = None
    greeted = next((c for c in found.contacts if c.id == greet_id), None)
    if greeted is None and found.addressee is not None and not found.addressee.usable:
        greeted = choose_recipient(found.contacts)
        passed_over = found.addressee if greeted is not None else None
    if greeted is not None:
        found.addressee = greeted
    kind = kind_for_task(task, counterparty)
    wording = current_wording(kind, found.language)
    step = task.step.localized_name if task is not None and task.step is not None else ""
    if wording is None:
        made = Draft(subject="", body="", language=found.language, facts="")
    else:
        made = draft(found, wording.subject, wording.body, sender_of(by), step)
    return Composition(found, kind, wording, made, task, found.contacts, passed_over)


def check_no_threat(kind: str, language: str, subject: str, body: str, facts: str) -> None:
    """What the collector wrote must not threaten before the legal stage either; words that
    are part of the debtor's own history (a dispute's resolution) are not theirs."""
    if kind not in kinds.PRE_LEGAL:
        return
    known = set(find_threats(facts, language))
    words = [w for w in find_threats(f"{subject}\n{body}", language) if w not in known]
    if words:
        raise LetterError(
            _(
                "A letter before the legal stage must not threaten: remove “%(words)s”. "
                "Legal consequences belong to the legal-stage wording only."
            )
            % {"words": "”, “".join(words)},
            "body",
        )


def documents_pdfs(
    counterparty: Counterparty, language: str, which: Sequence[str]
) -> list[Attachment]:
    """The statement of account and/or reconciliation statement, one per currency, printed by
    the legal app's documents code."""
    return [
        Attachment(name, bytes(pages.write_pdf()), "application/pdf")
        for name, pages in documents_pages(counterparty, language, which)
    ]


def documents_pages(
    counterparty: Counterparty, language: str, which: Sequence[str]
) -> list[tuple[str, Any]]:
    """documents_pdfs' documents laid out (file name, WeasyPrint document): a letter printed
    for post prints their pages after its own."""
    from dunwell.legal.errors import LegalError
    from dunwell.legal.rendering import render_pages
    from dunwell.legal.selectors import snapshot

    today = timezone.localdate()
    currencies = list(
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0, cancelled=False)
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    ) or [counterparty.company.currency]
    out: list[tuple[str, Any]] = []
    for kind in which:
        for currency in currencies:
            params: dict[str, Any] = {"currency": currency}
            if kind == "reconciliation":
                params.update(start=date(today.year, 1, 1), end=today)
            try:
                data = snapshot(kind, counterparty, language, today, **params)
                pages = render_pages(kind, language, data)
            except LegalError as exc:
                raise LetterError(exc.message, "attachments") from exc
            with translation.override(language):
                label = gettext("statement") if kind == "statement" else gettext("reconciliation")
            out.append((f"{label}-{currency}.pdf", pages))
    return out


def _eml(message: OutgoingMessage, attachments: Sequence[Attachment]) -> bytes:
    """The email as sent, for the task's file and the timeline."""
    eml = EmailMessage()
    eml["Subject"] = message.subject
    eml["From"] = message.from_email or "dunwell"
    eml["To"] = message.to_email
    eml["Message-ID"] = message.message_id
    eml.set_content(message.body_text)
    for a in attachments:
        maintype, _sep, subtype = a.content_type.partition("/")
        eml.add_attachment(a.content, maintype=maintype, subtype=subtype, filename=a.filename)
    return bytes(eml)


def _timeline(
    counterparty: Counterparty, by: User | None, summary: str, data: dict[str, Any]
) -> None:
    TimelineEntry.objects.create(
        counterparty=counterparty,
        at=timezone.now(),
        actor=by,
        kind="letters.sent",
        summary=summary,
        data=data,
    )


def _complete(
    by: User,
    task: Task | None,
    method: str,
    name: str,
    content: bytes,
    ctype: str,
    note: str,
    *,
    result: str = "",
    timeline: bool = True,
) -> bool:
    """Complete the ladder task with the letter as its file; False when there is no open task
    to complete (the caller then writes the timeline entry itself)."""
    from dunwell.work.errors import WorkError
    from dunwell.work.services import record_written_step

    if task is None:
        return False
    task.refresh_from_db()
    if task.status not in OPEN_STATUSES:
        return False  # done by hand already: this letter is an extra one
    try:
        record_written_step(
            by,
            task,
            method=method,
            file_name=name,
            content=content,
            content_type=ctype,
            note=note,
            result=result,
            timeline=timeline,
        )
    except WorkError as exc:
        raise LetterError(exc.message) from exc
    return True


def _check_task(by: User, counterparty: Counterparty, task: Task | None) -> None:
    if not can_see_counterparty(by, counterparty.pk):
        raise LetterError(_("You do not have access to this debtor."))
    if task is not None:
        if task.counterparty_id != counterparty.pk:
            raise LetterError(_("The task belongs to another debtor."))
        if not can_work_task(by, task):
            raise LetterError(
                _("Only the person the task is given to, or their manager, can do it.")
            )


@transaction.atomic
def send_email(
    by: User,
    counterparty: Counterparty,
    *,
    task: Task | None,
    contact_id: int | None,
    subject: str,
    body: str,
    attach: Sequence[str] = (),
    token: str = "",
    note: str = "",
    in_reply_to: str = "",
    greets: int | None = None,
) -> OutgoingMessage:
    """Queue the letter as an email to the chosen contact with the ticked documents, and
    complete the task with the email as sent. A double submit (the same task, or the same
    composer token) queues once. `in_reply_to`: the Message-ID of the debtor's email it
    answers, so that the answer stays in their thread. `greets`: the contact the composer's
    draft greets; the email goes to no one else."""
    _check_task(by, counterparty, task)
    composed = compose(by, counterparty, task, greets)
    check_no_threat(composed.kind, composed.situation.language, subject, body, composed.draft.facts)
    contact = next((c for c in composed.contacts if c.id == contact_id), None)
    if contact is None:
        raise LetterError(_("Choose the contact to write to."), "contact")
    if not contact.usable:
        raise LetterError(
            _("%(name)s's address cannot be used: %(why)s")
            % {"name": contact.name, "why": unusable_text(contact)},
            "contact",
        )
    greeted = next((c for c in composed.contacts if c.id == greets), None)
    if greeted is not None and greeted.id != contact.id:
        raise LetterError(
            _(
                "The letter greets %(greeted)s, not %(name)s: send it to %(greeted)s, or write "
                "it again for %(name)s."
            )
            % {"greeted": greeted.name, "name": contact.name},
            "contact",
        )
    if not subject.strip():
        raise LetterError(_("This field is required."), "subject")
    if not body.strip():
        raise LetterError(_("This field is required."), "body")
    key = f"compose:task:{task.pk}" if task is not None else f"compose:{token}" if token else ""
    if key:
        existing = OutgoingMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing
    files = documents_pdfs(counterparty, composed.situation.language, attach)
    try:
        message = queue_message(
            company=counterparty.company,
            subject=subject.strip(),
            text=body.strip() + "\n",
            to=contact.email,
            channel=Channel.EMAIL,
            counterparty=counterparty,
            contact=Contact.objects.get(pk=contact.id),
            sender=by,
            created_by=by,
            language=composed.situation.language,
            attachments=files,
            source=f"task:{task.pk}" if task is not None else "composer",
            task_id=task.pk if task is not None else None,
            key=key,
            in_reply_to=in_reply_to,
        )
    except MailError as exc:
        raise LetterError(str(exc), "contact") from exc
    content = _eml(message, files)
    name = f"email-{timezone.localdate():%Y%m%d}-{message.pk}.eml"
    # Queued, not sent: the task is done (the collector's part is), its result and the
    # timeline say "queued for sending"; the outbox writes "sent" or "not delivered" later.
    result = EMAIL_QUEUED % {"to": message.to_email, "subject": message.subject}
    _complete(
        by, task, "email", name, content, "message/rfc822", note, result=result, timeline=False
    )
    _queued_entry(counterparty, by, message, [f.filename for f in files], task)
    return message


# The task's result when the composer queued its email (stored in English, read in the
# reader's language: ladder.models.TASK_RESULTS, registered in apps.py).
EMAIL_QUEUED = gettext_noop("Email “%(subject)s” to %(to)s queued for sending")


def _queued_entry(
    counterparty: Counterparty,
    by: User,
    message: OutgoingMessage,
    files: list[str],
    task: Task | None,
) -> None:
    from dunwell.letters.timeline_texts import queued_text

    TimelineEntry.objects.create(
        counterparty=counterparty,
        at=timezone.now(),
        actor=by,
        kind="letters.queued",
        summary=queued_text(message, files),
        data={
            "message": message.pk,
            "method": "email",
            "files": files,
            **({"task": task.pk} if task is not None else {}),
        },
    )


def unusable_text(contact: ContactInfo) -> str:
    if contact.unusable == "bad":
        return gettext("the address was refused (%(reason)s)") % {
            "reason": contact.bad_reason or "—"
        }
    if contact.unusable == "opted_out":
        return gettext("the contact asked not to receive emails")
    if contact.unusable == "none":
        return gettext("no email address")
    return ""


def letter_pdf(
    counterparty: Counterparty, language: str, *, number: str, on: date, addressee: str,
    subject: str, body: str, company: str, enclosed: Sequence[Any] = (),
) -> bytes:  # fmt: skip
    """The letter printed for the post (WeasyPrint, as the legal documents are), followed by
    the pages of the documents `enclosed` with it (laid-out WeasyPrint documents)."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "letters/letter_pdf.html",
            {
                "number": number,
                "on": on,
                "company": company,
                "debtor": counterparty,
                "addressee": addressee,
                "subject": subject,
                "paragraphs": [p for p in body.strip().split("\n\n") if p.strip()],
                "language": language,
            },
        )
    letter = HTML(string=html).render()
    pages = [page for document in (letter, *enclosed) for page in document.pages]
    return bytes(letter.copy(pages).write_pdf())


@dataclass
class Printed:
    message: OutgoingMessage
    number: str
    pdf: bytes


@transaction.atomic
def print_for_post(
    by: User,
    counterparty: Counterparty,
    *,
    task: Task | None,
    subject: str,
    body: str,
    attach: Sequence[str] = (),
    token: str = "",
    note: str = "",
    greets: int | None = None,
) -> Printed:
    """The letter as a PDF with its register number, an outbox message on the post channel,
    the outgoing register's entry, and the task completed with the PDF (once, as above)."""
    from dunwell.correspondence.models import Direction
    from dunwell.correspondence.services import register_letter

    _check_task(by, counterparty, task)
    composed = compose(by, counterparty, task, greets)
    language = composed.situation.language
    check_no_threat(composed.kind, language, subject, body, composed.draft.facts)
    if not subject.strip():
        raise LetterError(_("This field is required."), "subject")
    if not body.strip():
        raise LetterError(_("This field is required."), "body")
    key = f"post:task:{task.pk}" if task is not None else f"post:{token}" if token else ""
    existing = OutgoingMessage.objects.filter(key=key).first() if key else None
    # What is ticked is printed after the letter, to go in the same envelope (also when the
    # letter is printed again).
    enclosed = documents_pages(counterparty, language, attach)
    files = (
        []
        if existing is not None
        else [
            Attachment(name, bytes(pages.write_pdf()), "application/pdf")
            for name, pages in enclosed
        ]
    )
    addressee = composed.situation.addressee
    party = f"{addressee.name}, {counterparty.name}" if addressee is not None else counterparty.name
    message = existing or queue_message(
        company=counterparty.company,
        subject=subject.strip(),
        text=body.strip() + "\n",
        channel=Channel.POST,
        postal_address=f"{party}\n{counterparty.address}".strip(),
        counterparty=counterparty,
        sender=by,
        created_by=by,
        language=language,
        attachments=files,
        source=f"task:{task.pk}" if task is not None else "composer",
        task_id=task.pk if task is not None else None,
        key=key,
    )
    today = timezone.localdate()
    letter = register_letter(
        company=counterparty.company,
        counterparty=counterparty,
        direction=Direction.OUTGOING,
        on=today,
        party=party,
        subject=message.subject,
        by=by,
        message_id=message.pk,
    )
    pdf = letter_pdf(
        counterparty,
        language,
        number=letter.our_number,
        on=letter.date,
        addressee=party,
        subject=message.subject,
        body=message.body_text,
        company=counterparty.company.name,
        enclosed=[pages for _name, pages in enclosed],
    )
    name = f"{letter.our_number}.pdf"
    if not message.attachments.filter(filename=name).exists():
        _attach(message, Attachment(name, pdf, "application/pdf"))
    done = _complete(by, task, "post", name, pdf, "application/pdf", note)
    if not done and existing is None:
        _timeline(
            counterparty,
            by,
            gettext("Letter %(number)s “%(subject)s” printed for post")
            % {"number": letter.our_number, "subject": message.subject},
            {"message": message.pk, "method": "post", "number": letter.our_number},
        )
    return Printed(message, letter.our_number, pdf)


def _attach(message: OutgoingMessage, attachment: Attachment) -> None:
    """Add a file to a queued message (the printed letter, which needs the register number
    that exists only once the message does); stored as queue_message stores its own."""
    stored = OutgoingAttachment(
        message=message,
        filename=attachment.filename[:255],
        content_type=attachment.content_type,
        size=len(attachment.content),
    )
    stored.file.save(
        f"{message.pk}-{len(attachment.content)}", ContentFile(attachment.content), save=False
    )
    stored.save()


# --- the ladder's automatic steps ---------------------------------------------------------


def automatic_step_ids(auto: set[str]) -> list[int]:
    """The ladder steps (of every policy) whose wording kind is in `auto`."""
    by_policy: dict[int, list[tuple[int, kinds.StepInfo]]] = {}
    for pk, policy_id, order, action, trigger, days in PolicyStep.objects.values_list(
        "pk", "policy_id", "order", "action", "trigger", "days"
    ):
        by_policy.setdefault(policy_id, []).append(
            (pk, kinds.StepInfo(order, action, trigger, days))
        )
    ids = []
    for steps in by_policy.values():
        infos = [info for _pk, info in steps]
        for pk, info in steps:
            if info.action in WRITTEN_ACTIONS and kinds.kind_for_step(info, infos, False) in auto:
                ids.append(pk)
    return ids


def send_automatic_steps(now: Any = None) -> int:
    """Draft and queue the open letter/email tasks whose wording kind goes out by itself (and
    whose wording in the debtor's language is approved), on behalf of their assignee, to the
    addressee's usable email; the task is completed. A task without a usable address stays for
    the collector. Idempotent: a task's message is keyed by the task."""
    auto = set(KindSetting.objects.filter(auto_send=True).values_list("kind", flat=True))
    if not auto:
        return 0
    now = now or timezone.now()
    # Only the steps whose kind goes out by itself (and, for the legal kind, any written step
    # of a debtor on the legal track): tasks left for a collector are not re-read every minute.
    wanted = Q(step_id__in=automatic_step_ids(auto))
    if kinds.LEGAL in auto:
        wanted |= Q(counterparty__legal=True)
    tasks = (
        Task.objects.filter(
            wanted,
            status=TaskStatus.OPEN,
            action__in=WRITTEN_ACTIONS,
            step__isnull=False,
            assignee__isnull=False,
            due_at__lte=now,
        )
        .select_related("counterparty__company", "assignee", "step")
        .order_by("due_at", "id")
    )
    sent = 0
    for task in tasks.iterator(chunk_size=BATCH):
        if sent >= BATCH:
            break  # the rest next minute
        cp = task.counterparty
        kind = kind_for_task(task, cp)
        if kind not in auto:
            continue
        assert task.assignee is not None
        try:
            composed = compose(task.assignee, cp, task)
        except LetterError:
            continue
        if composed.wording is None or not auto_send_allowed(kind, composed.situation.language):
            continue
        recipient = choose_recipient(composed.contacts)
        if recipient is None:
            continue
        try:
            send_email(
                task.assignee,
                cp,
                task=task,
                contact_id=recipient.id,
                subject=composed.draft.subject,
                body=composed.draft.body,
                attach=("statement",),
                note=gettext("sent automatically (approved wording)"),
            )
        except LetterError as exc:
            log.warning("automatic letter for task %s not sent: %s", task.pk, exc)
            continue
        sent += 1
    return sent


def send_automatic_after_run(run: Any) -> None:
    send_automatic_steps()


# --- mailings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Who a mailing covers. `min_amount` applies to the open overdue amount in `currency`
    only (amounts of different currencies are never compared or added): a debtor qualifies
    when what it owes in that currency reaches it."""

    segment: str = ""
    min_days_overdue: int = 1
    max_days_overdue: int | None = None
    collector_id: int | None = None
    currency: str = ""
    min_amount: Decimal | None = None
    # Debtors picked by hand on the debtor list (empty: every debtor the filters match).
    counterparty_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "counterparty_ids": list(self.counterparty_ids),
            "segment": self.segment,
            "min_days_overdue": self.min_days_overdue,
            "max_days_overdue": self.max_days_overdue,
            "collector_id": self.collector_id,
            "currency": self.currency,
            "min_amount": str(self.min_amount) if self.min_amount is not None else None,
        }


# The fixed buckets the mailing form offered before it took the company's own (saved on the
# aging page, insight.models.saved_edges). A saved mailing keeps the days it was created with
# (`Mailing.filters` holds min/max days overdue, never a bucket), so nothing stored needs
# migrating; a form posted with one of these keys (a page opened before the change) still
# selects those days.
LEGACY_BUCKETS = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, None)}


def overdue_buckets() -> list[str]:
    """The company's overdue buckets as neutral labels ("1-15", "16-45", "45+"): the aging
    page's buckets without the not-yet-due one (a mailing writes about overdue debts)."""
    from dunwell.insight.models import saved_edges
    from dunwell.work.logic import bucket_labels, company_bounds

    return bucket_labels(company_bounds(saved_edges()))[1:]


def bucket_days(label: str) -> tuple[int | None, int | None]:
    """(at least, at most) days overdue of a bucket label, the company's first, else one of
    the fixed buckets of before; (None, None) for none."""
    from dunwell.insight.models import saved_edges
    from dunwell.work.logic import bucket_range, company_bounds

    if not label:
        return None, None
    if label in overdue_buckets():
        found = bucket_range(label, company_bounds(saved_edges()))
        if found is not None:
            low, high = found
            return (low or 0) + 1, high
    return LEGACY_BUCKETS.get(label, (None, None))


def select_debtors(
    by: User, selection: Selection, company_id: int | None = None, today: date | None = None
) -> list[int]:
    """The debtors the author sees with overdue documents matching the selection."""
    today = today or timezone.localdate()
    docs = Document.objects.filter(
        counterparty_filter(by, "counterparty__"),
        open_amount__gt=0,
        cancelled=False,
        due_date__lte=today - timedelta(days=max(selection.min_days_overdue, 1)),
        counterparty__written_off=False,
    )
    if company_id is not None:
        docs = docs.filter(company_id=company_id)
    if selection.max_days_overdue is not None:
        docs = docs.filter(due_date__gte=today - timedelta(days=selection.max_days_overdue))
    if selection.segment:
        docs = docs.filter(counterparty__segment__code=selection.segment)
    if selection.collector_id is not None:
        docs = docs.filter(counterparty__collector_id=selection.collector_id)
    if selection.currency:
        docs = docs.filter(currency=selection.currency)
    if selection.counterparty_ids:
        docs = docs.filter(counterparty_id__in=selection.counterparty_ids)
    rows = (
        docs.values("counterparty_id")
        .annotate(total=Sum("open_amount"))
        .order_by("counterparty_id")
    )
    if selection.min_amount is not None and selection.currency:
        rows = rows.filter(total__gte=selection.min_amount)
    return [row["counterparty_id"] for row in rows]


def _contacts_of(ids: Sequence[int]) -> dict[int, list[ContactInfo]]:
    out: dict[int, list[ContactInfo]] = {}
    # Someone who no longer works there is written to no more (`Contact.active`).
    for c in Contact.objects.filter(counterparty_id__in=ids, active=True).order_by("id"):
        out.setdefault(c.counterparty_id, []).append(
            ContactInfo(
                id=c.pk,
                name=c.name,
                position=c.position,
                email=c.email,
                language=c.language,
                decides_payments=c.decides_payments,
                accountant=c.accountant,
                unusable=unusable_reason(c.email, c.email_bad_at is not None, c.email_opt_out),
                bad_reason=c.email_bad_reason,
            )
        )
    return out


def no_address_labels() -> dict[str, str]:
    return {
        "no_contact": gettext("no contact"),
        "none": gettext("no email address"),
        "opted_out": gettext("asked not to receive emails"),
        "bad": gettext("the address was refused"),
    }


# Why a debtor the selection matched is left out of the mailing although it may have an
# address (stored in MailingDebtor.reason, as the no-address reasons are).
LEGAL_TRACK = "legal"
PAUSED = "paused"
WRITTEN_TODAY = "written_today"
LEFT_OUT = (LEGAL_TRACK, PAUSED, WRITTEN_TODAY)


def left_out_debtors(ids: Sequence[int], today: date | None = None) -> dict[int, str]:
    """The debtors not to write to now, and why: an open legal case (not closed or written
    off), or a pause the ladder honours too — a grace in force, or every overdue document held
    out by an active repayment agreement of its currency, by promises or by disputes (laid over
    the documents as the ladder lays them, `ladder.decide.held_amounts`, `ladder.holds`); and
    a debtor we already emailed today
    (by hand, a step or another mailing: a message not cancelled), so that nobody gets two
    emails from us the same day."""
    from dunwell.ladder.decide import held_amounts
    from dunwell.ladder.models import (
        Agreement,
        AgreementStatus,
        Dispute,
        DisputeStatus,
        Grace,
        Promise,
        PromiseStatus,
    )
    from dunwell.legal.models import FINAL_STAGES, LegalCase

    today = today or timezone.localdate()
    out: dict[int, str] = {}
    for start in range(0, len(ids), BATCH):
        batch = list(ids[start : start + BATCH])
        for cp_id in (
            LegalCase.objects.filter(counterparty_id__in=batch)
            .exclude(stage__in=FINAL_STAGES)
            .values_list("counterparty_id", flat=True)
        ):
            out[cp_id] = LEGAL_TRACK
        rest = [i for i in batch if i not in out]
        paused = set(
            Grace.objects.filter(counterparty_id__in=rest, until__gte=today).values_list(
                "counterparty_id", flat=True
            )
        )
        # An active repayment agreement holds the debt of its own currency (ladder.holds).
        agreed = set(
            Agreement.objects.filter(
                counterparty_id__in=rest, status=AgreementStatus.ACTIVE
            ).values_list("counterparty_id", "currency")
        )
        # Promises and disputes hold documents of their own currency (as the ladder's run).
        holds: dict[tuple[int, str], list[tuple[Decimal, list[int]]]] = {}
        for model, active in ((Promise, PromiseStatus.ACTIVE), (Dispute, DisputeStatus.OPEN)):
            found = list(
                model.objects.filter(counterparty_id__in=rest, status=active).values_list(
                    "id", "counterparty_id", "currency", "amount"
                )
            )
            docs: dict[int, list[int]] = {}
            for owner, doc_id in model.documents.through.objects.filter(
                **{f"{model._meta.model_name}_id__in": [f[0] for f in found]}
            ).values_list(f"{model._meta.model_name}_id", "document_id"):
                docs.setdefault(owner, []).append(doc_id)
            for pk, cp_id, currency, amount in found:
                holds.setdefault((cp_id, currency), []).append((amount, docs.get(pk, [])))
        held_cps = {cp for cp, _currency in (*holds, *agreed)} - paused
        if held_cps:
            open_docs: dict[tuple[int, str], list[tuple[int, date, Decimal]]] = {}
            for doc_id, cp_id, currency, due, amount in Document.objects.filter(
                counterparty_id__in=held_cps, open_amount__gt=0, cancelled=False
            ).values_list("id", "counterparty_id", "currency", "due_date", "open_amount"):
                open_docs.setdefault((cp_id, currency), []).append((doc_id, due, amount))
            unheld: set[int] = set()
            for (cp_id, currency), rows in open_docs.items():
                if (cp_id, currency) in agreed:
                    continue
                held = held_amounts(rows, holds.get((cp_id, currency), []))
                if any(
                    due < today and amount > held.get(doc_id, Decimal("0"))
                    for doc_id, due, amount in rows
                ):
                    unheld.add(cp_id)
            paused |= held_cps - unheld
        for cp_id in paused:
            out[cp_id] = PAUSED
        rest = [i for i in batch if i not in out]
        start_of_day = timezone.make_aware(datetime.combine(today, time.min))
        for cp_id in (
            OutgoingMessage.objects.filter(
                counterparty_id__in=rest, channel=Channel.EMAIL, created_at__gte=start_of_day
            )
            .exclude(state=MessageState.CANCELLED)
            .values_list("counterparty_id", flat=True)
            .distinct()
        ):
            if cp_id is not None:
                out[cp_id] = WRITTEN_TODAY
    return out


def left_out_counts(mailing: Mailing) -> list[str]:
    """The mailing page's lines on who is left out and why, each with its count."""
    counts = dict(
        mailing.rows.filter(reason__in=LEFT_OUT)
        .values_list("reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    lines = []
    if counts.get(LEGAL_TRACK):
        n = counts[LEGAL_TRACK]
        lines.append(
            ngettext(
                "%(n)s debtor is in the legal track: left out.",
                "%(n)s debtors are in the legal track: left out.",
                n,
            )
            % {"n": n}
        )
    if counts.get(PAUSED):
        n = counts[PAUSED]
        lines.append(
            ngettext(
                "%(n)s debtor has its debt paused by a grace, a repayment agreement, a promise "
                "or a dispute: left out.",
                "%(n)s debtors have their debt paused by a grace, a repayment agreement, a "
                "promise or a dispute: left out.",
                n,
            )
            % {"n": n}
        )
    if counts.get(WRITTEN_TODAY):
        n = counts[WRITTEN_TODAY]
        lines.append(
            ngettext(
                "%(n)s debtor already got an email from us today: left out.",
                "%(n)s debtors already got an email from us today: left out.",
                n,
            )
            % {"n": n}
        )
    return lines


def no_address_reason(contacts: Sequence[ContactInfo]) -> str:
    """Why a debtor gets no mailing message: no contact, no email, refused, or opted out."""
    if not contacts:
        return "no_contact"
    reasons = {c.unusable for c in contacts}
    if reasons == {"none"}:
        return "none"
    if "opted_out" in reasons:
        return "opted_out"
    return "bad"


@transaction.atomic
def create_mailing(
    by: User, selection: Selection, kind: str = kinds.FRIENDLY, company_id: int | None = None
) -> Mailing:
    """Fix who the mailing covers and the address of each (nothing is queued yet)."""
    if not is_manager(by):
        raise LetterError(_("Only a supervisor or the director can prepare mailings."))
    if kind not in kinds.KINDS:
        raise LetterError(_("Unknown wording."), "kind")
    if selection.min_amount is not None and not selection.currency:
        raise LetterError(_("Choose the currency the minimum amount is in."), "currency")
    mailing = Mailing.objects.create(
        company_id=company_id,
        kind=kind,
        filters=selection.to_json(),
        created_by=by,
        created_at=timezone.now(),
    )
    ids = select_debtors(by, selection, company_id)
    left_out = left_out_debtors(ids)
    rows: list[MailingDebtor] = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        contacts = _contacts_of(batch)
        for cp_id in batch:
            recipient = choose_recipient(contacts.get(cp_id, []))
            reason = "" if recipient else no_address_reason(contacts.get(cp_id, []))
            rows.append(
                MailingDebtor(
                    mailing=mailing,
                    counterparty_id=cp_id,
                    contact_id=recipient.id if recipient else None,
                    email=recipient.email if recipient else "",
                    reason=left_out.get(cp_id, reason),
                )
            )
    MailingDebtor.objects.bulk_create(rows, batch_size=BATCH)
    mailing.debtors = len(rows)
    mailing.without_address = sum(1 for r in rows if not r.email and r.reason not in LEFT_OUT)
    mailing.save(update_fields=["debtors", "without_address"])
    return mailing


def _wordings(kind: str) -> dict[str, Wording]:
    found: dict[str, Wording] = {}
    for w in Wording.objects.filter(kind=kind).order_by("language", "-version"):
        found.setdefault(w.language, w)
    return found


def mailing_sender(mailing: Mailing, counterparty: Counterparty) -> User | None:
    """Who a mailing's message to this debtor is from, signed by and answered to: the debtor's
    own collector, as the composer signs a letter; the one who prepared the mailing only when
    the debtor has none."""
    return counterparty.collector or mailing.created_by


def _drafts(
    mailing: Mailing, rows: Sequence[MailingDebtor]
) -> list[tuple[MailingDebtor, Situation, Draft]]:
    """Each row's message, signed by `mailing_sender` (rows come with counterparty__collector)."""
    wordings = _wordings(mailing.kind)
    found = situations([r.counterparty_id for r in rows])
    out = []
    for row in rows:
        situation = found.get(row.counterparty_id)
        wording = None
        if situation is not None:
            if row.contact_id is not None:
                chosen = next((c for c in situation.contacts if c.id == row.contact_id), None)
                if chosen is not None:
                    situation.addressee = chosen
            wording = wordings.get(situation.language) or wordings.get("en")
        if situation is None or wording is None:
            continue
        sender = sender_of(mailing_sender(mailing, row.counterparty))
        out.append((row, situation, draft(situation, wording.subject, wording.body, sender)))
    return out


def _to_write(mailing: Mailing) -> Any:
    """The mailing's rows that get a message: an address, and not left out."""
    return mailing.rows.exclude(email="").exclude(reason__in=LEFT_OUT)


def preview(mailing: Mailing, sample: int = 3) -> list[tuple[MailingDebtor, Situation, Draft]]:
    """A few of the mailing's messages, rendered as they would go out."""
    rows = list(
        _to_write(mailing)
        .select_related("counterparty__collector", "counterparty__company")
        .order_by("id")[:sample]
    )
    return _drafts(mailing, rows)


def queue_many(messages: Iterable[OutgoingMessage]) -> list[OutgoingMessage]:
    """Write many outbox messages at once: the same fields and Message-ID rule as
    `queue_message` (state queued, a Message-ID fixed now, a key queued once); messages whose
    key is already in the outbox are skipped. Returns the messages written."""
    batch = list(messages)
    keys = [m.key for m in batch if m.key]
    taken = set(OutgoingMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [m for m in batch if m.key not in taken]
    now = timezone.now()
    # The From, as queue_message fills it: once per company and sender, not per message (the
    # sender would otherwise look it up for every message it sends).
    companies = Company.objects.in_bulk({m.company_id for m in fresh if not m.from_email})
    senders: dict[tuple[int, int | None], str] = {}
    for m in fresh:
        if not m.from_email:
            pair = (m.company_id, m.sender_id)
            if pair not in senders:
                senders[pair] = sender_for(companies.get(m.company_id), m.sender)
            m.from_email = senders[pair]
        m.message_id = new_message_id()
        m.state = MessageState.QUEUED
        m.created_at = now
        m.subject = m.subject[:998]
    OutgoingMessage.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
    return fresh


def approve_mailing(by: User, mailing: Mailing) -> int:
    """Approve and queue: one message per debtor with a usable address, all its invoices in
    it. Approving again queues nothing more (the state changes once; keys
    mailing:{id}:{debtor} are queued once). Returns the number of messages queued now."""
    if not is_manager(by):
        raise LetterError(_("Only a supervisor or the director can approve mailings."))
    with transaction.atomic():
        changed = Mailing.objects.filter(pk=mailing.pk, state=MailingState.DRAFT).update(
            state=MailingState.APPROVED, approved_by=by, approved_at=timezone.now()
        )
    if not changed:
        mailing.refresh_from_db()
        return 0
    mailing.refresh_from_db()
    queued = 0
    # Who went into the legal track, got paused or got an email from us since the mailing was
    # prepared is left out now (the page counts them).
    now_out = left_out_debtors(list(_to_write(mailing).values_list("counterparty_id", flat=True)))
    for reason in LEFT_OUT:
        ids = [cp for cp, why in now_out.items() if why == reason]
        mailing.rows.filter(counterparty_id__in=ids).update(reason=reason)
    rows = (
        _to_write(mailing)
        .select_related("counterparty__company", "counterparty__collector")
        .order_by("id")
    )
    last = 0
    while True:
        chunk = list(rows.filter(id__gt=last)[:BATCH])
        if not chunk:
            break
        last = chunk[-1].pk
        with transaction.atomic():
            messages = []
            entries = []
            for row, _situation, made in _drafts(mailing, chunk):
                cp = row.counterparty
                messages.append(
                    OutgoingMessage(
                        company_id=cp.company_id,
                        counterparty_id=cp.pk,
                        contact_id=row.contact_id,
                        sender=mailing_sender(mailing, cp),
                        created_by=by,
                        channel=Channel.EMAIL,
                        to_email=row.email,
                        subject=made.subject,
                        body_text=made.body + "\n",
                        language=made.language,
                        source=f"mailing:{mailing.pk}",
                        key=f"mailing:{mailing.pk}:{cp.pk}",
                    )
                )
                entries.append(
                    TimelineEntry(
                        counterparty_id=cp.pk,
                        at=timezone.now(),
                        actor=by,
                        kind="letters.mailing",
                        summary=gettext("Mailing %(id)s: “%(subject)s” to %(to)s")
                        % {"id": mailing.pk, "subject": made.subject, "to": row.email},
                        data={"mailing": mailing.pk, "to": row.email},
                    )
                )
            written = {m.counterparty_id for m in queue_many(messages)}
            TimelineEntry.objects.bulk_create(
                [e for e in entries if e.counterparty_id in written], batch_size=BATCH
            )
            queued += len(written)
    Mailing.objects.filter(pk=mailing.pk).update(queued=queued)
    mailing.refresh_from_db()
    return queued


# A message in one of these states may still go out: the mailing is not done while any is.
LEFT_TO_SEND = (MessageState.QUEUED, MessageState.SENDING, MessageState.FAILED)


def progress(mailing: Mailing) -> dict[str, int]:
    """The mailing's messages in the outbox per state (`failed`: failed, will retry), their
    total (the states add up to it) and how many are `left` to send."""
    counts = dict.fromkeys(MessageState.values, 0)
    for state, n in (
        OutgoingMessage.objects.filter(source=f"mailing:{mailing.pk}")
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[state] = counts.get(state, 0) + n
    counts["total"] = sum(counts.values())
    counts["left"] = sum(counts[state] for state in LEFT_TO_SEND)
    return counts


def progress_text(counts: dict[str, int]) -> str:
    """The progress line: how many of the total are sent, then each other state with messages
    in it, by its name ("89 of 89 sent", "80 of 89 sent · queued: 6 · given up: 3")."""
    parts = [gettext("%(sent)s of %(total)s sent") % counts]
    for state in MessageState:
        if state != MessageState.SENT and counts.get(state.value):
            parts.append(
                gettext("%(state)s: %(n)s") % {"state": state.label, "n": counts[state.value]}
            )
    return " · ".join(parts)


def state_label(mailing: Mailing, counts: dict[str, int]) -> str:
    """The mailing's badge: waiting for approval; approved and queued while a message may
    still go out; done once nothing is left to send."""
    if mailing.state == MailingState.APPROVED and not counts["left"]:
        return pgettext("mailing", "done: nothing left to send")
    return str(mailing.get_state_display())


def state_labels(mailings: Sequence[Mailing]) -> list[tuple[Mailing, str]]:
    """The mailings list's badges, `state_label` of each, counted in one query."""
    left = dict(
        OutgoingMessage.objects.filter(
            source__in=[f"mailing:{m.pk}" for m in mailings], state__in=LEFT_TO_SEND
        )
        .values_list("source")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(m, state_label(m, {"left": left.get(f"mailing:{m.pk}", 0)})) for m in mailings]


def visible_mailings(by: User) -> Any:
    if not is_manager(by):
        return Mailing.objects.none()
    if by.sees_all:
        return Mailing.objects.all()
    return Mailing.objects.filter(Q(created_by=by))
