"""The call card's facts to say, per contract: what is overdue, or, with nothing overdue yet,
what is open and when it falls due (it read "Overdue 0.00 UAH", "Прострочено 0,00 UAH")."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document

pytestmark = pytest.mark.usefixtures("frozen")  # 2026-03-10


def contract_lines(user: User, cp: Counterparty) -> list[str]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:call", args=[cp.pk])).content.decode()
    found = re.findall(r'<li class="contract-facts">(.*?)</li>', page, re.S)
    # Spaces folded, the no-break spaces of money kept.
    return [
        html.unescape(re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", "", line)).strip())
        for line in found
    ]


def tail(line: str) -> str:
    """The line after the contract's terms."""
    return line.split(" · ", 1)[1] if " · " in line else ""


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "To pay 700.00\xa0RON, due date 04.04.2026"),
        ("ru", "К оплате 700,00\xa0RON, срок 04.04.2026"),
        ("uk", "До сплати 700,00\xa0RON, строк 04.04.2026"),
        ("ro", "De plată 700,00\xa0RON, scadența 04.04.2026"),
    ],
)
def test_with_nothing_overdue_the_contract_line_says_what_falls_due_and_when(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Any],
    collector: User,
    language: str,
    said: str,
) -> None:
    cp = make_counterparty(collector=collector)
    contract = make_contract(cp)
    make_document(cp, "700", contract=contract, due_date=date(2026, 4, 4))
    User.objects.filter(pk=collector.pk).update(language=language)
    [line] = contract_lines(collector, cp)
    assert tail(line) == said
    assert not re.search(r"\b0[.,]00", line)  # no "Overdue 0.00"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "To pay 1,200.00\xa0RON, next due date 20.03.2026"),
        ("uk", "До сплати 1\xa0200,00\xa0RON, найближчий строк 20.03.2026"),
        ("ro", "De plată 1.200,00\xa0RON, următoarea scadență 20.03.2026"),
        ("ru", "К оплате 1\xa0200,00\xa0RON, ближайший срок 20.03.2026"),
    ],
)
def test_several_due_dates_to_come_give_the_next_one(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Any],
    collector: User,
    language: str,
    said: str,
) -> None:
    cp = make_counterparty(collector=collector)
    contract = make_contract(cp)
    make_document(cp, "700", contract=contract, due_date=date(2026, 4, 4))
    make_document(cp, "500", contract=contract, due_date=date(2026, 3, 20))
    User.objects.filter(pk=collector.pk).update(language=language)
    assert [tail(line) for line in contract_lines(collector, cp)] == [said]


def test_a_contract_in_arrears_still_says_what_is_overdue(
    debtor: Counterparty, collector: User
) -> None:
    # 1,500.00 overdue since 04.02, 700.00 due 04.04: the overdue part is what to say.
    User.objects.filter(pk=collector.pk).update(language="uk")
    assert [tail(line) for line in contract_lines(collector, debtor)] == [
        "Прострочено 1\xa0500,00\xa0RON"
    ]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "No contract, no penalty clause. Legal penalty interest under Law 72/2013 (Romania);"
            " pretension period 30 days",
        ),
        (
            "ru",
            "Без договора, неустойка не предусмотрена. Законные штрафные проценты по Закону"
            " 72/2013 (Румыния); срок претензии 30 дней",
        ),
        (
            "uk",
            "Без договору, пеня не передбачена. Законні штрафні відсотки за Законом 72/2013"
            " (Румунія); строк претензії 30 днів",
        ),
        (
            "ro",
            "Fără contract, fără clauză penală. Dobânda legală penalizatoare conform Legii"
            " nr. 72/2013; termen de răspuns la notificare 30 de zile",
        ),
    ],
)
def test_without_a_contract_the_terms_read_as_a_sentence(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    language: str,
    said: str,
) -> None:
    """It read "Fără contract: fără clauză penală: Dobânda legală…", two colons in a row."""
    cp = make_counterparty(collector=collector)
    make_document(cp, "700", due_date=date(2026, 2, 4))
    User.objects.filter(pk=collector.pk).update(language=language)
    [line] = contract_lines(collector, cp)
    assert line.split(" · ")[0] == said


@pytest.mark.parametrize(("language", "heading"), [("ru", "Что сказать"), ("ro", "De menționat")])
def test_a_debtor_who_owes_nothing_gets_no_empty_facts_heading(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    language: str,
    heading: str,
) -> None:
    """One who owes nothing (rang back after a missed call): the card showed the heading 'Что
    сказать' over an empty list. A debtor with a debt still gets it."""
    from dunwell.ledger.models import Contact

    User.objects.filter(pk=collector.pk).update(language=language)
    cp = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=cp, name="Ion Rusu", phone="+40721000001")
    client = Client()
    client.force_login(collector)
    page = html.unescape(client.get(reverse("work:call", args=[cp.pk])).content.decode())
    assert f"<h2>{heading}</h2>" not in page
    assert 'class="facts"' not in page
    owing = make_counterparty(collector=collector)
    make_document(owing, "100.00", number="F-1", due_date=date(2026, 2, 10))
    page = html.unescape(client.get(reverse("work:call", args=[owing.pk])).content.decode())
    assert f"<h2>{heading}</h2>" in page and "F-1" in page.split(heading, 1)[1]


def test_a_debtor_who_owes_nothing_is_offered_no_reminder_script(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    """One who owes nothing (rang back after a missed call): the card offered 'Reminder before
    the due date' as the situation, with nothing falling due. A debtor with a document still to
    fall due is offered it."""
    User.objects.filter(pk=collector.pk).update(language="ro")
    cp = make_counterparty(collector=collector)
    client = Client()
    client.force_login(collector)
    page = html.unescape(client.get(reverse("work:call", args=[cp.pk])).content.decode())
    assert "Acum nu există nicio datorie" in page
    assert "Memento înainte de scadență" not in page
    coming = make_counterparty(collector=collector)
    make_document(coming, "100.00", number="F-2", due_date=date(2026, 4, 4))
    page = html.unescape(client.get(reverse("work:call", args=[coming.pk])).content.decode())
    assert "Memento înainte de scadență" in page
