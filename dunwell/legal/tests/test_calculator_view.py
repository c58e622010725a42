"""The interest calculator's form (issue 16, item 8): "up to" defaults to today, the debtor's
documents load when the debtor is picked, and debtors with the same name are told apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dunwell.ledger.models import Counterparty
from dunwell.legal.forms import city_of

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def calculator_in(user: Any, language: str, query: dict[str, str]) -> str:
    """The calculator's page for `query`, as `user` reads it in `language`."""
    user.language = language
    user.save(update_fields=["language"])
    return client_for(user).get(reverse("legal:calculator"), query).content.decode()


def result_of(page: str) -> str:
    """The calculation's result on a calculator page, without the form below it."""
    return page.split('id="result"')[1].split("<form")[0]


def test_calculate_up_to_defaults_to_today(collector: Any) -> None:
    with time_machine.travel("2026-05-20 10:00:00+03:00", tick=False):
        page = client_for(collector).get(reverse("legal:calculator")).content.decode()
    assert 'name="to" value="2026-05-20"' in page


def test_picking_a_debtor_asks_for_its_documents(debtor: Counterparty, collector: Any) -> None:
    page = client_for(collector).get(reverse("legal:calculator")).content.decode()
    assert f'hx-get="{reverse("legal:calculator_documents")}"' in page
    assert 'hx-target="#calc-documents"' in page
    assert 'id="calc-documents"' in page


def test_the_documents_of_the_picked_debtor_load_without_a_calculation(
    debtor: Counterparty, make_counterparty: Any, make_document: Any, collector: Any
) -> None:
    other = make_counterparty(name="Other SRL", collector=collector)
    make_document(other, "10.00", number="OTHER-1")
    response = client_for(collector).get(
        reverse("legal:calculator_documents"), {"counterparty": debtor.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "INV-1" in page and "INV-2" in page
    assert "OTHER-1" not in page
    assert "calc-total" not in page and "<html" not in page


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_others_get_no_documents_of_a_debtor_they_do_not_see(
    request: Any, debtor: Counterparty, who: str
) -> None:
    response = client_for(request.getfixturevalue(who)).get(
        reverse("legal:calculator_documents"), {"counterparty": debtor.pk}
    )
    assert response.status_code == 200
    assert "INV-1" not in response.content.decode()


def test_the_documents_list_needs_a_login(debtor: Counterparty) -> None:
    response = Client().get(reverse("legal:calculator_documents"), {"counterparty": debtor.pk})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_debtor_without_open_documents_says_so(make_counterparty: Any, collector: Any) -> None:
    empty = make_counterparty(name="Nothing Owed SRL", collector=collector)
    page = client_for(collector).get(
        reverse("legal:calculator_documents"), {"counterparty": empty.pk}
    )
    assert "This debtor has no open documents." in page.content.decode()


def test_debtors_with_the_same_name_are_labelled_with_tax_id_and_town(
    make_counterparty: Any, collector: Any
) -> None:
    make_counterparty(
        name="Agro Sud SRL", tax_id="RO111", address="Iași, Str. Lungă 3", collector=collector
    )
    make_counterparty(
        name="Agro Sud SRL", tax_id="RO222", address="Craiova, Bd. Nord 9", collector=collector
    )
    make_counterparty(name="Unique Name SRL", tax_id="RO333", address="Arad", collector=collector)
    page = client_for(collector).get(reverse("legal:calculator")).content.decode()
    assert "Agro Sud SRL (RO111, Iași)" in page
    assert "Agro Sud SRL (RO222, Craiova)" in page
    assert ">Unique Name SRL</option>" in page


def test_a_namesake_the_user_does_not_see_does_not_label_a_name(
    make_counterparty: Any, collector: Any, teammate: Any
) -> None:
    make_counterparty(name="Agro Sud SRL", tax_id="RO111", address="Iași", collector=collector)
    make_counterparty(name="Agro Sud SRL", tax_id="RO222", address="Iași", collector=teammate)
    page = client_for(collector).get(reverse("legal:calculator")).content.decode()
    assert ">Agro Sud SRL</option>" in page
    assert "RO222" not in page


@pytest.mark.parametrize(
    ("address", "town"),
    [("Iași, Str. Lungă 3", "Iași"), ("Arad", "Arad"), ("", ""), ("Cluj\nStr. Mare 1", "Cluj")],
)
def test_the_town_is_the_first_part_of_the_address(address: str, town: str) -> None:
    assert city_of(address) == town


def test_a_link_for_one_debtor_picks_it_and_lists_its_documents_without_calculating(
    debtor: Counterparty, collector: Any
) -> None:
    with time_machine.travel("2026-05-20 10:00:00+03:00", tick=False):
        response = client_for(collector).get(
            reverse("legal:calculator"), {"counterparty": debtor.pk}
        )
    page = response.content.decode()
    assert f'<option value="{debtor.pk}" selected>' in page
    assert "INV-1" in page and "INV-2" in page
    assert 'name="to" value="2026-05-20"' in page
    assert "This field is required" not in page
    assert "calc-total" not in page


def test_a_link_for_a_debtor_the_user_does_not_see_lists_nothing(
    debtor: Counterparty, outsider: Any
) -> None:
    page = client_for(outsider).get(reverse("legal:calculator"), {"counterparty": debtor.pk})
    assert page.status_code == 200
    assert "INV-1" not in page.content.decode()
    assert debtor.name not in page.content.decode()


def test_the_rules_are_offered_by_their_names_not_their_codes(collector: Any) -> None:
    collector.language = "uk"
    collector.save(update_fields=["language"])
    page = client_for(collector).get(reverse("legal:calculator")).content.decode()
    assert '<option value="ua-625">3% річних та інфляційні втрати' in page
    assert ">ua-625<" not in page and ">contract<" not in page


def test_the_result_writes_amounts_with_thousands_separators(
    make_counterparty: Any, make_document: Any, collector: Any, fake_calculator: Any
) -> None:
    big = make_counterparty(name="Mare Datornic SRL", collector=collector)
    make_document(big, "1234567.89", number="BIG-1", due_date=date(2026, 1, 31))
    page = (
        client_for(collector)
        .get(
            reverse("legal:calculator"),
            {"counterparty": big.pk, "to": "2026-02-09", "rule": "contract"},
        )
        .content.decode()
    )
    # 1,234,567.89 x 0.1% x 9 days = 11,111.11
    assert "1,234,567.89\xa0" in page  # the principal, then its currency
    assert '<td class="num">1,234,567.89</td>' in page  # the base of the line
    assert '<td class="num">11,111.11</td>' in page
    assert "1234567.89" not in page.split('id="result"')[1].split("<form")[0]


def test_the_rule_and_rates_are_written_in_words_not_codes(
    debtor: Counterparty, collector: Any
) -> None:
    query = {"counterparty": str(debtor.pk), "to": "2026-02-09", "rule": "", "cap_percent": "10"}
    result = result_of(calculator_in(collector, "uk", query))
    assert "Договірна пеня: 0,1% за день, не більше 10% від суми боргу" in result
    assert "rate_per_day" not in result and "cap_percent" not in result and "<code>" not in result
    assert '<td class="num">0,1% за день</td>' in result


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("ro", "01.03.2026 1.500,25"),  # was refused: "1.500,25" read as 1.500.25
        ("ru", "01.03.2026 1 500,25"),
        ("uk", "2026-03-01 1500,25"),
        ("en", "2026-03-01 1,500.25"),
    ],
)
def test_payments_by_hand_are_read_as_the_language_writes_amounts(
    language: str, typed: str
) -> None:
    from django.utils import translation

    from dunwell.legal.forms import parse_pairs

    with translation.override(language):
        assert parse_pairs(typed, "Payments") == [(date(2026, 3, 1), Decimal("1500.25"))]


def test_the_payments_hint_shows_the_romanian_way_of_writing(collector: Any) -> None:
    from django.utils import translation

    from dunwell.legal.forms import parse_pairs

    with translation.override("ro"):
        with pytest.raises(ValidationError) as caught:
            parse_pairs("ieri mult", "Plăți")
        assert "01.03.2026 1.500,00" in caught.value.messages[0]


def test_a_debt_by_hand_is_read_as_the_language_writes_it(collector: Any) -> None:
    collector.language = "ro"
    collector.save(update_fields=["language"])
    page = (
        client_for(collector)
        .get(
            reverse("legal:calculator"),
            {
                "debt": "1.500,00",
                "due": "2026-01-31",
                "to": "2026-02-10",
                "rule": "contract",
                "rate_per_day": "0.1",
            },
        )
        .content.decode()
    )
    result = page.split('id="result"')[1]
    # 1,500.00 x 0.1% x 10 days = 15.00
    assert '<td class="num">1.500,00</td>' in result and '<td class="num">15,00</td>' in result


def test_a_debt_by_hand_shows_its_currency(collector: Any, company: Any) -> None:
    page = client_for(collector).get(reverse("legal:calculator")).content.decode()
    assert f'name="currency" value="{company.currency}"' in page  # the company's, to start
    page = (
        client_for(collector)
        .get(
            reverse("legal:calculator"),
            {
                "debt": "1000",
                "due": "2026-01-31",
                "to": "2026-02-10",
                "currency": "eur",
                "rule": "contract",
                "rate_per_day": "0.1",
            },
        )  # fmt: skip
        .content.decode()
    )
    result = page.split('id="result"')[1]
    assert "1,000.00\xa0EUR" in result and "10.00\xa0EUR" in result  # was "1,000.00", "10.00"


def test_a_currency_by_hand_must_be_a_code(collector: Any) -> None:
    page = (
        client_for(collector)
        .get(
            reverse("legal:calculator"),
            {"debt": "1000", "due": "2026-01-31", "to": "2026-02-10", "currency": "E1R"},
        )
        .content.decode()
    )
    assert "Enter a currency code such as EUR." in page


def ro_legal_on_1000_lei(user: Any) -> str:
    """The calculator's page for 1,000 RON due 31 January, Romanian legal interest to 2 March
    (the EUR 40 compensation without an EUR rate)."""
    query = {"debt": "1000", "due": "2026-01-31", "to": "2026-03-02", "currency": "RON",
             "rule": "ro-legal"}  # fmt: skip
    return client_for(user).get(reverse("legal:calculator"), query).content.decode()


def test_the_eur_40_compensation_is_marked_in_euro_among_lei(collector: Any) -> None:
    """Romanian late-payment interest on a RON debt: the fixed EUR 40 compensation's line is
    not in lei (nor in the RON total): before, the table read a bare "40.00" among RON lines."""
    page = ro_legal_on_1000_lei(collector)
    result = page.split('id="result"')[1]
    assert '<td class="num">40.00&nbsp;EUR</td>' in result
    rows = [r for r in result.split("<tr>") if "Fixed recovery compensation" not in r]
    assert not any("EUR" in r for r in rows[1:] if "<td" in r)  # the interest lines stay in lei


def test_the_eur_40_warning_names_the_field_as_the_form_labels_it(collector: Any) -> None:
    """Before, the Romanian page said "indicați eur_rate (cursul BNR)": a code the user never
    sees. Now the warning quotes the label of the field under Options."""
    collector.language = "ro"
    collector.save(update_fields=["language"])
    page = ro_legal_on_1000_lei(collector)
    label = "Cursul euro pentru compensația de 40 de euro"
    assert f'<label for="id_eur_rate">{label}:</label>' in page
    assert f"completați câmpul „{label}” (cursul BNR)" in page
    assert "eur_rate (" not in page


@pytest.mark.parametrize(
    ("language", "empty"),
    [
        ("en", "— no debtor: enter the debt by hand —"),
        ("ru", "— без должника: долг вводится вручную —"),
        ("uk", "— без боржника: борг вводиться вручну —"),
        ("ro", "— fără debitor: datoria se introduce manual —"),
    ],
)
def test_the_debtor_list_says_what_no_debtor_means(
    collector: Any, language: str, empty: str
) -> None:
    page = calculator_in(collector, language, {})
    select = page.split('name="counterparty"')[1].split("</select>")[0]
    assert f'<option value="" selected>{empty}</option>' in select
    assert "---------" not in page


@pytest.mark.parametrize(
    ("language", "cap", "warning"),
    [
        # was "plafonul de 2.50%": the cap went through str()
        ("ro", "2.50", "Penalitatea a atins plafonul de 2,5% din datorie."),
        ("ru", "2.50", "Неустойка достигла предела в 2,5% от суммы долга."),
        ("en", "2.50", "The penalty reached its cap of 2.5% of the debt."),
    ],
)
def test_the_cap_reached_is_written_as_the_readers_language_writes_numbers(
    debtor: Counterparty, collector: Any, language: str, cap: str, warning: str
) -> None:
    # a number input sends "2.50" whatever the language shows
    query = {"counterparty": str(debtor.pk), "to": "2026-12-31", "rule": "", "cap_percent": cap}
    assert warning in result_of(calculator_in(collector, language, query))


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("ro", "Penalitatea a atins plafonul de 2,5% din datorie."),
        ("ru", "Неустойка достигла предела в 2,5% от суммы долга."),
    ],
)
def test_a_cap_and_rate_typed_with_a_decimal_comma_are_calculated(
    debtor: Counterparty, collector: Any, language: str, warning: str
) -> None:
    query = {"counterparty": str(debtor.pk), "to": "2026-12-31", "rule": "contract",
             "rate_per_day": "0,1", "cap_percent": "2,5"}  # fmt: skip
    page = calculator_in(collector, language, query)
    assert 'id="result"' in page  # was "Enter a number.", shown nowhere: no result at all
    assert warning in result_of(page)
    # the form keeps the numbers as the user wrote them
    assert 'name="cap_percent" value="2,5"' in page


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ro", "Introduceți un număr, de exemplu 2,5."),
        ("ru", "Введите число, например 2,5."),
        ("en", "Enter a number such as 2.5."),
    ],
)
def test_a_rate_that_is_not_a_number_is_refused_beside_its_field(
    debtor: Counterparty, collector: Any, language: str, error: str
) -> None:
    query = {"counterparty": str(debtor.pk), "to": "2026-12-31", "cap_percent": "2,5,1"}
    page = calculator_in(collector, language, query)
    assert 'id="result"' not in page
    # The calculator's own "Options" (the header's menu sections are <details> too).
    blocks = [b.split("</details>")[0] for b in page.split("<details")[1:]]
    options = next(b for b in blocks if 'name="cap_percent"' in b)
    assert options.startswith(" open>")  # the options are shown, with the error beside the box
    after_box = options.split('name="cap_percent"')[1]
    assert error in after_box.split("<label")[0]
