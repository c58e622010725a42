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
    # In bulk, as the daily run opens cases: a ledger with tens of thousands of debtors on the
    # legal track must not take one round trip per case.
    rows = list(
        Counterparty.objects.filter(pk__in=list(tasks_of))
        .order_by("pk")
        .values_list("pk", "company_id", "company__currency")
    )
    created = LegalCase.objects.bulk_create(
        [
            LegalCase(
                company_id=company_id,
                counterparty_id=cp_id,
                lawyer_id=first[cp_id][1] if first[cp_id][2] == "lawyer" else None,
                currency=first[cp_id][0] or company_currency,
                opened_at=now,
            )
            for cp_id, company_id, company_currency in rows
        ],
        batch_size=2000,
    )
    case_of = {case.counterparty_id: case.pk for case in created}
    task_to_case = {t: case_of[cp] for cp, ids in tasks_of.items() for t in ids}
    links = {
        (task_to_case[task_id], doc_id)
        for task_id, doc_id in _task_documents(apps, Task, list(task_to_case))
    }
    _cover(LegalCase, links)
    CaseStep.objects.bulk_create(
        [
            CaseStep(
                case_id=case_of[cp_id],
                kind="case_opened",
                at=now,
                summary="Legal case opened",
                data={"tasks": task_ids},
            )
            for cp_id, task_ids in tasks_of.items()
        ],
        batch_size=2000,
    )
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                counterparty_id=cp_id,
                at=now,
                kind="legal.case_opened",
                summary="Legal case opened",
                data={"case": case_of[cp_id], "tasks": task_ids},
            )
            for cp_id, task_ids in tasks_of.items()
        ],
        batch_size=2000,
    )
    Counterparty.objects.filter(pk__in=list(tasks_of)).update(legal=True)


def _task_documents(apps: Any, task_model: Any, task_ids: list[int]) -> list[tuple[int, int]]:
    """(task, document) pairs: from the link table this migration was written for, or from
    the tasks' own column when called with today's models (ladder/0015 removed the table and
    runs after this migration)."""
    try:
        links = apps.get_model("ladder", "TaskDocument")
    except LookupError:
        rows = task_model.objects.filter(pk__in=task_ids).values_list("pk", "document_ids")
        return [(task_id, doc_id) for task_id, ids in rows for doc_id in ids]
    return list(
        links.objects.filter(task_id__in=task_ids).values_list("task_id", "document_id")
    )


def _cover(case_model: Any, links: set[tuple[int, int]]) -> None:
    """The new cases cover their (case, document) `links`: as rows of the link table this
    migration was written for, or in the cases' own column when called with today's models
    (legal/0009 removed the table and runs after this migration)."""
    if not any(f.name == "document_ids" for f in case_model._meta.concrete_fields):
        through = case_model.documents.through
        through.objects.bulk_create(
            [through(legalcase_id=case_id, document_id=doc_id) for case_id, doc_id in links],
            batch_size=5000,
            ignore_conflicts=True,
        )
        return
    ids_of: dict[int, set[int]] = {}
    for case_id, doc_id in links:
        ids_of.setdefault(case_id, set()).add(doc_id)
    for case_id, ids in ids_of.items():
        case_model.objects.filter(pk=case_id).update(document_ids=sorted(ids))


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0001_initial"),
        ("ladder", "0003_progress_next_due_index"),
        ("ledger", "0002_default_segments"),
    ]

    operations = [migrations.RunPython(open_missing_cases, migrations.RunPython.noop)]
