"""The debtor's situation, as a letter tells it: read in a few batched queries for any number
of debtors (the composer asks for one, a mailing for thousands).

Plain data out: the addressee, the open documents grouped per currency with a total per
currency (`dunwell.money`: currencies are never added), the contracts' payment terms and
penalty clauses with the penalty accrued to date (the interest calculator the legal claims
use, counted as `dunwell.legal.calc.calculate_claim` counts it), promises made and broken,
disputes and how they were settled, and the language the letter is written in.

What an open dispute holds is not asked for (DESIGN §1.7): it is laid over the documents as
the ladder lays it (`ladder.holds.disputed_amounts`), and the overdue amounts a letter states
are the overdue debt less that."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dunwell.ladder.holds import disputed_amounts
from dunwell.ladder.models import Dispute, DisputeStatus, Promise, PromiseStatus
from dunwell.ledger.models import COUNTRY_LANGUAGES, Allocation, Contact, Counterparty, Document
from dunwell.ledger.requisites import account_for, payment_details
from dunwell.money import Amounts, Money

HISTORY_DAYS = 365
PENALTY_RULES = frozenset({"contract", "ua-penalty"})


@dataclass(frozen=True)
class ContactInfo:
    id: int
    name: str
    position: str
    email: str
    language: str
    decides_payments: bool
    accountant: bool
    # Why the address cannot be written to: "" (usable), "none", "bad", "opted_out".
    unusable: str
    bad_reason: str = ""

    @property
    def usable(self) -> bool:
        return not self.unusable


@dataclass(frozen=True)
class DocumentLine:
    id: int
    kind: str
    number: str
    date: dt.date
    due_date: dt.date
    amount: Money
    open: Money
    days_overdue: int
    # What open disputes hold of this document (laid as the ladder lays them): not asked for.
    disputed: Decimal = Decimal("0")


@dataclass
class CurrencyGroup:
    currency: str
    documents: list[DocumentLine] = field(default_factory=list)

    @property
    def total(self) -> Money:
        return Money(sum((d.open.amount for d in self.documents), Decimal("0")), self.currency)

    @property
    def overdue(self) -> Money:
        """The overdue debt the letter asks for: what is overdue less what open disputes hold
        of it."""
        amount = sum(
            (d.open.amount - d.disputed for d in self.documents if d.days_overdue), Decimal("0")
        )
        return Money(amount, self.currency)

    @property
    def disputed(self) -> Money:
        """What open disputes hold of the open documents: not asked for until settled."""
        return Money(sum((d.disputed for d in self.documents), Decimal("0")), self.currency)


@dataclass(frozen=True)
class ContractTerms:
    id: int
    number: str
    date: date
    currency: str
    payment_days: int
    penalty_rate: Decimal | None
    penalty_period: str
    penalty_cap_percent: Decimal | None


@dataclass(frozen=True)
class PromiseLine:
    made_on: date
    promised_date: date
    amount: Money
    status: str
    promised_by: str


@dataclass(frozen=True)
class DisputeLine:
    registered_on: date
    reason: str
    amount: Money
    status: str
    resolution: str
    resolved_on: date | None


@dataclass
class Situation:
    counterparty_id: int
    company_id: int
    company_name: str
    name: str
    tax_id: str
    address: str
    language: str
    today: date
    collector_id: int | None
    addressee: ContactInfo | None = None
    contacts: list[ContactInfo] = field(default_factory=list)
    groups: list[CurrencyGroup] = field(default_factory=list)
    contracts: list[ContractTerms] = field(default_factory=list)
    penalty: Amounts = field(default_factory=Amounts)
    promises: list[PromiseLine] = field(default_factory=list)
    disputes: list[DisputeLine] = field(default_factory=list)
    # Where to pay, per currency of the open documents: the company's account of that currency
    # as a document prints it (`ledger.requisites.account_for`, `payment_details`).
    company_tax_id: str = ""
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def total_open(self) -> Amounts:
        return Amounts.of((g.currency, g.total.amount) for g in self.groups)

    @property
    def total_overdue(self) -> Amounts:
        """The overdue debt asked for, per currency: open disputes' amounts left out."""
        return Amounts.of((g.currency, g.overdue.amount) for g in self.groups).nonzero()

    @property
    def total_disputed(self) -> Amounts:
        return Amounts.of((g.currency, g.disputed.amount) for g in self.groups).nonzero()

    @property
    def asked_currencies(self) -> list[str]:
        """The currencies the letter asks to pay in: those with overdue debt asked for; with
        none overdue (a reminder before the due date), those with open debt."""
        overdue = self.total_overdue.currencies
        if overdue:
            return overdue
        return [g.currency for g in self.groups if g.total.amount > g.disputed.amount]

    @property
    def usable_contacts(self) -> list[ContactInfo]:
        return [c for c in self.contacts if c.usable]

    @property
    def document_numbers(self) -> list[str]:
        return [d.number for g in self.groups for d in g.documents]


def unusable_reason(email: str, bad: bool, opted_out: bool) -> str:
    if not email.strip():
        return "none"
    if bad:
        return "bad"
    if opted_out:
        return "opted_out"
    return ""


def _preference(contact: ContactInfo) -> tuple[int, int]:
    rank = 0 if contact.decides_payments else 1 if contact.accountant else 2
    return (rank, contact.id)


def choose_addressee(contacts: Sequence[ContactInfo]) -> ContactInfo | None:
    """Whom the letter is addressed to: the person who decides payments when known, else the
    accountant, else any contact with an email (a usable address first at every rank)."""
    if not contacts:
        return None
    ranked = sorted(contacts, key=lambda c: (_preference(c)[0], not c.usable, c.id))
    best = ranked[0]
    if best.decides_payments or best.accountant:
        return best
    with_email = [c for c in ranked if c.email]
    return with_email[0] if with_email else best


def choose_recipient(contacts: Sequence[ContactInfo]) -> ContactInfo | None:
    """The contact a mailing writes to: the first usable address in the addressee's order
    (opted-out and refused addresses are never chosen)."""
    usable = sorted((c for c in contacts if c.usable), key=_preference)
    return usable[0] if usable else None


def letter_language(contact_language: str, debtor_language: str, company_country: str) -> str:
    """The contact's language, else the debtor's, else the company's (by its country)."""
    known = {code for code, _name in settings.LANGUAGES}
    for language in (contact_language, debtor_language):
        if language and language.split("-")[0] in known:
            return language.split("-")[0]
    return COUNTRY_LANGUAGES.get(company_country.upper(), settings.LANGUAGE_CODE.split("-")[0])


def penalty_to_date(
    docs: Sequence[Document],
    payments: dict[int, list[tuple[date, Decimal]]],
    rule: str,
    options: dict[str, str],
    penalty_from_day: int,
    today: date,
    book: Any,
    disputed: dict[int, Decimal] | None = None,
) -> Decimal:
    """The penalty accrued on `docs` (one contract, one currency) up to `today`, by the interest
    calculator the legal claims use, counted as `dunwell.legal.calc.calculate_claim` counts it
    (from the contract's `penalty_from_day`, payments up to `today`). The rate book is loaded
    once per batch by the caller: `calculate_claim` loads it per document, which a mailing of
    thousands of debtors cannot afford.

    What open disputes hold (`disputed`, document → amount) is left out as the pretension
    leaves it out (`legal.selectors.disputed_shares`): a document disputed in full bears no
    penalty here, one disputed in part bears it on the rest."""
    from dunwell.interest.calc import PaymentEvent, calculate

    disputed = disputed or {}
    total = Decimal("0.00")
    for doc in docs:
        due = doc.due_date + timedelta(days=max(penalty_from_day, 1) - 1)
        if due >= today:
            continue
        share = disputed.get(doc.pk, Decimal("0"))
        if share >= doc.open_amount:
            continue
        paid = tuple(PaymentEvent(day, amount) for day, amount in sorted(payments.get(doc.pk, [])))
        result = calculate(
            rule,
            debt=doc.amount - share,
            due=due,
            to=today,
            payments=paid,
            options=options,
            rates=book,
        )
        total += result.total
    return total


def situations(counterparty_ids: Iterable[int], today: date | None = None) -> dict[int, Situation]:
    """The situation of each debtor, in a fixed number of queries per batch."""
    from dunwell.interest.calc import CalcError
    from dunwell.interest.selectors import rate_book
    from dunwell.legal.selectors import rule_for

    today = today or timezone.localdate()
    ids = list(dict.fromkeys(counterparty_ids))
    if not ids:
        return {}
    out: dict[int, Situation] = {}
    debtors = {
        cp.pk: cp
        for cp in Counterparty.objects.filter(pk__in=ids).select_related("company", "collector")
    }
    contacts: dict[int, list[ContactInfo]] = defaultdict(list)
    # Someone who no longer works there is written to no more (`Contact.active`).
    for c in Contact.objects.filter(counterparty_id__in=ids, active=True).order_by("id"):
        contacts[c.counterparty_id].append(
            ContactInfo(
                id=c.pk,
                name=c.name,
                position=c.position,
                email=c.email,
                language=c.language,
                decides_payments=c.decides_payments,
                accountant=c.accountant,
                unusable=unusable_reason(c.email, c.email_bad_at is not None, c.email_opt_out),
                bad_reason=c.email_bad_reason,
            )
        )
    for pk in ids:
        cp = debtors.get(pk)
        if cp is None:
            continue
        addressee = choose_addressee(contacts[pk])
        out[pk] = Situation(
            counterparty_id=pk,
            company_id=cp.company_id,
            company_name=cp.company.name,
            name=cp.name,
            tax_id=cp.tax_id,
            address=cp.address,
            language=letter_language(
                addressee.language if addressee else "", cp.language, cp.company.country
            ),
            today=today,
            collector_id=cp.collector_id,
            addressee=addressee,
            contacts=contacts[pk],
        )
    docs = list(
        Document.objects.filter(counterparty_id__in=ids, open_amount__gt=0, cancelled=False)
        .select_related("contract")
        .order_by("currency", "due_date", "date", "id")
    )
    open_docs: dict[int, dict[str, list[tuple[int, date, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for doc in docs:
        open_docs[doc.counterparty_id][doc.currency].append((doc.pk, doc.due_date, doc.open_amount))
    disputed = disputed_amounts(open_docs, today)
    groups: dict[tuple[int, str], CurrencyGroup] = {}
    contracts: dict[int, dict[int, ContractTerms]] = defaultdict(dict)
    for doc in docs:
        situation = out.get(doc.counterparty_id)
        if situation is None:
            continue
        key = (doc.counterparty_id, doc.currency)
        group = groups.get(key)
        if group is None:
            group = groups[key] = CurrencyGroup(doc.currency)
            situation.groups.append(group)
        group.documents.append(
            DocumentLine(
                id=doc.pk,
                kind=doc.kind,
                number=doc.number,
                date=doc.date,
                due_date=doc.due_date,
                amount=Money(doc.amount, doc.currency),
                open=Money(doc.open_amount, doc.currency),
                days_overdue=max((today - doc.due_date).days, 0),
                disputed=disputed.get(doc.counterparty_id, {}).get(doc.pk, Decimal("0")),
            )
        )
        k = doc.contract
        if k is not None and k.pk not in contracts[doc.counterparty_id]:
            contracts[doc.counterparty_id][k.pk] = ContractTerms(
                id=k.pk,
                number=k.number,
                date=k.date,
                currency=k.currency,
                payment_days=k.payment_days,
                penalty_rate=k.penalty_rate,
                penalty_period=k.penalty_period,
                penalty_cap_percent=k.penalty_cap_percent,
            )
    for pk, terms in contracts.items():
        out[pk].contracts = sorted(terms.values(), key=lambda t: (t.date, t.id))

    # Where to pay: each company's account per currency, read once per batch.
    accounts: dict[tuple[int, str], dict[str, str] | None] = {}
    for pk, found in out.items():
        company = debtors[pk].company
        found.company_tax_id = company.tax_id
        for group in found.groups:
            key = (company.pk, group.currency)
            if key not in accounts:
                account = account_for(company, group.currency)
                accounts[key] = payment_details(account) if account is not None else None
            details = accounts[key]
            if details is not None:
                found.accounts[group.currency] = details

    # The penalty accrued to date on the overdue documents of contracts with a penalty
    # clause, per contract and currency, on what no open dispute holds.
    penalised = [
        d
        for d in docs
        if d.contract is not None
        and d.contract.penalty_rate
        and d.due_date < today
        and d.counterparty_id in out
    ]
    payments: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for doc_id, paid_on, amount in Allocation.objects.filter(
        document_id__in=[d.pk for d in penalised], paid_on__lte=today
    ).values_list("document_id", "paid_on", "amount"):
        payments[doc_id].append((paid_on, amount))
    by_group: dict[tuple[int, int, str], list[Document]] = defaultdict(list)
    for doc in penalised:
        assert doc.contract_id is not None
        by_group[(doc.counterparty_id, doc.contract_id, doc.currency)].append(doc)
    book = rate_book(today) if by_group else None
    for (cp_id, _contract_id, currency), group_docs in by_group.items():
        contract = group_docs[0].contract
        assert contract is not None and book is not None
        rule, options = rule_for(debtors[cp_id], contract)
        if rule not in PENALTY_RULES:
            continue
        try:
            total = penalty_to_date(
                group_docs,
                payments,
                rule,
                options,
                contract.penalty_from_day,
                today,
                book,
                disputed.get(cp_id, {}),
            )
        except CalcError:
            continue  # a rate missing for the period: the letter names no figure
        if total:
            out[cp_id].penalty = out[cp_id].penalty + Money(total, currency)

    since = today - timedelta(days=HISTORY_DAYS)
    for p in Promise.objects.filter(
        Q(status=PromiseStatus.ACTIVE) | Q(status=PromiseStatus.BROKEN, promised_date__gte=since),
        counterparty_id__in=ids,
    ).order_by("promised_date", "id"):
        out[p.counterparty_id].promises.append(
            PromiseLine(
                made_on=timezone.localtime(p.recorded_at).date(),
                promised_date=p.promised_date,
                amount=Money(p.amount, p.currency),
                status=p.status,
                promised_by=p.promised_by,
            )
        )
    for d in Dispute.objects.filter(
        Q(status=DisputeStatus.OPEN) | Q(resolved_at__date__gte=since),
        counterparty_id__in=ids,
    ).order_by("registered_at", "id"):
        out[d.counterparty_id].disputes.append(
            DisputeLine(
                registered_on=timezone.localtime(d.registered_at).date(),
                reason=d.reason,
                amount=Money(d.amount, d.currency),
                status=d.status,
                resolution=d.resolution,
                resolved_on=timezone.localtime(d.resolved_at).date() if d.resolved_at else None,
            )
        )
    return out


def situation(counterparty_id: int, today: date | None = None) -> Situation | None:
    return situations([counterparty_id], today).get(counterparty_id)
