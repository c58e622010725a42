"""The workspace's entries in the reader's language (registered at start-up): notes, and the
calls' outcomes, whose stored summary is in the language of the collector who called."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.timeline import KIND_LABELS, referenced, register_renderer
from dunwell.money import Money
from dunwell.money_l10n import money_text


def notes(entries: Sequence[Any]) -> dict[int, str]:
    """A note reads as its words; a deleted one says so (its words are gone on purpose)."""
    return {
        entry.pk: gettext("Note deleted.")
        for entry in entries
        if (entry.data or {}).get("deleted_by") is not None
    }


def _call_params(outcome: str, data: dict[str, Any], call_back_at: Any) -> dict[str, str] | None:
    """The words an outcome's sentence needs, from the entry's data and its call; None when an
    entry written before they were kept lacks them."""
    from dunwell.work.models import Outcome
    from dunwell.work.services import dispute_reason_label

    if outcome == Outcome.PROMISE:
        if "who" not in data:
            return None
        money = Money(Decimal(data["amount"]), data["currency"])
        return {
            "amount": money_text(money),
            "date": date_format(date.fromisoformat(data["date"]), "SHORT_DATE_FORMAT"),
            "who": data["who"] or "—",
        }
    if outcome == Outcome.DISPUTE:
        return {"reason": dispute_reason_label(data["reason"])}
    if outcome in (Outcome.CALL_BACK, Outcome.ABUSIVE):
        if call_back_at is None:
            return None
        return {"when": date_format(timezone.localtime(call_back_at), "SHORT_DATETIME_FORMAT")}
    if outcome == Outcome.WRONG_PERSON:
        return {"who": data["who"]} if "who" in data else None
    return {}


def call_summary(activity: Any, data: dict[str, Any] | None = None) -> str | None:
    """ "Call: promise to pay 1 500,00 RON by 20.03.2026 (Ana Pop) — <the collector's note>" in
    the reader's language, from `data` (the call's own, or its timeline entry's); None when a
    call recorded before its words were kept lacks them."""
    from dunwell.work.services import OUTCOME_SUMMARY

    if activity.outcome not in OUTCOME_SUMMARY:
        return None
    try:
        params = _call_params(
            activity.outcome, activity.data if data is None else data, activity.call_back_at
        )
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None
    if params is None:
        return None
    text = str(OUTCOME_SUMMARY[activity.outcome]) % params
    return f"{text} — {activity.note}" if activity.note else text


def calls(entries: Sequence[Any]) -> dict[int, str]:
    """Each call's entry as `call_summary` words it (one query for the page's calls)."""
    from dunwell.work.models import CallActivity

    found = referenced(entries, "activity", CallActivity.objects.all())
    out = {}
    for entry in entries:
        activity = found.get(entry.pk)
        text = call_summary(activity, entry.data or {}) if activity is not None else None
        if text is not None:
            out[entry.pk] = text
    return out


def stalling(entries: Sequence[Any]) -> dict[int, str]:
    from dunwell.work.models import StallingAlert

    out = {}
    for entry in entries:
        data = entry.data or {}
        if data.get("reason") in StallingAlert.Reason.values:
            label = StallingAlert.Reason(data["reason"]).label
            out[entry.pk] = f"{label} ({data.get('count', '?')})"
    return out


def _user_names(ids: set[int]) -> dict[int, str]:
    from dunwell.accounts.models import User

    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}


def reassigned(entries: Sequence[Any]) -> dict[int, str]:
    ids = {
        v for e in entries for k in ("from", "to") if isinstance(v := (e.data or {}).get(k), int)
    }
    names = _user_names(ids)
    out = {}
    for entry in entries:
        data = entry.data or {}
        if data.get("to") not in names:
            continue
        out[entry.pk] = gettext("Reassigned from %(old)s to %(new)s") % {
            "old": names.get(data.get("from"), "—"),  # type: ignore[arg-type]
            "new": names[data["to"]],
        }
    return out


def notified(entries: Sequence[Any]) -> dict[int, str]:
    ids = {int(i) for e in entries for i in (e.data or {}).get("notified", []) if str(i).isdigit()}
    names = _user_names(ids)
    out = {}
    for entry in entries:
        ids_here = [int(i) for i in (entry.data or {}).get("notified", []) if str(i).isdigit()]
        people = [names[i] for i in ids_here if i in names]
        out[entry.pk] = gettext("Payment missed: notified %(who)s") % {
            "who": ", ".join(people) or "—"
        }
    return out


def meetings(entries: Sequence[Any]) -> dict[int, str]:
    from dunwell.work.models import Meeting

    found = referenced(entries, "meeting", Meeting.objects.all())
    out = {}
    for entry in entries:
        meeting = found.get(entry.pk)
        if meeting is None:
            continue
        at = parse_datetime(str((entry.data or {}).get("at") or "")) or meeting.starts_at
        when = date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
        template = (
            gettext("Negotiation meeting planned for %(when)s")
            if entry.kind == "work.meeting.planned"
            else gettext("Negotiation meeting updated (%(when)s)")
        )
        out[entry.pk] = template % {"when": when}
    return out


def agreement_dates(entries: Sequence[Any]) -> dict[int, str]:
    """ "Repayment agreement of 12.03.2026 (RON): good relations until 30.06.2026, as at the
    negotiation meeting (was 31.05.2026)." in the reader's language."""
    from dunwell.work.services import agreement_date_text

    def day(value: Any) -> date | None:
        return date.fromisoformat(value) if value else None

    out = {}
    for entry in entries:
        data = entry.data or {}
        if "signed_on" in data:
            out[entry.pk] = agreement_date_text(
                date.fromisoformat(data["signed_on"]),
                data.get("currency", ""),
                day(data.get("until")),
                day(data.get("was")),
            )
    return out


def task_sent(entries: Sequence[Any]) -> dict[int, str]:
    """ "<task>: by post, file <name> — <note>" from the file kept with the task."""
    from dunwell.work.models import TaskAttachment

    files = TaskAttachment.objects.select_related("task__step", "task__counterparty")
    found = referenced(entries, "attachment", files)
    out = {}
    for entry in entries:
        sent = found.get(entry.pk)
        if sent is None:
            continue
        text = gettext("%(task)s: %(how)s, file %(file)s") % {
            "task": sent.task.title_beside_debtor,
            "how": sent.get_method_display(),
            "file": sent.original_name,
        }
        out[entry.pk] = f"{text} — {sent.note}" if sent.note else text
    return out


def contact_text(data: dict[str, Any], action: str) -> str:
    """ "Contact added: Ana Pop (accountant, phone)", "Contact Ana Pop changed: phone",
    "Ana Pop no longer works there" in the active language (work.contacts)."""
    from dunwell.work.contacts import FIELD_LABELS

    name = data["name"]
    fields = ", ".join(str(FIELD_LABELS.get(f, f)).lower() for f in data.get("fields", []))
    if action == "deactivated":
        return gettext("%(name)s no longer works there") % {"name": name}
    if action == "reactivated":
        return gettext("%(name)s works there again") % {"name": name}
    if action == "added":
        if not fields:
            return gettext("Contact added: %(name)s") % {"name": name}
        return gettext("Contact added: %(name)s (%(fields)s)") % {"name": name, "fields": fields}
    return gettext("Contact %(name)s changed: %(fields)s") % {"name": name, "fields": fields}


def contacts(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        try:
            out[entry.pk] = contact_text(entry.data or {}, entry.kind.rsplit(".", 1)[-1])
        except (KeyError, TypeError):
            continue
    return out


def register() -> None:
    KIND_LABELS["work.note"] = _("Note")
    KIND_LABELS["work.contact"] = _("Contact")
    for action in ("added", "changed", "deactivated", "reactivated"):
        register_renderer(f"work.contact.{action}", contacts)
    register_renderer("work.note", notes)
    from dunwell.work.models import Outcome, outcome_result

    for outcome in Outcome.values:
        register_renderer(f"work.call.{outcome}", calls)
    from dunwell.ladder.timeline_texts import RESULT_LABELS

    RESULT_LABELS.update({f"call.{o.value}": o.label for o in Outcome})
    from dunwell.ladder.models import add_task_results
    from dunwell.work.services import NOTIFIED, SENT_RESULTS

    add_task_results(NOTIFIED, *SENT_RESULTS.values(), *map(outcome_result, Outcome.values))
    register_renderer("work.stalling", stalling)
    register_renderer("work.reassigned", reassigned)
    register_renderer("work.task.notified", notified)
    register_renderer("work.task.sent", task_sent)
    register_renderer("work.meeting.planned", meetings)
    register_renderer("work.meeting.updated", meetings)
    register_renderer("work.meeting.agreement_date", agreement_dates)
