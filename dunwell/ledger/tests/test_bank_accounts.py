"""The company's bank accounts: the one account of a company made before them becomes its
account in its own currency (so a one-currency company's documents print what they printed),
one printed account per currency, and the account a document in a currency prints."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from dunwell.ledger.models import BankAccount, Company
from dunwell.ledger.requisites import account_for, payments_for

BEFORE = [("ledger", "0028_company_requisites")]
AFTER = [("ledger", "0029_company_bank_accounts")]


@pytest.mark.django_db(transaction=True)
def test_the_company_s_one_account_becomes_its_account_in_its_own_currency() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("ledger", "Company").objects.create(
        code="carp", name="Carpați SRL", country="RO", currency="RON", calendar_country="RO",
        bank_name="Banca Transilvania", bank_account="RO39BTRL0130120254170901",
        bank_code="BTRLRO22",
    )  # fmt: skip
    old.get_model("ledger", "Company").objects.create(
        code="bare", name="Fără Cont SRL", country="RO", currency="RON", calendar_country="RO"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    company = Company.objects.get(code="carp")
    # what the documents' snapshot held before, from the company's own three fields
    assert payments_for(company, ["RON"]) == [
        {
            "currency": "RON",
            "account": "RO39 BTRL 0130 1202 5417 0901",
            "bank": "Banca Transilvania",
            "code": "BTRLRO22",
            "code_kind": "SWIFT (BIC)",
        }
    ]
    # a document in another currency of a one-currency company: the same account
    assert payments_for(company, ["EUR"]) == payments_for(company, ["RON"])
    assert payments_for(Company.objects.get(code="bare"), ["RON"]) == []


@pytest.mark.django_db
def test_a_currency_prints_one_account(company: Company) -> None:
    BankAccount.objects.create(company=company, currency="EUR", account="RO22BTRL0130420254170901")
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccount.objects.create(
            company=company, currency="EUR", account="RO92BTRL0130420254170902"
        )
    spare = BankAccount.objects.create(
        company=company, currency="EUR", account="RO92BTRL0130420254170902", is_default=False
    )
    assert account_for(company, "EUR") != spare
    assert account_for(company, "EUR").account == "RO22BTRL0130420254170901"  # type: ignore[union-attr]
    # no lei account: a lei document falls back to an account the company has, never to none
    assert account_for(company, "RON").currency == "EUR"  # type: ignore[union-attr]
