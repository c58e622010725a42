"""The workspace's note entries in the reader's language (registered at start-up)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.timeline import KIND_LABELS, register_renderer


def notes(entries: Sequence[Any]) -> dict[int, str]:
    """A note reads as its words; a deleted one says so (its words are gone on purpose)."""
    return {
        entry.pk: gettext("Note deleted.")
        for entry in entries
        if (entry.data or {}).get("deleted_by") is not None
    }


def register() -> None:
    KIND_LABELS["work.note"] = _("Note")
    register_renderer("work.note", notes)
