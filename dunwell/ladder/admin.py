from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dunwell.ladder.models import (
    Agreement,
    AgreementInstalment,
    CounterpartyPolicy,
    DailyRun,
    Dispute,
    DocumentProgress,
    Grace,
    GraceRequest,
    LadderEvent,
    Policy,
    PolicyStep,
    Promise,
    SegmentPolicy,
    Task,
)
from dunwell.ledger.admin import document_numbers
from dunwell.ledger.audit import AuditedAdmin, RecordAdmin


class PolicyStepInline(admin.TabularInline):
    model = PolicyStep
    extra = 0
    fields = (
        "order", "name", "names", "trigger", "days", "event", "action", "window_start",
        "window_end", "assignee_role", "assignee_user", "needs_approval", "approval_role", "scope",
        "min_overdue_amount",
    )  # fmt: skip


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active")
    inlines = [PolicyStepInline]


@admin.register(SegmentPolicy)
class SegmentPolicyAdmin(admin.ModelAdmin):
    list_display = ("segment", "policy")


@admin.register(CounterpartyPolicy)
class CounterpartyPolicyAdmin(admin.ModelAdmin):
    list_display = ("counterparty", "policy", "assigned_by", "assigned_at")
    raw_id_fields = ("counterparty",)


@admin.register(Grace)
class GraceAdmin(AuditedAdmin):
    """Graces are granted on the grace page (with its limits and approvals); an edit here is
    audit-logged on the debtor's timeline and makes the next run look at the debtor again."""

    list_display = ("counterparty", "until", "approved_by", "approved_at", "ended_at")
    raw_id_fields = ("counterparty",)

    def save_model(self, request: HttpRequest, obj: Grace, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        DocumentProgress.objects.filter(document__counterparty_id=obj.counterparty_id).update(
            next_due_on=timezone.localdate()
        )

    def delete_model(self, request: HttpRequest, obj: Grace) -> None:
        super().delete_model(request, obj)
        DocumentProgress.objects.filter(document__counterparty_id=obj.counterparty_id).update(
            next_due_on=timezone.localdate()
        )


@admin.register(GraceRequest)
class GraceRequestAdmin(AuditedAdmin):
    list_display = ("counterparty", "until", "status", "requested_by", "decided_by")
    list_filter = ("status",)
    raw_id_fields = ("counterparty", "grace")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "counterparty", "assignee", "action", "due_at", "status")
    list_filter = ("status", "action")
    search_fields = ("title", "counterparty__name")
    raw_id_fields = ("counterparty", "step")
    date_hierarchy = "due_at"
    readonly_fields = ("task_documents",)

    @admin.display(description=_("documents"))
    def task_documents(self, task: Task) -> str:
        return document_numbers(task.documents)


@admin.register(Promise)
class PromiseAdmin(AuditedAdmin):
    list_display = ("counterparty", "amount", "currency", "promised_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("counterparty", "documents")


@admin.register(Dispute)
class DisputeAdmin(AuditedAdmin):
    list_display = ("counterparty", "reason", "amount", "currency", "status", "deadline")
    list_filter = ("status", "reason")
    raw_id_fields = ("counterparty", "documents")


class AgreementInstalmentInline(admin.TabularInline):
    model = AgreementInstalment
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ("counterparty", "signed_on", "total", "currency", "status")
    raw_id_fields = ("counterparty",)
    inlines = [AgreementInstalmentInline]


# The ladder's own state, written by the daily run and the services (RecordAdmin): an event
# added by hand would fire steps with no source, a progress edited by hand would skip or
# repeat a step, a run edited by hand would confuse the workers that claim it.
@admin.register(LadderEvent)
class LadderEventAdmin(RecordAdmin):
    list_display = ("kind", "counterparty", "occurred_on", "processed_at")
    raw_id_fields = ("counterparty",)


@admin.register(DocumentProgress)
class DocumentProgressAdmin(RecordAdmin):
    list_display = ("document", "policy", "step_order", "reached_on", "next_due_on")
    raw_id_fields = ("document", "counterparty")


@admin.register(DailyRun)
class DailyRunAdmin(RecordAdmin):
    list_display = ("as_of", "shard", "enqueued_at", "started_at", "finished_at")
