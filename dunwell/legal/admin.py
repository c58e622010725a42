from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.admin import document_numbers
from dunwell.ledger.audit import RecordAdmin
from dunwell.legal import models
from dunwell.legal.forms import DocumentTemplateForm


@admin.register(models.DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    """Upload a lawyer-edited DOCX to replace the shipped template of a kind and language."""

    form = DocumentTemplateForm
    list_display = ("kind", "language", "file", "note", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "language")
    readonly_fields = ("uploaded_by",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


# A document as it was made, with its number and the data it was rendered from: a record.
@admin.register(models.GeneratedDocument)
class GeneratedDocumentAdmin(RecordAdmin):
    list_display = ("number", "kind", "language", "counterparty", "created_by", "created_at")
    list_filter = ("kind", "language")
    raw_id_fields = ("counterparty", "case")


@admin.register(models.LegalCase)
class LegalCaseAdmin(admin.ModelAdmin):
    list_display = ("counterparty", "stage", "lawyer", "court", "case_number", "opened_at")
    list_filter = ("stage",)
    raw_id_fields = ("counterparty",)
    readonly_fields = ("case_documents",)

    @admin.display(description=_("documents covered"))
    def case_documents(self, case: models.LegalCase) -> str:
        return document_numbers(case.documents)
