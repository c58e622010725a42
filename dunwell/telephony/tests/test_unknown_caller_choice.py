"""The unknown caller's page pre-selected the first debtor found: with two found, one click
attached the call to the wrong debtor. Now nothing is chosen for the collector when several
are found, and saving without a choice says so, the debtors found and the name kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact
from dunwell.telephony.models import Call, Direction

pytestmark = pytest.mark.django_db


@pytest.fixture
def unknown_call(collector):
    return Call.objects.create(provider="zadarma", provider_call_id="u-2",
                               direction=Direction.INBOUND, external_number="+40219999999",
                               agent=collector, started_at=datetime.now(UTC))  # fmt: skip


def _client(user: User, language: str) -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def _selected(page: str) -> list[str]:
    select = page[page.index('<select id="counterparty"') : page.index("</select>")]
    return re.findall(r"<option[^>]* selected>([^<]*)</option>", select)


@pytest.mark.parametrize(
    ("language", "prompt", "error"),
    [
        (
            "ro",
            "Alegeți: 2 debitori găsiți",
            "Debitor: alegeți debitorul căruia îi aparține apelantul.",
        ),
        (
            "ru",
            "Выберите: найдено 2",
            "Должник: выберите должника, к которому относится звонящий.",
        ),
    ],
)
def test_with_two_debtors_found_none_is_chosen_for_the_collector(
    collector, make_counterparty, unknown_call, language: str, prompt: str, error: str
) -> None:
    make_counterparty(collector=collector, name="ProdGrup SRL", external_id="PG1")
    second = make_counterparty(collector=collector, name="ProdGrup Est SRL", external_id="PG2")
    client = _client(collector, language)
    url = reverse("telephony:unknown", args=[unknown_call.pk])
    page = client.get(url, {"q": "prodgrup"}).content.decode()
    assert _selected(page) == [prompt]
    assert '<option value="" selected>' in page  # the browser refuses it: the select is required
    # Sent without a choice anyway: said, nothing saved, the debtors and the name kept.
    add = reverse("telephony:add_contact", args=[unknown_call.pk])
    response = client.post(add, {"counterparty": "", "name": "Ion Rusu", "q": "prodgrup"})
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert 'value="Ion Rusu"' in page and "ProdGrup Est SRL" in page
    assert _selected(page) == [prompt]
    assert not Contact.objects.exists()
    unknown_call.refresh_from_db()
    assert unknown_call.counterparty is None
    # A name left out after choosing keeps the choice.
    response = client.post(add, {"counterparty": second.pk, "name": " ", "q": "prodgrup"})
    assert response.status_code == 400
    assert _selected(response.content.decode()) == ["ProdGrup Est SRL"]


def test_with_one_debtor_found_it_is_the_choice(collector, make_counterparty, unknown_call):
    debtor = make_counterparty(collector=collector, name="Acme Timber SRL")
    page = _client(collector, "en").get(
        reverse("telephony:unknown", args=[unknown_call.pk]), {"q": "timber"}
    )
    text = page.content.decode()
    assert f'<option value="{debtor.pk}">Acme Timber SRL</option>' in text
    assert "Choose:" not in text
