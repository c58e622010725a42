"""The card lists every dispute still open or accepted in part (awaiting its credit note),
whatever its age, and the newest others: it listed the 20 newest only, so the Disputes page's
link to an older open dispute (…/debtors/<id>/#dispute-<n>) found no such place on the card."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty


def _dispute(debtor: Counterparty, collector: User, note: str) -> Dispute:
    return ladder.register_dispute(
        counterparty=debtor,
        reason="quality",
        amount=Decimal("10"),
        user=collector,
        description=note,
        responsible=collector,
    )


def test_an_old_open_dispute_is_on_the_card_where_the_disputes_page_links(
    frozen: Any, debtor: Counterparty, collector: User, supervisor: User
) -> None:
    with time_machine.travel(datetime(2025, 6, 2, 10, tzinfo=ZoneInfo("UTC")), tick=False):
        old = _dispute(debtor, collector, "Old claim, still open")
        accepted = _dispute(debtor, collector, "Old claim, accepted in part")
    Dispute.objects.filter(pk=accepted.pk).update(
        accepted_amount=Decimal("5"), accepted_billed=Decimal("2200")
    )
    ladder.resolve_dispute(accepted, user=supervisor, resolution="Credit note promised")
    for n in range(21):
        frozen.shift(60)  # a minute apart: the newest 20 are claims 1 to 20
        newer = _dispute(debtor, collector, f"Claim {n}")
        ladder.resolve_dispute(newer, user=supervisor, resolution="Unfounded", rejected=True)
    client = Client()
    client.force_login(supervisor)
    listing = client.get(reverse("work:disputes")).content.decode()
    link = reverse("work:debtor", args=[debtor.pk]) + f"#dispute-{old.pk}"
    assert link in listing
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    start = card.index('<ul id="disputes">')
    disputes = card[start : card.index("</ul>", start)]
    assert f'<li id="dispute-{old.pk}">' in disputes and "Old claim, still open" in disputes
    assert "Old claim, accepted in part" in disputes
    assert "awaiting the credit note" in disputes
    assert disputes.count('<li id="dispute-') == 22  # the two above and the 20 newest others
    assert "Claim 1</small>" in disputes and "Claim 0</small>" not in disputes
