"""The API tokens page: revoking a token asks first (it cuts off every system using it)."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.restapi.tokens import create_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "Revoke token {prefix}… (ERP sync)? Every system using it is refused from now on"),
        ("ro", "Revocați tokenul {prefix}… (ERP sync)? Orice sistem care îl folosește"),
        ("ru", "Отозвать токен {prefix}… (ERP sync)? Все системы, которые им пользуются"),
    ],
)
def test_revoking_a_token_asks_first_naming_it(
    make_user: Callable[..., User], language: str, question: str
) -> None:
    boss = make_user("boss", Role.ADMIN, language=language)
    issued = create_token(boss, ["ledger:read"], name="ERP sync", created_by=boss)
    client = Client()
    client.force_login(boss)
    page = client.get(reverse("restapi:tokens")).content.decode()
    action = reverse("restapi:revoke", args=[issued.token.pk])
    form = re.search(rf'<form method="post" action="{action}"([^>]*)>', page)
    assert form, page
    attrs = htmllib.unescape(form.group(1))
    assert 'hx-boost="true"' in attrs
    assert question.format(prefix=issued.token.prefix) in attrs
