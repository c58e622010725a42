"""My day's row and the call card's header say "of which Y disputed" beside the overdue figure
(DESIGN §1.7): they read "Overdue 1,500.00 RON" while the script, the promise form and the
letters asked for the 1,100 the dispute does not hold."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Action, Task
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def call_today(debtor: Counterparty, collector: User) -> Task:
    due: datetime = timezone.now() + timedelta(hours=1)
    return Task.objects.create(
        counterparty=debtor,
        assignee=collector,
        action=Action.CALL,
        title="Call back as asked",
        due_at=due,
        key=f"test:{debtor.pk}",
    )


@pytest.mark.parametrize(
    ("language", "overdue", "disputed"),
    [
        ("en", "1,500.00", "of which 400.00\xa0RON disputed"),
        ("uk", "1\xa0500,00", "з них 400,00\xa0RON оскаржується"),
        ("ro", "1.500,00", "din care 400,00\xa0RON în dispută"),
    ],
)
def test_the_overdue_figure_says_how_much_of_it_is_disputed(
    language: str, overdue: str, disputed: str, debtor: Counterparty, collector: User
) -> None:
    task = call_today(debtor, collector)
    ladder.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("400"), user=collector
    )
    client = client_for(collector, language)
    day = client.get(reverse("work:worklist")).content.decode()
    row = day[day.index(f'data-task="{task.pk}"') :]
    row = row[: row.index("</tr>")]
    assert overdue in row and f'<small class="disputed">{disputed}</small>' in row
    call = client.get(reverse("work:call", args=[debtor.pk])).content.decode()
    header = call[call.index('id="call-overdue"') : call.index("</hgroup>")]
    assert overdue in header and f'<small id="call-disputed">{disputed}</small>' in header


def test_no_dispute_no_note(debtor: Counterparty, collector: User) -> None:
    call_today(debtor, collector)
    client = client_for(collector, "en")
    assert "disputed</small>" not in client.get(reverse("work:worklist")).content.decode()
    call = client.get(reverse("work:call", args=[debtor.pk])).content.decode()
    assert 'id="call-disputed"' not in call
