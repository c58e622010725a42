"""The deals page: what a sales manager reads (days on the stage, the stuck flag) in two
languages, editing (a move restarts the stage's days), and who may see which deals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.deals import ensure_default_stages
from dunwell.ledger.models import Company, Counterparty, Deal, DealStage, TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user("sam", Role.SALES)


@pytest.fixture
def other_seller(make_user: Callable[..., User]) -> User:
    return make_user("sue", Role.SALES)


@pytest.fixture
def stages(company: Company) -> dict[str, DealStage]:
    ensure_default_stages([company.pk])
    return {s.code: s for s in DealStage.objects.filter(company=company)}


@pytest.fixture
def deals(
    company: Company,
    make_counterparty: Callable[..., Counterparty],
    seller: User,
    other_seller: User,
    stages: dict[str, DealStage],
) -> dict[str, Deal]:
    mine = make_counterparty(sales_manager=seller, name="Mine SRL")
    theirs = make_counterparty(sales_manager=other_seller, name="Theirs SRL")

    def deal(cp: Counterparty, key: str, stage: str, entered: date, owner: User) -> Deal:
        return Deal.objects.create(
            company=company,
            counterparty=cp,
            external_id=key,
            name=f"Deal {key}",
            amount=Decimal("1000.00"),
            currency="RON",
            stage=stages[stage],
            stage_entered_on=entered,
            expected_close=date(2026, 5, 1),
            owner=owner,
        )

    return {
        # Proposal: 21 usual days; 30 days on it → stuck.
        "stuck": deal(mine, "S1", "proposal", date(2026, 3, 1), seller),
        "fresh": deal(mine, "S2", "lead", date(2026, 3, 30), seller),
        "theirs": deal(theirs, "S3", "lead", date(2026, 3, 1), other_seller),
    }


def test_a_sales_manager_reads_days_on_the_stage_and_the_stuck_flag(
    client: Client, deals: dict[str, Deal], seller: User
) -> None:
    client.force_login(seller)
    page = client.get(reverse("pipeline:deals")).content.decode()
    assert "Deal S1" in page and "Deal S2" in page
    assert "30 days" in page and "1 day" in page
    assert page.count(">stuck</mark>") == 1
    assert "Deal S3" not in page  # another seller's customer
    only = client.get(reverse("pipeline:deals"), {"stuck": "1"}).content.decode()
    assert "Deal S1" in only and "Deal S2" not in only


def test_the_owner_column_names_the_person_not_their_login(
    client: Client, deals: dict[str, Deal], seller: User
) -> None:
    """The page's header says "Ana Radu · Sales manager": the deals' owner read "sam"."""
    seller.first_name, seller.last_name = "Ana", "Radu"
    seller.save()
    client.force_login(seller)
    page = client.get(reverse("pipeline:deals")).content.decode()
    assert page.count('data-label="Owner">Ana Radu</td>') == 2
    assert 'data-label="Owner">sam</td>' not in page


def test_the_page_reads_in_russian_with_stage_names_translated(
    client: Client, deals: dict[str, Deal], seller: User
) -> None:
    seller.language = "ru"
    seller.save()
    client.force_login(seller)
    page = client.get(reverse("pipeline:deals"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Воронка продаж" in page
    assert "КП отправлено" in page
    assert "30 дней" in page and "1 день" in page
    assert "застряла" in page


def test_moving_a_deal_restarts_its_days_and_writes_the_timeline(
    client: Client, deals: dict[str, Deal], seller: User, stages: dict[str, DealStage]
) -> None:
    client.force_login(seller)
    deal = deals["stuck"]
    form = {
        "name": "Boilers",
        "amount": "2,500.00",
        "currency": "ron",
        "stage": stages["negotiation"].pk,
        "probability": "",
        "expected_close": "2026-05-15",
        "payment_days": "30",
        "owner": seller.pk,
    }
    response = client.post(reverse("pipeline:deal_edit", args=[deal.pk]), form)
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stages["negotiation"] and deal.stage_entered_on == date(2026, 3, 31)
    assert deal.amount == Decimal("2500.00") and deal.currency == "RON"
    assert deal.effective_probability == 75
    assert TimelineEntry.objects.filter(
        counterparty=deal.counterparty, kind="pipeline.deal_saved"
    ).exists()
    # Saving again on the same stage keeps the day.
    with time_machine.travel("2026-04-03 09:00:00+00:00", tick=False):
        client.post(reverse("pipeline:deal_edit", args=[deal.pk]), {**form, "name": "B2"})
    deal.refresh_from_db()
    assert deal.name == "B2" and deal.stage_entered_on == date(2026, 3, 31)


def test_a_bad_probability_is_refused_naming_the_field_and_nothing_changes(
    client: Client, deals: dict[str, Deal], seller: User, stages: dict[str, DealStage]
) -> None:
    client.force_login(seller)
    deal = deals["fresh"]
    response = client.post(
        reverse("pipeline:deal_edit", args=[deal.pk]),
        {
            "amount": "10",
            "currency": "RON",
            "stage": stages["lead"].pk,
            "probability": "150",
            "expected_close": "2026-05-15",
            "payment_days": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["probability"]
    deal.refresh_from_db()
    assert deal.amount == Decimal("1000.00")


def test_a_new_deal_is_created_for_a_customer_the_user_sees(
    client: Client, deals: dict[str, Deal], seller: User, stages: dict[str, DealStage]
) -> None:
    client.force_login(seller)
    form = {
        "customer": "Mine SRL",
        "name": "Pumps",
        "amount": "700",
        "currency": "RON",
        "stage": stages["lead"].pk,
        "expected_close": "2026-06-01",
        "payment_days": "14",
    }
    response = client.post(reverse("pipeline:deal_new"), form)
    assert response.status_code == 302
    assert Deal.objects.get(name="Pumps").stage_entered_on == date(2026, 3, 31)
    refused = client.post(reverse("pipeline:deal_new"), {**form, "customer": "Theirs SRL"})
    assert refused.status_code == 200
    assert "No customer you may see" in refused.content.decode()


@pytest.mark.parametrize("who", ["collector", "teammate", "outsider"])
@pytest.mark.parametrize("name", ["pipeline:deals", "pipeline:deal_new"])
def test_collectors_are_refused(
    client: Client, deals: dict[str, Deal], who: str, name: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 403


def test_another_seller_cannot_open_or_change_a_deal_they_do_not_see(
    client: Client, deals: dict[str, Deal], other_seller: User
) -> None:
    client.force_login(other_seller)
    deal = deals["stuck"]
    assert client.get(reverse("pipeline:deal_edit", args=[deal.pk])).status_code == 404
    response = client.post(reverse("pipeline:deal_edit", args=[deal.pk]), {"amount": "1"})
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.amount == Decimal("1000.00")


def test_a_seller_sees_a_deal_they_own_on_a_customer_they_do_not_manage(
    client: Client, deals: dict[str, Deal], seller: User
) -> None:
    theirs = deals["theirs"]
    theirs.owner = seller
    theirs.save()
    client.force_login(seller)
    assert client.get(reverse("pipeline:deal_edit", args=[theirs.pk])).status_code == 200


def test_finance_and_the_director_see_every_deal(
    client: Client, deals: dict[str, Deal], director: User, make_user: Callable[..., User]
) -> None:
    for user in (director, make_user("fin", Role.FINANCE)):
        client.force_login(user)
        page = client.get(reverse("pipeline:deals")).content.decode()
        assert "Deal S1" in page and "Deal S3" in page


def test_a_supervisor_sees_the_deals_of_their_team_only(
    client: Client,
    deals: dict[str, Deal],
    supervisor: User,
    seller: User,
) -> None:
    seller.supervisor = supervisor
    seller.save()
    client.force_login(supervisor)
    page = client.get(reverse("pipeline:deals")).content.decode()
    assert "Deal S1" in page and "Deal S3" not in page


@pytest.mark.parametrize(
    ("language", "flag"), [("en", "close date passed"), ("ro", "data închiderii a trecut")]
)
def test_an_open_deal_past_its_expected_close_is_flagged(
    client: Client, deals: dict[str, Deal], seller: User, language: str, flag: str
) -> None:
    """An open deal whose expected close date had passed read like any other: the forecast
    still counted on it and nobody was told to re-date or close it."""
    Deal.objects.filter(pk=deals["stuck"].pk).update(expected_close=date(2026, 3, 15))
    User.objects.filter(pk=seller.pk).update(language=language)
    client.force_login(seller)
    page = client.get(reverse("pipeline:deals")).content.decode()
    row = page[page.index("Deal S1") :]
    assert f"15.03.2026 <mark>{flag}</mark>" in row[: row.index("</tr>")]
    assert page.count(f"<mark>{flag}</mark>") == 1  # Deal S2 closes on 01.05.2026
