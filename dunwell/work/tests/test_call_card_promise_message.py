"""After a promise is recorded on the call card, the message says what was promised: the
amount and the date, in the reader's language and formats."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uk", "Обіцянку оплати записано: 5\u00a0000,00\u00a0RON до 11.12.2026."),
        ("ro", "Promisiune de plată înregistrată: 5.000,00\u00a0RON până la 11.12.2026."),
        ("en", "Promise to pay recorded: 5,000.00\u00a0RON by 11.12.2026."),
    ],
)
def test_the_promise_message_names_the_amount_and_the_date(
    debtor: Counterparty, collector: User, language: str, expected: str
) -> None:
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    response = client.post(
        reverse("work:call", args=[debtor.pk]),
        {
            "outcome": "promise",
            "promised_on": "2026-12-11",
            "promised_amount": "5000",
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [expected]
