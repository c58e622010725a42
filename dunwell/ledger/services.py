"""Ledger services: the only way documents and payments enter the ledger outside the bulk
importer. Each runs in one transaction, reallocates the counterparty's payments and writes a
TimelineEntry in the same transaction.
"""

from __future__ import annotations

import zoneinfo
from datetime import date
from decimal import Decimal
from functools import cache

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.compiled import Reusable
from dunwell.ledger import terms
from dunwell.ledger.allocation import reallocate
from dunwell.ledger.models import (
    BankAccount,
    Company,
    Contract,
    Counterparty,
    Document,
    DocumentKind,
    NonWorkingDay,
    Payment,
    TimelineEntry,
)
from dunwell.ledger.requisites import (
    RequisiteError,
    account_as_read,
    check_bank_code_fits_account,
    normalize_bank_account,
    normalize_bank_code,
)
from dunwell.ledger.taxids import TaxIdError, normalize_tax_id
from dunwell.money import is_currency_code
from dunwell.workdays import WorkCalendar


class LedgerError(Exception):
    """A ledger change that cannot be made; `message` is translatable and shown to the user."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


class CompanyError(LedgerError):
    """A bad value for a new company; `field` names it (code, name, country, currency,
    tax_id, time_zone) so that the command and the form can point at it."""

    def __init__(self, field: str, message: StrOrPromise) -> None:
        super().__init__(message)
        self.field = field


# CLDR region codes that are not countries (Babel lists them among the territories).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


@cache
def _country_codes() -> frozenset[str]:
    from babel import Locale

    return frozenset(
        str(code)
        for code in Locale("en").territories
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code not in _NOT_COUNTRIES
    )


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code (CLDR's list of regions, as Babel ships it)."""
    return len(code) == 2 and code.isupper() and code in _country_codes()


@transaction.atomic
def create_company(
    *,
    code: str,
    name: str,
    country: str,
    currency: str,
    tax_id: str = "",
    time_zone: str = "",
    **requisites: str,
) -> Company:
    """Create one of our own companies (onboarding without the demo).

    The time zone and the working calendar follow the country (ZONE_BY_COUNTRY); a country
    outside that table needs an explicit `time_zone`. The tax id is validated for the country.
    """
    from dunwell.ledger.importing.engine import ZONE_BY_COUNTRY

    code = code.strip()
    name = " ".join(name.split())
    country = country.strip().upper()
    currency = currency.strip().upper()
    time_zone = time_zone.strip()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
        raise CompanyError(
            "code", _("The code must be 1-32 letters, digits, hyphens or underscores.")
        )
    if Company.objects.filter(code=code).exists():
        raise CompanyError(
            "code", _("A company with the code %(code)s exists already.") % {"code": code}
        )
    if not name or len(name) > 255:
        raise CompanyError("name", _("The name must be 1-255 characters."))
    if not is_country_code(country):
        raise CompanyError(
            "country", _("Not an ISO 3166 country code: %(value)s") % {"value": country}
        )
    if not is_currency_code(currency):
        raise CompanyError(
            "currency", _("Not an ISO 4217 currency code: %(value)s") % {"value": currency}
        )
    tax_id = _company_tax_id(country, tax_id)
    requisites = clean_requisites(**requisites)
    if time_zone:
        if time_zone not in zoneinfo.available_timezones():
            raise CompanyError("time_zone", _("Unknown time zone %(value)s") % {"value": time_zone})
    else:
        time_zone = ZONE_BY_COUNTRY.get(country, "")
        if not time_zone:
            raise CompanyError(
                "time_zone",
                _("No default time zone for %(country)s: give one (e.g. Europe/Berlin).")
                % {"country": country},
            )
    bank = {field: requisites.pop(field) for field in BANK_FIELDS}
    company = Company.objects.create(
        code=code,
        name=name,
        country=country,
        currency=currency,
        tax_id=tax_id,
        time_zone=time_zone,
        calendar_country=country,
        **requisites,
    )
    if bank["bank_account"]:  # the account of the company's own currency
        BankAccount.objects.create(
            company=company,
            currency=currency,
            bank_name=bank["bank_name"],
            account=bank["bank_account"],
            bank_code=bank["bank_code"],
        )
    return company


def _company_tax_id(country: str, tax_id: str) -> str:
    try:
        return normalize_tax_id(country, tax_id)
    except TaxIdError as exc:
        # Worded in the reader's language, as an import's rejected tax id.
        from dunwell.ledger.importing.reasons import render

        raise CompanyError("tax_id", capfirst(render(exc.code, exc.params))) from None


REQUISITES = ("legal_address", "registration_number")
BANK_FIELDS = ("bank_name", "bank_account", "bank_code")


def clean_requisites(
    *,
    legal_address: str = "",
    registration_number: str = "",
    bank_name: str = "",
    bank_account: str = "",
    bank_code: str = "",
) -> dict[str, str]:
    """The requisites a letter prints, trimmed; the account and the bank code checked
    (ledger.requisites). Raises CompanyError naming the bad field."""
    try:
        account = normalize_bank_account(bank_account)
        code = normalize_bank_code(bank_code)
        check_bank_code_fits_account(account, code)
    except RequisiteError as exc:
        raise CompanyError(exc.field, exc.message) from None
    return {
        "legal_address": " ".join(legal_address.split()),
        "registration_number": " ".join(registration_number.split()),
        "bank_name": " ".join(bank_name.split()),
        "bank_account": account,
        "bank_code": code,
    }


@transaction.atomic
def update_company(
    company: Company,
    *,
    name: str,
    tax_id: str = "",
    legal_address: str = "",
    registration_number: str = "",
) -> Company:
    """Change our company's name, tax id, address and registration number (what its letters
    print; its bank accounts: `save_bank_account`); the code, country and currency stay, as the
    ledger and the calendars hang on them."""
    name = " ".join(name.split())
    if not name or len(name) > 255:
        raise CompanyError("name", _("The name must be 1-255 characters."))
    company.name = name
    company.tax_id = _company_tax_id(company.country, tax_id)
    requisites = clean_requisites(
        legal_address=legal_address, registration_number=registration_number
    )
    company.legal_address = requisites["legal_address"]
    company.registration_number = requisites["registration_number"]
    company.save()
    return company


@transaction.atomic
def save_bank_account(
    company: Company,
    account: BankAccount | None,
    *,
    currency: str,
    bank_account: str,
    bank_name: str = "",
    bank_code: str = "",
    is_default: bool = False,
) -> tuple[BankAccount, BankAccount | None]:
    """Add (`account` None) or change one of the company's bank accounts; returns it and the
    account of its currency it replaced on the documents, if any. The first account of a
    currency is the one its documents print; another one of that currency is a spare unless
    `is_default` asks for it to be printed instead (the caller says which one it replaced).
    Raises CompanyError naming the bad field (currency, bank_account, bank_code)."""
    currency = currency.strip().upper()
    if not is_currency_code(currency):
        raise CompanyError(
            "currency", _("Not an ISO 4217 currency code: %(value)s") % {"value": currency}
        )
    if not bank_account.strip():
        raise CompanyError("bank_account", _("Enter the account number (IBAN)."))
    bank = clean_requisites(bank_name=bank_name, bank_account=bank_account, bank_code=bank_code)
    others = BankAccount.objects.select_for_update().filter(company=company)
    if account is not None:
        others = others.exclude(pk=account.pk)
    same = others.filter(account=bank["bank_account"]).first()
    if same is not None:
        raise CompanyError(
            "bank_account",
            _("The account %(account)s is already among the company's accounts, in %(currency)s.")
            % {"account": account_as_read(same.account), "currency": same.currency},
        )
    printed = others.filter(currency=currency, is_default=True).first()
    if printed is None:
        is_default = True  # a currency's only printed account: its documents need one
    elif is_default:
        printed.is_default = False
        printed.save(update_fields=["is_default"])
    if account is None:
        account = BankAccount(company=company)
    account.currency = currency
    account.bank_name = bank["bank_name"]
    account.account = bank["bank_account"]
    account.bank_code = bank["bank_code"]
    account.is_default = is_default
    account.save()
    return account, printed if is_default else None


@transaction.atomic
def delete_bank_account(account: BankAccount) -> None:
    """Remove an account; a spare one of its currency, if any, is printed instead."""
    account.delete()
    if account.is_default:
        spare = (
            BankAccount.objects.filter(company_id=account.company_id, currency=account.currency)
            .order_by("pk")
            .first()
        )
        if spare is not None:
            BankAccount.objects.filter(pk=spare.pk).update(is_default=True)


# A company's own closed days, its SQL built once per process (read on every debtor card).
CLOSED_DAYS = Reusable(
    lambda company_id: NonWorkingDay.objects.filter(company_id=company_id).values("day"), int
)


def work_calendar(company: Company, country: str) -> WorkCalendar:
    """Banking days of `country` plus the company's own closed days."""
    closed = [row["day"] for row in CLOSED_DAYS(company.pk)]
    return WorkCalendar(country or company.calendar_country, closed)


def contract_due_date(
    contract: Contract,
    document_date: date,
    accepted_on: date | None = None,
    calendar: WorkCalendar | None = None,
) -> date:
    """The due date of a document under `contract`'s payment terms."""
    if calendar is None and contract.payment_day_kind == terms.BANKING:
        calendar = work_calendar(contract.company, contract.counterparty.country)
    return terms.due_date(
        document_date,
        days=contract.payment_days,
        day_kind=contract.payment_day_kind,
        runs_from=contract.payment_from,
        accepted_on=accepted_on,
        calendar=calendar,
    )


def _check_owner(
    company: Company, counterparty: Counterparty, contract: Contract | None, currency: str
) -> None:
    if counterparty.company_id != company.pk:
        raise LedgerError(_("The counterparty belongs to another company."))
    if contract is not None:
        if contract.counterparty_id != counterparty.pk:
            raise LedgerError(_("The contract belongs to another counterparty."))
        if contract.currency != currency:
            raise LedgerError(
                _("Currency %(currency)s does not match the contract's %(contract)s.")
                % {"currency": currency, "contract": contract.currency}
            )


@transaction.atomic
def add_document(
    company: Company,
    counterparty: Counterparty,
    *,
    external_id: str,
    number: str,
    date: date,
    amount: Decimal,
    currency: str | None = None,
    due_date: date | None = None,
    contract: Contract | None = None,
    kind: str = DocumentKind.INVOICE,
    accepted: bool = False,
    accepted_on: date | None = None,
    user: User | None = None,
) -> Document:
    """Record a receivable and apply the counterparty's unallocated payments to it.

    Without `due_date` it is computed from the contract's payment terms (the document date
    when there is no contract). `currency` defaults to the contract's, then the company's.
    """
    currency = currency or (contract.currency if contract else company.currency)
    _check_owner(company, counterparty, contract, currency)
    if amount < 0:
        raise LedgerError(_("A document amount must not be negative."))
    if due_date is None:
        due_date = contract_due_date(contract, date, accepted_on) if contract else date
    document = Document.objects.create(
        company=company,
        counterparty=counterparty,
        contract=contract,
        external_id=external_id,
        kind=kind,
        number=number,
        date=date,
        due_date=due_date,
        amount=amount,
        open_amount=amount,
        currency=currency,
        accepted=accepted or accepted_on is not None,
        accepted_on=accepted_on,
    )
    reallocate([counterparty.pk])
    TimelineEntry.objects.create(
        counterparty=counterparty,
        at=timezone.now(),
        actor=user,
        kind="ledger.document_added",
        summary=f"{document.get_kind_display()} {number} {amount} {currency}",
        data={
            "document": document.pk,
            "amount": str(amount),
            "currency": currency,
            "due_date": due_date.isoformat(),
        },
    )
    document.refresh_from_db()
    return document


@transaction.atomic
def add_payment(
    company: Company,
    counterparty: Counterparty,
    date: date,
    amount: Decimal,
    currency: str,
    external_id: str,
    *,
    document: Document | None = None,
    contract: Contract | None = None,
    payer: str = "",
    user: User | None = None,
) -> Payment:
    """Record a payment and allocate it: the named `document` first, then the oldest-due
    documents of `contract`, then of the counterparty (same currency); the rest is credit.
    """
    _check_owner(company, counterparty, contract, currency)
    if amount <= 0:
        raise LedgerError(_("A payment amount must be greater than zero."))
    if document is not None and document.counterparty_id != counterparty.pk:
        raise LedgerError(_("The document belongs to another counterparty."))
    if contract is None and document is not None and document.contract_id is not None:
        contract = document.contract
    payment = Payment.objects.create(
        company=company,
        counterparty=counterparty,
        contract=contract,
        document=document,
        external_id=external_id,
        date=date,
        amount=amount,
        currency=currency,
        payer=payer,
        unallocated=amount,
    )
    reallocate([counterparty.pk])
    payment.refresh_from_db()
    TimelineEntry.objects.create(
        counterparty=counterparty,
        at=timezone.now(),
        actor=user,
        kind="ledger.payment_added",
        summary=f"{amount} {currency} {date:%d.%m.%Y}",
        data={
            "payment": payment.pk,
            "amount": str(amount),
            "currency": currency,
            "unallocated": str(payment.unallocated),
        },
    )
    return payment
