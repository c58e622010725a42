"""Debtors the ladder put on the legal track before it opened cases itself (an open pretension,
hand-to-lawyer or court-filing task, no open case) get their case, covering the tasks'
documents, as the daily run now does for new legal tasks."""

from typing import Any

from django.db import migrations
from django.utils import timezone

LEGAL_ACTIONS = ("pretension", "hand_to_lawyer", "court_filing")
FINAL = ("closed", "written_off")


def open_missing_cases(apps: Any, schema_editor: Any) -> None:
    Task = apps.get_model("ladder", "Task")
    TaskDocument = apps.get_model("ladder", "TaskDocument")
    LegalCase = apps.get_model("legal", "LegalCase")
    CaseStep = apps.get_model("legal", "CaseStep")
    Counterparty = apps.get_model("ledger", "Counterparty")
    TimelineEntry = apps.get_model("ledger", "TimelineEntry")
    with_case = LegalCase.objects.exclude(stage__in=FINAL).values("counterparty_id")
    tasks = (
        Task.objects.filter(action__in=LEGAL_ACTIONS, status="open")
        .exclude(counterparty_id__in=with_case)
        .order_by("id")
        .values_list("pk", "counterparty_id", "currency", "assignee_id", "assignee__role")
    )
    first: dict[int, tuple[str, int | None, str | None]] = {}
    tasks_of: dict[int, list[int]] = {}
    for task_id, cp_id, currency, assignee_id, role in tasks.iterator():
        tasks_of.setdefault(cp_id, []).append(task_id)
        first.setdefault(cp_id, (currency, assignee_id, role))
    now = timezone.now()
    companies = dict(
        Counterparty.objects.filter(pk__in=list(tasks_of)).values_list("pk", "company_id")
    )
    for cp_id, task_ids in tasks_of.items():
        currency, assignee_id, role = first[cp_id]
        case = LegalCase.objects.create(
            company_id=companies[cp_id],
            counterparty_id=cp_id,
            lawyer_id=assignee_id if role == "lawyer" else None,
            currency=currency,
            opened_at=now,
        )
        case.documents.set(
            TaskDocument.objects.filter(task_id__in=task_ids).values_list("document_id", flat=True)
        )
        CaseStep.objects.create(
            case=case,
            kind="case_opened",
            at=now,
            summary="Legal case opened",
            data={"tasks": task_ids},
        )
        TimelineEntry.objects.create(
            counterparty_id=cp_id,
            at=now,
            kind="legal.case_opened",
            summary="Legal case opened",
            data={"case": case.pk, "tasks": task_ids},
        )
    Counterparty.objects.filter(pk__in=list(tasks_of)).update(legal=True)


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0001_initial"),
        ("ladder", "0003_progress_next_due_index"),
        ("ledger", "0002_default_segments"),
    ]

    operations = [migrations.RunPython(open_missing_cases, migrations.RunPython.noop)]
