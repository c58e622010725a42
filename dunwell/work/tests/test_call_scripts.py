"""The call card's script says the days overdue as the debtor's language says them ("34 de
zile", "34 дня"), a debtor with nothing overdue yet hears of the coming due date (not of
"0 zile de întârziere"), and the migration that brought {days_late} leaves a manager's own
script alone."""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact, Counterparty, Document
from dunwell.work.models import CallScript

pytestmark = pytest.mark.usefixtures(
    "frozen"
)  # 2026-03-10: an invoice due 2026-02-04 is 34 days late

SHIPPED = importlib.import_module("dunwell.work.migrations.0002_default_call_scripts").SCRIPTS
UPDATE = importlib.import_module(
    "dunwell.work.migrations.0009_call_scripts_say_days_and_remind_before_due"
)


def script(user: User, cp: Counterparty, **params: str) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:call", args=[cp.pk]), params).content.decode()
    found = re.search(r'<blockquote id="script"[^>]*>(.*?)</blockquote>', page, re.S)
    assert found, "no script on the card"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ro", "are 34 de zile de întârziere"),
        ("ru", "просрочка 34 дня,"),
        ("uk", "прострочення 34 дні,"),
        ("en", "it is 34 days overdue"),
    ],
)
def test_the_script_says_the_days_overdue_in_the_debtors_grammar(
    debtor: Counterparty, collector: User, language: str, said: str
) -> None:
    Counterparty.objects.filter(pk=debtor.pk).update(language=language)
    debtor.refresh_from_db()
    text = script(collector, debtor)
    assert said in text
    assert "34 zile" not in text and "34 дн." not in text


def test_one_day_overdue_is_one_day_and_the_decider_hears_it_too(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    cp = make_counterparty(collector=collector, language="ro")
    make_document(cp, "100", due_date=date(2026, 3, 9))
    Contact.objects.create(counterparty=cp, name="Ion Rusu", decides_payments=True)
    assert re.search(r"Datoria de 100,00\xa0\w+ are 1 zi de întârziere", script(collector, cp))


@pytest.mark.parametrize(
    ("language", "reminder", "wrong"),
    [
        ("ro", "factura INV-1 este scadentă la 04.04.2026", ("întârziere", "0 zile")),
        ("ru", "срок оплаты счёта INV-1 — 04.04.2026", ("просроч", "0 дн")),
        ("uk", "строк оплати рахунку INV-1 — 04.04.2026", ("простроч", "0 дн")),
    ],
)
def test_a_debtor_with_nothing_overdue_hears_of_the_coming_due_date(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    language: str,
    reminder: str,
    wrong: tuple[str, ...],
) -> None:
    cp = make_counterparty(collector=collector, language=language)
    make_document(cp, "700", due_date=date(2026, 4, 4))
    # The decider's script ("the debt is N days overdue") was chosen for them before.
    Contact.objects.create(counterparty=cp, name="Ion Rusu", decides_payments=True)
    for asked in ({}, {"situation": "decision_maker"}, {"situation": "first_call"}):
        text = script(collector, cp, **asked)
        assert reminder in text, asked
        assert not any(w in text for w in wrong), (asked, text)
    # Only the reminder is offered; a debtor in arrears is not offered it.
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[cp.pk])).content.decode()
    assert "situation=before_due" in page and "situation=first_call" not in page


def test_a_debtor_in_arrears_is_not_read_the_reminder(
    debtor: Counterparty, collector: User
) -> None:
    text = script(collector, debtor, situation="before_due")
    assert "are 34 de zile de întârziere" in text and "scadentă la" not in text


def test_the_migration_updates_only_the_scripts_still_as_shipped(
    debtor: Counterparty, collector: User
) -> None:
    from django.apps import apps

    # As 0002 left them; the Romanian decider's script edited by a manager, the reminder in
    # Russian written by the company before the update.
    for language, by_situation in SHIPPED.items():
        for situation, shipped in by_situation.items():
            CallScript.objects.filter(language=language, situation=situation).update(text=shipped)
    own = "Bună ziua, {contact}. Restanța are {days_overdue} zile. Vă rog plătiți azi."
    CallScript.objects.filter(language="ro", situation="decision_maker").update(text=own)
    CallScript.objects.filter(situation="before_due").delete()
    CallScript.objects.create(language="ru", situation="before_due", text="Наш текст {due_date}")

    UPDATE.update_scripts(apps, None)

    def text(language: str, situation: str) -> str:
        return CallScript.objects.get(language=language, situation=situation).text

    assert "are {days_late} de întârziere" in text("ro", "first_call")
    assert "просрочен на {days_late}" in text("ru", "decision_maker")
    assert text("ro", "decision_maker") == own
    assert text("ru", "before_due") == "Наш текст {due_date}"
    assert "{due_date}" in text("ro", "before_due")
    assert text("en", "repeat_call") == SHIPPED["en"]["repeat_call"]
    # The manager's own script keeps its bare number.
    Contact.objects.create(counterparty=debtor, name="Ion Rusu", decides_payments=True)
    assert "Restanța are 34 zile" in script(collector, debtor)


def test_the_script_editor_names_the_new_placeholders(supervisor: User) -> None:
    User.objects.filter(pk=supervisor.pk).update(language="ru")
    client = Client()
    client.force_login(supervisor)
    page: Any = client.get(reverse("work:scripts")).content.decode()
    found = re.search(r'<p id="placeholders">(.*?)</p>', page, re.S)
    assert found
    listed = html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
    assert "{days_late} — дни просрочки вместе со словом («34 дня»)" in listed
    assert "{due_date} — его срок оплаты" in listed
    assert "{days_overdue} — только число." in listed  # not "одно число", "one number"
    assert "Напоминание до срока оплаты" in page
