"""The call card's stalling banner counts as the debtor card's does: it read "Stalling: Repeated
broken promises." where the debtor card read "(2)"."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.work.models import StallingAlert

pytestmark = pytest.mark.usefixtures("frozen")


def _text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


@pytest.mark.parametrize(
    ("language", "banner"),
    [
        ("en", "Stalling: Repeated broken promises (2)."),
        ("ru", "Затягивание: Повторно нарушенные обещания (2)."),
    ],
)
def test_the_call_cards_banner_counts_as_the_debtor_cards_does(
    debtor: Counterparty, collector: User, language: str, banner: str
) -> None:
    StallingAlert.objects.create(
        counterparty=debtor,
        reason=StallingAlert.Reason.BROKEN_PROMISES,
        count=2,
        detected_at=timezone.now(),
    )
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    for page in ("work:call", "work:debtor"):
        body = client.get(reverse(page, args=[debtor.pk])).content.decode()
        [shown] = re.findall(r'<p[^>]*id="stalling-banner"[^>]*>(.*?)</p>', body, re.S)
        assert _text(shown).startswith(banner), page
