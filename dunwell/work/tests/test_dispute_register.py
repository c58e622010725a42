"""A claim that came by e-mail, letter or at a meeting is registered from the debtor card
(DESIGN §1.7), without logging a call that did not happen: the same routing, notice and hold
as a call's dispute outcome, and how it came is kept."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty, Document, TimelineEntry
from dunwell.work.models import CallActivity, Notification

pytestmark = pytest.mark.usefixtures("frozen")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_card_offers_to_register_a_dispute(debtor: Counterparty, collector: User) -> None:
    page = _client(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert reverse("work:dispute_new", args=[debtor.pk]) in page
    assert "Register a dispute" in page


def test_a_letter_about_missing_documents_is_routed_and_held_without_a_call(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    first = debtor.documents.order_by("due_date").first()
    assert first is not None
    url = reverse("work:dispute_new", args=[debtor.pk])
    form = _client(collector).get(url).content.decode()
    assert "How it came" in form and "Letter" in form and first.number in form
    response = _client(collector).post(
        url,
        {
            "reason": "documents_missing",
            "amount": "1500",
            "currency": "RON",
            "documents": [first.pk],
            "channel": "letter",
            "note": "No signed delivery note",
        },
        follow=True,
    )
    dispute = Dispute.objects.get(counterparty=debtor)
    assert response.redirect_chain[-1][0].endswith(
        reverse("work:debtor", args=[debtor.pk]) + f"#dispute-{dispute.pk}"
    )
    page = response.content.decode()
    assert (
        "Dispute registered: Documents missing, 1,500.00\xa0RON. sofia settles it by 17.03.2026."
        in page
    )
    assert f'id="dispute-{dispute.pk}"' in page
    # routed and told as a call's dispute outcome is; no call was logged
    assert dispute.responsible == supervisor and dispute.description == "No signed delivery note"
    assert list(dispute.documents.all()) == [first]
    assert Notification.objects.filter(recipient=supervisor, counterparty=debtor).exists()
    assert not CallActivity.objects.filter(counterparty=debtor).exists()
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="ladder.dispute_registered")
    assert entry.data["channel"] == "letter"


def test_the_sales_manager_of_the_debtor_may_register_it_an_outsider_may_not(
    debtor: Counterparty, outsider: User, make_user: Callable[..., User]
) -> None:
    sales = make_user("vlad", Role.SALES)
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    url = reverse("work:dispute_new", args=[debtor.pk])
    assert _client(sales).get(url).status_code == 200
    assert _client(outsider).get(url).status_code == 404
    post = {"reason": "quality", "amount": "10", "currency": "RON", "channel": "email"}
    assert _client(outsider).post(url, post).status_code == 404
    assert not Dispute.objects.exists()


def test_an_error_keeps_what_was_typed(
    debtor: Counterparty, collector: User, make_document: Callable[..., Document]
) -> None:
    ron = debtor.documents.order_by("due_date").first()
    assert ron is not None
    eur = make_document(debtor, "200.00", currency="EUR", number="EU-7")
    response = _client(collector).post(
        reverse("work:dispute_new", args=[debtor.pk]),
        {
            "reason": "price",
            "amount": "300",
            "currency": "RON",
            "documents": [ron.pk, eur.pk],
            "channel": "meeting",
            "note": "Price list of 2025 applied",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The chosen documents are in several currencies (EUR, RON): one per currency." in page
    assert "Price list of 2025 applied</textarea>" in page
    assert re.search(r'value="meeting"[^>]*checked', page)
    assert not Dispute.objects.exists()


def test_the_form_speaks_russian(debtor: Counterparty, collector: User) -> None:
    User.objects.filter(pk=collector.pk).update(language="ru")
    with translation.override("ru"):
        page = _client(collector).get(reverse("work:dispute_new", args=[debtor.pk]))
    text = page.content.decode()
    assert "Зарегистрировать спор" in text and "Как поступил" in text and "Письмо" in text
    assert "претензи" not in text.lower()


def test_more_than_the_documents_owe_is_refused(debtor: Counterparty, collector: User) -> None:
    """A slip of a digit (100,000 against a 1,500 invoice) held more out of escalation than
    the debtor owes; it is refused, on the card's form and on the call card alike."""
    first = debtor.documents.order_by("due_date").first()
    assert first is not None
    response = _client(collector).post(
        reverse("work:dispute_new", args=[debtor.pk]),
        {
            "reason": "quality",
            "amount": "100000",
            "currency": "RON",
            "documents": [first.pk],
            "channel": "email",
            "note": "Broken boxes",
        },
    )
    assert response.status_code == 400
    assert (
        "The disputed amount, 100,000.00\xa0RON, is more than the chosen documents still owe: "
        "1,500.00\xa0RON." in html.unescape(response.content.decode())
    )
    assert not Dispute.objects.exists()
    call = _client(collector).post(
        reverse("work:call", args=[debtor.pk]),
        {"outcome": "dispute", "dispute_reason": "quality", "dispute_amount": "5000",
         "dispute_currency": "RON"},
    )  # fmt: skip
    assert "is more than the debtor owes in RON: 2,200.00\xa0RON." in html.unescape(
        call.content.decode()
    )
    assert not Dispute.objects.exists()
