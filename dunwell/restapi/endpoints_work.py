"""Collectors' work over the API: tasks, promises, disputes and a debtor's timeline. Reads
need work:read and see only the token user's debtors."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router

from dunwell.accounts.visibility import can_see_counterparty, counterparty_filter
from dunwell.ladder.models import Dispute, Promise, Task
from dunwell.ledger.models import TimelineEntry
from dunwell.restapi import schemas as s
from dunwell.restapi.auth import api_user, require_scope
from dunwell.restapi.filters import CounterpartyId, Cursor, Limit
from dunwell.restapi.models import Scope
from dunwell.restapi.pagination import paginate
from dunwell.restapi.problems import ApiProblem

router = Router(tags=["work"])


def _scoped(request: HttpRequest) -> Any:
    require_scope(request, Scope.WORK_READ)
    return api_user(request)


def _task_amounts(task: Task) -> list[s.MoneyOut]:
    out = []
    for currency, value in sorted((task.amounts or {}).items()):
        try:
            out.append(s.money(Decimal(str(value)), currency))
        except InvalidOperation:
            continue
    if not out and task.currency and task.amount:
        out.append(s.money(task.amount, task.currency))
    return out


TaskPage = s.page_schema(s.TaskOut, "TaskPage")


@router.get("/tasks", response=TaskPage, summary="Tasks")
def list_tasks(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    counterparty: CounterpartyId = None,
    status: str | None = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Task.objects.filter(counterparty_filter(user, "counterparty__")).select_related(
        "assignee"
    )
    if counterparty is not None:
        queryset = queryset.filter(counterparty_id=counterparty)
    if status:
        queryset = queryset.filter(status=status)
    page = paginate(queryset, cursor=cursor, limit=limit)
    items = [
        s.TaskOut(
            id=t.pk,
            counterparty_id=t.counterparty_id,
            assignee=t.assignee.username if t.assignee else None,
            action=t.action,
            title=t.title,
            status=t.status,
            due_at=t.due_at,
            done_at=t.done_at,
            created_at=t.created_at,
            amounts=_task_amounts(t),
        )
        for t in page.items
    ]
    return {"items": items, "next": page.next}


PromisePage = s.page_schema(s.PromiseOut, "PromisePage")


@router.get("/promises", response=PromisePage, summary="Promises to pay")
def list_promises(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    counterparty: CounterpartyId = None,
    status: str | None = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Promise.objects.filter(counterparty_filter(user, "counterparty__"))
    if counterparty is not None:
        queryset = queryset.filter(counterparty_id=counterparty)
    if status:
        queryset = queryset.filter(status=status)
    page = paginate(queryset, cursor=cursor, limit=limit)
    items = [
        s.PromiseOut(
            id=p.pk,
            counterparty_id=p.counterparty_id,
            amount=s.money(p.amount, p.currency),
            promised_date=p.promised_date,
            promised_by=p.promised_by,
            status=p.status,
            recorded_at=p.recorded_at,
            resolved_at=p.resolved_at,
        )
        for p in page.items
    ]
    return {"items": items, "next": page.next}


DisputePage = s.page_schema(s.DisputeOut, "DisputePage")


@router.get("/disputes", response=DisputePage, summary="Disputes")
def list_disputes(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    counterparty: CounterpartyId = None,
    status: str | None = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Dispute.objects.filter(counterparty_filter(user, "counterparty__")).select_related(
        "responsible"
    )
    if counterparty is not None:
        queryset = queryset.filter(counterparty_id=counterparty)
    if status:
        queryset = queryset.filter(status=status)
    page = paginate(queryset, cursor=cursor, limit=limit)
    items = [
        s.DisputeOut(
            id=d.pk,
            counterparty_id=d.counterparty_id,
            reason=d.reason,
            amount=s.money(d.amount, d.currency),
            description=d.description,
            responsible=d.responsible.username if d.responsible else None,
            deadline=d.deadline,
            status=d.status,
            registered_at=d.registered_at,
            resolved_at=d.resolved_at,
        )
        for d in page.items
    ]
    return {"items": items, "next": page.next}


TimelinePage = s.page_schema(s.TimelineOut, "TimelinePage")


@router.get(
    "/counterparties/{counterparty_id}/timeline",
    response=TimelinePage,
    summary="A counterparty's timeline, oldest first",
)
def list_timeline(
    request: HttpRequest,
    counterparty_id: int,
    cursor: Cursor = None,
    limit: Limit = None,
) -> dict[str, Any]:
    user = _scoped(request)
    if not can_see_counterparty(user, counterparty_id):
        raise ApiProblem(
            404,
            _("Not found"),
            _("There is no counterparty %(id)s you may see.") % {"id": counterparty_id},
        )
    queryset = TimelineEntry.objects.filter(counterparty_id=counterparty_id).select_related("actor")
    page = paginate(queryset, cursor=cursor, limit=limit)
    items = [
        s.TimelineOut(
            id=e.pk,
            at=e.at,
            kind=e.kind,
            summary=e.summary,
            actor=e.actor.username if e.actor else None,
            data=e.data or {},
        )
        for e in page.items
    ]
    return {"items": items, "next": page.next}
