"""The global search page (/search/?q=): what each kind of query finds, who sees what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Contact, Counterparty

pytestmark = pytest.mark.django_db


def _get(user: User, q: str, **extra: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(reverse("search:search"), {"q": q}, **extra)


@pytest.fixture
def owned(
    collector: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    make_contract: Callable[..., Any],
) -> Counterparty:
    cp = make_counterparty(
        collector=collector, name="Lumina Textile SRL", tax_id="RO7766554", external_id="C-LUM-1"
    )
    contract = make_contract(cp, number="LUM-2026/17")
    make_document(cp, "1250.50", contract=contract, number="FV-884211")
    Contact.objects.create(
        counterparty=cp,
        name="Ilinca Barbu",
        email="ilinca.barbu@lumina.ro",
        phone="+40721234567",
    )
    return cp


@pytest.fixture
def teammates(teammate: User, make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    cp = make_counterparty(collector=teammate, name="Lumina Steel SA", tax_id="RO1112223")
    Contact.objects.create(counterparty=cp, name="Petru Steel", phone="+40721234999")
    return cp


@pytest.mark.parametrize(
    ("q", "group", "text"),
    [
        ("lumina text", "debtors", "Lumina Textile SRL"),
        ("RO7766554", "debtors", "Lumina Textile SRL"),
        ("ro 7766 554", "debtors", "Lumina Textile SRL"),
        ("c-lum-1", "debtors", "Lumina Textile SRL"),
        ("ilinca", "contacts", "Ilinca Barbu"),
        ("ilinca.barbu@lumina", "contacts", "Ilinca Barbu"),
        ("884211", "documents", "FV-884211"),
        ("LUM-2026/17", "contracts", "LUM-2026/17"),
    ],
)
def test_each_kind_is_found_and_links_to_the_debtor_card(
    owned: Counterparty, collector: User, q: str, group: str, text: str
) -> None:
    response = _get(collector, q)
    assert response.status_code == 200
    groups = {g.key: g for g in response.context["groups"]}
    titles = [hit.title for hit in groups[group].hits]
    assert any(text in title for title in titles), titles
    hit = next(hit for hit in groups[group].hits if text in hit.title)
    assert hit.url.startswith(reverse("work:debtor", args=[owned.pk]))
    assert hit.url in response.content.decode()


@pytest.mark.parametrize("q", ["0721 234 567", "+40 721-234-567", "40721234567", "0721234"])
def test_a_phone_number_is_found_however_it_is_written(
    owned: Counterparty, collector: User, q: str
) -> None:
    response = _get(collector, q)
    contacts = next(g for g in response.context["groups"] if g.key == "contacts")
    assert [hit.title for hit in contacts.hits] == ["Ilinca Barbu"]
    assert "+40 721 234 567" in response.content.decode()


@pytest.mark.parametrize("q", ["8 905 278-84-02", "89052788402", "8 (905) 2788402"])
def test_a_debtors_number_is_found_as_it_is_written_in_the_debtors_country(
    collector: User, make_counterparty: Callable[..., Counterparty], q: str
) -> None:
    # A Romanian company's collector types a Moscow buyer's number as the buyer says it, with
    # Russia's trunk 8: it is +79052788402, which a number read as Romanian never finds.
    cp = make_counterparty(
        collector=collector, name="ООО «ТоргХолдинг»", country="RU", language="ru"
    )
    Contact.objects.create(counterparty=cp, name="Дмитрий Соколов", phone="+79052788402")
    page = _get(collector, q).content.decode()
    assert "Дмитрий Соколов" in page
    assert "ООО «ТоргХолдинг»" in page


def test_a_collector_finds_only_their_own_debtors(
    owned: Counterparty, teammates: Counterparty, collector: User
) -> None:
    page = _get(collector, "lumina").content.decode()
    assert "Lumina Textile SRL" in page
    assert "Lumina Steel SA" not in page
    page = _get(collector, "+40721234999").content.decode()
    assert "Petru Steel" not in page


def test_a_teammate_and_an_outsider_do_not_find_the_owners_debtor(
    owned: Counterparty, teammates: Counterparty, teammate: User, outsider: User
) -> None:
    for user in (teammate, outsider):
        for q in ("Lumina Textile", "ilinca", "0721 234 567", "FV-884211", "LUM-2026"):
            page = _get(user, q).content.decode()
            assert "Lumina Textile SRL" not in page, (user, q)
            assert "Ilinca" not in page, (user, q)
    assert "Lumina Steel SA" in _get(teammate, "lumina").content.decode()


def test_the_supervisor_finds_the_whole_teams_debtors(
    owned: Counterparty, teammates: Counterparty, supervisor: User
) -> None:
    page = _get(supervisor, "lumina").content.decode()
    assert "Lumina Textile SRL" in page and "Lumina Steel SA" in page


def test_the_page_needs_a_login() -> None:
    response = Client().get(reverse("search:search"), {"q": "lumina"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_results_are_grouped_under_translated_headings(
    owned: Counterparty, make_user: Callable[..., User]
) -> None:
    director = make_user("dasha", Role.DIRECTOR, language="ru")
    page = _get(director, "lumina", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<h2 id="search-debtors-title">Должники <small>(1)</small></h2>' in page
    page = _get(director, "884211", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<h2 id="search-documents-title">Документы <small>(1)</small></h2>' in page
    page = _get(director, "LUM-2026", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<h2 id="search-contracts-title">Договоры <small>(1)</small></h2>' in page
    page = _get(director, "ilinca", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<h2 id="search-contacts-title">Контакты <small>(1)</small></h2>' in page


def test_an_empty_query_shows_a_hint(collector: User) -> None:
    response = _get(collector, "")
    assert response.status_code == 200
    assert "Type at least 2 characters" in response.content.decode()
    assert response.context["groups"] == []


def test_a_very_long_query_is_refused_with_a_clear_error(collector: User) -> None:
    response = _get(collector, "x" * 101)
    assert response.status_code == 400
    assert "The search text is too long: at most 100 characters." in response.content.decode()


def test_nothing_found_says_so(owned: Counterparty, collector: User) -> None:
    page = _get(collector, "zzzz-nothing").content.decode()
    assert "Nothing found for “zzzz-nothing”." in page


def test_each_group_shows_ten_and_counts_the_rest(
    collector: User, make_counterparty: Callable[..., Counterparty]
) -> None:
    for n in range(13):
        make_counterparty(collector=collector, name=f"Orion Trade {n:02d} SRL")
    response = _get(collector, "orion")
    debtors = next(g for g in response.context["groups"] if g.key == "debtors")
    assert len(debtors.hits) == 10
    assert debtors.total == 13
    assert "and 3 more: make the search more precise" in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_results(
    collector: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    make_contract: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(15):
        cp = make_counterparty(collector=collector, name=f"Vega {n} SRL")
        make_contract(cp, number=f"VEGA-K-{n}")
        make_document(cp, number=f"VEGA-INV-{n}")
        Contact.objects.create(counterparty=cp, name=f"Vega Person {n}")
    client = Client()
    client.force_login(collector)
    # session and user, then per group its first rows and (more than ten) a count
    with django_assert_max_num_queries(10):
        response = client.get(reverse("search:search"), {"q": "vega"})
    assert [(g.key, len(g.hits), g.total) for g in response.context["groups"]] == [
        ("debtors", 10, 15),
        ("contacts", 10, 15),
        ("documents", 10, 15),
        ("contracts", 10, 15),
    ]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "+40 721 234 567 ext. 123 · +40 21 300 4000 ext. 7"),
        ("ru", "+40 721 234 567 доб. 123 · +40 21 300 4000 доб. 7"),
        ("uk", "+40 721 234 567 дод. 123 · +40 21 300 4000 дод. 7"),
        ("ro", "+40 721 234 567 int. 123 · +40 21 300 4000 int. 7"),
    ],
)
def test_a_contacts_phones_are_shown_with_their_extensions(
    owned: Counterparty, collector: User, language: str, shown: str
) -> None:
    """The search shows the number to ask the switchboard for, as the card does: the phone
    and its extension (the header's box opens this same page)."""
    Contact.objects.filter(name="Ilinca Barbu").update(
        phone_ext="123", phone_alt="+40213004000", phone_alt_ext="7"
    )
    User.objects.filter(pk=collector.pk).update(language=language)
    page = _get(collector, "ilinca", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in page
