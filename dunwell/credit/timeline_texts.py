"""The credit app's timeline entries in the reader's language (registered at start-up): their
stored summary is in English, their data holds what the text needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from dunwell.credit.models import limit_reason_text
from dunwell.ledger.timeline import KIND_LABELS, register_renderer
from dunwell.money import Money
from dunwell.money_l10n import money_text


def _day(text: str | None) -> str:
    return date_format(date.fromisoformat(text), "SHORT_DATE_FORMAT") if text else "—"


def stopped(entries: Sequence[Any]) -> dict[int, str]:
    return {
        e.pk: gettext("Shipments stopped by the credit rules (check #%(n)s).")
        % {"n": (e.data or {}).get("check", "?")}
        for e in entries
    }


def resumed(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for e in entries:
        data = e.data or {}
        if "by_name" in data:
            out[e.pk] = gettext("Shipments resumed by %(who)s: %(reason)s") % {
                "who": data["by_name"],
                "reason": data.get("reason", ""),
            }
    return out


def _decisions(entries: Sequence[Any], approved: str, refused: str) -> dict[int, str]:
    """A decision on a request by its stored data: `approved` or `refused` (English msgids,
    marked with gettext_noop) read in the reader's language."""
    out = {}
    for e in entries:
        data = e.data or {}
        if "by_name" not in data:
            continue
        values = {
            "order": data.get("order", ""),
            "who": data["by_name"],
            "reason": data.get("reason", ""),
            "until": _day(data.get("expires_on")),
        }
        text = approved if data.get("status") == "approved" else refused
        out[e.pk] = gettext(text) % values
    return out


def decided(entries: Sequence[Any]) -> dict[int, str]:
    return _decisions(
        entries,
        gettext_noop("Order %(order)s approved by %(who)s until %(until)s: %(reason)s"),
        gettext_noop("Order %(order)s rejected by %(who)s: %(reason)s"),
    )


def requested(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for e in entries:
        data = e.data or {}
        if "amount" not in data:
            continue
        amount = Money(Decimal(data["amount"]["amount"]), data["amount"]["currency"])
        out[e.pk] = gettext("Order %(order)s of %(amount)s waits for a credit decision") % {
            "order": data.get("order", ""),
            "amount": money_text(amount),
        }
    return out


def exception_requested(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for e in entries:
        data = e.data or {}
        if "amount" not in data:
            continue
        amount = Money(Decimal(data["amount"]["amount"]), data["amount"]["currency"])
        out[e.pk] = gettext(
            "%(who)s asks to let order %(order)s of %(amount)s through the stop of shipments:"
            " %(reason)s"
        ) % {
            "who": data.get("by_name", ""),
            "order": data.get("order", ""),
            "amount": money_text(amount),
            "reason": data.get("reason", ""),
        }
    return out


def exception_decided(entries: Sequence[Any]) -> dict[int, str]:
    return _decisions(
        entries,
        gettext_noop(
            "Exception to the stop of shipments for order %(order)s approved by %(who)s"
            " until %(until)s: %(reason)s"
        ),
        gettext_noop(
            "Exception to the stop of shipments for order %(order)s refused by %(who)s: %(reason)s"
        ),
    )


def limit_set(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for e in entries:
        data = e.data or {}
        if "valid_from" not in data:
            continue
        reason = limit_reason_text(data.get("reason", ""), data.get("source", ""))
        values = {"day": _day(data["valid_from"]), "reason": reason}
        if data.get("total") is not None:
            values["limit"] = money_text(Money(Decimal(data["total"]), data["currency"]))
            text = gettext("Credit limit %(limit)s from %(day)s: %(reason)s")
        else:
            text = gettext("No total credit limit from %(day)s: %(reason)s")
        out[e.pk] = text % values
    return out


def limit_requested(entries: Sequence[Any]) -> dict[int, str]:
    return {
        e.pk: gettext("Limit request #%(n)s filed by %(who)s.")
        % {"n": (e.data or {}).get("request", "?"), "who": (e.data or {}).get("by_name", "")}
        for e in entries
    }


def request_withdrawn(entries: Sequence[Any]) -> dict[int, str]:
    return {
        e.pk: gettext("Limit request #%(n)s withdrawn by %(who)s.")
        % {"n": (e.data or {}).get("request", "?"), "who": (e.data or {}).get("by_name", "")}
        for e in entries
    }


def review_due(entries: Sequence[Any]) -> dict[int, str]:
    return {
        e.pk: gettext(
            "The review date of the credit limit (%(day)s) has come: back to the committee."
        )
        % {"day": _day((e.data or {}).get("review_on"))}
        for e in entries
    }


def committee_decided(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for e in entries:
        data = e.data or {}
        if "total" not in data:
            continue
        n = int(data.get("term_days") or 0)
        out[e.pk] = gettext(
            "Credit committee of %(day)s: limit %(limit)s, %(term)s, review on %(review)s."
        ) % {
            "day": _day(data.get("day")),
            "limit": money_text(Money(Decimal(data["total"]), data["currency"])),
            "term": ngettext("%(n)d day", "%(n)d days", n) % {"n": n},
            "review": _day(data.get("review_on")),
        }
    return out


def negotiation_recorded(entries: Sequence[Any]) -> dict[int, str]:
    return {
        e.pk: gettext("Credit negotiation recorded by %(who)s.")
        % {"who": (e.data or {}).get("by_name", "")}
        for e in entries
    }


def register() -> None:
    KIND_LABELS.setdefault("credit", _("Credit control"))
    KIND_LABELS.setdefault("credit.shipments_stopped", _("Shipments stopped by the credit rules"))
    KIND_LABELS.setdefault("credit.shipments_resumed", _("Shipments resumed"))
    KIND_LABELS.setdefault("credit.approval_decided", _("Credit approval decided"))
    KIND_LABELS.setdefault("credit.limit_set", _("Credit limit set"))
    register_renderer("credit.shipments_stopped", stopped)
    register_renderer("credit.shipments_resumed", resumed)
    register_renderer("credit.approval_decided", decided)
    KIND_LABELS.setdefault("credit.approval_requested", _("Credit approval requested"))
    register_renderer("credit.approval_requested", requested)
    register_renderer("credit.limit_set", limit_set)
    KIND_LABELS.setdefault("credit.exception_requested", _("Exception to the stop asked"))
    KIND_LABELS.setdefault("credit.exception_decided", _("Exception to the stop decided"))
    register_renderer("credit.exception_requested", exception_requested)
    register_renderer("credit.exception_decided", exception_decided)
    KIND_LABELS.setdefault("credit.limit_requested", _("Limit request filed"))
    KIND_LABELS.setdefault("credit.limit_request_withdrawn", _("Limit request withdrawn"))
    KIND_LABELS.setdefault("credit.limit_review_due", _("Credit limit review due"))
    KIND_LABELS.setdefault("credit.committee_decided", _("Credit committee decision"))
    KIND_LABELS.setdefault("credit.negotiation_recorded", _("Credit negotiation recorded"))
    register_renderer("credit.limit_requested", limit_requested)
    register_renderer("credit.limit_request_withdrawn", request_withdrawn)
    register_renderer("credit.limit_review_due", review_due)
    register_renderer("credit.committee_decided", committee_decided)
    register_renderer("credit.negotiation_recorded", negotiation_recorded)
