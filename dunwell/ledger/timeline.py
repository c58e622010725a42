"""What a timeline entry's `kind` ("ladder.task_done") means to a reader, in their language.
Kinds are dotted: the most specific known prefix gives the label, so a new kind of an app still
reads as that app's ("Pressure scale") rather than as a code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext
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
    "ladder.grace_requested": _("Grace period requested"),
    "ladder.grace_rejected": _("Grace request rejected"),
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


# A renderer writes the entries of one kind in the reader's language from their `data` (the
# stored `summary` is in the language of whoever caused the entry, often the system's English).
# It takes every entry of its kind on the page at once, so that it can read what it needs in
# one query, and returns {entry id: text}; entries it cannot render keep their summary.
Renderer = Callable[[Sequence[Any]], dict[int, str]]
RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str, renderer: Renderer) -> None:
    """Higher apps register their kinds' renderers at start-up (AppConfig.ready)."""
    RENDERERS[kind] = renderer


def referenced(entries: Sequence[Any], key: str, rows: Any) -> dict[int, Any]:
    """{entry id: the row its `data[key]` names}, read in one query from `rows` (a queryset),
    for a renderer that words its entries from the rows they are about."""
    ids = {e.data[key] for e in entries if isinstance((e.data or {}).get(key), int)}
    found = {row.pk: row for row in rows.filter(pk__in=ids)} if ids else {}
    return {e.pk: found[e.data[key]] for e in entries if (e.data or {}).get(key) in found}


def with_texts(entries: Sequence[Any]) -> Sequence[Any]:
    """Set `text` on each entry: rendered in the active language where a renderer knows the
    kind, else the stored summary."""
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for entry in entries:
        entry.text = entry.summary
        by_kind[entry.kind].append(entry)
    for kind, group in by_kind.items():
        renderer = RENDERERS.get(kind)
        if renderer is None:
            continue
        texts = renderer(group)
        for entry in group:
            entry.text = texts.get(entry.pk, entry.summary)
    return entries


def _imports(entries: Sequence[Any]) -> dict[int, str]:
    from dunwell.ledger.models import ImportKind

    out = {}
    for entry in entries:
        data = entry.data or {}
        if not {"kind", "file", "created", "updated"} <= set(data):
            continue
        kind = data["kind"]
        label = ImportKind(kind).label if kind in ImportKind.values else kind
        out[entry.pk] = gettext(
            "Import of %(kind)s from %(file)s: %(created)s new, %(updated)s changed"
        ) % {
            "kind": str(label).lower(),
            "file": data["file"],
            "created": data["created"],
            "updated": data["updated"],
        }
    return out


register_renderer("ledger.import", _imports)


def kind_label(kind: str) -> StrOrPromise:
    parts = kind.split(".")
    for end in range(len(parts), 0, -1):
        label = KIND_LABELS.get(".".join(parts[:end]))
        if label is not None:
            return label
    return _("Event")
