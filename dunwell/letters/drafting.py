"""From a situation and a wording to a draft: the letter's data in its own language (money
and dates formatted for that language by dunwell.money_l10n and Django's formats), rendered
by the sandboxed engine."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dunwell.letters.defaults import SIGNATURE
from dunwell.letters.engine import render_wording
from dunwell.letters.situation import Situation
from dunwell.money import Money
from dunwell.money_l10n import money_text, number_text

REPLY_DAYS = 7
# A wording that prints the payment details where it wants them.
PLACES_PAYMENT_DETAILS = re.compile(r"\{\{\s*payment_details\b")


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    language: str
    # The facts the letter states (documents, terms, history), as rendered: a threat word
    # inside them (a dispute's own resolution text) is the debtor's history, not a threat.
    facts: str


@dataclass(frozen=True)
class Sender:
    name: str
    email: str = ""
    phone: str = ""


@functools.lru_cache(maxsize=8192)
def _date_in(language: str, day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _d(day: date | None) -> str:
    """A date in the active language's short format (cached: a mailing formats the same few
    hundred dates thousands of times, and Django's formatter is slow)."""
    return _date_in(translation.get_language() or "", day) if day else ""


def _kind_name(kind: str) -> str:
    return {
        "invoice": _("Invoice"),
        "shipment": _("Delivery note"),
        "act": _("Act of services"),
    }.get(kind, kind)


def _overdue(days: int) -> str:
    return ngettext("%(n)d day overdue", "%(n)d days overdue", days) % {"n": days}


def _reason(code: str) -> str:
    return {
        "quality": _("the quality of the goods"),
        "quantity": _("the quantity delivered"),
        "documents_missing": _("missing documents"),
        "price": _("the price"),
    }.get(code, _("another question"))


def _groups(situation: Situation) -> list[dict[str, Any]]:
    return [
        {
            "currency": g.currency,
            "total": money_text(g.total),
            "overdue": money_text(g.overdue) if g.overdue else "",
            "disputed": money_text(g.disputed) if g.disputed else "",
            "documents": [
                {
                    "kind": _kind_name(d.kind),
                    "number": d.number,
                    "date": _d(d.date),
                    "due": _d(d.due_date),
                    "amount": money_text(d.amount),
                    "open": money_text(d.open),
                    "days_overdue": d.days_overdue,
                    "overdue_text": _overdue(d.days_overdue) if d.days_overdue else "",
                    "disputed": money_text(Money(d.disputed, g.currency)) if d.disputed else "",
                }
                for d in g.documents
            ],
        }
        for g in situation.groups
    ]


def _documents_block(groups: list[dict[str, Any]]) -> str:
    """The documents and each currency's total. What open disputes hold is named on its
    document and beside the total, as not asked for: the total overdue a wording prints next
    leaves it out, and the debtor must see why."""
    lines: list[str] = []
    for g in groups:
        for d in g["documents"]:
            line = _("%(kind)s No. %(number)s of %(date)s, due %(due)s: %(open)s") % d
            notes = [d["overdue_text"]] if d["overdue_text"] else []
            if d["disputed"]:
                notes.append(_("%(amount)s disputed") % {"amount": d["disputed"]})
            if notes:
                line += f" ({'; '.join(notes)})"
            lines.append(f"- {line}")
        if g["disputed"]:
            lines.append(
                _(
                    "Total in %(currency)s: %(total)s, of which %(disputed)s is disputed and "
                    "not asked for until your objection is settled."
                )
                % g
            )
        else:
            lines.append(_("Total in %(currency)s: %(total)s") % g)
        lines.append("")
    return "\n".join(lines).strip()


def _terms_block(situation: Situation) -> str:
    lines = []
    for k in situation.contracts:
        parts = [
            _("Contract No. %(number)s of %(date)s") % {"number": k.number, "date": _d(k.date)}
        ]
        if k.payment_days:
            parts.append(
                ngettext("payment within %(n)d day", "payment within %(n)d days", k.payment_days)
                % {"n": k.payment_days}
            )
        if k.penalty_rate:
            rate = number_text(k.penalty_rate)
            if k.penalty_period == "year":
                text = _("a late-payment penalty of %(rate)s%% per year") % {"rate": rate}
            else:
                text = _("a late-payment penalty of %(rate)s%% per day") % {"rate": rate}
            if k.penalty_cap_percent is not None:
                cap = number_text(k.penalty_cap_percent)
                text += ", " + _("at most %(cap)s%% of the debt") % {"cap": cap}
            parts.append(text)
        lines.append("; ".join(parts))
    return "\n".join(f"- {line}" for line in lines)


def _penalty_block(situation: Situation) -> str:
    if not situation.penalty:
        return ""
    return _("Under the contract, the penalty accrued as of %(date)s is %(amount)s.") % {
        "date": _d(situation.today),
        "amount": money_text(situation.penalty),
    }


def _promises_block(situation: Situation) -> str:
    lines = []
    for p in situation.promises:
        values = {"made": _d(p.made_on), "amount": money_text(p.amount), "by": _d(p.promised_date)}
        if p.status == "broken":
            lines.append(
                _(
                    "On %(made)s you promised to pay %(amount)s by %(by)s; "
                    "we have not received this payment."
                )
                % values
            )
        else:
            lines.append(
                _("On %(made)s you promised to pay %(amount)s by %(by)s; thank you.") % values
            )
    return "\n".join(lines)


def _disputes_block(situation: Situation) -> str:
    lines = []
    for d in situation.disputes:
        values = {
            "date": _d(d.registered_on),
            "reason": _reason(d.reason),
            "amount": money_text(d.amount),
            "resolved": _d(d.resolved_on),
            "resolution": d.resolution.strip().rstrip("."),
        }
        if d.status == "open":
            lines.append(
                _(
                    "Your objection of %(date)s about %(reason)s (%(amount)s) is being "
                    "reviewed; we will answer you separately."
                )
                % values
            )
        elif d.status == "rejected" and values["resolution"]:
            lines.append(
                _(
                    "Your objection of %(date)s about %(reason)s (%(amount)s) was rejected on "
                    "%(resolved)s: %(resolution)s."
                )
                % values
            )
        elif d.status == "rejected":
            lines.append(
                _(
                    "Your objection of %(date)s about %(reason)s (%(amount)s) was rejected on "
                    "%(resolved)s."
                )
                % values
            )
        elif values["resolution"]:
            lines.append(
                _(
                    "Your objection of %(date)s about %(reason)s (%(amount)s) was settled on "
                    "%(resolved)s: %(resolution)s."
                )
                % values
            )
        else:
            lines.append(
                _(
                    "Your objection of %(date)s about %(reason)s (%(amount)s) was settled on "
                    "%(resolved)s."
                )
                % values
            )
    return "\n".join(lines)


def _payment_block(situation: Situation) -> str:
    """Where to pay, one block per currency the letter asks for: the recipient, the company's
    account of that currency, its bank and bank code, as the documents print them
    (`ledger.requisites`). A letter that asks for money and says nowhere where to pay it
    leaves the debtor to ask. Empty when nothing is asked for or the company has no account."""
    blocks = []
    for currency in situation.asked_currencies:
        account = situation.accounts.get(currency)
        if account is None:
            continue
        if situation.company_tax_id:
            recipient = _("Recipient: %(name)s, tax id %(tax_id)s") % {
                "name": situation.company_name,
                "tax_id": situation.company_tax_id,
            }
        else:
            recipient = _("Recipient: %(name)s") % {"name": situation.company_name}
        lines = [
            _("Payment details for payments in %(currency)s:") % {"currency": currency},
            recipient,
            _("Bank account: %(account)s") % {"account": account["account"]},
        ]
        if account["bank"]:
            lines.append(_("Bank: %(bank)s") % {"bank": account["bank"]})
        if account["code"]:
            # Named as the banks name it ("SWIFT (BIC)", "БИК", "МФО"), else "Bank code".
            if account["code_kind"]:
                lines.append(f"{account['code_kind']}: {account['code']}")
            else:
                lines.append(_("Bank code: %(code)s") % {"code": account["code"]})
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def reply_by(situation: Situation) -> date:
    """The date the letter asks to pay or answer by: a week from today, never before a date
    the debtor was given in an active promise (a letter that thanks for a promise due on the
    18th must not threaten court over the 12th)."""
    asked = situation.today + timedelta(days=REPLY_DAYS)
    promised = [p.promised_date for p in situation.promises if p.status == "active"]
    return max([asked, *promised])


def letter_context(situation: Situation, sender: Sender, step: str = "") -> dict[str, Any]:
    """The documented data a wording can print (docs/mail.md), in the letter's language."""
    with translation.override(situation.language):
        groups = _groups(situation)
        a = situation.addressee
        return {
            "language": situation.language,
            "company": {"name": situation.company_name},
            "debtor": {
                "name": situation.name,
                "tax_id": situation.tax_id,
                "address": situation.address,
            },
            "addressee": {"name": a.name, "position": a.position} if a else None,
            "sender": {"name": sender.name, "email": sender.email, "phone": sender.phone},
            "step": step,
            "today": _d(situation.today),
            "reply_by": _d(reply_by(situation)),
            "groups": groups,
            "documents": _documents_block(groups),
            "total_open": money_text(situation.total_open),
            "total_overdue": money_text(situation.total_overdue) if situation.total_overdue else "",
            "total_disputed": (
                money_text(situation.total_disputed) if situation.total_disputed else ""
            ),
            "terms": _terms_block(situation),
            "penalty": _penalty_block(situation),
            "promises": _promises_block(situation),
            "disputes": _disputes_block(situation),
            "payment_details": _payment_block(situation),
        }


def facts_text(context: dict[str, Any]) -> str:
    return "\n".join(
        str(context[key])
        for key in ("documents", "terms", "penalty", "promises", "disputes", "payment_details")
    )


# The sign-offs the shipped wordings close with ("Kind regards," and its translations).
SIGN_OFFS = frozenset(SIGNATURE.values())


def with_payment_details(text: str, details: str) -> str:
    """`text` with the payment details placed where a letter gives them: before its sign-off
    (the last line that is one of `SIGN_OFFS`), or after its last line when it has none. They
    followed the signature, as a postscript, in every shipped wording."""
    lines = text.split("\n")
    for at in range(len(lines) - 1, -1, -1):
        if lines[at].strip() in SIGN_OFFS:
            before = "\n".join(lines[:at]).rstrip("\n")
            return f"{before}\n\n{details}\n\n" + "\n".join(lines[at:])
    return f"{text}\n\n{details}"


def draft(situation: Situation, subject: str, body: str, sender: Sender, step: str = "") -> Draft:
    """The wording (`subject`, `body`) filled with this debtor's situation. Every letter that
    asks for money says where to pay: a wording that does not place `payment_details` itself
    gets them before its sign-off (`with_payment_details`), so the wordings a company wrote
    before print them without being rewritten."""
    context = letter_context(situation, sender, step)
    with translation.override(situation.language):
        text = render_wording(body, context)
        if context["payment_details"] and not PLACES_PAYMENT_DETAILS.search(body):
            text = with_payment_details(text, context["payment_details"])
        return Draft(
            subject=" ".join(render_wording(subject, context).split()),
            body=text,
            language=situation.language,
            facts=facts_text(context),
        )


def total_line(money: Money) -> str:
    return money_text(money)
