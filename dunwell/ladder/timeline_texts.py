"""The ladder's timeline entries written in the reader's language from their data (registered
with dunwell.ledger.timeline at start-up)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext

from dunwell.ledger.timeline import referenced, register_renderer
from dunwell.money import Amounts, Money
from dunwell.money_l10n import money_text


def tasks_created(entries: Sequence[Any]) -> dict[int, str]:
    """ "Tasks scheduled: <step>; <step>" with the steps' names in the reader's language (one
    query for every entry on the page)."""
    from dunwell.ladder.models import PolicyStep

    step_ids: set[int] = {
        int(task["step"])
        for entry in entries
        for task in (entry.data or {}).get("tasks", [])
        if isinstance(task, dict) and task.get("step")
    }
    names = {step.pk: step.localized_name for step in PolicyStep.objects.filter(pk__in=step_ids)}
    out = {}
    for entry in entries:
        tasks = (entry.data or {}).get("tasks", [])
        titles = [
            names.get(int(task.get("step") or 0), task.get("title", ""))
            for task in tasks
            if isinstance(task, dict)
        ]
        if titles:
            out[entry.pk] = "; ".join(t for t in titles if t)
    return out


def promise_recorded(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        try:
            money = Money(Decimal(data["amount"]), data["currency"])
            day = date.fromisoformat(data["promised_date"])
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue  # an entry from before the currency was recorded keeps its summary
        text = gettext("Promise to pay %(amount)s by %(date)s") % {
            "amount": money_text(money),
            "date": date_format(day, "SHORT_DATE_FORMAT"),
        }
        who = data.get("promised_by")
        out[entry.pk] = f"{text} ({who})" if who else text
    return out


# --- entries about one task: its title is its step's name in the reader's language -----------


def _day(value: str) -> str:
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def _with(text: str, free: object) -> str:
    """`text`, then what someone typed with it (a comment, a reason): kept as typed."""
    return f"{text}: {free}" if isinstance(free, str) and free.strip() else text


# Results that another app words (the workspace's call outcomes: "call.promise" …), registered
# by that app at start-up; a task done with one reads in the reader's language.
RESULT_LABELS: dict[str, Any] = {}


def _free_text(data: dict[str, Any], key: str) -> object:
    """What was typed; a result the app wrote (`ladder.models.TASK_RESULTS`) in the reader's
    language, as one another app words by its code."""
    if key != "result":
        return data.get(key)
    from dunwell.ladder.models import localized_result

    label = RESULT_LABELS.get(data.get("result_code") or "")
    if label is not None:
        return str(label)
    result = data.get(key)
    return localized_result(result) if isinstance(result, str) else result


def _task_renderer(free_key: str | None) -> Any:
    """ "<task's title>: <what was typed>"; entries written before the typed text was kept in
    their data keep their summary."""

    def render(entries: Sequence[Any]) -> dict[int, str]:
        from dunwell.ladder.models import Task

        tasks = referenced(entries, "task", Task.objects.select_related("step", "counterparty"))
        out = {}
        for entry in entries:
            data = entry.data or {}
            if entry.pk not in tasks or (free_key is not None and free_key not in data):
                continue
            # the debtor's own timeline: the step alone, not "<step> — <debtor>"
            title = tasks[entry.pk].title_beside_debtor
            out[entry.pk] = _with(title, _free_text(data, free_key)) if free_key else title
        return out

    return render


def _entries_steps(entries: Sequence[Any]) -> dict[int, list[str]]:
    """Each entry's steps (its data's "steps", ids) by name in the reader's language, in one
    query for the page."""
    from dunwell.ladder.models import PolicyStep

    step_ids = {
        int(step) for entry in entries for step in (entry.data or {}).get("steps", []) or []
    }
    names = {step.pk: step.localized_name for step in PolicyStep.objects.filter(pk__in=step_ids)}
    return {
        entry.pk: [
            names[int(s)] for s in (entry.data or {}).get("steps", []) or [] if int(s) in names
        ]
        for entry in entries
    }


def step_covers_more(entries: Sequence[Any]) -> dict[int, str]:
    """An unfinished task that took the documents reaching its step on a later day (one
    unfinished task per debtor and step, `engine.one_task_per_step`)."""
    names = _entries_steps(entries)
    out = {}
    for entry in entries:
        data = entry.data or {}
        steps = names.get(entry.pk, [])
        if not steps or not isinstance(data.get("documents"), int):
            continue
        n = data["documents"]
        out[entry.pk] = ngettext(
            "The unfinished task “%(step)s” now also covers %(n)s more document (%(amount)s) "
            "that reached its step",
            "The unfinished task “%(step)s” now also covers %(n)s more documents (%(amount)s) "
            "that reached its step",
            n,
        ) % {
            "step": ", ".join(steps),
            "n": n,
            "amount": money_text(Amounts.from_json(data.get("amounts") or {})),
        }
    return out


def call_covers_more(entries: Sequence[Any]) -> dict[int, str]:
    """An open call that took the documents of the day's call steps (one call a day)."""
    from dunwell.ladder.models import Task

    tasks = referenced(entries, "task", Task.objects.select_related("step", "counterparty"))
    names = _entries_steps(entries)
    out = {}
    for entry in entries:
        data = entry.data or {}
        task = tasks.get(entry.pk)
        if task is None or not isinstance(data.get("documents"), int):
            continue
        n = data["documents"]
        out[entry.pk] = ngettext(
            "%(call)s now also covers %(n)s document (%(amount)s) that reached %(steps)s",
            "%(call)s now also covers %(n)s documents (%(amount)s) that reached %(steps)s",
            n,
        ) % {
            "call": task.title_beside_debtor,
            "n": n,
            "amount": money_text(Amounts.from_json(data.get("amounts") or {})),
            "steps": ", ".join(names.get(entry.pk, [])),
        }
    return out


def shipments_stopped(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "note" not in data or not data.get("at"):
            continue
        at = parse_datetime(data["at"])
        if at is None:
            continue
        text = gettext("Shipments stopped, confirmed by %(who)s on %(when)s") % {
            "who": entry.actor or "—",
            "when": date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT"),
        }
        out[entry.pk] = _with(text, data["note"])
    return out


def promise_cancelled(entries: Sequence[Any]) -> dict[int, str]:
    return {entry.pk: gettext("Promise cancelled") for entry in entries}


# --- disputes, agreements, the scale ------------------------------------------------------------


DISPUTE_REGISTERED = gettext_noop("Dispute (%(reason)s) for %(amount)s")
# How a claim registered on the card came (`services.register_dispute`'s channel); one from a
# call's outcome has none (the call's own entry stands beside it).
DISPUTE_CAME_BY = {
    "email": gettext_noop("Dispute (%(reason)s) for %(amount)s, received by e-mail"),
    "letter": gettext_noop("Dispute (%(reason)s) for %(amount)s, received by letter"),
    "meeting": gettext_noop("Dispute (%(reason)s) for %(amount)s, raised at a meeting"),
    "call": gettext_noop("Dispute (%(reason)s) for %(amount)s, raised on a call"),
}


def disputes(entries: Sequence[Any]) -> dict[int, str]:
    """Registered and closed disputes, from the dispute itself (one query for the page)."""
    from dunwell.ladder.models import Dispute

    found = referenced(entries, "dispute", Dispute.objects.all())
    out = {}
    for entry in entries:
        dispute = found.get(entry.pk)
        if dispute is None:
            continue
        if entry.kind == "ladder.dispute_registered":
            channel = (entry.data or {}).get("channel", "")
            words = DISPUTE_CAME_BY.get(channel, DISPUTE_REGISTERED)
            out[entry.pk] = gettext(words) % {
                "reason": dispute.get_reason_display(),
                "amount": money_text(Money(dispute.amount, dispute.currency)),
            }
        else:
            if dispute.status == "rejected":
                text = gettext("Dispute rejected")
            elif dispute.status == "resolved":
                text = gettext("Dispute resolved")
            else:
                continue
            out[entry.pk] = _with(text, dispute.resolution)
    return out


def agreements(entries: Sequence[Any]) -> dict[int, str]:
    from django.db.models import Count

    from dunwell.ladder.models import Agreement

    found = referenced(entries, "agreement", Agreement.objects.annotate(n=Count("instalments")))
    out = {}
    for entry in entries:
        agreement = found.get(entry.pk)
        if agreement is None:
            continue
        n = agreement.n  # type: ignore[attr-defined]
        out[entry.pk] = ngettext(
            "Repayment agreement of %(date)s: %(total)s in %(n)s instalment",
            "Repayment agreement of %(date)s: %(total)s in %(n)s instalments",
            n,
        ) % {
            "date": date_format(agreement.signed_on, "SHORT_DATE_FORMAT"),
            "total": money_text(Money(agreement.total, agreement.currency)),
            "n": n,
        }
    return out


def policy_assigned(entries: Sequence[Any]) -> dict[int, str]:
    from dunwell.ladder.models import Policy

    policies = referenced(entries, "policy", Policy.objects.all())
    out = {}
    for entry in entries:
        data = entry.data or {}
        if "policy" not in data:
            continue
        if data["policy"] is None:
            text = gettext("Pressure scale: the segment's own")
        elif entry.pk in policies:
            name = policies[entry.pk].localized_name
            text = gettext("Pressure scale: this debtor's own “%(name)s”") % {"name": name}
        else:
            continue
        # why management changed it (kept in the data since the card's form asks for it)
        out[entry.pk] = _with(text, data.get("reason"))
    return out


# --- grace periods ------------------------------------------------------------------------------


def _until(data: dict[str, Any]) -> str:
    text = gettext("until %(date)s") % {"date": _day(data["until"])}
    limits = data.get("limits") or {}
    if limits:
        amounts = ", ".join(
            money_text(Money(Decimal(str(a)), c)) for c, a in sorted(limits.items())
        )
        text += " " + gettext("(limit %(amounts)s)") % {"amounts": amounts}
    return text


# How `services.set_grace` summarised a grace it granted: "Delay forgiven until 31.03.2026: <the
# reason as typed>" (its data held the date, not the reason).
_OLD_GRACE_GRANTED = "Delay forgiven until "


def graces(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for entry in entries:
        data = entry.data or {}
        kind = entry.kind.rsplit(".", 1)[-1]
        try:
            if kind == "grace_requested" and "reason" in data:
                text = (
                    gettext("Grace extension requested %(until)s, for the director to decide")
                    if data.get("extension")
                    else gettext("Grace requested %(until)s, for the director to decide")
                ) % {"until": _until(data)}
            elif kind == "grace_granted" and "reason" in data:
                text = gettext("Grace granted %(until)s") % {"until": _until(data)}
            elif kind == "grace_granted" and entry.summary.startswith(_OLD_GRACE_GRANTED):
                # Written before the reason was kept in the data: the summary ends with it.
                text = gettext("Grace granted %(until)s") % {"until": _until(data)}
                data = {"reason": entry.summary.partition(": ")[2]}
            elif kind == "grace_extended" and "reason" in data:
                text = gettext("Grace extended from %(old)s %(until)s") % {
                    "old": _day(data["previous"]),
                    "until": _until(data),
                }
            elif kind == "grace_ended" and data.get("ended") == "expired":
                out[entry.pk] = gettext(
                    "Grace ended (forgiven until %(date)s): the ladder resumes"
                ) % {"date": _day(data["until"])}
                continue
            elif kind == "grace_ended" and data.get("ended") == "limit":
                over = "; ".join(
                    f"{money_text(Money(Decimal(amount), cur))} > "
                    f"{money_text(Money(Decimal(limit), cur))}"
                    for cur, amount, limit in data["over"]
                )
                out[entry.pk] = gettext(
                    "Grace ended: the open amount exceeds its limit (%(amounts)s)"
                ) % {"amounts": over}
                continue
            elif kind == "grace_ended" and "reason" in data:
                text = gettext("Grace ended by hand")
            elif kind == "grace_rejected" and "comment" in data:
                out[entry.pk] = _with(gettext("Grace request rejected"), data["comment"])
                continue
            else:
                continue
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue
        out[entry.pk] = _with(text, data["reason"])
    return out


# The nightly run's retries: stored in English (the search's and an old entry's text), read in
# the reader's language from the entry's data.
CALL_BACK_RETRIED = gettext_noop("%(title)s: not done in time, called again on %(date)s")
NO_ANSWER_RETRIED = gettext_noop("No answer: called again on %(date)s")


# The English summaries entries had before they kept their day and title in their data.
_OLD_NO_ANSWER = re.compile(r"^No answer: called again on (\d\d)\.(\d\d)\.(\d{4})$")
_OLD_CALL_BACK = re.compile(r"^(.+): not done in time, called again on (\d\d)\.(\d\d)\.(\d{4})$")


def _old_data(summary: str) -> dict[str, str] | None:
    found = _OLD_NO_ANSWER.match(summary)
    if found is not None:
        return {"day": f"{found[3]}-{found[2]}-{found[1]}"}
    found = _OLD_CALL_BACK.match(summary)
    if found is not None:
        return {"title": found[1], "day": f"{found[4]}-{found[3]}-{found[2]}"}
    return None


def retries(entries: Sequence[Any]) -> dict[int, str]:
    """ "No answer: called again on <day>"; a missed call-back's own title first. Entries
    written before the day was kept in their data are read from their English summary."""
    from dunwell.ladder.models import stepless_title

    out = {}
    for entry in entries:
        data = entry.data or {}
        if "day" not in data:
            data = _old_data(entry.summary or "") or {}
        try:
            day = date_format(date.fromisoformat(data["day"]), "SHORT_DATE_FORMAT")
        except (KeyError, TypeError, ValueError):
            continue
        if entry.kind == "ladder.call_back_missed":
            title = stepless_title(str(data.get("title") or ""))
            out[entry.pk] = gettext(CALL_BACK_RETRIED) % {"title": title, "date": day}
        else:
            out[entry.pk] = gettext(NO_ANSWER_RETRIED) % {"date": day}
    return out


REFUSED_UNTIL = gettext_noop("%(text)s (asked again on %(date)s if still unpaid)")


def _refused(entries: Sequence[Any]) -> dict[int, str]:
    """A refused step's entry, and the day it is asked again on when the approver gave one."""
    out = _task_renderer("comment")(entries)
    for entry in entries:
        day = (entry.data or {}).get("ask_again_on")
        if entry.pk in out and isinstance(day, str) and day:
            when = date_format(date.fromisoformat(day), "SHORT_DATE_FORMAT")
            out[entry.pk] = gettext(REFUSED_UNTIL) % {"text": out[entry.pk], "date": when}
    return out


def register() -> None:
    register_renderer("ladder.tasks_created", tasks_created)
    register_renderer("ladder.promise_recorded", promise_recorded)
    register_renderer("ladder.promise_cancelled", promise_cancelled)
    register_renderer("ladder.task_created", _task_renderer(None))
    register_renderer("ladder.task_done", _task_renderer("result"))
    register_renderer("ladder.task_skipped", _task_renderer("reason"))
    register_renderer("ladder.task_approved", _task_renderer("comment"))
    register_renderer("ladder.task_rejected", _refused)
    register_renderer("ladder.shipments_stopped", shipments_stopped)
    register_renderer("ladder.call_covers_more", call_covers_more)
    register_renderer("ladder.step_covers_more", step_covers_more)
    register_renderer("ladder.dispute_registered", disputes)
    register_renderer("ladder.dispute_resolved", disputes)
    register_renderer("ladder.agreement_created", agreements)
    register_renderer("ladder.policy_assigned", policy_assigned)
    register_renderer("ladder.call_back_missed", retries)
    register_renderer("ladder.no_answer_retry", retries)
    for kind in ("requested", "granted", "extended", "ended", "rejected"):
        register_renderer(f"ladder.grace_{kind}", graces)
