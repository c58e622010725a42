"""A sales manager's deal page (found by a walk as a sales manager, in Romanian): the owner
list offers who may own a deal, and a close date already past is said as on the list."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.deals import ensure_default_stages
from dunwell.ledger.models import Company, Counterparty, Deal, DealStage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user("sam", Role.SALES, language="ro")


@pytest.fixture
def staff(make_user: Callable[..., User], director: User) -> dict[str, User]:
    """One of each role that may not own a deal."""
    people: dict[str, User] = {
        str(role): make_user(f"u_{role}", role)
        for role in (
            Role.LAWYER,
            Role.CREDIT_CONTROLLER,
            Role.ADMIN,
            Role.FINANCE,
            Role.SUPERVISOR,
            Role.COLLECTOR,
        )
    }
    people["director"] = director
    return people


@pytest.fixture
def deal(company: Company, make_counterparty: Callable[..., Counterparty], seller: User) -> Deal:
    ensure_default_stages([company.pk])
    cp = make_counterparty(sales_manager=seller, name="TehnoTrade SRL")
    return Deal.objects.create(
        company=company,
        counterparty=cp,
        external_id="D1",
        name="Boilers",
        amount=Decimal("1000.00"),
        currency="RON",
        stage=DealStage.objects.get(company=company, code="proposal"),
        stage_entered_on=date(2026, 3, 20),
        expected_close=date(2026, 3, 15),
        owner=seller,
    )


def owners_offered(page: str) -> list[str]:
    select = page.split('name="owner"')[1].split("</select>")[0]
    return [label.strip() for label in re.findall(r'<option value="\d+"[^>]*>([^<]*)<', select)]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["edit", "new"])
def test_the_owner_list_offers_sales_managers_only(
    deal: Deal, seller: User, staff: dict[str, User], make_user: Callable[..., User], name: str
) -> None:
    """The list offered everyone: the lawyer, the credit controller, the admin, the director."""
    make_user("sue", Role.SALES)
    make_user("gone", Role.SALES, is_active=False)
    url = (
        reverse("pipeline:deal_edit", args=[deal.pk])
        if name == "edit"
        else reverse("pipeline:deal_new")
    )
    offered = owners_offered(login(seller).get(url).content.decode())
    assert offered == [str(seller), str(User.objects.get(username="sue"))]


def test_a_deal_of_an_owner_no_longer_eligible_keeps_them_and_saves(
    deal: Deal, seller: User, staff: dict[str, User]
) -> None:
    lawyer = staff[Role.LAWYER]
    Deal.objects.filter(pk=deal.pk).update(owner=lawyer)
    client = login(seller)
    url = reverse("pipeline:deal_edit", args=[deal.pk])
    assert str(lawyer) in owners_offered(client.get(url).content.decode())
    form = {
        "name": "Boilers 2",
        "amount": "1000",
        "currency": "RON",
        "stage": deal.stage_id,
        "expected_close": "2026-05-15",
        "payment_days": "0",
        "owner": lawyer.pk,
    }
    assert client.post(url, form).status_code == 302
    deal.refresh_from_db()
    assert deal.name == "Boilers 2" and deal.owner == lawyer
    # Another one not eligible is refused, naming the field, and nothing changes.
    refused = client.post(url, {**form, "name": "B3", "owner": staff[Role.ADMIN].pk})
    assert refused.status_code == 200
    assert refused.context["form"].errors["owner"]
    deal.refresh_from_db()
    assert deal.name == "Boilers 2" and deal.owner == lawyer


@pytest.mark.parametrize(
    ("language", "flag"),
    [
        ("ro", "data închiderii a trecut"),
        ("ru", "срок закрытия прошёл"),
        ("en", "close date passed"),
    ],
)
def test_the_deal_page_says_its_close_date_has_passed(
    deal: Deal, seller: User, language: str, flag: str
) -> None:
    """The list flagged it; the deal's own page said nothing."""
    User.objects.filter(pk=seller.pk).update(language=language)
    client = login(seller)
    page = client.get(reverse("pipeline:deal_edit", args=[deal.pk])).content.decode()
    head = page.split("<h1>")[1].split('name="name"')[0]  # above the form's fields
    assert f"15.03.2026 <mark>{flag}</mark>" in head
    # Re-dated to a day to come, the flag goes.
    Deal.objects.filter(pk=deal.pk).update(expected_close=date(2026, 4, 30))
    page = client.get(reverse("pipeline:deal_edit", args=[deal.pk])).content.decode()
    assert "30.04.2026" in page.split("<h1>")[1] and flag not in page
