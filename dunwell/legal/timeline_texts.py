"""The legal track's entries in the reader's language (registered at start-up).

A step's stored summary is in the language of whoever caused it; the nightly run writes in the
system's language. The kinds whose words do not depend on what the actor typed are re-worded
here from the step's kind and data, for the debtor's timeline and the case page alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from dunwell.ledger.timeline import KIND_LABELS, register_renderer

_FIXED = {
    "case_opened": lambda data: gettext("Legal case opened"),
    "case_closed": lambda data: gettext("Legal case closed"),
    "pretension_due": lambda data: gettext("The pressure scale calls for a pretension"),
    "court_filing_due": lambda data: gettext("The pressure scale calls for a lawsuit"),
    "written_off": lambda data: gettext("Debt written off"),
}


def _day(value: Any) -> str:
    return date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")


def moved_text(moved_from: date, why: str) -> str:
    """Why a period's end moved to the next working day, in the active language ("moved from
    01.01.2027, a public holiday"); `why` is one of legal.periods' reasons."""
    reasons = {
        "saturday": gettext("a Saturday"),
        "sunday": gettext("a Sunday"),
        "closed": gettext("a day the company is closed"),
    }
    return gettext("moved from %(date)s, %(why)s") % {
        "date": date_format(moved_from, "SHORT_DATE_FORMAT"),
        "why": reasons.get(why) or gettext("a public holiday"),
    }


def _pretension_prepared(data: dict[str, Any]) -> str | None:
    number = data.get("number")
    return gettext("Pretension %(number)s prepared") % {"number": number} if number else None


def _pretension_sent(data: dict[str, Any]) -> str | None:
    if not (data.get("sent_on") and data.get("response_due")) or "shortest" not in data:
        return None  # written before the step said whether the period was the shortest
    text = gettext("Pretension sent on %(date)s; response due %(due)s") % {
        "date": _day(data["sent_on"]),
        "due": _day(data["response_due"]),
    }
    if data.get("moved_from"):  # the period ended on a non-working day (legal/periods.py)
        moved_from = date.fromisoformat(str(data["moved_from"])[:10])
        text += f" ({moved_text(moved_from, str(data.get('moved_why') or ''))})"
    if data["shortest"]:
        days = int(data.get("days") or 0)
        text += " " + ngettext(
            "(%(days)s day: the shortest period of the contracts concerned)",
            "(%(days)s days: the shortest period of the contracts concerned)",
            days,
        ) % {"days": days}
    return text


def _lawsuit_filed(data: dict[str, Any]) -> str | None:
    if not data.get("court"):
        return None
    return gettext("Lawsuit filed with %(court)s, case %(number)s") % {
        "court": data["court"],
        "number": data.get("case_number") or "—",
    }


def _hearing(data: dict[str, Any]) -> str | None:
    at = parse_datetime(str(data.get("at") or ""))
    if at is None:
        return None
    when = date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
    return gettext("Hearing on %(at)s") % {"at": when}


def judgment_text(judgment_on: Any, amount: Any, currency: str) -> str:
    """ "Judgment of 03.06.2026: 3 456,42 RON awarded" in the active language: the step's stored
    summary and its words on the timeline alike."""
    return gettext("Judgment of %(date)s: %(amount)s %(currency)s awarded") % {
        "date": _day(judgment_on),
        "amount": number_format(Decimal(str(amount)), 2, force_grouping=True),
        "currency": currency,
    }


def _judgment(data: dict[str, Any]) -> str | None:
    if not (data.get("judgment_on") and data.get("amount") and data.get("currency")):
        return None
    return judgment_text(data["judgment_on"], data["amount"], data["currency"])


def _enforcement(data: dict[str, Any]) -> str | None:
    started = data.get("started_on")
    return gettext("Enforcement started on %(date)s") % {"date": _day(started)} if started else None


def _approval_decided(data: dict[str, Any]) -> str | None:
    step = _gated(data.get("action"))
    if step is None:
        return None
    if data.get("approved"):
        return gettext("%(step)s: approved") % {"step": step}
    if data.get("ask_again_on"):
        return gettext("%(step)s: not now, to be asked again on %(day)s") % {
            "step": step,
            "day": _day(data["ask_again_on"]),
        }
    return gettext("%(step)s: rejected") % {"step": step}


def _ladder_step(data: dict[str, Any]) -> str | None:
    from dunwell.ladder.models import Action

    action = data.get("action")
    if action not in Action.values:
        return None
    return gettext("Legal step of the pressure scale: %(action)s") % {
        "action": Action(action).label
    }


def _document_generated(data: dict[str, Any]) -> str | None:
    from dunwell.legal.models import PaperKind

    kind, number = data.get("kind"), data.get("number")
    if kind not in PaperKind.values or not number:
        return None
    return gettext("%(kind)s %(number)s generated (%(language)s)") % {
        "kind": PaperKind(kind).label,
        "number": number,
        "language": data.get("language") or "—",
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
    "approval_decided": _approval_decided,
    "pretension_prepared": _pretension_prepared,
    "pretension_sent": _pretension_sent,
    "lawsuit_filed": _lawsuit_filed,
    "hearing_scheduled": _hearing,
    "judgment": _judgment,
    "enforcement": _enforcement,
    "ladder_step": _ladder_step,
    "document_generated": _document_generated,
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


# What each kind is, beside the entry's words (the debtor card's "kind" column).
LABELS = {
    "legal.pretension_prepared": gettext_lazy("Pretension prepared"),
    "legal.lawsuit_filed": gettext_lazy("Lawsuit filed"),
    "legal.hearing_scheduled": gettext_lazy("Hearing"),
    "legal.judgment": gettext_lazy("Judgment"),
    "legal.enforcement": gettext_lazy("Enforcement"),
    "legal.written_off": gettext_lazy("Debt written off"),
    "legal.approval_requested": gettext_lazy("Director's approval requested"),
    "legal.approval_decided": gettext_lazy("Director's decision"),
    "legal.approval_implied": gettext_lazy("Director's decision"),
    "legal.ladder_step": gettext_lazy("Pressure scale"),
}


def register() -> None:
    for kind, label in LABELS.items():
        KIND_LABELS.setdefault(kind, label)
    for kind in _RENDER:
        register_renderer(f"legal.{kind}", _entries)
