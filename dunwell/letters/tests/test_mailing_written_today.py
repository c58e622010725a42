"""A debtor we already emailed today (by hand from the composer) is left out of a mailing, and
the mailing page counts it: nobody gets two emails from us the same day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from dunwell.letters import services
from dunwell.mail.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def _by_hand(collector: Any, debtor: Any, token: str) -> OutgoingMessage:
    contact = debtor.contacts.get(email="ana@nord.example")
    return services.send_email(
        collector,
        debtor,
        task=None,
        contact_id=contact.pk,
        subject="Plata facturii F-101",
        body="Bună ziua, vă rugăm să achitați factura F-101.",
        token=token,
    )


def test_a_debtor_written_to_by_hand_today_is_left_out(
    frozen: Any, debtor: Any, collector: Any, supervisor: Any
) -> None:
    _by_hand(collector, debtor, "a")
    mailing = services.create_mailing(supervisor, services.Selection())
    assert mailing.rows.get(counterparty=debtor).reason == "written_today"
    assert services.approve_mailing(supervisor, mailing) == 0
    assert OutgoingMessage.objects.filter(counterparty=debtor).count() == 1


def test_written_after_the_mailing_was_prepared_still_left_out(
    frozen: Any, debtor: Any, collector: Any, supervisor: Any
) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    _by_hand(collector, debtor, "b")
    assert services.approve_mailing(supervisor, mailing) == 0
    assert OutgoingMessage.objects.filter(counterparty=debtor).count() == 1


def test_written_yesterday_gets_the_mailing(
    frozen: Any, debtor: Any, collector: Any, supervisor: Any
) -> None:
    frozen.shift(timedelta(days=-1))
    _by_hand(collector, debtor, "c")
    frozen.shift(timedelta(days=1))
    mailing = services.create_mailing(supervisor, services.Selection())
    assert services.approve_mailing(supervisor, mailing) == 1


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "1 debtor already got an email from us today: left out."),
        ("ro", "1 debitor a primit deja un e-mail de la noi astăzi: exclus din expediere."),
    ],
)
def test_the_page_counts_them(
    client: Any,
    frozen: Any,
    debtor: Any,
    collector: Any,
    supervisor: Any,
    language: str,
    line: str,
) -> None:
    _by_hand(collector, debtor, "d")
    mailing = services.create_mailing(supervisor, services.Selection())
    supervisor.language = language
    supervisor.save(update_fields=["language"])
    client.force_login(supervisor)
    page = client.get(reverse("letters:mailing", args=[mailing.pk])).content.decode()
    assert line in page
