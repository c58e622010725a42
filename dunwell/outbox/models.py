from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What integrations may subscribe to (docs/integrations.md, "Webhooks")."""

    PROMISE_MADE = "promise.made", _("Promise made")
    PROMISE_KEPT = "promise.kept", _("Promise kept")
    PROMISE_BROKEN = "promise.broken", _("Promise broken")
    DISPUTE_OPENED = "dispute.opened", _("Dispute opened")
    DISPUTE_RESOLVED = "dispute.resolved", _("Dispute resolved")
    TASK_CREATED = "task.created", _("Task created")
    TASK_COMPLETED = "task.completed", _("Task completed")
    STOP_SHIPMENT_CHANGED = "stop_shipment.changed", _("Stop-shipment changed")
    LEGAL_STAGE_CHANGED = "legal_case.stage_changed", _("Legal case stage changed")
    IMPORT_FINISHED = "import.finished", _("Import finished")
    CREDIT_DECIDED = "credit.decided", _("Credit approval decided")


class Event(models.Model):
    """One business event, written in the transaction of the change that caused it (so an
    event exists exactly when its change was committed). Ids grow in commit order closely
    enough for the webhooks' cursor, which also re-reads a short window behind it."""

    kind = models.CharField(_("event"), max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    # Plain ids, not foreign keys: this app sits below the ledger and imports nothing.
    company_id = models.BigIntegerField(_("company"), null=True, blank=True)
    counterparty_id = models.BigIntegerField(_("counterparty"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict)
    # Handed to the subscribers (the webhooks' fan-out sets it in the transaction that queues
    # the deliveries): an event is dispatched once, whatever order transactions commit in.
    dispatched = models.BooleanField(_("dispatched"), default=False, db_default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(
                fields=["id"], condition=models.Q(dispatched=False), name="outbox_event_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
