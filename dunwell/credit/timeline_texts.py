"""The credit app's timeline entries in the reader's language (registered at start-up): their
stored summary is in English, their data holds what the text needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


def decided(entries: Sequence[Any]) -> dict[int, str]:
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
        if data.get("status") == "approved":
            text = gettext("Order %(order)s approved by %(who)s until %(until)s: %(reason)s")
        else:
            text = gettext("Order %(order)s rejected by %(who)s: %(reason)s")
        out[e.pk] = text % values
    return out


def limit_set(entries: Sequence[Any]) -> dict[int, str]:
    out = {}
    for e in entries:
        data = e.data or {}
        if "valid_from" not in data:
            continue
        values = {"day": _day(data["valid_from"]), "reason": data.get("reason", "")}
        if data.get("total") is not None:
            values["limit"] = money_text(Money(Decimal(data["total"]), data["currency"]))
            text = gettext("Credit limit %(limit)s from %(day)s: %(reason)s")
        else:
            text = gettext("No total credit limit from %(day)s: %(reason)s")
        out[e.pk] = text % values
    return out


def register() -> None:
    KIND_LABELS.setdefault("credit", _("Credit control"))
    KIND_LABELS.setdefault("credit.shipments_stopped", _("Shipments stopped by the credit rules"))
    KIND_LABELS.setdefault("credit.shipments_resumed", _("Shipments resumed"))
    KIND_LABELS.setdefault("credit.approval_decided", _("Credit approval decided"))
    KIND_LABELS.setdefault("credit.limit_set", _("Credit limit set"))
    register_renderer("credit.shipments_stopped", stopped)
    register_renderer("credit.shipments_resumed", resumed)
    register_renderer("credit.approval_decided", decided)
    register_renderer("credit.limit_set", limit_set)
