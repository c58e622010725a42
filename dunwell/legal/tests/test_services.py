from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection

from dunwell.ladder.models import Action, Task
from dunwell.ladder.services import create_manual_task
from dunwell.ledger.models import Counterparty, Segment, TimelineEntry
from dunwell.legal import services
from dunwell.legal.errors import LegalError
from dunwell.legal.models import (
    Approval,
    CaseDeadline,
    CaseStage,
    CaseStep,
    GeneratedDocument,
    LegalCase,
)

pytestmark = pytest.mark.django_db


def task_of(deadline: CaseDeadline) -> Task:
    assert deadline.task_id is not None
    return Task.objects.get(pk=deadline.task_id)


BUCHAREST = ZoneInfo("Europe/Bucharest")


@pytest.fixture
def key_debtor(debtor: Counterparty) -> Counterparty:
    debtor.segment = Segment.objects.get(code="key")
    debtor.save()
    return debtor


@time_machine.travel(datetime(2026, 4, 15, 9, 0, tzinfo=BUCHAREST), tick=False)
def test_full_case_flow_puts_deadlines_into_the_lawyers_calendar(
    debtor: Counterparty, lawyer: Any
) -> None:
    case = services.open_case(debtor, lawyer)
    debtor.refresh_from_db()
    assert debtor.legal is True
    assert case.lawyer == lawyer
    assert set(case.documents.values_list("number", flat=True)) == {"INV-1", "INV-2"}

    case = services.record_pretension_sent(
        case, lawyer, sent_on=date(2026, 4, 16), channel="post",
        proof=ContentFile(b"receipt", name="receipt.pdf"),
    )  # fmt: skip
    # the contract's pretension period is 15 days: to 01.05.2026, Labour Day, then a weekend
    assert case.response_due == date(2026, 5, 4)
    assert case.stage == CaseStage.AWAITING_RESPONSE
    assert case.pretension_proof.read() == b"receipt"
    response = case.deadlines.get(kind="response")
    task = task_of(response)
    assert task.assignee == lawyer
    assert task.counterparty == debtor
    assert task.action == Action.COURT_FILING
    assert task.due_at == datetime(2026, 5, 4, 10, 0, tzinfo=BUCHAREST)

    services.file_lawsuit(
        case, lawyer, court="Tribunalul Cluj", case_number="123/117/2026",
        filed_on=date(2026, 5, 5), principal=Decimal("3100.50"), interest=Decimal("155.92"),
        state_fee=Decimal("200.00"),
    )  # fmt: skip
    hearing_at = datetime(2026, 6, 3, 9, 30, tzinfo=BUCHAREST)
    hearing = services.schedule_hearing(case, lawyer, at=hearing_at)
    assert task_of(hearing).due_at == hearing_at
    case.refresh_from_db()
    assert case.stage == CaseStage.HEARINGS
    services.record_judgment(case, lawyer, judgment_on=date(2026, 6, 3), amount=Decimal("3456.42"))
    services.start_enforcement(case, lawyer, started_on=date(2026, 7, 1), reference="EX-1")
    services.close_case(case, lawyer, closed_on=date(2026, 8, 1), note="paid")
    case.refresh_from_db()
    debtor.refresh_from_db()
    assert case.stage == CaseStage.CLOSED
    assert debtor.legal is False
    kinds = list(case.steps.order_by("id").values_list("kind", flat=True))
    assert kinds == ["case_opened", "pretension_sent", "lawsuit_filed", "hearing_scheduled",
                     "judgment", "enforcement", "case_closed"]  # fmt: skip
    timeline = set(TimelineEntry.objects.filter(counterparty=debtor).values_list("kind", flat=True))
    assert {"legal.case_opened", "legal.pretension_sent", "legal.case_closed"} <= timeline
    with pytest.raises(LegalError):
        services.record_judgment(case, lawyer, judgment_on=date(2026, 9, 1), amount=Decimal(1))


def test_only_one_open_case_per_counterparty(debtor: Counterparty, lawyer: Any) -> None:
    services.open_case(debtor, lawyer)
    with pytest.raises(LegalError):
        services.open_case(debtor, lawyer)


def test_key_customer_pretension_needs_the_directors_approval(
    key_debtor: Counterparty, lawyer: Any, director: Any
) -> None:
    case = services.open_case(key_debtor, lawyer)
    with pytest.raises(LegalError, match="approval"):
        services.record_pretension_sent(case, lawyer, sent_on=date(2026, 4, 16), channel="post")
    assert not CaseDeadline.objects.filter(case=case).exists()

    approval = services.request_approval(case, "pretension", lawyer, "no answer for 60 days")
    with pytest.raises(LegalError):
        services.decide_approval(approval, lawyer, approve=True)  # a lawyer cannot approve
    services.decide_approval(approval, director, approve=True, note="go")
    case = services.record_pretension_sent(case, lawyer, sent_on=date(2026, 4, 16), channel="post")
    assert case.stage == CaseStage.AWAITING_RESPONSE
    approval.refresh_from_db()
    assert approval.status == Approval.Status.USED
    # The approval was for one step: the lawsuit needs its own.
    with pytest.raises(LegalError):
        services.file_lawsuit(
            case,
            lawyer,
            court="c",
            case_number="1",
            filed_on=date(2026, 6, 1),
            principal=Decimal(1),
            interest=Decimal(0),
            state_fee=Decimal(0),
        )
    audit = list(case.steps.values_list("kind", flat=True))
    assert "approval_requested" in audit and "approval_decided" in audit


def test_rejected_approval_keeps_the_step_closed(
    key_debtor: Counterparty, lawyer: Any, director: Any
) -> None:
    case = services.open_case(key_debtor, lawyer)
    approval = services.request_approval(case, "pretension", lawyer)
    services.decide_approval(approval, director, approve=False, note="we talk first")
    with pytest.raises(LegalError):
        services.record_pretension_sent(case, lawyer, sent_on=date(2026, 4, 16), channel="post")
    with pytest.raises(LegalError):
        services.decide_approval(approval, director, approve=True)


def test_standard_customer_needs_no_approval_but_write_off_always_does(
    debtor: Counterparty, lawyer: Any, director: Any
) -> None:
    case = services.open_case(debtor, lawyer)
    services.record_pretension_sent(case, lawyer, sent_on=date(2026, 4, 16), channel="email")
    with pytest.raises(LegalError):
        services.write_off(case, lawyer, closed_on=date(2026, 9, 1))
    services.write_off(case, director, closed_on=date(2026, 9, 1), note="insolvent")
    debtor.refresh_from_db()
    assert debtor.written_off is True
    case.refresh_from_db()
    assert case.stage == CaseStage.WRITTEN_OFF
    assert case.steps.filter(kind="approval_implied").exists()


def _task(counterparty: Counterparty, action: str, user: Any) -> Task:
    return create_manual_task(
        counterparty=counterparty, assignee=user, action=action,
        due_at=datetime(2026, 4, 15, 10, 0, tzinfo=BUCHAREST), title=action, user=user,
    )  # fmt: skip


def test_ladder_legal_steps_open_and_advance_the_case_once(
    debtor: Counterparty, lawyer: Any
) -> None:
    hand_over = _task(debtor, Action.HAND_TO_LAWYER, lawyer)
    case = services.open_case_for_task(hand_over, lawyer)
    assert case is not None and case.stage == CaseStage.NEW
    assert services.open_case_for_task(hand_over, lawyer) == case

    pretension = _task(debtor, Action.PRETENSION, lawyer)
    assert services.open_case_for_task(pretension, lawyer) == case
    assert services.open_case_for_task(pretension, lawyer) == case
    case.refresh_from_db()
    assert case.stage == CaseStage.PRETENSION_PREPARED

    filing = _task(debtor, Action.COURT_FILING, lawyer)
    services.open_case_for_task(filing, lawyer)
    services.open_case_for_task(filing, lawyer)
    case.refresh_from_db()
    assert case.stage == CaseStage.LAWSUIT_PREPARING
    assert CaseStep.objects.filter(case=case).count() == 3
    assert services.open_case_for_task(_task(debtor, Action.CALL, lawyer), lawyer) is None


def test_a_pretension_task_on_a_fresh_debtor_opens_the_case(
    debtor: Counterparty, lawyer: Any
) -> None:
    case = services.open_case_for_task(_task(debtor, Action.PRETENSION, lawyer), None)
    assert case is not None
    assert case.stage == CaseStage.PRETENSION_PREPARED
    assert list(case.steps.order_by("id").values_list("kind", flat=True)) == [
        "case_opened", "pretension_due"]  # fmt: skip


def test_the_cases_own_deadline_tasks_do_not_advance_it(debtor: Counterparty, lawyer: Any) -> None:
    case = services.open_case(debtor, lawyer)
    services.record_pretension_sent(case, lawyer, sent_on=date(2026, 4, 16), channel="post")
    task = task_of(case.deadlines.get())
    services.open_case_for_task(task, lawyer)
    case.refresh_from_db()
    assert case.stage == CaseStage.AWAITING_RESPONSE


def test_document_and_timeline_entry_are_written_in_one_transaction(
    debtor: Counterparty, lawyer: Any, monkeypatch: pytest.MonkeyPatch, media: Any
) -> None:
    def broken_timeline(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("timeline down")

    monkeypatch.setattr(services, "_timeline", broken_timeline)
    with pytest.raises(RuntimeError):
        services.generate_document(debtor, "statement", lawyer, today=date(2026, 4, 15))
    assert not GeneratedDocument.objects.exists()
    leftovers = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert leftovers == []


def test_generating_notes_the_document_on_the_timeline(debtor: Counterparty, lawyer: Any) -> None:
    paper = services.generate_document(debtor, "statement", lawyer, today=date(2026, 4, 15))
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="legal.document_generated")
    assert entry.data["document"] == paper.pk
    assert entry.actor == lawyer
    assert paper.language == "ro"  # the debtor's language
    assert paper.data["raw"]["total"] == "3100.50"


def test_pretension_for_an_open_case_marks_it_prepared(debtor: Counterparty, lawyer: Any) -> None:
    case = services.open_case(debtor, lawyer)
    services.generate_document(debtor, "pretension", lawyer, today=date(2026, 4, 15), case=case,
                               pdf=False)  # fmt: skip
    case.refresh_from_db()
    assert case.stage == CaseStage.PRETENSION_PREPARED


def test_the_first_lawyer_to_act_takes_an_unassigned_case(
    debtor: Counterparty, lawyer: Any, director: Any
) -> None:
    case = services.open_case(debtor, director)
    assert case.lawyer is None
    case = services.record_pretension_sent(case, lawyer, sent_on=date(2026, 4, 16), channel="post")
    assert case.lawyer == lawyer
    assert task_of(case.deadlines.get()).assignee == lawyer


def test_a_deleted_case_leaves_its_documents(debtor: Counterparty, lawyer: Any) -> None:
    """A case names its documents in its own row (legal/0009): deleting it (the admin)
    deletes nothing else, and a case opened again covers the same documents."""
    case = services.open_case(debtor, lawyer)
    documents = set(case.documents.values_list("pk", flat=True))
    assert documents and documents == set(case.document_ids)
    case.delete()
    assert set(debtor.documents.filter(pk__in=documents).values_list("pk", flat=True)) == documents
    again = services.open_case(debtor, lawyer)
    assert set(again.document_ids) == documents


def test_a_case_covers_its_documents_in_its_own_row() -> None:
    """The link table is gone (legal/0009): nothing is left to write 575,000 link rows into."""
    assert "legal_legalcase_documents" not in connection.introspection.table_names()
    assert "document_ids" in {f.name for f in LegalCase._meta.concrete_fields}
