"""What a timeline entry's `kind` ("ladder.task_done") means to a reader, in their language.
Kinds are dotted: the most specific known prefix gives the label, so a new kind of an app still
reads as that app's ("Pressure scale") rather than as a code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

KIND_LABELS: dict[str, StrOrPromise] = {
    "ledger": _("Accounting"),
    "ledger.import": _("Import from accounting"),
    "ledger.document_added": _("New document"),
    "ledger.payment_added": _("Payment received"),
    "ladder": _("Pressure scale"),
    "ladder.tasks_created": _("Tasks scheduled"),
    "ladder.task_created": _("Task scheduled"),
    "ladder.task_done": _("Task done"),
    "ladder.task_skipped": _("Task skipped"),
    "ladder.task_cancelled_paid": _("Task closed: paid"),
    "ladder.task_approved": _("Task approved"),
    "ladder.task_rejected": _("Task rejected"),
    "ladder.promise_recorded": _("Promise to pay"),
    "ladder.promise_cancelled": _("Promise cancelled"),
    "ladder.dispute_registered": _("Dispute registered"),
    "ladder.dispute_resolved": _("Dispute closed"),
    "ladder.dispute_overdue": _("Dispute overdue"),
    "ladder.agreement_created": _("Repayment agreement"),
    "ladder.grace": _("Grace period"),
    "ladder.grace_set": _("Grace period"),
    "ladder.grace_granted": _("Grace period granted"),
    "ladder.grace_extended": _("Grace period extended"),
    "ladder.grace_ended": _("Grace period ended"),
    "ladder.policy_assigned": _("Pressure scale changed"),
    "ladder.shipments_stopped": _("Shipments stopped"),
    "ladder.call_back_missed": _("Call-back missed"),
    "ladder.no_answer_retry": _("Call retried"),
    "work": _("Workspace"),
    "work.call": _("Call"),
    "work.outcome": _("Call"),
    "work.promise": _("Promise to pay"),
    "work.dispute": _("Dispute"),
    "work.stalling": _("Stalling"),
    "work.reassigned": _("Reassigned"),
    "work.meeting": _("Negotiation meeting"),
    "work.task": _("Task"),
    "work.task.sent": _("Letter sent"),
    "work.task.notified": _("Notified"),
    "legal": _("Legal track"),
    "legal.document_generated": _("Document prepared"),
    "legal.case_opened": _("Legal case opened"),
    "legal.case_closed": _("Legal case closed"),
    "legal.pretension_sent": _("Pretension sent"),
    "admin": _("Changed by an administrator"),
}


def kind_label(kind: str) -> StrOrPromise:
    parts = kind.split(".")
    for end in range(len(parts), 0, -1):
        label = KIND_LABELS.get(".".join(parts[:end]))
        if label is not None:
            return label
    return _("Event")
