"""An aging bucket's name says its days as the reader's language counts them: the day word
agrees with the bucket's last number ("1–30 de zile", "61–90 дней", "1–19 zile", "1–21 день")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.work.bucket_names import bucket_name

pytestmark = pytest.mark.django_db


def client_for(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "label", "name"),
    [
        ("ro", "1-1", "1–1 zi"),
        ("ro", "1-19", "1–19 zile"),
        ("ro", "1-30", "1–30 de zile"),
        ("ro", "61-90", "61–90 de zile"),
        ("ro", "90+", "90+ de zile"),
        ("ro", "91-101", "91–101 zile"),  # 101: "101 zile", as 1-19 are read
        ("ru", "1-21", "1–21 день"),
        ("ru", "1-22", "1–22 дня"),
        ("ru", "61-90", "61–90 дней"),
        ("ru", "90+", "90+ дней"),
        ("uk", "1-22", "1–22 дні"),
        ("uk", "31-60", "31–60 днів"),
        ("uk", "90+", "90+ днів"),
        ("en", "1-1", "1–1 day"),
        ("en", "61-90", "61–90 days"),
    ],
)
def test_the_day_word_agrees_with_the_buckets_last_number(
    language: str, label: str, name: str
) -> None:
    with translation.override(language):
        assert bucket_name(label) == name


def test_the_current_bucket_is_not_yet_due() -> None:
    with translation.override("ru"):
        assert bucket_name("current") == "Срок не наступил"


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("ro", ["1–30 de zile", "31–60 de zile", "61–90 de zile", "91–180 de zile"]),
        ("ru", ["1–30 дней", "31–60 дней", "61–90 дней", "91–180 дней", "180+ дней"]),
        ("uk", ["1–30 днів", "31–60 днів", "61–90 днів", "91–180 днів", "180+ днів"]),
    ],
)
def test_the_debtor_cards_aging_table_names_its_buckets_in_the_readers_language(
    debtor: Counterparty, collector: User, frozen: None, language: str, headings: list[str]
) -> None:
    page = client_for(collector, language).get(reverse("work:debtor", args=[debtor.pk]))
    text = page.content.decode()
    table = text[text.index('<table class="data aging">') :]
    table = table[: table.index("</thead>")]
    for heading in headings:
        assert f'<th class="num">{heading}</th>' in table


@pytest.mark.parametrize(
    ("language", "option"),
    [
        ("ro", '<option value="61-90">61–90 de zile</option>'),
        ("ru", '<option value="61-90">61–90 дней</option>'),
    ],
)
def test_the_debtor_lists_bucket_filter_names_the_buckets_the_same_way(
    director: User, language: str, option: str
) -> None:
    page = client_for(director, language).get(reverse("work:debtors")).content.decode()
    assert option in page
