"""Why a credit check answered as it did: a code and its numbers, stored as data and written
in the reader's language when shown (the API caller's, the page reader's, the CLI's)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dunwell.money import Money
from dunwell.money_l10n import money_text


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    # What the reason does to the answer: "deny", "needs_approval", or "" (information only).
    effect: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "effect": self.effect}


def money(amount: Decimal | str, currency: str) -> dict[str, str]:
    return {"amount": str(amount), "currency": currency}


def _money(value: Mapping[str, str]) -> str:
    return money_text(Money(Decimal(value["amount"]), value["currency"]))


def _day(text: str) -> str:
    return date_format(date.fromisoformat(text), "SHORT_DATE_FORMAT")


def _component(name: str) -> str:
    return str(component_label(name))


def component_label(name: str) -> str:
    labels = {
        "open_not_due": _("open, not yet due"),
        "overdue": _("overdue"),
        "overdue_beyond": _("overdue long"),
        "orders_confirmed": _("confirmed orders"),
        "orders_shipped": _("shipped, not invoiced"),
        "unapplied": _("unapplied credit"),
        "total": _("total"),
    }
    return labels.get(name, name)


def exposure_line_label(name: str, beyond_days: int | None = None) -> str:
    """A component as a line of an exposure table: overdue long is a part of overdue (the
    total does not add it twice), and says so, with the days past due it starts after
    (`beyond_days`, the rules' overdue_beyond_days the amount was counted with): "long"
    alone read as a contradiction beside "rule allows 60 days"."""
    if name == "overdue_beyond":
        if beyond_days is None:  # a check stored before the snapshot kept its days
            return _("of which overdue long")
        return ngettext(
            "of which more than %(days)d day overdue",
            "of which more than %(days)d days overdue",
            beyond_days,
        ) % {"days": beyond_days}
    return component_label(name)


def _limit_exceeded(p: Mapping[str, Any]) -> str:
    return _("limit %(limit)s exceeded by %(excess)s") % {
        "limit": _money(p["limit"]),
        "excess": _money(p["excess"]),
    }


def _component_limit(p: Mapping[str, Any]) -> str:
    return _("%(component)s: limit %(limit)s exceeded by %(excess)s") % {
        "component": _component(p["component"]),
        "limit": _money(p["limit"]),
        "excess": _money(p["excess"]),
    }


def _overdue(p: Mapping[str, Any]) -> str:
    days = ngettext(
        "document %(number)s overdue %(days)d day",
        "document %(number)s overdue %(days)d days",
        p["days"],
    ) % {"number": p["number"], "days": p["days"]}
    return _allows_days(days, p["allowed"])


def _paid_late(p: Mapping[str, Any]) -> str:
    late = ngettext(
        "document %(number)s was paid %(days)d day late on %(paid)s",
        "document %(number)s was paid %(days)d days late on %(paid)s",
        p["days"],
    ) % {"number": p["number"], "days": p["days"], "paid": _day(p["paid_on"])}
    return _allows_days(late, p["allowed"])


def _allows_days(what: str, allowed: int) -> str:
    # The allowance names its unit: "rule allows 30" left the reader to guess days.
    return _("%(what)s, rule allows %(allowed)s") % {"what": what, "allowed": _days(allowed)}


def _stop_shipments(p: Mapping[str, Any]) -> str:
    by = {
        "ladder": _("the pressure scale"),
        "credit": _("the credit rules"),
    }.get(p.get("by", ""), p.get("by", ""))
    if p.get("on") and by:
        return _("stop-shipments set on %(date)s by %(by)s") % {"date": _day(p["on"]), "by": by}
    return _("stop-shipments is set")


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _promises(p: Mapping[str, Any]) -> str:
    # Two numbers, each with its own plural: Romanian says "2 promisiuni … în 60 de zile".
    broken = ngettext(
        "%(n)d promise broken in %(period)s",
        "%(n)d promises broken in %(period)s",
        p["n"],
    ) % {"n": p["n"], "period": _days(p["days"])}
    return _("%(what)s, rule allows %(allowed)d") % {"what": broken, "allowed": p["allowed"]}


def _young(p: Mapping[str, Any]) -> str:
    return ngettext(
        "customer for %(days)d day, the rules ask for %(min)d",
        "customer for %(days)d days, the rules ask for %(min)d",
        p["days"],
    ) % {"days": p["days"], "min": p["min"]}


def _prepayment(p: Mapping[str, Any]) -> str:
    return ngettext(
        "new customer (%(days)d day): %(percent)s%% prepayment required",
        "new customer (%(days)d days): %(percent)s%% prepayment required",
        p["days"],
    ) % {"days": p["days"], "percent": p["percent"]}


def _fx_missing(p: Mapping[str, Any]) -> str:
    return _("no exchange rate from %(from)s to %(to)s on %(date)s") % {
        "from": ", ".join(p["currencies"]),
        "to": p["to"],
        "date": _day(p["on"]),
    }


def _approved(p: Mapping[str, Any]) -> str:
    return _("approved by %(by)s until %(until)s: %(reason)s") % {
        "by": p["by"],
        "until": _day(p["until"]) if p.get("until") else "—",
        "reason": p["reason"],
    }


def _rejected(p: Mapping[str, Any]) -> str:
    return _("rejected by %(by)s: %(reason)s") % {"by": p["by"], "reason": p["reason"]}


def _exception(p: Mapping[str, Any]) -> str:
    values = {"by": p["by"], "date": _day(p["on"]), "reason": p.get("reason", "")}
    if p.get("until"):
        return _(
            "exception to the stop of shipments approved by %(by)s on %(date)s, valid until"
            " %(until)s: %(reason)s"
        ) % {**values, "until": _day(p["until"])}
    return _("exception to the stop of shipments approved by %(by)s on %(date)s: %(reason)s") % (
        values
    )


def _exception_refused(p: Mapping[str, Any]) -> str:
    return _("exception to the stop of shipments refused by %(by)s: %(reason)s") % {
        "by": p["by"],
        "reason": p["reason"],
    }


def _exception_expired(p: Mapping[str, Any]) -> str:
    return _("the exception to the stop of shipments for this order expired on %(date)s") % {
        "date": _day(p["until"])
    }


def _within(p: Mapping[str, Any]) -> str:
    return _("exposure %(exposure)s with this order, limit %(limit)s") % {
        "exposure": _money(p["exposure"]),
        "limit": _money(p["limit"]),
    }


def _legal_case(p: Mapping[str, Any]) -> str:
    """Which case, at which stage: "handed to the lawyer" is not yet a lawsuit in court. A
    reason stored before the case was named says only that a case is open."""
    if not p.get("stage"):
        return _("legal case open")
    from dunwell.legal.models import CaseStage

    stage = CaseStage(p["stage"]).label if p["stage"] in CaseStage.values else p["stage"]
    values = {"date": _day(p["since"]), "stage": stage, "number": p.get("case_number", "")}
    if p.get("court"):
        return _(
            "legal case open since %(date)s, stage: %(stage)s, court case %(number)s at %(court)s"
        ) % {**values, "court": p["court"]}
    if p.get("case_number"):
        return _("legal case open since %(date)s, stage: %(stage)s, court case %(number)s") % values
    return _("legal case open since %(date)s, stage: %(stage)s") % values


def _order_converted(p: Mapping[str, Any]) -> str:
    values = {"order": _money(p["order"]), "converted": _money(p["converted"])}
    if p.get("rate_on"):
        return _(
            "this order of %(order)s counted as %(converted)s at the exchange rate of %(date)s"
        ) % {**values, "date": _day(p["rate_on"])}
    return _("this order of %(order)s counted as %(converted)s") % values


RENDER: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "limit_exceeded": _limit_exceeded,
    "component_limit_exceeded": _component_limit,
    "overdue_too_long": _overdue,
    "paid_late": _paid_late,
    "stop_shipments": _stop_shipments,
    "legal_case_open": _legal_case,
    "promises_broken": _promises,
    "relationship_too_short": _young,
    "prepayment_required": _prepayment,
    "fx_rate_missing": _fx_missing,
    "no_limit": lambda p: _("no credit limit is set"),
    "no_rules": lambda p: _("no credit rules are in force"),
    "approved": _approved,
    "approval_rejected": _rejected,
    "approval_pending": lambda p: _("an approval of this order is already waiting"),
    "stop_exception": _exception,
    "exception_refused": _exception_refused,
    "exception_pending": lambda p: _(
        "an exception to the stop of shipments for this order is waiting for a decision"
    ),
    "exception_expired": _exception_expired,
    "within_limit": _within,
    "order_converted": _order_converted,
}


def message(code: str, params: Mapping[str, Any]) -> str:
    """The reason in the active language."""
    render = RENDER.get(code)
    return render(params) if render is not None else code


def as_messages(reasons: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Stored reasons as [{"code", "message"}] in the active language."""
    return [
        {"code": r["code"], "message": message(r["code"], r.get("params", {}))} for r in reasons
    ]
