"""The letters' entries on the debtor's timeline in the reader's language (registered at
start-up): the stored summary is in the language of whoever sent the letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext


def sent(entries: Sequence[Any]) -> dict[int, str]:
    """An email with its subject, address and files, or a letter printed for post with its
    register number, from the message itself (one query for the page)."""
    from dunwell.mail.models import OutgoingMessage

    ids = {e.data["message"] for e in entries if isinstance((e.data or {}).get("message"), int)}
    found = {m.pk: m for m in OutgoingMessage.objects.filter(pk__in=ids)}
    out = {}
    for entry in entries:
        data = entry.data or {}
        message = found.get(data.get("message"))  # type: ignore[arg-type]
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
