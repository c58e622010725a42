"""The legal track: generated documents, their editable templates and legal case records.

A LegalCase follows one counterparty from the pretension to the court's judgment, enforcement
and closing (or write-off). Every step is a CaseStep (who, when, what) and is mirrored on the
counterparty's timeline; deadlines (the pretension's response date, hearings) are CaseDeadline
rows that also become ladder tasks in the lawyer's calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.dbindex import index_when_set
from dunwell.idarray import IdArrayField
from dunwell.ladder.models import stepless_title
from dunwell.ledger.models import Company, Counterparty, Document, money_field


class PaperKind(models.TextChoices):
    """The kinds of document the legal track generates."""

    # In context: the pressure scale (ladder) translates the same English words as a step's
    # name, and its catalogue, loaded first, would name the paper differently from its title
    # ("Pretenție (somație)" beside a paper headed "Notificare de plată (somație)").
    PRETENSION = "pretension", pgettext_lazy("paper kind", "Pretension (claim letter)")
    RECONCILIATION = "reconciliation", _("Reconciliation statement")
    STATEMENT = "statement", _("Statement of account")
    SCHEDULE = "schedule", _("Repayment-schedule agreement")
    PROTOCOL = "protocol", _("Meeting protocol")
    FINAL_WARNING = "final_warning", pgettext_lazy("paper kind", "Final warning")
    STATEMENT_OF_CLAIM = "court_claim", _("Statement of claim")


class DocumentTemplate(models.Model):
    """An administrator's replacement for the shipped DOCX template of one kind and language."""

    kind = models.CharField(_("kind"), max_length=16, choices=PaperKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("DOCX template"), upload_to="legal/templates/")
    note = models.CharField(_("note"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="uniq_legal_template")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class CaseStage(models.TextChoices):
    NEW = "new", _("Handed to the lawyer")
    PRETENSION_PREPARED = "pretension_prepared", _("Pretension prepared")
    AWAITING_RESPONSE = "awaiting_response", _("Pretension sent, awaiting response")
    LAWSUIT_PREPARING = "lawsuit_preparing", _("Lawsuit being prepared")
    LAWSUIT_FILED = "lawsuit_filed", _("Lawsuit filed")
    HEARINGS = "hearings", _("Hearings")
    JUDGMENT = "judgment", _("Judgment")
    ENFORCEMENT = "enforcement", _("Enforcement")
    CLOSED = "closed", _("Closed")
    WRITTEN_OFF = "written_off", _("Written off")


FINAL_STAGES = frozenset({CaseStage.CLOSED, CaseStage.WRITTEN_OFF})


class Channel(models.TextChoices):
    POST = "post", _("Registered post")
    COURIER = "courier", _("Courier")
    HAND = "hand", _("By hand, against signature")
    EMAIL = "email", _("Email")
    EDO = "edo", _("Electronic document exchange")


class LegalCase(models.Model):
    """One legal action against one counterparty."""

    # Its four keys are checked once per statement (`dunwell/dbkeys.py`, migration 0008): the
    # first daily run opens 57,500 cases at 1M documents.
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="legal_cases",
        db_constraint=False,
        verbose_name=_("company"),
    )
    # No index of its own: the (counterparty, stage) index below serves the lookups by debtor.
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="legal_cases",
        db_index=False,
        db_constraint=False,
    )
    stage = models.CharField(
        pgettext_lazy("legal case", "stage"),
        max_length=20,
        choices=CaseStage.choices,
        default=CaseStage.NEW,
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_cases",
        db_constraint=False,
    )
    # The documents the case covers (distinct ids), written with the case. Not a link table:
    # the first daily run at 1M documents opens 57,500 cases covering 575,000 documents
    # (dunwell/idarray.py).
    document_ids = IdArrayField(_("documents covered"))
    currency = models.CharField(_("currency"), max_length=3)
    opened_at = models.DateTimeField(_("opened at"))
    # Empty on the cases the daily run opens: indexed only when set (Meta).
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("opened by"),
    )
    # Pretension
    pretension_sent_on = models.DateField(_("pretension sent on"), null=True, blank=True)
    pretension_channel = models.CharField(
        _("sent by"), max_length=8, choices=Channel.choices, blank=True
    )
    pretension_proof = models.FileField(
        _("proof of delivery"), upload_to="legal/proofs/", blank=True
    )
    response_due = models.DateField(_("response due"), null=True, blank=True)
    # The day the pretension period's count gave when it was not a working day: the response
    # is due on the next working day instead (legal/periods.py).
    response_due_moved_from = models.DateField(
        _("response due by the calendar count"), null=True, blank=True
    )
    # Lawsuit
    court = models.CharField(_("court"), max_length=255, blank=True)
    case_number = models.CharField(_("court case number"), max_length=64, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    claim_principal = money_field(_("principal claimed"), null=True, blank=True)
    claim_interest = money_field(_("penalty / interest claimed"), null=True, blank=True)
    claim_state_fee = money_field(_("state fee"), null=True, blank=True)
    # Judgment and enforcement
    judgment_on = models.DateField(_("judgment date"), null=True, blank=True)
    judgment_amount = money_field(_("amount awarded"), null=True, blank=True)
    judgment_note = models.TextField(_("judgment"), blank=True)
    enforcement_on = models.DateField(_("enforcement started on"), null=True, blank=True)
    enforcement_ref = models.CharField(_("enforcement reference"), max_length=128, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")
        indexes = [
            models.Index(fields=["counterparty", "stage"]),
            index_when_set("opened_by", "legal_case_opened_by"),
        ]
        constraints = [
            # At most one case in progress per counterparty: the ladder's legal steps advance it.
            models.UniqueConstraint(
                fields=["counterparty"],
                condition=~Q(stage__in=["closed", "written_off"]),
                name="uniq_open_legal_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.counterparty} — {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES

    @property
    def documents(self) -> models.QuerySet[Document]:
        """The documents the case covers that still exist."""
        return Document.objects.filter(pk__any=self.document_ids)


class CaseStep(models.Model):
    """Something that happened in a case (the case's own timeline)."""

    # Both keys are checked once per statement (`dunwell/dbkeys.py`, migration 0008).
    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="steps", db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=32)
    at = models.DateTimeField(_("at"))
    # Empty on the steps the daily run records: indexed only when set (Meta).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    summary = models.TextField(_("what"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The ladder task that triggered this step; makes open_case_for_task idempotent.
    source_task_id = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["-at", "-id"]
        indexes = [index_when_set("actor", "legal_casestep_actor")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"


class DeadlineKind(models.TextChoices):
    RESPONSE = "response", _("Pretension response due")
    HEARING = "hearing", _("Court hearing")
    OTHER = "other", _("Deadline")


class CaseDeadline(models.Model):
    """A date the lawyer must act on; mirrored as a ladder task (task_id) in their calendar."""

    case = models.ForeignKey(LegalCase, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=10, choices=DeadlineKind.choices)
    due_at = models.DateTimeField(_("due at"))
    title = models.CharField(_("title"), max_length=255)
    task_id = models.BigIntegerField(_("task"), null=True, blank=True)

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.due_at:%Y-%m-%d %H:%M} {self.title}"

    @property
    def localized_title(self) -> str:
        """The title in the reader's language: the app's own titles (`deadline_titles`) are
        stored in English and worded on display; one a person typed stays as typed."""
        return stepless_title(self.title)


class GatedAction(models.TextChoices):
    PRETENSION = "pretension", _("Send the pretension")
    LAWSUIT = "lawsuit", _("File the lawsuit")
    WRITE_OFF = "write_off", _("Write the debt off")


class Approval(models.Model):
    """The director's decision on a gated step (key customers, write-offs), audit-logged."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the director")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        USED = "used", _("approved and done")

    case = models.ForeignKey(LegalCase, on_delete=models.CASCADE, related_name="approvals")
    action = models.CharField(_("step"), max_length=10, choices=GatedAction.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # "Not now, ask me again on …": the request stays waiting, off the director's list until
    # that day (services.pending_approvals), as the pressure scale's refused steps come back.
    ask_again_on = models.DateField(_("ask again on"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.get_status_display()}"


class GeneratedDocument(models.Model):
    """A document made for a counterparty, with the data snapshot it was rendered from."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="generated_documents",
    )
    case = models.ForeignKey(
        LegalCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="papers",
        verbose_name=_("legal case"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PaperKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    number = models.CharField(_("number"), max_length=32)
    docx = models.FileField(_("DOCX"), upload_to="legal/generated/%Y/%m/")
    pdf = models.FileField(_("PDF"), upload_to="legal/generated/%Y/%m/", blank=True)
    data = models.JSONField(_("data"), default=dict)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["counterparty", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
