"""The legal cases list: every case a page at a time with how many there are, what each case's
documents still owe per currency, and a lawyer's own cases apart. (The list showed its first
500 cases and nothing of the rest, and no amount at all.)"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from dunwell.accounts.models import Role
from dunwell.ledger.models import Counterparty, Document
from dunwell.legal import services, views

pytestmark = pytest.mark.django_db


def list_page(user: Any, query: str = "", language: str = "en") -> Any:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    response = client.get(reverse("legal:cases") + query)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def text(node: Any) -> str:
    """What a person reads in the node, lines (a `<br>` apart) as words."""
    return " ".join(word for part in node.itertext() for word in part.split())


def rows(tree: Any) -> dict[str, str]:
    """Debtor → what the "Outstanding" column says."""
    return {
        text(row.xpath("./td[1]/a")[0]): text(row.xpath("./td[@class='num open-debt']")[0])
        for row in tree.xpath("//table/tbody/tr[td/a]")
    }


@pytest.fixture
def cases(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: Any,
    lawyer: Any,
    make_user: Callable[..., Any],
) -> dict[str, Any]:
    other = make_user("oleg", Role.LAWYER)
    made: dict[str, Any] = {}
    for name in ("Alfa SRL", "Beta SRL", "Gamma SRL"):
        debtor = make_counterparty(name=name)
        make_document(debtor, "1000.00")
        made[name] = debtor
    # Alfa owes in two currencies; one of its invoices is paid in full since the case opened.
    make_document(made["Alfa SRL"], "250.50", currency="EUR")
    paid = make_document(made["Alfa SRL"], "300.00")
    for name, who in (("Alfa SRL", lawyer), ("Beta SRL", other), ("Gamma SRL", None)):
        made[name] = services.open_case(made[name], director, lawyer=who)
    Document.objects.filter(pk=paid.pk).update(open_amount=Decimal("0"))
    return made


def test_each_case_says_what_its_documents_still_owe_per_currency(
    cases: dict[str, Any], lawyer: Any
) -> None:
    tree = list_page(lawyer)
    # 1,000 + 300 RON (the 300 since paid: not counted), 250.50 EUR apart, never added up
    assert rows(tree) == {
        "Alfa SRL": "250.50 EUR 1,000.00 RON",
        "Beta SRL": "1,000.00 RON",
        "Gamma SRL": "1,000.00 RON",
    }
    assert text(tree.xpath("//p[@class='count']")[0]) == "3 cases"


def test_every_case_is_reachable_a_page_at_a_time(
    cases: dict[str, Any], lawyer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    first = list_page(lawyer, "?show=all")
    assert len(rows(first)) == 2
    assert text(first.xpath("//p[@class='count']")[0]) == "3 cases"
    (link,) = first.xpath("//nav[@class='pager']/a")
    assert text(link) == "Next →"
    # the next page keeps the list's choices
    assert link.get("href") == "?show=all&lawyer=&page=2"
    second = list_page(lawyer, link.get("href"))
    assert len(rows(second)) == 1
    assert set(rows(first)) | set(rows(second)) == {"Alfa SRL", "Beta SRL", "Gamma SRL"}
    assert "Page 2 of 2" in text(second.xpath("//nav[@class='pager']")[0])


def test_a_lawyer_sees_their_own_cases_or_those_nobody_took(
    cases: dict[str, Any], lawyer: Any
) -> None:
    assert set(rows(list_page(lawyer, "?lawyer=me"))) == {"Alfa SRL"}
    assert set(rows(list_page(lawyer, "?lawyer=none"))) == {"Gamma SRL"}
    assert set(rows(list_page(lawyer, "?lawyer=nonsense"))) == {
        "Alfa SRL",
        "Beta SRL",
        "Gamma SRL",
    }


def test_the_count_and_the_filter_read_in_the_lawyers_language(
    cases: dict[str, Any], lawyer: Any
) -> None:
    tree = list_page(lawyer, "?lawyer=me", language="ru")
    assert text(tree.xpath("//p[@class='count']")[0]) == "1 дело"
    assert tree.xpath("//select[@name='lawyer']/option[@selected]/text()") == ["Мои дела"]
    tree = list_page(lawyer, language="uk")
    assert text(tree.xpath("//p[@class='count']")[0]) == "3 справи"
    assert rows(tree)["Beta SRL"] == "1 000,00 RON"
