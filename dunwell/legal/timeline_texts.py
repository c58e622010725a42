"""The legal track's entries in the reader's language (registered at start-up).

A step's stored summary is in the language of whoever caused it; the nightly run writes in the
system's language. The kinds whose words do not depend on what the actor typed are re-worded
here from the step's kind and data, for the debtor's timeline and the case page alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from dunwell.ledger.timeline import register_renderer

_FIXED = {
    "case_opened": lambda data: gettext("Legal case opened"),
    "case_closed": lambda data: gettext("Legal case closed"),
    "pretension_due": lambda data: gettext("The pressure scale calls for a pretension"),
    "court_filing_due": lambda data: gettext("The pressure scale calls for a lawsuit"),
}


def _gated(action: Any) -> str | None:
    from dunwell.legal.models import GatedAction

    return str(GatedAction(action).label) if action in GatedAction.values else None


def _approval_requested(data: dict[str, Any]) -> str | None:
    step = _gated(data.get("action"))
    return (
        None
        if step is None
        else gettext("Director's approval requested: %(step)s") % {"step": step}
    )


def _approval_implied(data: dict[str, Any]) -> str | None:
    step = _gated(data.get("action"))
    return None if step is None else gettext("%(step)s done by the director") % {"step": step}


_RENDER = {
    **_FIXED,
    "approval_requested": _approval_requested,
    "approval_implied": _approval_implied,
}


def step_text(kind: str, data: dict[str, Any] | None, summary: str) -> str:
    """The words of a case step of `kind` in the active language; the stored summary when the
    kind's words come from the actor."""
    render = _RENDER.get(kind)
    text = render(data or {}) if render is not None else None
    return text or summary


def _entries(entries: Sequence[Any]) -> dict[int, str]:
    return {
        entry.pk: step_text(entry.kind.removeprefix("legal."), entry.data, entry.summary)
        for entry in entries
    }


def register() -> None:
    for kind in _RENDER:
        register_renderer(f"legal.{kind}", _entries)
