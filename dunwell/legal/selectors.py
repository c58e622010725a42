"""Read the ledger into the data snapshot each document is rendered from.

A snapshot is plain JSON: the formatted texts the templates print (amounts with the
language's separators, dates, amounts in words) and, under "raw", the exact figures as decimal
strings. It is stored with the generated document, so a document can always be explained (and
re-rendered) from what it was made of.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from dunwell.ladder.models import Agreement
from dunwell.ledger.models import Allocation, Contract, Counterparty, Document, Payment
from dunwell.legal.calc import Calculation, ClaimItem, calculate_claim, pick_rule
from dunwell.legal.errors import LegalError
from dunwell.legal.i18n import doc_gettext as _
from dunwell.legal.models import PaperKind
from dunwell.legal.reconciliation import Entry, reconcile
from dunwell.legal.words import (
    amount_in_words,
    format_amount,
    format_date,
    format_percent,
)

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


def main_contract(
    counterparty: Counterparty, documents: Iterable[Document] = ()
) -> Contract | None:
    """The contract the documents were issued under (the most recent one), else the
    counterparty's latest contract."""
    ids = {d.contract_id for d in documents if d.contract_id}
    contracts = Contract.objects.filter(counterparty=counterparty)
    if ids:
        contracts = contracts.filter(pk__in=ids)
    return contracts.order_by("-date", "-id").first()


def currency_for(counterparty: Counterparty) -> str:
    """The currency the counterparty's open documents are in (the company's when none)."""
    row = (
        Document.objects.filter(counterparty=counterparty, open_amount__gt=0)
        .values("currency")
        .annotate(total=Sum("open_amount"))
        .order_by("-total")
        .first()
    )
    return str(row["currency"]) if row else counterparty.company.currency


def _common(
    kind: str, counterparty: Counterparty, language: str, today: date, contract: Contract | None
) -> Snapshot:
    company = counterparty.company
    return {
        "kind": kind,
        "language": language,
        "date": format_date(today),
        "creditor": {"name": company.name, "tax_id": company.tax_id, "country": company.country},
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
    docs = Document.objects.filter(counterparty=counterparty, currency=currency, date__lte=as_of)
    if ids is not None:
        docs = docs.filter(pk__in=ids)
    return docs.annotate(paid_then=paid).order_by("due_date", "date", "id")


def _doc_label(doc: Document) -> str:
    return _("%(kind)s No. %(number)s of %(date)s") % {
        "kind": doc.get_kind_display(),
        "number": doc.number,
        "date": format_date(doc.date),
    }


def claim_items(
    counterparty: Counterparty, as_of: date, currency: str, ids: Sequence[int] | None = None
) -> list[ClaimItem]:
    """The overdue documents (or those chosen) as claim items with their payments."""
    docs = list(open_documents_as_of(counterparty, as_of, currency, ids))
    if ids is None:
        docs = [d for d in docs if d.due_date < as_of and d.amount > d.paid_then]  # type: ignore[attr-defined]
    payments: dict[int, list[tuple[date, Decimal]]] = {}
    for doc_id, paid_on, amount in Allocation.objects.filter(
        document__in=[d.pk for d in docs], paid_on__lte=as_of
    ).values_list("document_id", "paid_on", "amount"):
        payments.setdefault(doc_id, []).append((paid_on, amount))
    return [
        ClaimItem(
            label=_doc_label(d),
            date=d.date,
            due=d.due_date,
            amount=d.amount,
            payments=tuple(sorted(payments.get(d.pk, []))),
        )
        for d in docs
    ]


def component_labels() -> dict[str, str]:
    return {
        "interest": _("Interest"),
        "penalty": _("Penalty"),
        "inflation": _("Inflation losses"),
        "compensation": _("Fixed recovery compensation"),
    }


def _calc_block(calc: Calculation, money: Money, language: str) -> Snapshot:
    names = component_labels()
    return {
        "rule": calc.rule,
        "rule_label": RULE_LABELS().get(calc.rule, calc.rule),
        "to": format_date(calc.to),
        "lines": [
            {
                "item": line.item,
                "component": names.get(line.component, line.component),
                "start": format_date(line.start),
                "end": format_date(line.end),
                "days": line.days,
                "base": money(line.base),
                "rate": format_percent(line.rate, language),
                "year_basis": line.year_basis,
                "amount": money(line.amount),
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
    """The pretension: the debts, the calculation appendix, the total claim and the deadline
    (the contract's pretension period, 30 days by default) counted from the letter's date."""
    as_of = as_of or today
    currency = currency or currency_for(counterparty)
    docs = list(Document.objects.filter(pk__in=document_ids)) if document_ids else []
    contract = main_contract(counterparty, docs)
    if items is None:
        items = claim_items(counterparty, as_of, currency, document_ids)
    if calculation is None:
        if not rule:
            rule, default_options = rule_for(counterparty, contract)
            options = {**default_options, **(options or {})}
        calculation = calculate_claim(
            items,
            rule,
            options or {},
            as_of,
            penalty_from_day=contract.penalty_from_day if contract else 1,
            currency=currency,
        )
    money = Money(currency, language)
    principal = sum((item.open for item in items), ZERO)
    claim = principal + calculation.total
    if calculation.compensation_currency == currency:
        claim += calculation.compensation
    days = contract.pretension_days if contract and contract.pretension_days else None
    days = days or DEFAULT_PRETENSION_DAYS
    deadline = today + timedelta(days=days)
    data = _common(PaperKind.PRETENSION, counterparty, language, today, contract)
    data.update(
        {
            "currency": currency,
            "as_of": format_date(as_of),
            "items": [
                {
                    "label": item.label,
                    "date": format_date(item.date),
                    "due": format_date(item.due),
                    "amount": money(item.amount),
                    "paid": money(item.paid),
                    "open": money(item.open),
                }
                for item in items
            ],
            "principal": money(principal),
            "principal_words": money.words(principal),
            "calc": _calc_block(calculation, money, language),
            "claim_total": money(claim),
            "claim_total_words": money.words(claim),
            "deadline_days": days,
            "deadline": format_date(deadline),
        }
    )
    data["raw"].update(
        {
            "as_of": as_of.isoformat(),
            "principal": str(principal),
            "interest": str(calculation.total),
            "compensation": str(calculation.compensation),
            "claim_total": str(claim),
            "deadline": deadline.isoformat(),
            "rule": calculation.rule,
            "options": calculation.options,
        }
    )
    return data


def ledger_entries(counterparty: Counterparty, currency: str, until: date) -> list[Entry]:
    """Every document (debit) and payment (credit) of the counterparty up to `until`."""
    kinds = dict(Document._meta.get_field("kind").choices or [])
    entries = [
        Entry(
            day=day,
            label=_("%(kind)s No. %(number)s") % {"kind": kinds.get(kind, kind), "number": number},
            debit=amount,
        )
        for day, kind, number, amount in Document.objects.filter(
            counterparty=counterparty, currency=currency, date__lte=until
        ).values_list("date", "kind", "number", "amount")
    ]
    entries += [
        Entry(
            day=day,
            label=(_("Payment No. %(number)s") % {"number": ext}) if ext else _("Payment"),
            credit=amount,
        )
        for day, ext, amount in Payment.objects.filter(
            counterparty=counterparty, currency=currency, date__lte=until
        ).values_list("date", "external_id", "amount")
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
    data = _common(PaperKind.RECONCILIATION, counterparty, language, today, None)
    data["contract"] = None
    data.update(
        {
            "currency": currency,
            "start": format_date(start),
            "end": format_date(end),
            "opening_debit": money(statement.opening) if statement.opening > 0 else "",
            "opening_credit": money(-statement.opening) if statement.opening < 0 else "",
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
            "closing_debit": money(closing) if closing > 0 else "",
            "closing_credit": money(-closing) if closing < 0 else "",
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
    data = _common(PaperKind.STATEMENT, counterparty, language, today, main_contract(counterparty))
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
    deadline = today + timedelta(days=days)
    data = _common(
        PaperKind.FINAL_WARNING, counterparty, language, today, main_contract(counterparty)
    )
    data.update(
        {
            "currency": currency,
            "rows": rows,
            "overdue": money(overdue),
            "overdue_words": money.words(overdue),
            "deadline_days": days,
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
    data = _common(PaperKind.SCHEDULE, counterparty, language, today, main_contract(counterparty))
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
    currency = currency or currency_for(counterparty)
    money = Money(currency, language)
    _rows, total, overdue = _open_rows(counterparty, meeting_date, currency, money)
    data = _common(PaperKind.PROTOCOL, counterparty, language, today, main_contract(counterparty))
    data.update(
        {
            "currency": currency,
            "meeting_date": format_date(meeting_date),
            "place": place,
            "participants": list(participants),
            "agreed": list(agreed),
            "next_steps": list(next_steps),
            "total": money(total),
            "total_words": money.words(total),
            "overdue": money(overdue),
        }
    )
    data["raw"].update({"meeting_date": meeting_date.isoformat(), "total": str(total)})
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
    }
    with translation.override(language):
        return builders[PaperKind(kind)](counterparty, language, today, **params)  # type: ignore[operator]
