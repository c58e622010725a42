"""The debtor card says what comes next on its pressure scale (DESIGN §1.2, §1.3): the day each
step still ahead lands on, for whom, and where the regulation turns (the pretension, the stop
of shipments, the court). The card named the step reached and nothing ahead: a sales manager
could not tell when shipments stop, finance when the lawyers take over."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ladder.engine import run
from dunwell.ledger.models import Counterparty, Document, Segment

pytestmark = pytest.mark.django_db


def fragment(user: User, debtor: Counterparty, language: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    response = client.get(reverse("ladder:debtor_next", args=[debtor.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_user: Callable[..., User],
    collector: User,
) -> Counterparty:
    make_user("laura", Role.LAWYER, first_name="Laura", last_name="Lawyer")
    sales = make_user("sam", Role.SALES, first_name="Sam", last_name="Sales")
    debtor = make_counterparty(
        collector=collector,
        sales_manager=sales,
        name="Fabrica Nord SRL",
        country="RO",
        segment=Segment.objects.get(code="standard"),
    )
    make_document(debtor, number="F-101", due_date=date(2026, 3, 2), amount="1500.00")
    make_document(debtor, number="F-102", due_date=date(2026, 4, 15), amount="900.00")
    return debtor


def test_the_card_lists_the_steps_ahead_with_their_days_and_people(
    debtor: Counterparty, collector: User
) -> None:
    run(date(2026, 3, 3))  # the manager's notice and the first call are reached
    with time_machine.travel("2026-03-03 12:00 +02:00", tick=False):
        page = fragment(collector, debtor, "en")
    basis = "Counted from the oldest open document, F-101 (due 02.03.2026, 1,500.00\xa0RON open)"
    assert basis in page
    assert rows(page) == [
        f"Thu 05.03.2026 Second-level call to the person who decides payments {collector}",
        f"Mon 09.03.2026 Personal written reminder with a statement {collector}",
        "Thu 12.03.2026 Pretension (claim letter) with the contract's period Laura Lawyer",
        "Thu 12.03.2026 Stop shipments Sam Sales",
        "on pretension deadline passed Pretension deadline passed: prepare the court filing "
        "Laura Lawyer",
    ]
    assert page.count('class="milestone"') == 3


def test_in_romanian_and_a_step_whose_day_passed_while_paused_reads_due_now(
    debtor: Counterparty, collector: User
) -> None:
    run(date(2026, 3, 3))
    with time_machine.travel("2026-03-10 12:00 +02:00", tick=False):
        page = fragment(collector, debtor, "ro")
    assert "Următorii pași pe scara de presiune" in page
    assert rows(page)[:4] == [
        "Joi 05.03.2026 a sosit ziua Apel de nivelul doi către persoana care decide plățile "
        f"{collector}",
        f"Lun 09.03.2026 a sosit ziua Memento scris personal cu extras de cont {collector}",
        "Joi 12.03.2026 Notificare de plată cu termenul din contract Laura Lawyer",
        "Joi 12.03.2026 Oprirea livrărilor Sam Sales",
    ]


def test_a_debtor_without_a_scale_or_nothing_open_shows_nothing(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    unscaled = Segment.objects.create(code="unscaled", name="Without a scale")
    debtor = make_counterparty(collector=collector, segment=unscaled)
    page = fragment(collector, debtor, "en")
    assert "Next on the pressure scale" not in page


def test_only_those_who_see_the_debtor_read_it(
    debtor: Counterparty, make_user: Callable[..., User]
) -> None:
    other = make_user("colin2", Role.COLLECTOR)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("ladder:debtor_next", args=[debtor.pk])).status_code == 404


def test_the_card_loads_it(debtor: Counterparty, collector: User) -> None:
    client = Client()
    client.force_login(collector)
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert f'hx-get="{reverse("ladder:debtor_next", args=[debtor.pk])}"' in card


def test_a_debtor_on_its_own_switched_off_scale_shows_nothing_ahead_as_the_run_skips_it(
    debtor: Counterparty, collector: User
) -> None:
    """One rule picks the scale (`upcoming.scale_of`): the card's own scale, not its segment's.
    The daily run does not hand such a debtor to its segment's scale when its own is switched
    off; the card said the segment's steps were coming."""
    from dunwell.ladder.models import CounterpartyPolicy, Policy, Task
    from dunwell.work.ladder_bridge import policy_and_why

    own = Policy.objects.exclude(code="standard").order_by("pk").first()
    assert own is not None
    Policy.objects.filter(pk=own.pk).update(active=False)
    CounterpartyPolicy.objects.create(counterparty=debtor, policy=own)

    run(date(2026, 3, 12))
    assert not Task.objects.filter(counterparty=debtor).exists()
    policy_id, _name, why, _description = policy_and_why(debtor)
    assert (policy_id, why) == (
        own.pk,
        "This debtor's own scale, not its segment's. "
        "It is switched off: the daily run takes no step for this debtor.",
    )
    with time_machine.travel("2026-03-12 12:00 +02:00", tick=False):
        page = fragment(collector, debtor, "en")
    assert "Next on the pressure scale" not in page
