"""A fresh installation (no customer loaded yet): My day and the debtor list say what to do
first instead of an empty table ("Nothing left for today. Well done." on a day nothing was
ever loaded). The steps link only where the reader may go; a collector is told who loads the
ledger. Once a debtor exists, nothing of it shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Company, Counterparty

pytestmark = pytest.mark.django_db


def page(user: User, name: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("name", ["work:worklist", "work:debtors"])
def test_an_empty_installation_says_what_to_do_first(
    make_user: Callable[..., User], name: str
) -> None:
    Counterparty.objects.all().delete()
    Company.objects.all().delete()
    admin = make_user("root", "admin", language="ro")
    text = page(admin, name)
    box = text[text.index('id="first-run"') :]
    box = box[: box.index("</div>")]
    assert "Încă nu există debitori" in box
    assert reverse("ledger:company_new") in box
    assert reverse("ledger:import_new") in box
    assert reverse("integrations") in box
    collector = make_user("ana", "collector", language="ru")
    text = page(collector, name)
    box = text[text.index('id="first-run"') :]
    assert "Финансовый отдел или администратор" in box[: box.index("</div>")]
    assert reverse("ledger:import_new") not in text


def test_nothing_of_it_once_a_debtor_exists(
    make_counterparty: Callable[..., Counterparty], make_user: Callable[..., User]
) -> None:
    make_counterparty()
    admin = make_user("root", "admin")
    assert 'id="first-run"' not in page(admin, "work:worklist")
    assert 'id="first-run"' not in page(admin, "work:debtors")
