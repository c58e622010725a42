"""The debtor card and the meeting page list a debtor's repayment agreements: the active ones
first, then the newest. They listed the first five the database returned, so a debtor with a
long history could have its one running schedule missing from the card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services
from dunwell.ladder.models import Agreement, AgreementStatus
from dunwell.ledger.models import Counterparty
from dunwell.work import ladder_bridge


def test_the_active_agreement_comes_first_and_then_the_newest(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    cp = make_counterparty(collector=collector)
    active = services.create_agreement(
        counterparty=cp, signed_on=date(2025, 1, 10), user=collector,
        instalments=[(date(2027, 1, 10), Decimal("70.00"))],
    )  # fmt: skip
    for month in range(2, 8):  # six finished ones, signed after the one still running
        done = services.create_agreement(
            counterparty=cp, signed_on=date(2025, month, 1), user=collector,
            instalments=[(date(2025, month, 20), Decimal(month))],
        )  # fmt: skip
        Agreement.objects.filter(pk=done.pk).update(status=AgreementStatus.COMPLETED)
    listed = ladder_bridge.facts_for(cp, date(2026, 3, 10)).agreements
    assert [a["signed_on"] for a in listed] == [
        date(2025, 1, 10),
        date(2025, 7, 1),
        date(2025, 6, 1),
        date(2025, 5, 1),
        date(2025, 4, 1),
    ]
    assert listed[0]["id"] == active.pk
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:debtor", args=[cp.pk])).content.decode()
    agreements = page[page.index('id="agreements"') :]
    agreements = agreements[: agreements.index("</ul>")]
    assert "10.01.2025" in agreements and "01.02.2025" not in agreements
