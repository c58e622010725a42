"""The shipped script after a closed dispute fits a rejected dispute as well as a settled one,
and calls the customer's dispute what the catalogues call it ("спор"/"спір", not the
pretension letter's "претензия"); a manager's own script stays as written."""

from __future__ import annotations

import html
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Counterparty
from dunwell.work.models import CallScript

pytestmark = pytest.mark.usefixtures("frozen")

SHIPPED = importlib.import_module("dunwell.work.migrations.0002_default_call_scripts").SCRIPTS
REWORD = importlib.import_module("dunwell.work.migrations.0013_call_script_after_a_closed_dispute")


def script(user: User, cp: Counterparty) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:call", args=[cp.pk])).content.decode()
    found = re.search(r'<blockquote id="script"[^>]*>(.*?)</blockquote>', page, re.S)
    assert found, "no script on the card"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


@pytest.mark.parametrize(
    ("language", "said", "wrong"),
    [
        ("uk", "Ми розглянули ваш спір і закрили його.", ("претензі", "врегульовано")),
        ("ru", "Мы рассмотрели ваш спор и закрыли его.", ("претензи", "урегулирован")),
        ("ro", "Am analizat disputa dumneavoastră și am închis-o.", ("soluționat",)),
        ("en", "We have reviewed your dispute and closed it.", ("resolved",)),
    ],
)
def test_the_script_after_a_rejected_dispute_does_not_say_it_was_settled(
    debtor: Counterparty,
    collector: User,
    supervisor: User,
    language: str,
    said: str,
    wrong: tuple[str, ...],
) -> None:
    Counterparty.objects.filter(pk=debtor.pk).update(language=language)
    debtor.refresh_from_db()
    dispute = ladder.register_dispute(
        counterparty=debtor, reason="quality", amount=Decimal("600"), user=collector
    )
    ladder.resolve_dispute(
        dispute, user=supervisor, resolution="The goods were fine", rejected=True
    )
    text = script(collector, debtor)
    assert said in text
    assert not any(w in text for w in wrong), text


def test_the_rewording_leaves_a_manager_s_own_script_alone(db: None) -> None:
    for language, by_situation in SHIPPED.items():
        CallScript.objects.filter(language=language, situation=REWORD.SITUATION).update(
            text=by_situation[REWORD.SITUATION]
        )
    own = "Добрий день, {contact}. Наш власний текст {overdue}."
    CallScript.objects.filter(language="uk", situation=REWORD.SITUATION).update(text=own)

    REWORD.reword(apps, None)

    def text(language: str) -> str:
        return CallScript.objects.get(language=language, situation=REWORD.SITUATION).text

    assert text("uk") == own
    assert text("ru") == REWORD.NEW["ru"] and text("ro") == REWORD.NEW["ro"]
