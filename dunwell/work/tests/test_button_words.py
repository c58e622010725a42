"""The words on a collector's buttons as a Romanian or Russian collector reads them: Django's
admin catalogue (installed before our apps) said the bare 'Save', 'Delete', 'Filter' its own way."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.work import services

pytestmark = pytest.mark.django_db


def page(user: User, url: str, lang: str) -> str:
    user.language = lang
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("lang", "save", "delete", "filter_", "djangos"),
    [
        ("ro", "Salvați", "Ștergeți", "Filtrați", ("Salvează", "Șterge</", "Filtru")),
        ("ru", "Сохранить", "Удалить", "Отобрать", ("Фильтр",)),
        ("uk", "Зберегти", "Видалити", "Відібрати", ("Відфільтрувати",)),
    ],
)
def test_a_collectors_buttons_read_the_products_words(
    debtor: Counterparty,
    collector: User,
    lang: str,
    save: str,
    delete: str,
    filter_: str,
    djangos: tuple[str, ...],
) -> None:
    services.add_note(collector, debtor, "Director is Ion")
    card = page(collector, reverse("work:debtor", args=[debtor.pk]), lang)
    assert f'<button class="small">{save}</button>' in card
    assert f"<summary>{delete}</summary>" in card
    day = page(collector, reverse("work:worklist"), lang)
    assert f'<button type="submit">{filter_}</button>' in day
    for word in djangos:
        assert word not in card + day, word
