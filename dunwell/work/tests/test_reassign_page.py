"""The reassignment page (DESIGN §1.9, fresh eyes): the supervisor sees who already worked with
the debtor and how, not only the people left over. Before, those people were silently left out
of the choice, and when nobody was left the page said so without naming anyone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty
from dunwell.work import services
from dunwell.work.models import CallActivity

pytestmark = pytest.mark.django_db


def reassign_page(user: User, debtor: Counterparty) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("work:reassign", args=[debtor.pk]))
    assert response.status_code == 200
    return response.content.decode()


def worked_with(html: str) -> list[str]:
    start = html.index('id="worked-with"')
    section = html[start : html.index("</section>", start)]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section)]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Tanya Teammate · responsible now",
                "Sam Sales · sales manager",
                "Colin Collector · was responsible before, called the debtor",
            ],
        ),
        (
            "uk",
            [
                "Tanya Teammate · відповідальний зараз",
                "Sam Sales · менеджер з продажу",
                "Colin Collector · був відповідальним раніше, телефонував(ла) боржнику",
            ],
        ),
    ],
)
def test_the_page_names_who_already_worked_with_the_debtor_and_how(
    make_counterparty: Callable[..., Counterparty],
    make_user: Callable[..., User],
    collector: User,
    teammate: User,
    supervisor: User,
    language: str,
    expected: list[str],
) -> None:
    sales = make_user("sam", Role.SALES, supervisor=supervisor, first_name="Sam", last_name="Sales")
    for user, first, last in ((collector, "Colin", "Collector"), (teammate, "Tanya", "Teammate")):
        user.first_name, user.last_name = first, last
        user.save()
    debtor = make_counterparty(collector=collector, sales_manager=sales)
    CallActivity.objects.create(
        counterparty=debtor, user=collector, at=timezone.now(), outcome="no_answer"
    )
    services.reassign_counterparty(supervisor, debtor, teammate, "fresh eyes")
    supervisor.language = language
    supervisor.save()
    html = reassign_page(supervisor, Counterparty.objects.get(pk=debtor.pk))
    assert worked_with(html) == expected


def notifications_page(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("work:notifications"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_new_owner_is_told_who_gave_them_the_debtor_and_why(
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    teammate: User,
    supervisor: User,
) -> None:
    supervisor.first_name, supervisor.last_name = "Sofia", "Supervisor"
    supervisor.save()
    debtor = make_counterparty(name="Elektrobud S.A.", collector=collector)
    services.reassign_counterparty(
        supervisor, debtor, teammate, "Colin cannot reach the finance director"
    )
    teammate.language = "ru"
    teammate.save()
    assert (
        "Sofia Supervisor передал(а) вам должника Elektrobud S.A.: Colin cannot reach the "
        "finance director" in notifications_page(teammate)
    )


def test_the_old_collector_is_told_who_took_the_debtor_to_whom_and_why(
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    teammate: User,
    supervisor: User,
) -> None:
    """The one who loses the debtor read "Elektrobud S.A. a fost reatribuit lui tanya." without
    the reason the new owner's notice carries (d64b4ed)."""
    supervisor.first_name, supervisor.last_name = "Sofia", "Supervisor"
    supervisor.save()
    debtor = make_counterparty(name="Elektrobud S.A.", collector=collector)
    services.reassign_counterparty(
        supervisor, debtor, teammate, "Colin cannot reach the finance director"
    )
    collector.language = "ro"
    collector.save()
    assert (
        "Sofia Supervisor a reatribuit debitorul Elektrobud S.A. lui tanya: Colin cannot reach "
        "the finance director" in notifications_page(collector)
    )
