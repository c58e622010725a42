"""A grace granted with `services.set_grace` reads on the debtor's timeline in the reader's
language, with the reason as it was typed; one granted before the reason was kept in the
entry's data reads the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.ladder import services
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.ledger.timeline import with_texts

pytestmark = pytest.mark.django_db


def grace_texts(debtor: Counterparty, language: str) -> list[str]:
    entries = TimelineEntry.objects.filter(counterparty=debtor, kind="ladder.grace_granted")
    with translation.override(language):
        return [e.text for e in with_texts(list(entries.order_by("pk")))]


def test_a_grace_reads_in_the_readers_language_with_its_reason_as_typed(
    make_counterparty: Callable[..., Counterparty], collector: User, director: User
) -> None:
    debtor = make_counterparty(collector=collector)
    services.set_grace(
        counterparty=debtor, until=date(2026, 3, 31), reason="сезонные продажи", user=director
    )
    assert grace_texts(debtor, "ro") == ["Păsuire acordată până la 31.03.2026: сезонные продажи"]
    assert grace_texts(debtor, "ru") == ["Отсрочка предоставлена до 31.03.2026: сезонные продажи"]
    assert grace_texts(debtor, "en") == ["Grace granted until 31.03.2026: сезонные продажи"]


def test_a_grace_written_before_its_reason_was_kept_reads_in_the_readers_language(
    make_counterparty: Callable[..., Counterparty], collector: User, director: User
) -> None:
    debtor = make_counterparty(collector=collector)
    TimelineEntry.objects.create(
        counterparty=debtor,
        at=timezone.now(),
        actor=director,
        kind="ladder.grace_granted",
        summary="Delay forgiven until 31.03.2026: key customer: harvest late",
        data={"grace": 1, "until": "2026-03-31"},
    )
    assert grace_texts(debtor, "uk") == [
        "Відстрочку надано до 31.03.2026: key customer: harvest late"
    ]
