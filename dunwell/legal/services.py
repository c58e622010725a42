"""Legal-track actions: generate documents, open and advance legal cases, gate steps that need
the director's approval. Each runs in one transaction and writes the counterparty's timeline.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from dunwell import bulk
from dunwell.accounts.models import Role, User
from dunwell.idarray import set_arrays
from dunwell.interest.fx import rates_on
from dunwell.ladder.models import Action, Task, TaskStatus
from dunwell.ladder.services import complete_open_tasks, complete_task
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.legal import selectors
from dunwell.legal.deadline_titles import COURT_HEARING, RESPONSE_DUE
from dunwell.legal.deadlines import schedule_task
from dunwell.legal.errors import LegalError
from dunwell.legal.models import (
    FINAL_STAGES,
    Approval,
    CaseDeadline,
    CaseStage,
    CaseStep,
    DeadlineKind,
    GatedAction,
    GeneratedDocument,
    LegalCase,
    PaperKind,
)
from dunwell.legal.periods import moved_why, period_end
from dunwell.legal.rendering import render_docx, render_pdf
from dunwell.legal.timeline_texts import judgment_text, moved_text
from dunwell.legal.words import format_date
from dunwell.lookups import int_array
from dunwell.money import largest_currency
from dunwell.outbox.models import EventKind
from dunwell.outbox.services import emit_many, emit_select

KEY_SEGMENT = "key"
DEADLINE_HOUR = time(10, 0)  # deadlines land in the lawyer's calendar at 10:00 local time
# The ladder's legal steps that create or advance a case (see open_case_for_task).
LEGAL_TASK_ACTIONS = frozenset({"pretension", "hand_to_lawyer", "court_filing"})
# What the ladder's task reads as done when the case records its step: stored in English, read
# in the reader's language (ladder.models.TASK_RESULTS, registered in apps.py).
PRETENSION_SENT = gettext_noop("Pretension sent")
LAWSUIT_FILED = gettext_noop("Lawsuit filed")
# A hearing set for after the judgment (or a pretension's response still awaited) is not held:
# the judgment closes its calendar task with this result.
MOOT_AFTER_JUDGMENT = gettext_noop("Not needed: the judgment was given on %(date)s")
PREFIXES = {
    PaperKind.PRETENSION: "PR",
    PaperKind.RECONCILIATION: "RS",
    PaperKind.STATEMENT: "SA",
    PaperKind.SCHEDULE: "AG",
    PaperKind.PROTOCOL: "MP",
    PaperKind.FINAL_WARNING: "FW",
    PaperKind.STATEMENT_OF_CLAIM: "SC",
}


def can_work_cases(user: User) -> bool:
    """Lawyers, finance and the director run legal cases; collectors only look."""
    return bool(
        user.is_superuser or user.role in {Role.LAWYER, Role.FINANCE, Role.DIRECTOR, Role.ADMIN}
    )


def can_approve(user: User) -> bool:
    return bool(user.is_superuser or user.role in {Role.DIRECTOR, Role.ADMIN})


def _timeline(
    counterparty: Counterparty, user: User | None, kind: str, summary: str, data: dict[str, Any]
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        counterparty=counterparty,
        at=timezone.now(),
        actor=user,
        kind=kind,
        summary=summary,
        data=data,
    )


def _day(value: date) -> str:
    """A date in the project's short format for the active language."""
    return date_format(value, "SHORT_DATE_FORMAT")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return str(value)  # dates, decimals


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_plain))


# --- documents -------------------------------------------------------------------------------


def _number(counterparty: Counterparty, kind: str, today: date) -> str:
    n = GeneratedDocument.objects.filter(counterparty=counterparty, kind=kind).count() + 1
    while True:
        number = f"{PREFIXES[PaperKind(kind)]}-{today:%Y%m%d}-{counterparty.pk}-{n}"
        if not GeneratedDocument.objects.filter(
            company=counterparty.company, number=number
        ).exists():
            return number
        n += 1


def _same_letter(
    counterparty: Counterparty, kind: str, language: str, data: dict[str, Any]
) -> GeneratedDocument | None:
    """The document already made today from exactly this data: asking for it again (say as
    PDF after the DOCX) gives the same letter with the same number, not a new one."""
    wanted = _jsonable(data)
    for paper in GeneratedDocument.objects.filter(
        counterparty=counterparty, kind=kind, language=language
    ).order_by("-created_at", "-id")[:20]:
        made = {key: value for key, value in paper.data.items() if key != "number"}
        if made == wanted:
            return paper
    return None


def _add_pdf(paper: GeneratedDocument) -> GeneratedDocument:
    pdf_bytes = render_pdf(paper.kind, paper.language, paper.data)
    paper.pdf.save(f"{paper.number}.{paper.language}.pdf", ContentFile(pdf_bytes), save=False)
    name = paper.pdf.name or ""
    try:
        GeneratedDocument.objects.filter(pk=paper.pk).update(pdf=name)
    except Exception:
        paper.pdf.storage.delete(name)
        raise
    return paper


def generate_document(
    counterparty: Counterparty,
    kind: str,
    user: User | None,
    *,
    language: str = "",
    today: date | None = None,
    case: LegalCase | None = None,
    pdf: bool = True,
    **params: Any,
) -> GeneratedDocument:
    """Render a document of `kind` for the counterparty (DOCX and PDF, one number for both) in
    its language, store it with the data it was made from and note it on the timeline, in one
    transaction. The same data on the same day gives back the letter already made."""
    language = language or counterparty.language or "en"
    today = today or timezone.localdate()
    if case is None and kind in (PaperKind.PRETENSION, PaperKind.STATEMENT_OF_CLAIM):
        # The letter belongs to the debtor's case: its period becomes the case's deadline; a
        # statement of claim names the case's court and its pretension.
        case = (
            LegalCase.objects.filter(counterparty=counterparty)
            .exclude(stage__in=FINAL_STAGES)
            .first()
        )
    try:
        extra = {"case": case} if kind == PaperKind.STATEMENT_OF_CLAIM else {}
        data = selectors.snapshot(kind, counterparty, language, today, **params, **extra)
    except (LookupError, ValueError) as exc:  # e.g. no rate for the period in the rate tables
        raise LegalError(_("The document cannot be made: %(error)s") % {"error": exc}) from exc
    same = _same_letter(counterparty, kind, language, data)
    if same is not None:
        return _add_pdf(same) if pdf and not same.pdf else same
    data["number"] = _number(counterparty, kind, today)
    docx_bytes = render_docx(kind, language, data)
    pdf_bytes = render_pdf(kind, language, data) if pdf else b""
    stem = f"{data['number']}.{language}"
    saved: list[Any] = []
    try:
        with transaction.atomic():
            paper = GeneratedDocument(
                company=counterparty.company,
                counterparty=counterparty,
                case=case,
                kind=kind,
                language=language,
                number=data["number"],
                data=data,
                inputs=_jsonable(params),
                created_by=user,
                created_at=timezone.now(),
            )
            paper.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
            saved.append(paper.docx)
            if pdf_bytes:
                paper.pdf.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
                saved.append(paper.pdf)
            paper.save()
            if case is not None and kind == PaperKind.PRETENSION and case.stage == CaseStage.NEW:
                _advance(
                    case,
                    user,
                    CaseStage.PRETENSION_PREPARED,
                    "pretension_prepared",
                    _("Pretension %(number)s prepared") % {"number": paper.number},
                    {"document": paper.pk, "number": paper.number},
                )
            _timeline(
                counterparty,
                user,
                "legal.document_generated",
                _("%(kind)s %(number)s generated (%(language)s)")
                % {"kind": paper.get_kind_display(), "number": paper.number, "language": language},
                {"document": paper.pk, "kind": kind, "language": language, "number": paper.number},
            )
    except Exception:
        for field_file in saved:  # nothing half-written: no orphan files for a rolled-back row
            field_file.storage.delete(field_file.name)
        raise
    return paper


# --- cases -----------------------------------------------------------------------------------


def _step(
    case: LegalCase,
    user: User | None,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    source_task_id: int | None = None,
) -> CaseStep:
    data = _jsonable(data or {})
    step = CaseStep.objects.create(
        case=case,
        kind=kind,
        at=timezone.now(),
        actor=user,
        summary=summary,
        data=data,
        source_task_id=source_task_id,
    )
    _timeline(case.counterparty, user, f"legal.{kind}", summary, {"case": case.pk, **data})
    return step


def _advance(
    case: LegalCase,
    user: User | None,
    stage: str,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    source_task_id: int | None = None,
) -> None:
    previous = case.stage
    case.stage = stage
    case.save(update_fields=["stage"])
    _step(case, user, kind, summary, {"stage": stage, **(data or {})}, source_task_id)
    if previous != stage:
        _stages_changed([(case.pk, case.counterparty_id, case.company_id, previous, stage)])


def _stages_changed(changes: Sequence[tuple[int, int, int, str | None, str]]) -> None:
    """Webhook events: (case, counterparty, company, previous stage or None, new stage)."""
    emit_many(
        EventKind.LEGAL_STAGE_CHANGED,
        [
            {
                "counterparty_id": cp_id,
                "company_id": company_id,
                "data": {"case": case_id, "from": previous, "to": stage},
            }
            for case_id, cp_id, company_id, previous, stage in changes
        ],
    )


def _ensure_open(case: LegalCase) -> None:
    if case.stage in FINAL_STAGES:
        raise LegalError(gettext_lazy("The case is closed."))


def open_case(
    counterparty: Counterparty,
    user: User | None,
    *,
    lawyer: User | None = None,
    document_ids: list[int] | None = None,
    source_task_id: int | None = None,
) -> LegalCase:
    """Open a legal case for the counterparty (at most one open at a time) and put the
    counterparty on the legal track, so lawyers see it."""
    with transaction.atomic():
        Counterparty.objects.select_for_update().filter(pk=counterparty.pk).first()
        if (
            LegalCase.objects.filter(counterparty=counterparty)
            .exclude(stage__in=FINAL_STAGES)
            .exists()
        ):
            raise LegalError(gettext_lazy("This counterparty already has an open legal case."))
        if lawyer is None and user is not None and user.role == Role.LAWYER:
            lawyer = user
        docs = counterparty.documents.filter(open_amount__gt=0)
        if document_ids:
            docs = counterparty.documents.filter(pk__in=document_ids)
        case = LegalCase.objects.create(
            company=counterparty.company,
            counterparty=counterparty,
            lawyer=lawyer,
            currency=selectors.currency_for(counterparty),
            opened_at=timezone.now(),
            opened_by=user,
            document_ids=sorted(docs.values_list("pk", flat=True)),
        )
        Counterparty.objects.filter(pk=counterparty.pk).update(legal=True)
        counterparty.legal = True
        _step(
            case,
            user,
            "case_opened",
            _("Legal case opened"),
            {"documents": case.document_ids},
            source_task_id,
        )
        _stages_changed([(case.pk, counterparty.pk, counterparty.company_id, None, case.stage)])
    return case


def needs_approval(case: LegalCase, action: str) -> bool:
    """Writing a debt off always needs the director; key customers go to legal (pretension,
    lawsuit) only with the director's approval (DESIGN §1.4)."""
    if action == GatedAction.WRITE_OFF:
        return True
    return case.counterparty.segment.code == KEY_SEGMENT


def _gate(case: LegalCase, action: str, user: User) -> None:
    if not needs_approval(case, action):
        return
    if can_approve(user):
        _step(
            case,
            user,
            "approval_implied",
            _("%(step)s done by the director") % {"step": GatedAction(action).label},
            {"action": action},
        )
        return
    approved = (
        Approval.objects.select_for_update()
        .filter(case=case, action=action, status=Approval.Status.APPROVED)
        .first()
    )
    if approved is None:
        raise LegalError(
            gettext_lazy("This step needs the director's approval: %(step)s")
            % {"step": GatedAction(action).label}
        )
    approved.status = Approval.Status.USED
    approved.save(update_fields=["status"])


def request_approval(case: LegalCase, action: str, user: User, reason: str = "") -> Approval:
    with transaction.atomic():
        _ensure_open(case)
        pending = Approval.objects.filter(
            case=case,
            action=action,
            status__in=[Approval.Status.PENDING, Approval.Status.APPROVED],
        ).first()
        if pending is not None:
            return pending
        approval = Approval.objects.create(
            case=case,
            action=action,
            reason=reason,
            requested_by=user,
            requested_at=timezone.now(),
        )
        _step(
            case,
            user,
            "approval_requested",
            _("Director's approval requested: %(step)s") % {"step": GatedAction(action).label},
            {"approval": approval.pk, "action": action, "reason": reason},
        )
    return approval


def check_ask_again_on(approve: bool, ask_again_on: date | None) -> None:
    """The pressure scale's rule for the day (after today), and only with a rejection: the
    decision, the bulk decision and the decision form (on its field) check it here."""
    from dunwell.ladder.services import LadderError
    from dunwell.ladder.services import check_ask_again_on as check_day

    if ask_again_on is None:
        return
    if approve:
        raise LegalError(gettext_lazy("A day to ask again goes only with a rejection."))
    try:
        check_day(ask_again_on)
    except LadderError as exc:
        raise LegalError(exc.message) from None


def decide_approval(
    approval: Approval,
    user: User,
    *,
    approve: bool,
    note: str = "",
    ask_again_on: date | None = None,
) -> Approval:
    """Approve or reject a waiting step. Rejected with `ask_again_on`, it is not decided: it
    keeps waiting, off the director's list until that day ("not now")."""
    if not can_approve(user):
        raise LegalError(gettext_lazy("Only the director can decide on this step."))
    check_ask_again_on(approve, ask_again_on)
    with transaction.atomic():
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if approval.status != Approval.Status.PENDING:
            raise LegalError(gettext_lazy("This request has already been decided."))
        if ask_again_on is None:
            approval.status = Approval.Status.APPROVED if approve else Approval.Status.REJECTED
        approval.ask_again_on = ask_again_on
        approval.decided_by = user
        approval.decided_at = timezone.now()
        approval.decision_note = note
        approval.save()
        label = GatedAction(approval.action).label
        if ask_again_on is not None:
            summary = _("%(step)s: not now, to be asked again on %(day)s") % {
                "step": label,
                "day": date_format(ask_again_on, "SHORT_DATE_FORMAT"),
            }
        else:
            summary = f"{label}: {_('approved') if approve else _('rejected')}"
        _step(
            approval.case,
            user,
            "approval_decided",
            summary,
            {
                "approval": approval.pk,
                "approved": approve,
                "note": note,
                "action": approval.action,
                "ask_again_on": ask_again_on.isoformat() if ask_again_on else None,
            },
        )
    return approval


def _pretension_period(case: LegalCase) -> tuple[int, bool]:
    """The claim period the case's pretension letter states (its documents' contracts: the
    shortest when they differ), and whether several contracts gave different periods."""
    letter = case.papers.filter(kind=PaperKind.PRETENSION).order_by("-created_at", "-id").first()
    raw = letter.data.get("raw", {}) if letter is not None else {}
    if raw.get("deadline_days"):
        return int(raw["deadline_days"]), bool(raw.get("periods_differ"))
    return selectors.pretension_period(case.documents.all())


def _local_deadline(case: LegalCase, day: date) -> datetime:
    zone = ZoneInfo(case.company.time_zone or "UTC")
    return datetime.combine(day, DEADLINE_HOUR, tzinfo=zone)


def _add_deadline(
    case: LegalCase, user: User | None, kind: str, due_at: datetime, title: str
) -> CaseDeadline:
    if case.lawyer_id is None and user is not None and user.role == Role.LAWYER:
        # The first lawyer to act on an unassigned case takes it (and its calendar tasks).
        case.lawyer = user
        case.save(update_fields=["lawyer"])
    deadline = CaseDeadline.objects.create(case=case, kind=kind, due_at=due_at, title=title)
    deadline.task_id = schedule_task(case, deadline, user)
    deadline.save(update_fields=["task_id"])
    return deadline


def record_pretension_sent(
    case: LegalCase,
    user: User,
    *,
    sent_on: date,
    channel: str,
    proof: File | None = None,
) -> LegalCase:
    """The pretension went out: its response deadline (the contract's pretension period, 30
    days by default) becomes a task for the lawyer."""
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        _gate(case, GatedAction.PRETENSION, user)
        days, differ = _pretension_period(case)
        case.pretension_sent_on = sent_on
        case.pretension_channel = channel
        # Ending on a weekend or a public holiday, the period runs to the next working day.
        end = period_end(case.counterparty, sent_on, days)
        case.response_due = end.day
        case.response_due_moved_from = end.moved_from
        if proof is not None:
            case.pretension_proof.save(proof.name or "proof", proof, save=False)
        case.save()
        _add_deadline(
            case,
            user,
            DeadlineKind.RESPONSE,
            _local_deadline(case, case.response_due),
            RESPONSE_DUE % {"debtor": case.counterparty},
        )
        summary = _("Pretension sent on %(date)s; response due %(due)s") % {
            "date": _day(sent_on),
            "due": _day(case.response_due),
        }
        why = moved_why(case.counterparty, end.moved_from) if end.moved_from else ""
        if end.moved_from is not None:
            summary += f" ({moved_text(end.moved_from, why)})"
        if differ:
            summary += " " + ngettext(
                "(%(days)s day: the shortest period of the contracts concerned)",
                "(%(days)s days: the shortest period of the contracts concerned)",
                days,
            ) % {"days": days}
        tasks = _complete_ladder_tasks(
            case, user, ["pretension"], PRETENSION_SENT, deadline=case.response_due
        )
        _advance(
            case,
            user,
            CaseStage.AWAITING_RESPONSE,
            "pretension_sent",
            summary,
            {
                "sent_on": sent_on,
                "channel": channel,
                "response_due": case.response_due,
                "moved_from": end.moved_from,
                "moved_why": why,
                "days": days,
                "shortest": differ,
                "tasks_done": tasks,
            },
        )
    return case


def file_lawsuit(
    case: LegalCase,
    user: User,
    *,
    court: str,
    case_number: str,
    filed_on: date,
    principal: Decimal,
    interest: Decimal,
    state_fee: Decimal,
) -> LegalCase:
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        _gate(case, GatedAction.LAWSUIT, user)
        case.court = court
        case.case_number = case_number
        case.filed_on = filed_on
        case.claim_principal = principal
        case.claim_interest = interest
        case.claim_state_fee = state_fee
        case.save()
        tasks = _complete_ladder_tasks(case, user, ["court_filing"], LAWSUIT_FILED)
        _advance(
            case,
            user,
            CaseStage.LAWSUIT_FILED,
            "lawsuit_filed",
            _("Lawsuit filed with %(court)s, case %(number)s")
            % {"court": court, "number": case_number},
            {
                "tasks_done": tasks,
                "court": court,
                "case_number": case_number,
                "filed_on": filed_on,
                "principal": principal,
                "interest": interest,
                "state_fee": state_fee,
            },
        )
    return case


def schedule_hearing(case: LegalCase, user: User, *, at: datetime, note: str = "") -> CaseDeadline:
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        title = COURT_HEARING % {
            "debtor": case.counterparty,
            "number": case.case_number or "—",
        }
        deadline = _add_deadline(case, user, DeadlineKind.HEARING, at, title)
        stage = CaseStage.HEARINGS if case.stage == CaseStage.LAWSUIT_FILED else case.stage
        _advance(
            case,
            user,
            stage,
            "hearing_scheduled",
            _("Hearing on %(at)s")
            % {"at": date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")},
            {"at": at, "note": note, "deadline": deadline.pk},
        )
    return deadline


def record_judgment(
    case: LegalCase, user: User, *, judgment_on: date, amount: Decimal, note: str = ""
) -> LegalCase:
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        case.judgment_on = judgment_on
        case.judgment_amount = amount
        case.judgment_note = note
        case.save()
        moot = _close_moot_deadlines(case, user, judgment_on)
        _advance(
            case,
            user,
            CaseStage.JUDGMENT,
            "judgment",
            judgment_text(judgment_on, amount, case.currency),
            {
                "judgment_on": judgment_on,
                "amount": amount,
                "note": note,
                "currency": case.currency,
                "tasks_done": moot,
            },
        )
    return case


def _close_moot_deadlines(case: LegalCase, user: User, judgment_on: date) -> list[int]:
    """The judgment ends the first instance: the calendar tasks of hearings set for a later
    day, and of a pretension's response still awaited, are closed with a result saying why.
    The deadlines themselves stay on the case, as its history."""
    zone = ZoneInfo(case.company.time_zone or "UTC")

    def moot(deadline: CaseDeadline) -> bool:
        if deadline.kind == DeadlineKind.HEARING:
            return deadline.due_at.astimezone(zone).date() > judgment_on
        return deadline.kind == DeadlineKind.RESPONSE

    task_ids = [d.task_id for d in case.deadlines.all() if d.task_id is not None and moot(d)]
    result = MOOT_AFTER_JUDGMENT % {"date": format_date(judgment_on)}
    done = []
    for task in Task.objects.filter(pk__in=task_ids, status=TaskStatus.OPEN).order_by("due_at"):
        complete_task(task, user=user, result=result, notify=False)
        done.append(int(task.pk))
    return done


def start_enforcement(
    case: LegalCase, user: User, *, started_on: date, reference: str = ""
) -> LegalCase:
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        case.enforcement_on = started_on
        case.enforcement_ref = reference
        case.save()
        _advance(
            case,
            user,
            CaseStage.ENFORCEMENT,
            "enforcement",
            _("Enforcement started on %(date)s") % {"date": _day(started_on)},
            {"started_on": started_on, "reference": reference},
        )
    return case


def close_case(case: LegalCase, user: User, *, closed_on: date, note: str = "") -> LegalCase:
    """The debt was recovered (or settled): the case closes and the counterparty leaves the
    legal track."""
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        case.closed_on = closed_on
        case.closing_note = note
        case.save()
        Counterparty.objects.filter(pk=case.counterparty_id).update(legal=False)
        _advance(
            case,
            user,
            CaseStage.CLOSED,
            "case_closed",
            _("Legal case closed"),
            {"closed_on": closed_on, "note": note},
        )
    return case


def write_off(case: LegalCase, user: User, *, closed_on: date, note: str = "") -> LegalCase:
    """Give up the debt as unrecoverable: always the director's decision."""
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().get(pk=case.pk)
        _ensure_open(case)
        _gate(case, GatedAction.WRITE_OFF, user)
        case.closed_on = closed_on
        case.closing_note = note
        case.save()
        Counterparty.objects.filter(pk=case.counterparty_id).update(written_off=True)
        _advance(
            case,
            user,
            CaseStage.WRITTEN_OFF,
            "written_off",
            _("Debt written off"),
            {"closed_on": closed_on, "note": note},
        )
    return case


def _documents_of(rows: Sequence[tuple[int, list[int]]], written_now: bool) -> dict[int, set[int]]:
    """Per counterparty, the documents its tasks name (`rows`: (counterparty, task's
    `document_ids`)). A document deleted since its task was written leaves its id in the task:
    such ids are left out, except for tasks `written_now` from documents read in this
    transaction."""
    docs_of: dict[int, set[int]] = {}
    for cp_id, named_ids in rows:
        docs_of.setdefault(cp_id, set()).update(named_ids)
    if not written_now:
        named = sorted(set().union(*docs_of.values()))
        known = set(Document.objects.filter(pk__any=named).values_list("pk", flat=True))
        for found in docs_of.values():
            found &= known
    return docs_of


def _cover_documents(cases: dict[int, int], docs_of: dict[int, set[int]]) -> None:
    """The open cases made earlier (`cases`: counterparty → case) cover their counterparty's
    tasks' documents too: only the cases whose list grows are written. The caller holds the
    counterparties' lock, so no other writer changes these lists meanwhile."""
    cp_of = {case_id: cp_id for cp_id, case_id in cases.items()}
    grown = []
    for case_id, ids in LegalCase.objects.filter(pk__any=sorted(cp_of)).values_list(
        "pk", "document_ids"
    ):
        more = docs_of.get(cp_of[case_id], set()).difference(ids)
        if more:
            grown.append((case_id, [*ids, *more]))
    set_arrays(LegalCase._meta.db_table, "document_ids", sorted(grown))


# The cases the daily run opens at once (57,500 at 1M documents): the step "case opened" on
# each case, its line on the debtor's timeline and its webhook event, made by the database from
# the rows just written, as the SQLite branch of `open_cases_for_tasks` makes them in Python
# (legal/tests/test_ladder_link.py asserts the same rows on either database).
OPENED_SQL = """
WITH m (case_id, task_id) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[])),
o AS (
  SELECT c.id, c.counterparty_id, jsonb_agg(m.task_id ORDER BY m.task_id) AS tasks
  FROM m JOIN legal_legalcase c ON c.id = m.case_id GROUP BY c.id, c.counterparty_id
),
steps AS (
  INSERT INTO {steps} (case_id, kind, at, actor_id, summary, data, source_task_id)
  SELECT id, 'case_opened', %s, %s, %s, jsonb_build_object('tasks', tasks), NULL
  FROM o ORDER BY id
)
INSERT INTO {timeline} (counterparty_id, at, actor_id, kind, summary, data)
SELECT counterparty_id, %s, %s, 'legal.case_opened', %s,
       jsonb_build_object('case', id, 'tasks', tasks)
FROM o ORDER BY id
"""
OPENED_EVENTS_SQL = """
SELECT c.company_id, c.counterparty_id,
       jsonb_build_object('case', c.id, 'from', NULL::text, 'to', c.stage)
FROM legal_legalcase c WHERE c.id = ANY(%s::bigint[]) ORDER BY c.id
"""


def _opened_by_database(
    created: dict[int, int],
    tasks_of: dict[int, list[int]],
    now: datetime,
    actor: int | None,
    summary: str,
) -> None:
    pairs = sorted((case_id, t) for cp_id, case_id in created.items() for t in tasks_of[cp_id])
    with connection.cursor() as cursor:
        cursor.execute(
            OPENED_SQL.format(steps=CaseStep._meta.db_table, timeline=TimelineEntry._meta.db_table),
            [int_array([p[0] for p in pairs]), int_array([p[1] for p in pairs]), now, actor,
             summary, now, actor, summary],
        )  # fmt: skip
    emit_select(
        EventKind.LEGAL_STAGE_CHANGED, OPENED_EVENTS_SQL, [int_array(sorted(created.values()))]
    )


def _case_currency(currency: str, amounts: dict[str, str] | None, home: str) -> str:
    """The currency of a case opened for a task: the task's own, or for a task over documents
    in several currencies (no currency of its own) the one with the most at stake, as
    `selectors.currency_for` picks it for a case opened by hand: compared in the company's
    currency `home` at today's rates, or as the figures are when a currency has no rate
    (`money.largest_currency`). Never the company's currency when the debtor owes nothing in
    it: the case's claim, fee and judgment are in its currency."""
    if currency or not amounts:
        return currency or home
    totals = {cur: Decimal(amount) for cur, amount in amounts.items()}
    rates = rates_on(timezone.localdate()) if len(totals) > 1 else None
    return largest_currency(totals, home, rates)


def open_cases_for_tasks(
    task_ids: Sequence[int], user: User | None = None, *, written_now: bool = False
) -> list[int]:
    """The ladder created legal tasks (pretension, hand to the lawyer, court filing): every
    counterparty concerned gets its one open case, covering the tasks' documents. Idempotent;
    set-based, since the daily run creates tasks in bulk (runs in the caller's transaction).
    `written_now`: the tasks were written in this transaction from documents it read (the
    daily run), so their documents need no check that they still exist."""
    # Read by primary key alone, the action and status checked here: with the status and
    # action in the query, the planner of a daily run (whose statistics still count the
    # tasks table as nearly empty) walked every open task to test it against the id list,
    # 0.15–0.67 s per batch at 1M documents.
    rows = [
        (task_id, cp_id, (currency, amounts), assignee_id, role, document_ids)
        for task_id, cp_id, currency, amounts, assignee_id, role, action, status, document_ids in (
            Task.objects.filter(pk__any=list(task_ids))
            .order_by("id")
            .values_list(
                "pk",
                "counterparty_id",
                "currency",
                "amounts",
                "assignee_id",
                "assignee__role",
                "action",
                "status",
                "document_ids",
            )
        )
        if action in LEGAL_TASK_ACTIONS and status == TaskStatus.OPEN
    ]
    if not rows:
        return []
    tasks_of: dict[int, list[int]] = {}
    first: dict[int, tuple[tuple[str, dict[str, str] | None], int | None, str | None]] = {}
    for task_id, cp_id, currency, assignee_id, role, _ids in rows:
        tasks_of.setdefault(cp_id, []).append(task_id)
        first.setdefault(cp_id, (currency, assignee_id, role))
    with transaction.atomic():
        # The same lock open_case takes: a lawyer opening a case by hand meanwhile waits.
        list(
            Counterparty.objects.select_for_update()
            .filter(pk__any=list(tasks_of))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        docs_of = _documents_of([(row[1], row[5]) for row in rows], written_now)
        open_cases = dict(
            LegalCase.objects.filter(counterparty_id__any=list(tasks_of))
            .exclude(stage__in=FINAL_STAGES)
            .values_list("counterparty_id", "pk")
        )
        now = timezone.now()
        # Rows, not model objects: the first daily run on a large ledger opens tens of
        # thousands of cases at once (dunwell/bulk.py).
        new = [
            {
                "company_id": company_id,
                "counterparty_id": cp_id,
                "lawyer_id": first[cp_id][1] if first[cp_id][2] == Role.LAWYER else None,
                "currency": _case_currency(*first[cp_id][0], company_currency),
                "opened_at": now,
                "opened_by_id": user.pk if user is not None else None,
                "document_ids": docs_of[cp_id],
            }
            for cp_id, company_id, company_currency in Counterparty.objects.filter(
                pk__any=[cp for cp in tasks_of if cp not in open_cases]
            )
            .order_by("pk")
            .values_list("pk", "company_id", "company__currency")
        ]
        bulk.insert_objects(LegalCase, new)
        created = dict(
            LegalCase.objects.filter(counterparty_id__any=[row["counterparty_id"] for row in new])
            .exclude(stage__in=FINAL_STAGES)
            .values_list("counterparty_id", "pk")
        )
        _cover_documents(open_cases, docs_of)
        open_cases.update(created)
        if created:
            # only the rows not marked yet: the daily run marks its own before this hook,
            # and a second new version of each row cost as much as the first
            Counterparty.objects.filter(pk__any=list(created), legal=False).update(legal=True)
            summary = str(_("Legal case opened"))
            actor = user.pk if user is not None else None
            if bulk.is_postgres():
                _opened_by_database(created, tasks_of, now, actor, summary)
            else:
                _stages_changed(
                    [
                        (case_id, cp_id, company_id, None, stage)
                        for case_id, cp_id, company_id, stage in LegalCase.objects.filter(
                            pk__any=list(created.values())
                        )
                        .order_by("pk")
                        .values_list("pk", "counterparty_id", "company_id", "stage")
                    ]
                )
                bulk.insert_objects(
                    CaseStep,
                    [
                        {
                            "case_id": case_id,
                            "kind": "case_opened",
                            "at": now,
                            "actor_id": actor,
                            "summary": summary,
                            "data": {"tasks": tasks_of[cp_id]},
                        }
                        for cp_id, case_id in created.items()
                    ],
                )
                bulk.insert_objects(
                    TimelineEntry,
                    [
                        {
                            "counterparty_id": cp_id,
                            "at": now,
                            "actor_id": actor,
                            "kind": "legal.case_opened",
                            "summary": summary,
                            "data": {"case": case_id, "tasks": tasks_of[cp_id]},
                        }
                        for cp_id, case_id in created.items()
                    ],
                )
    return sorted(set(open_cases.values()))  # the open case ids of the tasks' counterparties


def case_for_task(task: Task) -> LegalCase | None:
    """The legal case a ladder task is done on: the case whose deadline made it, else the
    counterparty's open case, else its latest one."""
    own = CaseDeadline.objects.filter(task_id=task.pk).select_related("case").first()
    if own is not None:
        return own.case
    cases = LegalCase.objects.filter(counterparty_id=task.counterparty_id)
    return (
        cases.exclude(stage__in=FINAL_STAGES).first() or cases.order_by("-opened_at", "-pk").first()
    )


def _complete_ladder_tasks(
    case: LegalCase, user: User, actions: Sequence[str], result: str, deadline: date | None = None
) -> list[int]:
    """The step recorded on the case is what the ladder's open tasks of `actions` asked for:
    they are done now, by `user` (the case writes the step itself, so no hook runs back)."""
    done = complete_open_tasks(
        case.counterparty_id, actions, user=user, result=result, deadline=deadline
    )
    return [int(t.pk) for t in done]


def open_case_for_task(task: Any, user: User | None) -> LegalCase | None:
    """Create or advance the legal case for a ladder task whose action is a legal step
    (hand_to_lawyer, pretension, court_filing). Idempotent: a task is applied once."""
    action = str(getattr(task, "action", ""))
    if action not in LEGAL_TASK_ACTIONS:
        return None
    counterparty: Counterparty = task.counterparty
    done = CaseStep.objects.filter(source_task_id=task.pk).select_related("case").first()
    if done is not None:
        return done.case
    own = CaseDeadline.objects.filter(task_id=task.pk).select_related("case").first()
    if own is not None:  # a task this app made for a case deadline, not a ladder step
        return own.case
    try:
        with transaction.atomic():
            Counterparty.objects.select_for_update().filter(pk=counterparty.pk).first()
            case = (
                LegalCase.objects.filter(counterparty=counterparty)
                .exclude(stage__in=FINAL_STAGES)
                .first()
            )
            source: int | None = task.pk  # the first step written for the task carries it
            if case is None:
                case = open_case(counterparty, user, source_task_id=source)
                if action == "hand_to_lawyer":
                    return case
                source = None
            if action == "pretension" and case.stage == CaseStage.NEW:
                _advance(
                    case,
                    user,
                    CaseStage.PRETENSION_PREPARED,
                    "pretension_due",
                    _("The pressure scale calls for a pretension"),
                    {"task": task.pk},
                    source_task_id=source,
                )
            elif action == "court_filing" and case.stage not in {
                CaseStage.LAWSUIT_FILED,
                CaseStage.HEARINGS,
                CaseStage.JUDGMENT,
                CaseStage.ENFORCEMENT,
            }:
                _advance(
                    case,
                    user,
                    CaseStage.LAWSUIT_PREPARING,
                    "court_filing_due",
                    _("The pressure scale calls for a lawsuit"),
                    {"task": task.pk},
                    source_task_id=source,
                )
            elif source is not None:
                _step(
                    case,
                    user,
                    "ladder_step",
                    _("Legal step of the pressure scale: %(action)s")
                    % {"action": Action(action).label},
                    {"task": task.pk, "action": action},
                    source_task_id=source,
                )
            return case
    except IntegrityError:
        # A concurrent call applied the same task first.
        done = CaseStep.objects.filter(source_task_id=task.pk).select_related("case").first()
        if done is None:
            raise
        return done.case


# --- bulk decisions (issue 16, item 3) ------------------------------------------------------

BULK_MAX = 200


class ApprovalsRefused(LegalError):
    """A bulk decision refused as a whole; each problem names the debtor and the step."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "")
        self.problems = problems


def pending_approvals(user: User) -> Any:
    """Steps waiting for the director among the cases `user` may see, oldest request first."""
    from dunwell.accounts.visibility import counterparty_filter

    return (
        Approval.objects.filter(
            counterparty_filter(user, "case__counterparty__"), status=Approval.Status.PENDING
        )
        # Put off until a day ("not now"): back on that day.
        .filter(Q(ask_again_on__isnull=True) | Q(ask_again_on__lte=timezone.localdate()))
        .select_related("case", "case__counterparty", "requested_by")
        .order_by("requested_at", "pk")
    )


def approval_problems(user: User, ids: Sequence[int], *, approve: bool, note: str) -> list[str]:
    """Why the selection cannot be decided as a whole ([] when it can): the same rules as the
    single decision, each problem naming its debtor and step."""
    if not can_approve(user):
        return [_("Only the director can decide on this step.")]
    if not ids:
        return [_("Select at least one row.")]
    if len(ids) > BULK_MAX:
        return [_("Select at most %(max)d rows at a time.") % {"max": BULK_MAX}]
    if not approve and not note.strip():
        return [_("Comment: say why the steps are rejected.")]
    from dunwell.accounts.visibility import counterparty_filter

    found = {
        a.pk: a
        for a in Approval.objects.filter(
            counterparty_filter(user, "case__counterparty__"), pk__in=ids
        ).select_related("case__counterparty")
    }
    problems = []
    for pk in ids:
        approval = found.get(pk)
        if approval is None:
            problems.append(_("Request %(id)d: not found.") % {"id": pk})
        elif approval.status != Approval.Status.PENDING:
            problems.append(
                _("%(debtor)s, %(step)s: this request has already been decided.")
                % {
                    "debtor": approval.case.counterparty.name,
                    "step": GatedAction(approval.action).label,
                }
            )
    return problems


def decide_approvals(
    user: User,
    ids: Sequence[int],
    *,
    approve: bool,
    note: str = "",
    ask_again_on: date | None = None,
) -> list[Approval]:
    """Approve or reject several requests in one transaction, each through `decide_approval`
    (so each case's timeline records it); one refused request refuses them all."""
    with transaction.atomic():
        locked = list(
            Approval.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True)
        )
        problems = approval_problems(user, ids, approve=approve, note=note)
        if problems or len(locked) != len(set(ids)):
            raise ApprovalsRefused(problems or [_("Select at least one row.")])
        try:
            check_ask_again_on(approve, ask_again_on)
        except LegalError as exc:
            raise ApprovalsRefused([str(exc.message)]) from None
        approvals = Approval.objects.filter(pk__in=ids).order_by("requested_at", "pk")
        return [
            decide_approval(a, user, approve=approve, note=note, ask_again_on=ask_again_on)
            for a in approvals
        ]
