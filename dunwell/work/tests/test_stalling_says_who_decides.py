"""The supervisor's stalling notice says when no one who decides payments is known (DESIGN
§1.5: ask who decides and reach them); it read only "…is stalling: consider reassigning it."."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty
from dunwell.work import services
from dunwell.work.models import Notification, Outcome
from dunwell.work.services import OutcomeInput

pytestmark = pytest.mark.usefixtures("frozen")


def _call_backs(collector: User, debtor: Counterparty, contact: Contact) -> None:
    for hours in (1, 2, 3):
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.record_call_outcome(
                collector,
                debtor,
                OutcomeInput(
                    outcome=Outcome.CALL_BACK,
                    contact_id=contact.pk,
                    call_back_at=timezone.now() + timedelta(hours=hours),
                ),
            )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "is stalling: no one who decides payments is known."),
        ("uk", "затягує: невідомо, хто вирішує платежі."),
        ("ro", "tergiversează: nu se știe cine decide plățile."),
    ],
)
def test_the_supervisor_reads_that_no_one_who_decides_payments_is_known(
    debtor: Counterparty, collector: User, language: str, said: str
) -> None:
    # The one who decided has left: no one known decides payments now.
    Contact.objects.create(
        counterparty=debtor, name="Elena Popova", decides_payments=True, active=False
    )
    _call_backs(collector, debtor, Contact.objects.get(counterparty=debtor, name="Ana Pop"))
    notice = Notification.objects.get(kind="stalling")
    assert said in notice.texts[language]


def test_a_known_decider_keeps_the_notice_as_it_was(debtor: Counterparty, collector: User) -> None:
    Contact.objects.create(counterparty=debtor, name="Elena Popova", decides_payments=True)
    _call_backs(collector, debtor, Contact.objects.get(counterparty=debtor, name="Ana Pop"))
    notice = Notification.objects.get(kind="stalling")
    assert notice.texts["en"].endswith("is stalling: consider reassigning it.")
