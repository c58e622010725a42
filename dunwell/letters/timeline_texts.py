"""The letters' entries on the debtor's timeline in the reader's language (registered at
start-up): the stored summary is in the language of whoever sent the letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from dunwell.ledger.timeline import referenced


def sent(entries: Sequence[Any]) -> dict[int, str]:
    """An email with its subject, address and files, or a letter printed for post with its
    register number, from the message itself (one query for the page)."""
    from dunwell.mail.models import OutgoingMessage

    found = referenced(entries, "message", OutgoingMessage.objects.all())
    out = {}
    for entry in entries:
        data = entry.data or {}
        message = found.get(entry.pk)
        if message is None:
            continue
        if data.get("method") == "email":
            out[entry.pk] = gettext("Email “%(subject)s” to %(to)s, attachments: %(files)s") % {
                "subject": message.subject,
                "to": message.to_email,
                "files": ", ".join(data.get("files") or []) or "—",
            }
        elif data.get("method") == "post" and data.get("number"):
            out[entry.pk] = gettext("Letter %(number)s “%(subject)s” printed for post") % {
                "number": data["number"],
                "subject": message.subject,
            }
    return out
