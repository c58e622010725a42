from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from dunwell.ledger import models
from dunwell.ledger.allocation import reallocate
from dunwell.ledger.audit import AuditedAdmin, RecordAdmin


def document_numbers(documents: QuerySet[models.Document]) -> str:
    """The numbers of `documents` by due date, for an admin page's read-only field."""
    return ", ".join(documents.order_by("due_date", "id").values_list("number", flat=True))


class BankAccountInline(admin.TabularInline):
    model = models.BankAccount
    extra = 0
    fields = ("currency", "account", "bank_name", "bank_code", "is_default")


@admin.register(models.Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country", "currency", "tax_id", "time_zone")
    inlines = (BankAccountInline,)


@admin.register(models.NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    list_display = ("company", "day", "note")
    list_filter = ("company",)


@admin.register(models.Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "names")


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = ("name", "position", "decides_payments", "accountant", "phone", "email")


@admin.register(models.Counterparty)
class CounterpartyAdmin(AuditedAdmin):
    list_display = ("name", "tax_id", "country", "segment", "collector", "stop_shipments", "legal")
    list_filter = ("company", "country", "segment", "stop_shipments", "legal", "written_off")
    search_fields = ("name", "tax_id", "external_id")
    raw_id_fields = ("collector", "sales_manager")
    inlines = [ContactInline]


@admin.register(models.Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ("name", "counterparty", "position", "decides_payments", "phone", "email")
    search_fields = ("name", "phone", "email", "counterparty__name")
    raw_id_fields = ("counterparty",)


class InstalmentInline(admin.TabularInline):
    model = models.ContractInstalment
    extra = 0


@admin.register(models.Contract)
class ContractAdmin(AuditedAdmin):
    list_display = ("number", "date", "counterparty", "currency", "payment_days", "penalty_rate")
    search_fields = ("number", "external_id", "counterparty__name")
    raw_id_fields = ("counterparty",)
    inlines = [InstalmentInline]


@admin.register(models.Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "date", "due_date", "counterparty", "amount", "open_amount")
    list_filter = ("kind", "currency", "company")
    search_fields = ("number", "external_id", "counterparty__name")
    raw_id_fields = ("counterparty", "contract")
    date_hierarchy = "due_date"
    # Open amounts change only through allocation, never by hand.
    readonly_fields = ("open_amount",)

    def save_model(
        self, request: HttpRequest, obj: models.Document, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # Reallocated like an imported document: a new amount, due date or owner moves money,
        # and the allocations' copies of the document's columns follow (historic aging).
        ids = {obj.counterparty_id}
        if change and form.initial.get("counterparty"):
            ids.add(int(form.initial["counterparty"]))
        reallocate(ids)


class AllocationInline(admin.TabularInline):
    model = models.Allocation
    extra = 0
    raw_id_fields = ("document",)
    readonly_fields = ("document", "amount", "paid_on", "explicit")
    can_delete = False


@admin.register(models.Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "number",
        "date",
        "counterparty",
        "amount",
        "currency",
        "unallocated",
    )
    search_fields = ("external_id", "number", "payer", "counterparty__name")
    raw_id_fields = ("counterparty", "contract", "document")
    readonly_fields = ("unallocated",)
    inlines = [AllocationInline]


# The counterparty's history (DESIGN §2): written by the program, never by hand.
@admin.register(models.TimelineEntry)
class TimelineEntryAdmin(RecordAdmin):
    list_display = ("at", "counterparty", "kind", "actor", "summary")
    list_filter = ("kind",)
    raw_id_fields = ("counterparty",)


# An import's run and its outcome, written by the import only (its page is /ledger/imports/).
@admin.register(models.ImportRun)
class ImportRunAdmin(RecordAdmin):
    list_display = ("id", "kind", "file_name", "status", "rows_done", "rows_total", "rejected")
    list_filter = ("kind", "status")


@admin.register(models.ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("kind", "name", "signature", "updated_at")


# The sales pipeline's stages are configured per company here (issue 14): names in the four
# languages, default probability, usual days, outcome.
@admin.register(models.DealStage)
class DealStageAdmin(admin.ModelAdmin):
    list_display = ("company", "position", "code", "name", "probability", "usual_days", "outcome")
    list_filter = ("company", "outcome")
    ordering = ("company", "position")


@admin.register(models.Deal)
class DealAdmin(AuditedAdmin):
    list_display = ("external_id", "name", "counterparty", "stage", "amount", "currency")
    list_filter = ("stage__code",)
    search_fields = ("external_id", "name", "counterparty__name")
    raw_id_fields = ("counterparty", "owner")
