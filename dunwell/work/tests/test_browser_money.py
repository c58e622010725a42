"""Money as a Russian-speaking collector reads and types it, in a real browser: a debtor who
owes in roubles is shown in roubles everywhere, and the pre-filled promise records as it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ladder.models import Promise
from dunwell.ledger.models import Contact, Counterparty, Document
from dunwell.work.tests.test_browser import chromium_page, log_in, seed_data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rouble_debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> Counterparty:
    cp = make_counterparty(
        collector=collector, name="ООО Ромашка", country="RU", language="ru",
        time_zone="Europe/Moscow",
    )  # fmt: skip
    today = timezone.localdate()
    make_document(cp, "400000.00", currency="RUB", due_date=today - timedelta(days=40))
    make_document(cp, "54657.36", currency="RUB", due_date=today - timedelta(days=10))
    make_document(cp, "85198.09", currency="RUB", due_date=today + timedelta(days=20))
    Contact.objects.create(counterparty=cp, name="Иван Петров", decides_payments=True)
    return cp


def test_a_rouble_debtor_reads_in_roubles_and_the_default_promise_records(
    chromium_page: Any,  # noqa: F811
    live_server: Any,
    rouble_debtor: Counterparty,
    collector: User,
) -> None:
    collector.language = "ru"
    collector.save(update_fields=["language"])
    page = chromium_page
    log_in(page, live_server, collector)
    page.goto(f"{live_server.url}/work/debtors/{rouble_debtor.pk}/")
    total = page.inner_text("#total-due").strip()
    overdue = page.inner_text("#overdue").strip()
    page.screenshot(path=str(SCREENSHOTS / "debtor-card-rub-ru.png"), full_page=True)
    assert total.replace("\u00a0", " ") == "539 855,45 RUB"
    assert overdue.replace("\u00a0", " ") == "454 657,36 RUB"
    assert "RON" not in page.inner_text("main")

    page.goto(f"{live_server.url}/work/debtors/{rouble_debtor.pk}/call/")
    assert page.inner_text("#call-overdue").strip().replace("\u00a0", " ") == "454 657,36 RUB"
    assert "454 657,36 RUB" in page.inner_text("#script").replace("\u00a0", " ")
    assert "RON" not in page.inner_text("main")
    amount = page.input_value("#promise-form input[name=promised_amount]")
    assert amount == "454657,36"
    page.screenshot(path=str(SCREENSHOTS / "call-card-rub-ru.png"), full_page=True)
    promised = timezone.localdate() + timedelta(days=7)
    page.fill("#promise-form input[name=promised_on]", promised.isoformat())
    page.click("#promise-form button[type=submit]")
    page.wait_for_url(f"**/work/debtors/{rouble_debtor.pk}/")
    promise = Promise.objects.get(counterparty=rouble_debtor)
    assert (promise.amount, promise.currency, promise.promised_date) == (
        Decimal("454657.36"),
        "RUB",
        promised,
    )
    assert "Обещание" in page.inner_text("#promises") or "454 657,36" in page.inner_text(
        "#promises"
    ).replace("\u00a0", " ")


def test_a_mistyped_promise_says_which_field_and_keeps_what_was_typed(
    chromium_page: Any,  # noqa: F811
    live_server: Any,
    rouble_debtor: Counterparty,
    collector: User,
) -> None:
    page = chromium_page
    log_in(page, live_server, collector)
    page.goto(f"{live_server.url}/work/debtors/{rouble_debtor.pk}/call/")
    promised = (timezone.localdate() + timedelta(days=3)).isoformat()
    page.fill("#promise-form input[name=promised_on]", promised)
    page.fill("#promise-form input[name=promised_amount]", "12,34,56")
    page.click("#promise-form button[type=submit]")
    page.wait_for_load_state()
    flash = page.inner_text("body")
    assert "Amount: Enter an amount such as 1234.56." in flash
    assert page.input_value("#promise-form input[name=promised_on]") == promised
    assert not Promise.objects.exists()
    assert date.fromisoformat(promised)  # the date survived the round trip
