"""The situation a letter tells: per currency, promises, disputes, the penalty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dunwell.ladder import services as ladder
from dunwell.ladder.models import Promise
from dunwell.letters.drafting import Sender, draft
from dunwell.letters.situation import (
    ContactInfo,
    choose_addressee,
    choose_recipient,
    letter_language,
)
from dunwell.money import Money

from .conftest import TODAY, situation_of, wording_of

pytestmark = pytest.mark.django_db


def test_open_documents_are_grouped_per_currency_with_a_total_each(
    debtor: Any, frozen: Any
) -> None:
    s = situation_of(debtor.pk)
    assert s is not None
    totals = {g.currency: g.total for g in s.groups}
    assert totals == {
        "RON": Money(Decimal("2200.00"), "RON"),
        "EUR": Money(Decimal("300.00"), "EUR"),
    }
    ron = next(g for g in s.groups if g.currency == "RON")
    assert [(d.number, d.days_overdue) for d in ron.documents] == [("F-101", 34), ("F-102", 0)]
    assert s.total_overdue.by_currency == {"RON": Decimal("1500.00"), "EUR": Decimal("300.00")}


def english(debtor: Any) -> None:
    debtor.language = "en"
    debtor.save()


def test_the_letter_never_sums_two_currencies(debtor: Any, frozen: Any) -> None:
    english(debtor)
    s = situation_of(debtor.pk)
    wording = wording_of("firm", "en")
    body = draft(s, wording.subject, wording.body, Sender("Colin")).body
    assert "Total in RON: 2,200.00\u00a0RON" in body
    assert "Total in EUR: 300.00\u00a0EUR" in body
    assert "Total overdue: 300.00\u00a0EUR + 1,500.00\u00a0RON." in body
    assert "2,500.00" not in body  # 2200 RON + 300 EUR must never appear as one figure


def test_the_penalty_accrued_comes_from_the_claims_calculator(debtor: Any, frozen: Any) -> None:
    from dunwell.legal.calc import ClaimItem, calculate_claim

    s = situation_of(debtor.pk)
    expected = calculate_claim(
        [ClaimItem("F-101", date(2026, 1, 5), date(2026, 2, 4), Decimal("1500.00"))],
        "contract",
        {"rate_per_day": "0.1", "cap_percent": "10"},
        TODAY,
    ).total
    assert expected > 0
    assert s.penalty.by_currency == {"RON": expected}


def test_broken_and_active_promises_are_told(debtor: Any, collector: Any, frozen: Any) -> None:
    english(debtor)
    kept = ladder.record_promise(
        counterparty=debtor,
        amount=Decimal("400"),
        promised_date=date(2026, 2, 20),
        user=collector,
        currency="RON",
    )
    Promise.objects.filter(pk=kept.pk).update(status="broken")
    ladder.record_promise(
        counterparty=debtor,
        amount=Decimal("100"),
        promised_date=date(2026, 3, 20),
        user=collector,
        currency="RON",
    )
    s = situation_of(debtor.pk)
    assert [(p.status, p.amount) for p in s.promises] == [
        ("broken", Money(Decimal("400.00"), "RON")),
        ("active", Money(Decimal("100.00"), "RON")),
    ]
    wording = wording_of("friendly", "en")
    body = draft(s, wording.subject, wording.body, Sender("Colin")).body
    assert (
        "promised to pay 400.00\u00a0RON by 20.02.2026; we have not received this payment" in body
    )


def test_disputes_and_how_they_were_settled(debtor: Any, collector: Any, frozen: Any) -> None:
    english(debtor)
    settled = ladder.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("200"), user=collector, currency="RON"
    )
    ladder.resolve_dispute(settled, user=collector, resolution="Credit note CN-5 issued")
    ladder.register_dispute(
        counterparty=debtor,
        reason="documents_missing",
        amount=Decimal("50"),
        user=collector,
        currency="RON",
    )
    s = situation_of(debtor.pk)
    assert [(d.status, d.resolution) for d in s.disputes] == [
        ("resolved", "Credit note CN-5 issued"),
        ("open", ""),
    ]
    wording = wording_of("friendly", "en")
    body = draft(s, wording.subject, wording.body, Sender("Colin")).body
    assert "was settled on 10.03.2026: Credit note CN-5 issued." in body
    assert "about missing documents (50.00\u00a0RON) is being reviewed" in body


def test_the_addressee_is_who_decides_payments_else_the_accountant() -> None:
    def c(pk: int, **kw: Any) -> ContactInfo:
        base: dict[str, Any] = {
            "name": f"c{pk}",
            "position": "",
            "email": f"c{pk}@x.example",
            "language": "",
            "decides_payments": False,
            "accountant": False,
            "unusable": "",
        }
        base.update(kw)
        return ContactInfo(id=pk, **base)

    def chosen(found: ContactInfo | None) -> int | None:
        return found.id if found is not None else None

    assert chosen(choose_addressee([c(1), c(2, accountant=True), c(3, decides_payments=True)])) == 3
    assert chosen(choose_addressee([c(1), c(2, accountant=True)])) == 2
    assert chosen(choose_addressee([c(1, email=""), c(2)])) == 2
    assert chosen(choose_recipient([c(1, decides_payments=True, unusable="opted_out"), c(2)])) == 2
    assert choose_recipient([c(1, unusable="bad")]) is None


def test_the_language_is_the_contacts_else_the_debtors_else_the_companys() -> None:
    assert letter_language("uk", "ro", "RO") == "uk"
    assert letter_language("", "ru", "RO") == "ru"
    assert letter_language("", "", "RO") == "ro"
    assert letter_language("", "", "DE") == "en"


def test_the_deadline_is_never_before_the_date_an_active_promise_was_given(
    debtor: Any, collector: Any, frozen: Any
) -> None:
    english(debtor)
    wording = wording_of("legal", "en")
    week = draft(situation_of(debtor.pk), wording.subject, wording.body, Sender("Colin")).body
    assert "by 17.03.2026" in week  # a week from today when nothing was promised
    ladder.record_promise(
        counterparty=debtor,
        amount=Decimal("100"),
        promised_date=date(2026, 3, 30),
        user=collector,
        currency="RON",
    )
    body = draft(situation_of(debtor.pk), wording.subject, wording.body, Sender("Colin")).body
    assert "promised to pay 100.00\u00a0RON by 30.03.2026; thank you" in body
    assert "by 17.03.2026" not in body  # no court threat before the promised day
    assert "paid by 30.03.2026" in body


def test_the_draft_is_written_in_the_debtors_language(debtor: Any, frozen: Any) -> None:
    s = situation_of(debtor.pk)
    assert s.language == "ro"
    wording = wording_of("friendly", "ro")
    made = draft(s, wording.subject, wording.body, Sender("Colin"))
    assert made.subject == "Memento de plată: Fabrica Nord SRL"
    assert made.body.startswith("Bună ziua, Ana Pop,")
    line = "Factură nr. F-101 din 05.01.2026, scadentă 04.02.2026: 1.500,00\u00a0RON"
    assert f"{line} (34 de zile de întârziere)" in made.body
    assert "Total în EUR: 300,00\u00a0EUR" in made.body
