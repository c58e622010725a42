"""A letter that asks for money says where to pay it: after the letter, one block per currency
asked for with the recipient, the company's account of that currency, its bank and bank code
(`ledger.requisites`, as the documents print them), in the letter's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from dunwell.ladder import services as ladder
from dunwell.ledger.models import BankAccount, Document
from dunwell.letters.drafting import Sender, draft

from .conftest import situation_of, wording_of

pytestmark = pytest.mark.django_db

RON = "RO49 AAAA 1B31 0075 9384 0000"
EUR = "RO59 BTRL EURC RT00 1234 5601"


@pytest.fixture
def accounts(company: Any) -> None:
    BankAccount.objects.create(
        company=company,
        currency="RON",
        account=RON.replace(" ", ""),
        bank_name="Banca Transilvania",
        bank_code="BTRLRO22",
    )
    BankAccount.objects.create(
        company=company,
        currency="EUR",
        account=EUR.replace(" ", ""),
        bank_name="Banca Transilvania",
        bank_code="BTRLRO22",
    )
    BankAccount.objects.create(
        company=company, currency="USD", account="RO67RNCB0082044423490001", bank_name="BCR"
    )


def composed(client: Any, user: Any, debtor: Any, task: Any, language: str) -> str:
    debtor.language = language
    debtor.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(f"{reverse('letters:compose')}?counterparty={debtor.pk}&task={task.pk}")
    assert page.status_code == 200
    return str(page.context["form"].initial["body"])


@pytest.mark.parametrize(
    ("language", "ron", "eur", "sign_off"),
    [
        (
            "en",
            "Payment details for payments in RON:\nRecipient: Demo Supply LLC, tax id "
            f"RO18547290\nBank account: {RON}\nBank: Banca Transilvania\nSWIFT (BIC): BTRLRO22",
            f"Payment details for payments in EUR:\nRecipient: Demo Supply LLC, tax id "
            f"RO18547290\nBank account: {EUR}\nBank: Banca Transilvania\nSWIFT (BIC): BTRLRO22",
            "Kind regards,\ncolin\nDemo Supply LLC",
        ),
        (
            "ro",
            "Date bancare pentru plata în RON:\nBeneficiar: Demo Supply LLC, cod fiscal "
            f"RO18547290\nCont bancar: {RON}\nBanca: Banca Transilvania\nSWIFT (BIC): BTRLRO22",
            "Date bancare pentru plata în EUR:\nBeneficiar: Demo Supply LLC, cod fiscal "
            f"RO18547290\nCont bancar: {EUR}\nBanca: Banca Transilvania\nSWIFT (BIC): BTRLRO22",
            "Cu stimă,\ncolin\nDemo Supply LLC",
        ),
    ],
)
def test_the_letter_says_where_to_pay_each_currency_it_asks_for_before_its_sign_off(
    client: Any,
    collector: Any,
    debtor: Any,
    letter_task: Any,
    frozen: Any,
    accounts: None,
    language: str,
    ron: str,
    eur: str,
    sign_off: str,
) -> None:
    """The blocks followed the signature, as a postscript: they stand before the sign-off."""
    body = composed(client, collector, debtor, letter_task, language)
    # Overdue: 300 EUR and 1,500 RON; the EUR block first, as the total names them.
    assert f"{eur}\n\n{ron}\n\n{sign_off}" in body
    assert body.count(eur) == 1 and body.count(ron) == 1
    assert "BCR" not in body  # no USD is asked for


def test_a_currency_wholly_disputed_gets_no_block(
    debtor: Any, collector: Any, frozen: Any, accounts: None
) -> None:
    ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal("1500"),
        user=collector,
        documents=list(Document.objects.filter(counterparty=debtor, number="F-101")),
    )
    s = situation_of(debtor.pk)
    s.language = "en"
    wording = wording_of("firm", "en")
    body = draft(s, wording.subject, wording.body, Sender("Colin")).body
    assert "Payment details for payments in EUR:" in body
    assert "payments in RON" not in body


def test_a_wording_places_the_payment_details_itself(
    debtor: Any, frozen: Any, accounts: None
) -> None:
    s = situation_of(debtor.pk)
    s.language = "ru"
    body = draft(s, "x", "Оплатите:\n{{ payment_details }}\nСпасибо.", Sender("Colin")).body
    assert body.startswith("Оплатите:\nПлатёжные реквизиты для оплаты в EUR:\n")
    assert f"Расчётный счёт: {EUR}" in body and f"Расчётный счёт: {RON}" in body
    assert body.endswith("Спасибо.")
    assert body.count("Платёжные реквизиты для оплаты в RON") == 1


def test_a_letter_without_a_sign_off_gets_the_details_after_its_last_line(
    debtor: Any, frozen: Any, accounts: None
) -> None:
    s = situation_of(debtor.pk)
    s.language = "en"
    body = draft(s, "x", "Please pay.\nColin", Sender("Colin")).body
    assert body.startswith("Please pay.\nColin\n\nPayment details for payments in EUR:")
