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


def queued_text(message: Any, files: Sequence[str]) -> str:
    """What the collector reads when the composer has queued an email: queued for sending, to
    whom and what; while mail is not configured, that it waits for the administrator."""
    from dunwell.mail.models import MessageState
    from dunwell.mail.sending import is_configured

    text = gettext("Email “%(subject)s” to %(to)s queued for sending, attachments: %(files)s") % {
        "subject": message.subject,
        "to": message.to_email,
        "files": ", ".join(files) or "—",
    }
    waiting = message.state in (MessageState.QUEUED, MessageState.FAILED)
    if waiting and not is_configured():
        text += ". " + waits_text()
    return text


def waits_text() -> str:
    return gettext(
        "Mail is not configured: the email waits in the outbox until an administrator sets up "
        "sending."
    )


def queued(entries: Sequence[Any]) -> dict[int, str]:
    """The composer's queued emails, from the message itself (one query for the page); the
    outbox's own entries say when it was sent or not delivered."""
    from dunwell.mail.models import OutgoingMessage

    found = referenced(entries, "message", OutgoingMessage.objects.all())
    return {
        entry.pk: queued_text(found[entry.pk], (entry.data or {}).get("files") or [])
        for entry in entries
        if entry.pk in found
    }
