"""The mail's timeline entries, written in the reader's language from their data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext


def _sent(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if not {"to", "subject"} <= set(data):
            continue
        if data.get("unconfirmed"):
            text = gettext(
                "Email “%(subject)s” sent to %(to)s (the server's answer was not received)"
            )
        else:
            text = gettext("Email “%(subject)s” sent to %(to)s")
        out[entry.pk] = text % {"to": data["to"], "subject": data["subject"]}
    return out


def _gave_up(entries: Sequence[Any]) -> dict[int, str]:
    from dunwell.mail.models import RefusalReason

    out = {}
    for entry in entries:
        data = entry.data or {}
        if not {"to", "subject"} <= set(data):
            continue
        code = data.get("code") or ""
        reason = (
            str(RefusalReason(code).label)
            if code in RefusalReason.values
            else data.get("error", "")
        )
        out[entry.pk] = gettext("Email “%(subject)s” to %(to)s not delivered: %(reason)s") % {
            "to": data["to"],
            "subject": data["subject"],
            "reason": reason,
        }
    return out


def _posted(entries: Sequence[Any]) -> dict[int, str]:
    return {
        entry.pk: gettext("Letter posted: %(subject)s") % {"subject": entry.data["subject"]}
        for entry in entries
        if "subject" in (entry.data or {})
    }


RENDERERS: dict[str, Callable[[Sequence[Any]], dict[int, str]]] = {
    "mail.sent": _sent,
    "mail.gave_up": _gave_up,
    "mail.posted": _posted,
}
