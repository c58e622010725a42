"""Our company's bank requisites, checked as a bank would check them before a debtor pays.

The account is an IBAN when it starts with two letters (RO, MD and UA use IBANs; the check
digits catch a mistyped digit), otherwise a national account number of digits only (a
Russian расчётный счёт has 20). The bank code is a BIC (SWIFT) when it has letters, otherwise
a national code of digits only (a Russian БИК has 9, a Ukrainian МФО 6).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from stdnum import bic, iban
from stdnum.exceptions import ValidationError as StdnumError

if TYPE_CHECKING:
    from dunwell.ledger.models import BankAccount, Company


class RequisiteError(ValueError):
    """A bad requisite; `field` names it (bank_account, bank_code) and `message` is
    translatable."""

    def __init__(self, field: str, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def _compact(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def normalize_bank_account(value: str) -> str:
    """The account without spaces: a checked IBAN, or digits only; "" when blank."""
    account = _compact(value)
    if not account:
        return ""
    if account[:2].isalpha():
        try:
            return str(iban.validate(account))
        except StdnumError:
            raise RequisiteError(
                "bank_account",
                _("The bank account %(value)s is not a valid IBAN.") % {"value": value.strip()},
            ) from None
    if not account.isdigit() or not 5 <= len(account) <= 34:
        raise RequisiteError(
            "bank_account",
            _("The bank account must be an IBAN or a number of 5-34 digits: %(value)s")
            % {"value": value.strip()},
        )
    return account


def normalize_bank_code(value: str) -> str:
    """The bank code without spaces: a checked BIC, or a national code of 6-9 digits."""
    code = _compact(value)
    if not code:
        return ""
    if code.isdigit():
        if 6 <= len(code) <= 9:
            return code
    else:
        try:
            return str(bic.validate(code))
        except StdnumError:
            pass
    raise RequisiteError(
        "bank_code",
        _(
            "The bank code must be a BIC (8 or 11 letters and digits) or a national code of "
            "6-9 digits: %(value)s"
        )
        % {"value": value.strip()},
    )


# Where an IBAN's country and its bank's BIC country differ and both are right: the Crown
# dependencies bank in the GB scheme, Åland in the Finnish one, the French overseas territories
# and Monaco in the French one.
_SAME_BANKING_COUNTRY = [
    {"GB", "GG", "JE", "IM"},
    {"FI", "AX"},
    {"FR", "MC", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF"},
]


def check_bank_code_fits_account(account: str, code: str) -> None:
    """An IBAN and a BIC (both normalised) of the same country: a BIC copied from another
    account (BTRLRO22 beside an MD… IBAN) would send the debtor's payment to the wrong bank.
    Raises RequisiteError on the bank code."""
    if not account[:2].isalpha() or not code or code.isdigit():
        return
    account_country, bank_country = account[:2], code[4:6]
    if account_country == bank_country or any(
        {account_country, bank_country} <= group for group in _SAME_BANKING_COUNTRY
    ):
        return
    raise RequisiteError(
        "bank_code",
        _(
            "The bank code %(code)s is of a bank in %(bank_country)s, but the IBAN %(account)s "
            "is of an account in %(account_country)s: one of them belongs to another account."
        )
        % {
            "code": code,
            "bank_country": bank_country,
            "account": account_as_read(account),
            "account_country": account_country,
        },
    )


# What a bank code is, named as the banks name it in every language: a letter must not call a
# SWIFT code "БИК" (the Bank of Russia's national code) or "МФО" (the Ukrainian one).
BIC, BIK, MFO = "SWIFT (BIC)", "БИК", "МФО"


def bank_code_name(code: str) -> str:
    """The kind of a stored bank code as a letter labels it: SWIFT (BIC) when it has letters, a
    Russian БИК when it has 9 digits, a Ukrainian МФО when it has 6; "" for another national
    code (the caller labels it "Bank code") or none."""
    code = _compact(code)
    if not code:
        return ""
    if not code.isdigit():
        return BIC if bic.is_valid(code) else ""
    return {9: BIK, 6: MFO}.get(len(code), "")


def account_as_read(account: str) -> str:
    """The account as a letter prints it: an IBAN in groups of four, other numbers as kept."""
    if account[:2].isalpha():
        return str(iban.format(account))
    return account


def validate_bank_account(value: str) -> None:
    """Model-field validator, for the forms Django builds (the admin site)."""
    try:
        normalize_bank_account(value)
    except RequisiteError as exc:
        raise ValidationError(exc.message) from None


def validate_bank_code(value: str) -> None:
    try:
        normalize_bank_code(value)
    except RequisiteError as exc:
        raise ValidationError(exc.message) from None


# Where a document asks the debtor to pay: the company's account of the document's currency.
def account_for(company: Company, currency: str) -> BankAccount | None:
    """The account a document in `currency` prints: the company's default account of that
    currency; when it has none there, its default account of its own currency (then of any
    currency), as a document must say where to pay and no account is ever made up
    (`missing_currencies` warns the settings page); None when it has no account at all."""
    accounts = {a.currency: a for a in company.bank_accounts.filter(is_default=True)}
    return (
        accounts.get(currency)
        or accounts.get(company.currency)
        or next((accounts[cur] for cur in sorted(accounts)), None)
    )


def payment_details(account: BankAccount) -> dict[str, str]:
    """An account as a document's snapshot keeps it (`creditor.payment`)."""
    return {
        "currency": account.currency,
        "account": account_as_read(account.account),
        "bank": account.bank_name,
        "code": account.bank_code,
        "code_kind": bank_code_name(account.bank_code),
    }


def payments_for(company: Company, currencies: Sequence[str]) -> list[dict[str, str]]:
    """The accounts a document with amounts in `currencies` (its main currency first) prints,
    each once, in the order of the currencies: one when all are paid to the same account."""
    out: list[dict[str, str]] = []
    seen: set[int] = set()
    for currency in dict.fromkeys(currencies):
        account = account_for(company, currency)
        if account is not None and account.pk not in seen:
            seen.add(account.pk)
            out.append(payment_details(account))
    return out


def missing_currencies(company: Company) -> list[str]:
    """The currencies the company's debtors owe in (and its own) that have no account of
    their own: the documents in them print the default account instead."""
    from dunwell.ledger.models import Document

    owed = set(
        Document.objects.filter(counterparty__company=company)
        .values_list("currency", flat=True)
        .distinct()
    )
    have = set(company.bank_accounts.values_list("currency", flat=True))
    return sorted((owed | {company.currency}) - have)
