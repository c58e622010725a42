"""Read the ledger into the data snapshot each document is rendered from.

A snapshot is plain JSON: the formatted texts the templates print (amounts with the
language's separators, dates, amounts in words) and, under "raw", the exact figures as decimal
strings. It is stored with the generated document, so a document can always be explained (and
re-rendered) from what it was made of.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from dunwell.interest.fx import rates_on
from dunwell.ladder.models import Agreement
from dunwell.ledger.models import Allocation, Contract, Counterparty, Document, Payment
from dunwell.ledger.requisites import payments_for
from dunwell.legal.calc import CalcLine, Calculation, ClaimItem, calculate_claim, pick_rule
from dunwell.legal.court_fee import CourtFee, court_fee, court_rule
from dunwell.legal.errors import LegalError
from dunwell.legal.i18n import doc_gettext as _
from dunwell.legal.i18n import doc_ngettext as ngettext
from dunwell.legal.i18n import doc_pgettext as pgettext
from dunwell.legal.models import LegalCase, PaperKind
from dunwell.legal.periods import period_end
from dunwell.legal.reconciliation import Entry, balance_sides, reconcile
from dunwell.legal.words import (
    amount_in_words,
    format_amount,
    format_date,
    format_percent,
)
from dunwell.money import Money as MoneyValue
from dunwell.money import largest_currency

ZERO = Decimal("0.00")
DEFAULT_PRETENSION_DAYS = 30
DEFAULT_WARNING_DAYS = 7

Snapshot = dict[str, Any]


class Money:
    """Formats amounts of one currency in one language."""

    def __init__(self, currency: str, language: str) -> None:
        self.currency = currency
        self.language = language

    def __call__(self, amount: Decimal) -> str:
        return format_amount(amount, self.language)

    def words(self, amount: Decimal) -> str:
        return amount_in_words(amount, self.currency, self.language)


def shared_contract(counterparty: Counterparty, currency: str) -> Contract | None:
    """The contract the counterparty's open documents in `currency` were all issued under, or
    None when they span several contracts (or none): a letter then names no single contract
    rather than the latest one."""
    ids = set(
        Document.objects.filter(counterparty=counterparty, currency=currency, open_amount__gt=0)
        .values_list("contract_id", flat=True)
        .distinct()
    )
    if len(ids) != 1 or None in ids:
        return None
    return Contract.objects.filter(pk=ids.pop()).first()


def currency_for(counterparty: Counterparty) -> str:
    """The currency of the counterparty's open documents with the most at stake (the
    company's when none): compared in the company's currency at today's rates
    (`money.largest_currency`; 100,000 UAH is less than 5,000 EUR); when a currency has no
    rate, the open amounts are compared as they are, the largest figure first."""
    totals = dict(
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
        .values("currency")
        .annotate(total=Sum("open_amount"))
        .order_by()
        .values_list("currency", "total")
    )
    home = counterparty.company.currency
    if len(totals) < 2:
        return str(next(iter(totals), home))
    return largest_currency(totals, home, rates_on(timezone.localdate()))


def currencies_for(counterparty: Counterparty) -> list[str]:
    """Every currency the counterparty has documents in, the default one (`currency_for`)
    first: a statement or reconciliation covers one currency, and each can be asked for."""
    default = currency_for(counterparty)
    others = set(
        Document.objects.filter(counterparty=counterparty)
        .values_list("currency", flat=True)
        .distinct()
    )
    return [default, *sorted(others - {default})]


def _common(
    kind: str,
    counterparty: Counterparty,
    language: str,
    today: date,
    contract: Contract | None,
    currencies: Sequence[str],
) -> Snapshot:
    """What every document says about the parties and the contract. Where to pay is the
    company's account of the document's currency (`currencies`, its main one first): `payment`
    is that one; `payments` lists each account with its currency when the amounts in several
    currencies go to different accounts (a pretension for lei and the EUR 40 compensation)."""
    company = counterparty.company
    payments = payments_for(company, currencies)
    return {
        "kind": kind,
        "language": language,
        "date": format_date(today),
        "creditor": {
            "name": company.name,
            "tax_id": company.tax_id,
            "country": company.country,
            "address": company.legal_address,
            "registration_number": company.registration_number,
            "payment": payments[0] if payments else None,
            "payments": payments if len(payments) > 1 else [],
        },
        "debtor": {
            "name": counterparty.name,
            "tax_id": counterparty.tax_id,
            "address": counterparty.address,
            "country": counterparty.country,
        },
        "contract": (
            {"number": contract.number, "date": format_date(contract.date)} if contract else None
        ),
        "raw": {"date": today.isoformat()},
    }


def open_documents_as_of(
    counterparty: Counterparty, as_of: date, currency: str, ids: Sequence[int] | None = None
) -> QuerySet[Document]:
    """Documents issued by `as_of` with what was still unpaid on that day (`open_then`)."""
    paid = Coalesce(
        Sum("allocations__amount", filter=Q(allocations__paid_on__lte=as_of)),
        Value(ZERO),
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )
    docs = Document.objects.filter(counterparty=counterparty, date__lte=as_of)
    if currency:
        docs = docs.filter(currency=currency)
    if ids is not None:
        docs = docs.filter(pk__in=ids)
    return docs.annotate(paid_then=paid).order_by("due_date", "date", "id")


# The document kinds as the letters name them, from this app's catalogue (the ledger's names
# are screen labels, translated in the user's language, not the letter's).
KIND_NAMES = {
    "invoice": gettext_noop("Invoice"),
    "shipment": gettext_noop("Shipment / delivery note"),
    "act": gettext_noop("Act of services"),
}


def kind_name(kind: str) -> str:
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def days_text(n: int) -> str:
    """ "15 days" with the plural form of the active language ("15 дней", "21 день")."""
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def within_text(n: int) -> str:
    """ "within 15 days": its own phrase, as the noun's case changes after "within" in some
    languages ("в течение 21 дня", not "21 день")."""
    return ngettext("within %(n)s day", "within %(n)s days", n) % {"n": n}


def _doc_label(doc: Document) -> str:
    return _("%(kind)s No. %(number)s of %(date)s") % {
        "kind": kind_name(doc.kind),
        "number": doc.number,
        "date": format_date(doc.date),
    }


def _payments_of(docs: Sequence[Document], as_of: date) -> dict[int, list[tuple[date, Decimal]]]:
    payments: dict[int, list[tuple[date, Decimal]]] = {}
    for doc_id, paid_on, amount in Allocation.objects.filter(
        document__in=[d.pk for d in docs], paid_on__lte=as_of
    ).values_list("document_id", "paid_on", "amount"):
        payments.setdefault(doc_id, []).append((paid_on, amount))
    return payments


def _item(doc: Document, payments: dict[int, list[tuple[date, Decimal]]]) -> ClaimItem:
    return ClaimItem(
        label=_doc_label(doc),
        date=doc.date,
        due=doc.due_date,
        amount=doc.amount,
        payments=tuple(sorted(payments.get(doc.pk, []))),
    )


def _claimable(
    counterparty: Counterparty, as_of: date, currency: str, ids: Sequence[int] | None
) -> list[Document]:
    docs = list(open_documents_as_of(counterparty, as_of, currency, ids).select_related("contract"))
    if ids is None:
        docs = [d for d in docs if d.due_date < as_of and d.amount > d.paid_then]  # type: ignore[attr-defined]
    return docs


def claim_items(
    counterparty: Counterparty, as_of: date, currency: str, ids: Sequence[int] | None = None
) -> list[ClaimItem]:
    """The overdue documents (or those chosen) as claim items with their payments."""
    docs = _claimable(counterparty, as_of, currency, ids)
    payments = _payments_of(docs, as_of)
    return [_item(d, payments) for d in docs]


def disputed_shares(
    counterparty: Counterparty, open_of: dict[int, Decimal], today: date | None = None
) -> dict[int, Decimal]:
    """How much of each document (id -> what is open on it) is under an open dispute, laid as
    the daily run and the letters lay it (`ladder.holds.disputed_amounts`: per currency, over
    the documents a dispute names or, naming none, the oldest first), up to what is open on
    each. Held out of claims until the dispute is resolved. A dispute that named no document
    was claimed in full here while the ladder and the letters held it out."""
    from dunwell.ladder.holds import disputed_of

    held = disputed_of(counterparty.pk, today or timezone.localdate())
    shares: dict[int, Decimal] = {}
    for doc_id, amount in held.items():
        share = min(amount, open_of.get(doc_id, ZERO))
        if share > 0:
            shares[doc_id] = share
    return shares


def _split_disputed(item: ClaimItem, share: Decimal) -> tuple[ClaimItem | None, ClaimItem | None]:
    """(the part claimed, the part excluded) of a document `share` of which is disputed."""
    if share <= 0:
        return item, None
    if share >= item.open:
        return None, item
    claimed = ClaimItem(item.label, item.date, item.due, item.amount - share, item.payments)
    return claimed, ClaimItem(item.label, item.date, item.due, share)


@dataclass
class ClaimGroup:
    """The documents claimed under one contract (or none) in one currency, with that
    contract's terms: its penalty clause or its governing law's rule, its pretension period."""

    contract: Contract | None
    currency: str
    rule: str
    options: dict[str, str]
    penalty_from_day: int
    pretension_days: int
    items: list[ClaimItem] = field(default_factory=list)
    excluded: list[ClaimItem] = field(default_factory=list)
    calculation: Calculation | None = None

    @property
    def principal(self) -> Decimal:
        return sum((item.open for item in self.items), ZERO)

    @property
    def claim_total(self) -> Decimal:
        """Principal and penalty or interest; the fixed compensation only when it is in the
        group's own currency (never add currencies)."""
        total = self.principal
        if self.calculation is not None:
            total += self.calculation.total
            if self.calculation.compensation_currency == self.currency:
                total += self.calculation.compensation
        return total


def contract_period(contract: Contract | None) -> int:
    if contract is not None and contract.pretension_days:
        return int(contract.pretension_days)
    return DEFAULT_PRETENSION_DAYS


def pretension_period(documents: QuerySet[Document]) -> tuple[int, bool]:
    """The claim period of a letter over `documents`: the shortest of their contracts' periods
    (a document without a contract: the default), and whether the contracts differ."""
    periods = {
        int(days) if days else DEFAULT_PRETENSION_DAYS
        for days in documents.values_list("contract__pretension_days", flat=True)
    }
    if not periods:
        return DEFAULT_PRETENSION_DAYS, False
    return min(periods), len(periods) > 1


def claim_groups(
    counterparty: Counterparty,
    as_of: date,
    ids: Sequence[int] | None = None,
    *,
    currency: str = "",
    rule: str = "",
    options: dict[str, str] | None = None,
) -> list[ClaimGroup]:
    """The overdue documents (or those chosen) grouped per contract and currency, each group
    calculated under its own contract's terms (`rule` forces one rule on every group). Documents
    under an open dispute are listed in their group as excluded, not claimed."""
    docs = _claimable(counterparty, as_of, currency, ids)
    payments = _payments_of(docs, as_of)
    disputed = disputed_shares(
        counterparty,
        {d.pk: d.amount - sum((a for _d, a in payments.get(d.pk, [])), ZERO) for d in docs},
        as_of,
    )
    groups: dict[tuple[int | None, str], ClaimGroup] = {}
    for doc in docs:
        key = (doc.contract_id, doc.currency)
        group = groups.get(key)
        if group is None:
            own_rule, own_options = rule_for(counterparty, doc.contract)
            if rule:
                own_rule, own_options = rule, {}
            group = groups[key] = ClaimGroup(
                contract=doc.contract,
                currency=doc.currency,
                rule=own_rule,
                options={**own_options, **(options or {})},
                penalty_from_day=doc.contract.penalty_from_day if doc.contract else 1,
                pretension_days=contract_period(doc.contract),
            )
        claimed, excluded = _split_disputed(_item(doc, payments), disputed.get(doc.pk, ZERO))
        if claimed is not None:
            group.items.append(claimed)
        if excluded is not None:
            group.excluded.append(excluded)
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            g.contract is None,
            g.contract.date if g.contract else date.min,
            g.contract.pk if g.contract else 0,
            g.currency,
        ),
    )
    for group in ordered:
        group.calculation = calculate_claim(
            group.items,
            group.rule,
            group.options,
            as_of,
            penalty_from_day=group.penalty_from_day,
            currency=group.currency,
        )
    return ordered


def claim_warnings(groups: Iterable[ClaimGroup]) -> list[str]:
    """The calculations' warnings (those the calculator shows, in the active language), each
    once: a pretension made from these groups may claim less than it should (say, no inflation
    losses for months without a price index)."""
    out: list[str] = []
    for group in groups:
        if group.calculation is not None:
            out.extend(w for w in group.calculation.warnings if w not in out)
    return out


def component_labels() -> dict[str, str]:
    return {
        "interest": _("Interest"),
        # The Ukrainian papers' "пеня", not the contract clause's "неустойка" (work's word).
        "penalty": pgettext("calculation component", "Penalty"),
        "inflation": _("Inflation losses"),
        "compensation": _("Fixed recovery compensation"),
    }


def rate_text(line: CalcLine, language: str) -> str:
    """ "16%" a year (the year column says which), "0,1% в день" for a contract's per-day
    penalty: a bare "0,1%" beside an empty year read as a yearly rate. The fixed EUR 40
    compensation has no rate ("—", not "0% per day"), nor an inflation line none of whose
    months has a price index yet ("—", not "0%" as if prices had not risen: its component
    names those months, see `component_text`)."""
    if line.component == "compensation":
        return "—"
    if line.component == "inflation" and line.missing_index and not line.rate:
        return "—"
    rate = format_percent(line.rate, language)
    if line.year_basis or line.component == "inflation":
        return rate
    return _("%(rate)s per day") % {"rate": rate}


def component_text(line: CalcLine, names: dict[str, str]) -> str:
    """The line's component as the table names it; an inflation line with months that have no
    price index yet (not published or not loaded) says which: its rate leaves them out."""
    name = names.get(line.component, line.component)
    if line.component == "inflation" and line.missing_index:
        absent = _("no price index yet for %(months)s") % {
            "months": month_ranges(line.missing_index)
        }
        return f"{name} ({absent})"
    return name


def month_ranges(months: Sequence[str]) -> str:
    """ "2026-10", "2026-11", "2026-12", "2027-02" as "10.2026–12.2026, 02.2027"."""
    keys = sorted({(int(m[:4]), int(m[5:7])) for m in months})
    runs: list[list[tuple[int, int]]] = []
    for year, month in keys:
        if runs:
            last_year, last_month = runs[-1][-1]
            if (year * 12 + month) - (last_year * 12 + last_month) == 1:
                runs[-1].append((year, month))
                continue
        runs.append([(year, month)])
    texts = []
    for run in runs:
        first, last = (f"{m:02d}.{y}" for y, m in (run[0], run[-1]))
        texts.append(first if first == last else f"{first}–{last}")
    return ", ".join(texts)


def other_currency(line: CalcLine, calc: Calculation, currency: str) -> str:
    """The currency of a line whose amount is not in the block's `currency`: the fixed EUR 40
    compensation without an EUR rate (outside the total too). Empty for every other line."""
    if line.component == "compensation" and calc.compensation_currency not in ("", currency):
        return calc.compensation_currency
    return ""


def _calc_block(calc: Calculation, money: Money, language: str) -> Snapshot:
    names = component_labels()
    return {
        "rule": calc.rule,
        "rule_label": RULE_LABELS().get(calc.rule, calc.rule),
        "to": format_date(calc.to),
        "lines": [
            {
                "item": line.item,
                "component": component_text(line, names),
                "start": format_date(line.start),
                "end": format_date(line.end),
                "days": line.days,
                "base": money(line.base),
                "rate": rate_text(line, language),
                # A contract's per-day penalty and the inflation over the period have no year.
                "year_basis": line.year_basis or "—",
                # "40,00 EUR" among RON lines: not in the RON total below the table
                "amount": "\xa0".join(
                    filter(None, (money(line.amount), other_currency(line, calc, money.currency)))
                ),
                "note": gettext(line.note) if line.note else "",  # interest app's phrase
            }
            for line in calc.lines
        ],
        "components": [
            {"name": names.get(name, name), "amount": money(amount)}
            for name, amount in calc.components.items()
        ],
        "total": money(calc.total),
        "compensation": money(calc.compensation) if calc.compensation else "",
        "compensation_currency": calc.compensation_currency,
        "warnings": list(calc.warnings),
    }


def RULE_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when called
    return {
        "contract": _("Contract penalty"),
        "ru-395": _("Interest under art. 395 of the Civil Code of the Russian Federation"),
        "ru-317.1": _("Interest under art. 317.1 of the Civil Code of the Russian Federation"),
        "ua-625": _("3% per year and inflation losses under art. 625 of the Civil Code of Ukraine"),
        "ua-penalty": _("Contract penalty (capped at twice the NBU discount rate)"),
        "ro-legal": _("Legal penalty interest under Law 72/2013 (Romania)"),
        "md-legal": _("Legal interest under the Civil Code of the Republic of Moldova"),
        "eu-directive": _("Late-payment interest under Directive 2011/7/EU"),
    }


def rule_for(counterparty: Counterparty, contract: Contract | None) -> tuple[str, dict[str, str]]:
    if contract is None:
        return pick_rule(counterparty.country)
    return pick_rule(
        counterparty.country,
        contract.governing_law,
        contract.penalty_rate,
        contract.penalty_period,
        contract.penalty_cap_percent,
    )


def group_label(contract: Contract | None, currency: str) -> str:
    if contract is None:
        return _("Documents without a contract, in %(currency)s") % {"currency": currency}
    return _("Contract No. %(number)s of %(date)s, in %(currency)s") % {
        "number": contract.number,
        "date": format_date(contract.date),
        "currency": currency,
    }


def _item_rows(items: Sequence[ClaimItem], money: Money) -> list[dict[str, str]]:
    return [
        {
            "label": item.label,
            "date": format_date(item.date),
            "due": format_date(item.due),
            "amount": money(item.amount),
            "paid": money(item.paid),
            "open": money(item.open),
        }
        for item in items
    ]


def _group_block(group: ClaimGroup, language: str) -> tuple[Snapshot, dict[str, Any]]:
    assert group.calculation is not None
    money = Money(group.currency, language)
    principal, claim = group.principal, group.claim_total
    contract = group.contract
    block = {
        "label": group_label(contract, group.currency),
        "contract": (
            {"number": contract.number, "date": format_date(contract.date)} if contract else None
        ),
        "currency": group.currency,
        "documents": _item_rows(group.items, money),
        "excluded": _item_rows(group.excluded, money),
        "principal": money(principal),
        "principal_words": money.words(principal),
        "calc": _calc_block(group.calculation, money, language),
        "claim_total": money(claim),
        "claim_total_words": money.words(claim),
        "deadline_days": group.pretension_days,
        "period": days_text(group.pretension_days),
    }
    raw = {
        "contract": contract.pk if contract else None,
        "currency": group.currency,
        "principal": str(principal),
        "interest": str(group.calculation.total),
        "compensation": str(group.calculation.compensation),
        "compensation_currency": group.calculation.compensation_currency,
        "claim_total": str(claim),
        "rule": group.calculation.rule,
        "options": group.calculation.options,
        "deadline_days": group.pretension_days,
        "excluded": [item.label for item in group.excluded],
    }
    return block, raw


def pretension_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    as_of: date | None = None,
    document_ids: Sequence[int] | None = None,
    items: Sequence[ClaimItem] | None = None,
    rule: str = "",
    options: dict[str, str] | None = None,
    currency: str = "",
    calculation: Calculation | None = None,
) -> Snapshot:
    """The pretension: the debts per contract and currency, each with its own contract's
    penalty or statutory interest (one calculation block each), the totals per currency and the
    deadline: the contracts' pretension period (the shortest when they differ, 30 days without
    a contract) counted from the letter's date. Disputed documents are listed as excluded.

    `items` (with `calculation`) are debts entered by hand: one block without a contract."""
    as_of = as_of or today
    if items is not None:
        currency = currency or currency_for(counterparty)
        if not rule:
            rule, default_options = rule_for(counterparty, None)
            options = {**default_options, **(options or {})}
        hand = ClaimGroup(None, currency, rule, options or {}, 1, DEFAULT_PRETENSION_DAYS)
        hand.items = list(items)
        hand.calculation = calculation or calculate_claim(
            hand.items, rule, hand.options, as_of, currency=currency
        )
        groups = [hand]
    else:
        groups = claim_groups(
            counterparty, as_of, document_ids, currency=currency, rule=rule, options=options
        )
    if not groups:
        raise LegalError(gettext_lazy("Nothing is overdue to claim on that date."))
    blocks = [_group_block(group, language) for group in groups]
    periods = {group.pretension_days for group in groups}
    days = min(periods)
    # The letter names the day the response period ends: the next working day when the count
    # ends on a weekend or a public holiday, as the case's response deadline (legal/periods.py).
    deadline = period_end(counterparty, today, days).day
    totals: dict[str, Decimal] = {}
    for group in groups:
        totals[group.currency] = totals.get(group.currency, ZERO) + group.claim_total
    for group in groups:
        # The fixed EUR 40 of a lei (or other) block is claimed too: in its own currency's
        # total, never added to the block's (Law 72/2013 art. 13, Directive 2011/7/EU art. 6).
        calc = group.calculation
        if calc is not None and calc.compensation and calc.compensation_currency != group.currency:
            cur = calc.compensation_currency
            totals[cur] = totals.get(cur, ZERO) + calc.compensation
    contracts = {group.contract for group in groups}
    only = next(iter(contracts)) if len(contracts) == 1 else None
    data = _common(PaperKind.PRETENSION, counterparty, language, today, only, list(totals))
    data.update(
        {
            "as_of": format_date(as_of),
            "groups": [block for block, _raw in blocks],
            "several": len(groups) > 1,
            "no_calculation": not any(block["calc"]["lines"] for block, _raw in blocks),
            "totals": [
                {
                    "currency": cur,
                    "amount": Money(cur, language)(total),
                    "words": Money(cur, language).words(total),
                }
                for cur, total in totals.items()
            ],
            "deadline_days": days,
            "deadline_period": within_text(days),
            "deadline": format_date(deadline),
            "periods_note": (
                _(
                    "The contracts set different pretension periods; the shortest, %(period)s, "
                    "applies to this claim."
                )
                % {"period": days_text(days)}
                if len(periods) > 1
                else ""
            ),
        }
    )
    if len(groups) == 1:  # the single block's figures also at the top, as before
        block = blocks[0][0]
        data.update({key: block[key] for key in ("currency", "principal",
                                                 "principal_words", "calc", "claim_total",
                                                 "claim_total_words")})  # fmt: skip
        data["items"] = block["documents"]
    data["raw"].update(
        {
            "as_of": as_of.isoformat(),
            "groups": [raw for _block, raw in blocks],
            "totals": {cur: str(total) for cur, total in totals.items()},
            "deadline": deadline.isoformat(),
            "deadline_days": days,
            "periods_differ": len(periods) > 1,
        }
    )
    if len(groups) == 1:
        data["raw"].update(
            {
                key: blocks[0][1][key]
                for key in (
                    "principal",
                    "interest",
                    "compensation",
                    "claim_total",
                    "rule",
                    "options",
                )
            }  # fmt: skip
        )
    return data


PERIOD_NAMES = {"day": gettext_noop("per day"), "year": gettext_noop("per year")}


DEBTOR_KINDS = {"business": gettext_noop("business"), "consumer": gettext_noop("consumer")}


def options_text(options: dict[str, str], language: str) -> str:
    """A calculation's options as a reader says them ("0,2% per day, capped at 100% of the
    debt"), not as the calculator's codes (rate_per_day=0.2000)."""
    parts = []
    for key, raw in options.items():
        try:
            number = Decimal(raw)
        except (ArithmeticError, ValueError):
            number = None
        if key == "rate_per_day" and number is not None:
            # as the calculation's lines write it
            parts.append(_("%(rate)s per day") % {"rate": format_percent(number, language)})
        elif key == "rate_per_year" and number is not None:
            parts.append(
                _("%(rate)s %(period)s")
                % {"rate": format_percent(number, language), "period": _(PERIOD_NAMES["year"])}
            )
        elif key == "cap_percent" and number is not None:
            parts.append(
                _("capped at %(cap)s of the debt") % {"cap": format_percent(number, language)}
            )
        elif key == "eur_rate" and number is not None:
            parts.append(
                _("EUR rate for the compensation: %(rate)s")
                % {"rate": format_percent(number, language).removesuffix("%")}
            )
        elif key == "debtor" and raw in DEBTOR_KINDS:
            parts.append(_("debtor: %(kind)s") % {"kind": _(DEBTOR_KINDS[raw])})
        else:
            parts.append(f"{key}: {raw}")
    return ", ".join(parts)


def _terms_summary(contract: Contract | None, rule: str, language: str) -> str:
    period = days_text(contract_period(contract))
    if contract is None:
        # One sentence, not "No contract: no penalty clause: Legal interest …" (two colons
        # in a row read on the call card as a list of labels).
        return _("No contract, no penalty clause. %(rule)s; pretension period %(period)s") % {
            "rule": RULE_LABELS().get(rule, rule),
            "period": period,
        }
    head = _("Contract %(number)s of %(date)s") % {
        "number": contract.number,
        "date": format_date(contract.date),
    }
    parts = []
    if contract.payment_days:
        parts.append(_("payment %(within)s") % {"within": within_text(contract.payment_days)})
    if rule in {"contract", "ua-penalty"} and contract.penalty_rate:
        penalty = _("penalty %(rate)s %(period)s") % {
            "rate": format_percent(contract.penalty_rate, language),
            "period": _(PERIOD_NAMES.get(contract.penalty_period, "per day")),
        }
        if contract.penalty_cap_percent is not None:
            penalty += ", " + _("capped at %(cap)s of the debt") % {
                "cap": format_percent(contract.penalty_cap_percent, language)
            }
        parts.append(penalty)
    else:
        parts.append(_("no penalty clause: %(rule)s") % {"rule": RULE_LABELS().get(rule, rule)})
    parts.append(_("pretension period %(period)s") % {"period": period})
    return f"{head}: {'; '.join(parts)}"


def contract_facts(
    counterparty: Counterparty,
    documents: Iterable[Document] | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """What to say about the debt, per contract and currency (for the call card's "facts to
    say"): the open documents (or `documents`) grouped by their own contract, each with its
    terms and the rule that applies, in the active language. Plain data, one dict per group:

    contract_id, contract_number, contract_date (date | None), currency, documents (count),
    open, overdue, disputed, not_due (Decimal, in `currency`; never added across currencies;
    not_due is the undisputed open amount not yet due), next_due (the first due date to come
    among those, or None), due_dates (how many different due dates they have),
    payment_days, penalty_rate, penalty_period ("day"/"year"), penalty_cap_percent,
    penalty_from_day, governing_law, rule (code), rule_label, pretension_days, summary (one
    translated sentence: "Contract 12 of 01.02.2026: payment within 30 days; penalty 0.03%
    per day; pretension period 15 days").
    """
    today = today or timezone.localdate()
    if documents is None:
        documents = Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
    if isinstance(documents, QuerySet):
        documents = documents.select_related("contract")
    docs = list(documents)
    disputed = disputed_shares(counterparty, {d.pk: d.open_amount for d in docs}, today)
    language = translation.get_language() or "en"
    groups: dict[tuple[int | None, str], dict[str, Any]] = {}
    coming: dict[tuple[int | None, str], set[date]] = {}  # due dates not yet reached
    for doc in docs:
        key = (doc.contract_id, doc.currency)
        fact = groups.get(key)
        if fact is None:
            contract = doc.contract
            rule, _options = rule_for(counterparty, contract)
            fact = groups[key] = {
                "contract_id": contract.pk if contract else None,
                "contract_number": contract.number if contract else "",
                "contract_date": contract.date if contract else None,
                "currency": doc.currency,
                "documents": 0,
                "open": ZERO,
                "overdue": ZERO,
                "disputed": ZERO,
                "not_due": ZERO,
                "next_due": None,
                "due_dates": 0,
                "payment_days": contract.payment_days if contract else None,
                "penalty_rate": contract.penalty_rate if contract else None,
                "penalty_period": contract.penalty_period if contract else "",
                "penalty_cap_percent": contract.penalty_cap_percent if contract else None,
                "penalty_from_day": contract.penalty_from_day if contract else 1,
                "governing_law": (contract.governing_law if contract else "")
                or counterparty.country,
                "rule": rule,
                "rule_label": RULE_LABELS().get(rule, rule),
                "pretension_days": contract_period(contract),
                "summary": _terms_summary(contract, rule, language),
            }
        share = disputed.get(doc.pk, ZERO)
        fact["documents"] += 1
        fact["open"] += doc.open_amount
        fact["disputed"] += share
        if doc.due_date < today:
            fact["overdue"] += doc.open_amount - share
        elif doc.open_amount > share:
            fact["not_due"] += doc.open_amount - share
            coming.setdefault(key, set()).add(doc.due_date)
    for key, dates in coming.items():
        groups[key]["next_due"] = min(dates)
        groups[key]["due_dates"] = len(dates)
    return sorted(
        groups.values(),
        key=lambda f: (
            f["contract_date"] is None,
            f["contract_date"] or date.min,
            f["contract_id"] or 0,
            f["currency"],
        ),
    )


def ledger_entries(counterparty: Counterparty, currency: str, until: date) -> list[Entry]:
    """Every document (debit) and payment (credit) of the counterparty up to `until`."""
    entries = [
        Entry(
            day=day,
            label=_("%(kind)s No. %(number)s") % {"kind": kind_name(kind), "number": number},
            debit=amount,
        )
        for day, kind, number, amount in Document.objects.filter(
            counterparty=counterparty, currency=currency, date__lte=until
        ).values_list("date", "kind", "number", "amount")
    ]
    entries += [
        Entry(
            day=day,
            label=(_("Payment No. %(number)s") % {"number": ref}) if ref else _("Payment"),
            credit=amount,
        )
        for day, ref, amount in Payment.objects.filter(
            counterparty=counterparty, currency=currency, date__lte=until
        )
        # The bank document's number; else the accounting id, unless Dunwell generated it
        # (`nk:`, files without ids), which means nothing to the debtor.
        .annotate(
            ref=Case(
                When(~Q(number=""), then=F("number")),
                When(external_id__startswith="nk:", then=Value("")),
                default=F("external_id"),
            )
        )
        .values_list("date", "ref", "amount")
    ]
    return entries


def reconciliation_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    start: date,
    end: date,
    currency: str = "",
) -> Snapshot:
    currency = currency or currency_for(counterparty)
    statement = reconcile(ledger_entries(counterparty, currency, end), start, end)
    money = Money(currency, language)
    closing = statement.closing

    def cell(amount: Decimal | None) -> str:
        return "" if amount is None else money(amount)

    opening_debit, opening_credit = balance_sides(statement.opening)
    closing_debit, closing_credit = balance_sides(closing)
    if closing > 0:
        in_favour = _("Debt of %(debtor)s to %(creditor)s") % {
            "debtor": counterparty.name,
            "creditor": counterparty.company.name,
        }
    elif closing < 0:
        in_favour = _("Debt of %(creditor)s to %(debtor)s") % {
            "debtor": counterparty.name,
            "creditor": counterparty.company.name,
        }
    else:
        in_favour = _("No debt on either side")
    data = _common(PaperKind.RECONCILIATION, counterparty, language, today, None, [currency])
    data["contract"] = None
    data.update(
        {
            "currency": currency,
            "start": format_date(start),
            "end": format_date(end),
            "opening_debit": cell(opening_debit),
            "opening_credit": cell(opening_credit),
            "rows": [
                {
                    "date": format_date(row.day),
                    "label": row.label,
                    "debit": money(row.debit) if row.debit else "",
                    "credit": money(row.credit) if row.credit else "",
                }
                for row in statement.rows
            ],
            "debit_turnover": money(statement.debit_turnover),
            "credit_turnover": money(statement.credit_turnover),
            "closing_debit": cell(closing_debit),
            "closing_credit": cell(closing_credit),
            "closing": money(abs(closing)),
            "closing_words": money.words(abs(closing)),
            "in_favour": in_favour,
        }
    )
    data["raw"].update(
        {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "opening": str(statement.opening),
            "debit_turnover": str(statement.debit_turnover),
            "credit_turnover": str(statement.credit_turnover),
            "closing": str(closing),
        }
    )
    return data


def _open_rows(
    counterparty: Counterparty, as_of: date, currency: str, money: Money
) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    rows = []
    total = overdue = ZERO
    for doc in open_documents_as_of(counterparty, as_of, currency):
        open_then = doc.amount - doc.paid_then  # type: ignore[attr-defined]
        if open_then <= 0:
            continue
        late = max((as_of - doc.due_date).days, 0)
        total += open_then
        if late:
            overdue += open_then
        rows.append(
            {
                "label": _doc_label(doc),
                "date": format_date(doc.date),
                "due": format_date(doc.due_date),
                "amount": money(doc.amount),
                "paid": money(doc.paid_then),  # type: ignore[attr-defined]
                "open": money(open_then),
                "days_late": late,
            }
        )
    return rows, total, overdue


def statement_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    as_of: date | None = None,
    currency: str = "",
) -> Snapshot:
    as_of = as_of or today
    currency = currency or currency_for(counterparty)
    money = Money(currency, language)
    rows, total, overdue = _open_rows(counterparty, as_of, currency, money)
    contract = shared_contract(counterparty, currency)
    data = _common(PaperKind.STATEMENT, counterparty, language, today, contract, [currency])
    data.update(
        {
            "currency": currency,
            "as_of": format_date(as_of),
            "rows": rows,
            "total": money(total),
            "total_words": money.words(total),
            "overdue": money(overdue),
        }
    )
    data["raw"].update({"as_of": as_of.isoformat(), "total": str(total), "overdue": str(overdue)})
    return data


def final_warning_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    days: int = DEFAULT_WARNING_DAYS,
    currency: str = "",
) -> Snapshot:
    currency = currency or currency_for(counterparty)
    money = Money(currency, language)
    rows, _total, overdue = _open_rows(counterparty, today, currency, money)
    rows = [row for row in rows if row["days_late"] > 0]
    deadline = period_end(counterparty, today, days).day
    data = _common(
        PaperKind.FINAL_WARNING,
        counterparty,
        language,
        today,
        shared_contract(counterparty, currency),
        [currency],
    )
    data.update(
        {
            "currency": currency,
            "rows": rows,
            "overdue": money(overdue),
            "overdue_words": money.words(overdue),
            "deadline_days": days,
            "deadline_period": within_text(days),
            "deadline": format_date(deadline),
        }
    )
    data["raw"].update({"overdue": str(overdue), "deadline": deadline.isoformat()})
    return data


def schedule_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    instalments: Sequence[tuple[date, Decimal]] = (),
    agreement_id: int | None = None,
    currency: str = "",
) -> Snapshot:
    """The repayment-schedule agreement: the debt acknowledged and its instalments, from the
    ladder's signed Agreement when one is named, else as entered."""
    if agreement_id is not None:
        agreement = Agreement.objects.get(pk=agreement_id, counterparty=counterparty)
        currency = currency or agreement.currency
        instalments = list(agreement.instalments.values_list("due_date", "amount"))
    if not instalments:
        raise LegalError(gettext_lazy("A repayment schedule needs at least one instalment."))
    currency = currency or currency_for(counterparty)
    money = Money(currency, language)
    total = sum((amount for _, amount in instalments), ZERO)
    contract = shared_contract(counterparty, currency)
    data = _common(PaperKind.SCHEDULE, counterparty, language, today, contract, [currency])
    data.update(
        {
            "currency": currency,
            "instalments": [
                {"n": n, "due": format_date(due), "amount": money(amount)}
                for n, (due, amount) in enumerate(sorted(instalments), start=1)
            ],
            "total": money(total),
            "total_words": money.words(total),
        }
    )
    data["raw"].update(
        {
            "total": str(total),
            "instalments": [[d.isoformat(), str(a)] for d, a in sorted(instalments)],
        }
    )
    return data


def protocol_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    meeting_date: date,
    place: str,
    participants: Sequence[str],
    agreed: Sequence[str],
    next_steps: Sequence[str],
    currency: str = "",
) -> Snapshot:
    """The meeting protocol: the debt on the day of the meeting in each currency the debtor
    owed (`currency`, the one the meeting agreed on, first; never added across currencies),
    the participants, what was agreed and the next steps."""
    currency = currency or currency_for(counterparty)
    owed = set(
        open_documents_as_of(counterparty, meeting_date, "")
        .values_list("currency", flat=True)
        .distinct()
    )
    debts, raw_totals = [], {}
    for cur in [currency, *sorted(owed - {currency})]:
        money = Money(cur, language)
        _rows, total, overdue = _open_rows(counterparty, meeting_date, cur, money)
        if not total and cur != currency:
            continue
        debts.append(
            {
                "currency": cur,
                "total": money(total),
                "words": money.words(total),
                "overdue": money(overdue),
            }
        )
        raw_totals[cur] = str(total)
    if len(debts) > 1 and raw_totals[currency] == str(ZERO):
        # nothing owed in the agreed currency, but something in another: no "0,00" line
        debts = debts[1:]
        del raw_totals[currency]
    contract = shared_contract(counterparty, currency)
    data = _common(
        PaperKind.PROTOCOL, counterparty, language, today, contract, [d["currency"] for d in debts]
    )
    main = debts[0] if debts[0]["currency"] == currency else None
    data.update(
        {
            "currency": currency,
            "meeting_date": format_date(meeting_date),
            "place": place,
            "participants": list(participants),
            "agreed": list(agreed),
            "next_steps": list(next_steps),
            "debts": debts,
            # the agreed currency's figures, for templates uploaded before `debts`
            "total": main["total"] if main else "",
            "total_words": main["words"] if main else "",
            "overdue": main["overdue"] if main else "",
        }
    )
    data["raw"].update(
        {
            "meeting_date": meeting_date.isoformat(),
            "total": raw_totals.get(currency, str(ZERO)),
            "totals": raw_totals,
        }
    )
    return data


def _case_pretension(case: LegalCase | None) -> Snapshot | None:
    """The case's pretension as a statement of claim cites it: when it was sent, the letter's
    number and date, the day the response was due. None until it is recorded as sent.

    The letter is the last one dated on or before the day it was sent: one made later (to see
    the amounts grown since) was never sent, and "sent on 09.10 the pretension of 06.12" is a
    date the court would not accept. Without such a letter the claim names the sending alone
    (`unnumbered`)."""
    if case is None or case.pretension_sent_on is None:
        return None
    letter, made = None, None
    for paper in case.papers.filter(kind=PaperKind.PRETENSION).order_by("-created_at", "-id"):
        dated = date.fromisoformat(paper.data["raw"]["date"])
        if dated <= case.pretension_sent_on:
            letter, made = paper, dated
            break
    return {
        "sent_on": format_date(case.pretension_sent_on),
        "number": letter.number if letter is not None else "",
        "date": format_date(made) if made is not None else "",
        "unnumbered": letter is None,
        "response_due": format_date(case.response_due) if case.response_due else "",
    }


def claim_fee(
    counterparty: Counterparty, claim: Decimal, currency: str, on: date
) -> CourtFee | None:
    """The court fee for claiming `claim` in `currency` from the debtor, before a court of the
    debtor's country, filed on `on` (legal/court_fee.py), or None where the rule is unknown."""
    return court_fee(MoneyValue(claim, currency), counterparty.country, on)


def case_court_fee(case: LegalCase, today: date) -> CourtFee | None:
    """The court fee for the case's claim in its currency (principal and penalty or interest of
    the debtor's overdue documents, as the statement of claim claims them) filed today; None
    when the rule is unknown or the claim cannot be calculated."""
    try:
        groups = claim_groups(case.counterparty, today, currency=case.currency)
    except (LookupError, ValueError):  # say, no rate for the period in the rate tables
        return None
    total = sum((group.claim_total for group in groups), ZERO)
    return claim_fee(case.counterparty, total, case.currency, today)


def fee_uncovered(case: LegalCase) -> list[tuple[str, str, str]]:
    """The currencies the case claims in (its own and its open documents') that the court fee
    rule of the debtor's country does not count in, each with the rule's currency and citation
    (a msgid): the fee on them is the lawyer's to enter. Empty where no rule is known."""
    court = court_rule(case.counterparty.country)
    if court is None:
        return []
    currencies = {case.currency} | set(
        case.documents.filter(open_amount__gt=0).values_list("currency", flat=True)
    )
    others = sorted(currencies - {court[0]}, key=lambda cur: (cur != case.currency, cur))
    return [(cur, *court) for cur in others]


def court_claim_data(
    counterparty: Counterparty,
    language: str,
    today: date,
    *,
    case: LegalCase | None = None,
    as_of: date | None = None,
) -> Snapshot:
    """The statement of claim: the pretension's claim (the blocks per contract and currency,
    their calculations) with the court, the pretension sent and unanswered, what is asked per
    currency (principal and penalty, never added across currencies), the court fee where its
    rule is known (or as the lawyer entered it on the case) and the attachments."""
    data = pretension_data(counterparty, language, today, as_of=as_of)
    data["kind"] = PaperKind.STATEMENT_OF_CLAIM
    principal: dict[str, Decimal] = {}
    for raw in data["raw"]["groups"]:
        principal[raw["currency"]] = principal.get(raw["currency"], ZERO) + Decimal(
            raw["principal"]
        )
    claims, fees, raw_fees = [], [], {}
    for cur, total_text in data["raw"]["totals"].items():
        money = Money(cur, language)
        total = Decimal(total_text)
        base = principal.get(cur, ZERO)
        claims.append(
            {
                "currency": cur,
                "total": money(total),
                "words": money.words(total),
                "principal": money(base),
                # principal and penalty, principal alone, or (a currency that has only the
                # fixed EUR 40 of another block) the compensation alone
                "interest": money(total - base) if base and total != base else "",
                "principal_only": bool(base) and total == base,
                "compensation_only": not base,
            }
        )
        entered = case is not None and case.claim_state_fee is not None and case.currency == cur
        fee = None if entered else claim_fee(counterparty, total, cur, today)
        if entered:
            assert case is not None and case.claim_state_fee is not None
            fees.append({"currency": cur, "amount": money(case.claim_state_fee), "rule": ""})
            raw_fees[cur] = str(case.claim_state_fee)
        elif fee is not None:
            fees.append({"currency": cur, "amount": money(fee.amount.amount), "rule": _(fee.rule)})
            raw_fees[cur] = str(fee.amount.amount)
    pretension = _case_pretension(case)
    attachments = []
    seen = set()
    for block in data["groups"]:
        contract = block["contract"]
        if contract and (contract["number"], contract["date"]) not in seen:
            seen.add((contract["number"], contract["date"]))
            attachments.append(_("Copy of contract No. %(number)s of %(date)s") % contract)
    attachments.append(_("Copies of the unpaid documents listed in the statement"))
    if pretension is not None and pretension["number"]:
        attachments.append(
            _("Copy of pretension No. %(number)s of %(date)s with proof of sending") % pretension
        )
    else:
        attachments.append(_("Copy of the pretension with proof of sending"))
    attachments.append(_("Reconciliation statement"))
    if not data["no_calculation"]:
        attachments.append(_("Calculation of the penalty (interest)"))
    attachments.append(_("Receipt for the court fee"))
    attachments.append(_("Extract from the register of legal entities on the defendant"))
    data.update(
        {
            "court": case.court if case is not None else "",
            "pretension": pretension,
            "claims": claims,
            "fees": fees,
            "attachments": attachments,
        }
    )
    data["raw"].update({"fees": raw_fees, "case": case.pk if case is not None else None})
    return data


def snapshot(
    kind: str, counterparty: Counterparty, language: str, today: date, **params: Any
) -> Snapshot:
    """The snapshot of one kind, with the document's own texts in `language`."""
    builders = {
        PaperKind.PRETENSION: pretension_data,
        PaperKind.RECONCILIATION: reconciliation_data,
        PaperKind.STATEMENT: statement_data,
        PaperKind.FINAL_WARNING: final_warning_data,
        PaperKind.SCHEDULE: schedule_data,
        PaperKind.PROTOCOL: protocol_data,
        PaperKind.STATEMENT_OF_CLAIM: court_claim_data,
    }
    with translation.override(language):
        return builders[PaperKind(kind)](counterparty, language, today, **params)  # type: ignore[operator]
