"""The correspondence's timeline entries in the reader's language (registered at start-up)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.timeline import KIND_LABELS, register_renderer

LABELS = {
    "correspondence": _("Correspondence"),
    "correspondence.email_received": _("Email received"),
    "correspondence.bounce": _("Email not delivered"),
    "correspondence.email_moved": _("Email moved to another debtor"),
    "correspondence.letter_registered": _("Letter registered"),
    "correspondence.letter_changed": _("Letter changed"),
}


def email_received(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "from" not in data:
            continue
        text = gettext("From %(sender)s: %(subject)s") % {
            "sender": data["from"] or "?",
            "subject": data.get("subject") or "—",
        }
        if data.get("excerpt"):
            text += f" — {data['excerpt']}"
        out[entry.pk] = text
    return out


def bounce(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "to" not in data:
            continue
        out[entry.pk] = gettext("Email to %(to)s was not delivered (%(subject)s): %(reason)s") % {
            "to": data["to"],
            "subject": data.get("subject") or "—",
            "reason": data.get("reason") or "",
        }
    return out


def moved(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "to_debtor" not in data:
            continue
        out[entry.pk] = gettext("Email from %(sender)s (%(subject)s) moved to %(debtor)s") % {
            "sender": data.get("from") or "?",
            "subject": data.get("subject") or "—",
            "debtor": data["to_debtor"],
        }
    return out


def letter(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "number" not in data:
            continue
        if data.get("direction") == "in":
            template = gettext("%(number)s from %(party)s: %(subject)s")
        else:
            template = gettext("%(number)s to %(party)s: %(subject)s")
        out[entry.pk] = template % {
            "number": data["number"],
            "party": data.get("party") or "—",
            "subject": data.get("subject") or "—",
        }
    return out


def register() -> None:
    KIND_LABELS.update(LABELS)
    register_renderer("correspondence.email_received", email_received)
    register_renderer("correspondence.bounce", bounce)
    register_renderer("correspondence.email_moved", moved)
    register_renderer("correspondence.letter_registered", letter)
    register_renderer("correspondence.letter_changed", letter)
