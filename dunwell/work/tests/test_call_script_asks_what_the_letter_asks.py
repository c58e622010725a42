"""The call script asks for what the letter asks for (DESIGN §1.7): {overdue} is the overdue
debt less what open disputes hold, and {disputed} names what they hold. It read
"13.021,88 MDL" while 3 000 of it was disputed and the letter asked for 10 021,88."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Counterparty, Document
from dunwell.work.models import CallScript

pytestmark = pytest.mark.usefixtures("frozen")


def script(user: User, cp: Counterparty, **params: str) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:call", args=[cp.pk]), params).content.decode()
    found = re.search(r'<blockquote id="script"[^>]*>(.*?)</blockquote>', page, re.S)
    assert found, "no script on the card"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


@pytest.mark.parametrize(
    ("language", "asked", "both"),
    [
        (
            "ro",
            "suma de 10.021,88\xa0RON este încă neachitată",
            "10.021,88\xa0RON / 3.000,00\xa0RON",
        ),
        ("en", "and 10,021.88\xa0RON is still open", "10,021.88\xa0RON / 3,000.00\xa0RON"),
    ],
)
def test_the_script_asks_for_the_overdue_debt_less_what_an_open_dispute_holds(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    language: str,
    asked: str,
    both: str,
) -> None:
    cp = make_counterparty(collector=collector, language=language)
    make_document(cp, "13021.88", due_date=date(2026, 2, 4))
    make_document(cp, "500.00", due_date=date(2026, 4, 4))
    ladder.register_dispute(
        counterparty=cp, reason="quality", amount=Decimal("3000"), user=collector
    )
    text = script(collector, cp, situation="first_call")
    assert asked in text
    assert "13.021,88" not in text and "13,021.88" not in text
    CallScript.objects.filter(language=language, situation="repeat_call").update(
        text="{overdue} / {disputed}"
    )
    assert script(collector, cp, situation="repeat_call") == both


def test_the_script_editor_says_what_overdue_and_disputed_are(supervisor: User) -> None:
    User.objects.filter(pk=supervisor.pk).update(language="ro")
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("work:scripts")).content.decode()
    found = re.search(r'<p id="placeholders">(.*?)</p>', page, re.S)
    assert found
    listed = html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
    assert "{overdue}: restanța solicitată, fără sumele contestate" in listed
    assert "{disputed}: sumele contestate în dispute deschise" in listed


def test_the_promise_is_pre_filled_with_what_is_asked_for(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    """The promise form offered the whole overdue, the disputed 3 000 included (77718,45 on a
    debtor whose script asked for 74 718,45); a currency disputed in full pre-fills nothing."""
    cp = make_counterparty(collector=collector)
    make_document(cp, "13021.88", due_date=date(2026, 2, 4))
    make_document(cp, "400.00", currency="EUR", due_date=date(2026, 2, 4))
    ladder.register_dispute(
        counterparty=cp, reason="quality", amount=Decimal("3000"), currency="RON", user=collector
    )
    ladder.register_dispute(
        counterparty=cp, reason="price", amount=Decimal("400"), currency="EUR", user=collector
    )
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[cp.pk])).content.decode()
    options = dict(re.findall(r'<option value="([A-Z]{3})" data-amount="([^"]*)"', page))
    assert options == {"RON": "10021.88", "EUR": ""}
