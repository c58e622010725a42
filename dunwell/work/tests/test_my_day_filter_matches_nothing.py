"""My day filtered to nothing says the filters found nothing, not that the day is done: a
collector with calls left who filtered by a country or an amount none of them has read "Nothing
left for today. Well done." (ru "На сегодня всё. Отличная работа."), and may have stopped
working. Now the page says no task matches the filters and links to all of them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty

from .test_views_worklist import call_task

pytestmark = pytest.mark.usefixtures("frozen")

NO_MATCH = {
    "en": ("No task matches these filters.", "Show all my tasks for today"),
    "ru": ("Ни одна задача не подходит под эти фильтры.", "Показать все мои задачи на сегодня"),
    "uk": ("Жодне завдання не відповідає цим фільтрам.", "Показати всі мої завдання на сьогодні"),
    "ro": ("Nicio sarcină nu corespunde acestor filtre.", "Arătați toate sarcinile mele de azi"),
}
DONE = {"en": "Nothing left for today. Well done.", "ru": "На сегодня всё. Отличная работа."}


def _empty_row(collector: User, language: str, **query: Any) -> str:
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:worklist"), {**query, "lang": language}).content.decode()
    found = re.search(r'<td colspan="6" id="day-empty">(.*?)</td>', page, re.S)
    assert found is not None, page
    return found.group(1)


@pytest.mark.parametrize("language", list(NO_MATCH))
def test_a_filter_matching_none_of_the_days_tasks_says_so(
    debtor: Counterparty, collector: User, language: str
) -> None:
    call_task(debtor, collector, title="Ring them")
    row = _empty_row(collector, language, country="ZZ", min_amount="")
    said, link = NO_MATCH[language]
    assert said in row and link in row
    assert f'href="{reverse("work:worklist")}"' in row
    with translation.override(language):
        assert translation.gettext("Nothing left for today. Well done.") not in row


def test_without_filters_an_empty_day_is_still_well_done(collector: User) -> None:
    for language, done in DONE.items():
        row = _empty_row(collector, language)
        assert done in row
        assert NO_MATCH[language][0] not in row
