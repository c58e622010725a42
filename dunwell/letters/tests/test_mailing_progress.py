"""The mailing page's progress adds up: the line names each state it counts, and the badge
says the mailing is done once nothing is left to send."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from dunwell.ledger.models import Contact
from dunwell.letters import services
from dunwell.letters.models import Mailing
from dunwell.mail.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(
    frozen: Any, make_counterparty: Any, make_document: Any, collector: Any, supervisor: Any
) -> Mailing:
    for n in range(5):
        cp = make_counterparty(collector=collector, name=f"Client {n} SRL", language="en")
        make_document(cp, "100.00", due_date=date(2026, 2, 1))
        Contact.objects.create(counterparty=cp, name="Acc", email=f"acc{n}@client.example")
    mailing = services.create_mailing(supervisor, services.Selection())
    assert services.approve_mailing(supervisor, mailing) == 5
    return mailing


def _states(mailing: Mailing, *states: str) -> None:
    for message, state in zip(
        OutgoingMessage.objects.filter(source=f"mailing:{mailing.pk}").order_by("id"),
        states,
        strict=True,
    ):
        OutgoingMessage.objects.filter(pk=message.pk).update(state=state)


def _page(client: Any, user: Any, mailing: Mailing, language: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(reverse("letters:mailing", args=[mailing.pk])).content.decode()


@pytest.mark.parametrize(
    ("language", "badge", "line"),
    [
        ("en", "done: nothing left to send", "5 of 5 sent</p>"),
        ("ru", "завершена: отправлять больше нечего", "отправлено 5 из 5</p>"),
    ],
)
def test_all_sent_the_badge_says_done(
    client: Any, approved: Mailing, supervisor: Any, language: str, badge: str, line: str
) -> None:
    _states(approved, "sent", "sent", "sent", "sent", "sent")
    page = _page(client, supervisor, approved, language)
    assert f'<span class="badge" id="mailing-state">{badge}</span>' in page
    assert line in page
    listed = client.get(reverse("letters:mailings")).content.decode()
    assert f"<td>{badge}</td>" in listed


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "en",
            "1 of 5 sent · queued: 1 · sending: 1 · failed, will retry: 1 · given up: 1",
        ),
        (
            "ru",
            "отправлено 1 из 5 · в очереди: 1 · отправляется: 1 · ошибка, будет повтор: 1 · "
            "не отправлено (отказ): 1",
        ),
    ],
)
def test_the_line_names_each_state_and_adds_up(
    client: Any, approved: Mailing, supervisor: Any, language: str, line: str
) -> None:
    _states(approved, "sent", "queued", "sending", "failed", "gave_up")
    page = _page(client, supervisor, approved, language)
    assert line in page
    assert 'id="mailing-state">approved and queued<' in page or language != "en"


def test_given_up_and_cancelled_leave_nothing_to_send(
    client: Any, approved: Mailing, supervisor: Any
) -> None:
    _states(approved, "sent", "sent", "sent", "gave_up", "cancelled")
    client.force_login(supervisor)
    part = client.get(reverse("letters:mailing_progress", args=[approved.pk])).content.decode()
    assert "3 of 5 sent · given up: 1 · cancelled: 1" in part
    assert "hx-trigger" not in part  # nothing to poll for
    assert 'id="mailing-state" hx-swap-oob="true">done: nothing left to send<' in part
