"""Bad parameters in the aging report's address get a 400 page naming the field and the reason,
on the page and on its export, never a 500 (issue 9, item 6)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["insight:aging", "insight:aging_export"])
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("as_of=0001-01-01", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("as_of=9999-12-31", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("as_of=2026-02-30", "Enter a valid date."),
        ("buckets=99999999999999999999", "A bucket can end at most 36500 days past due."),
        ("buckets=30,60,100000", "A bucket can end at most 36500 days past due."),
    ],
)
def test_a_bad_parameter_gets_a_400_page_with_the_reason(
    name: str, query: str, reason: str, collector: User
) -> None:
    response = client_for(collector).get(f"{reverse(name)}?{query}")
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_the_reason_is_in_the_readers_language(collector: User) -> None:
    collector.language = "ru"
    collector.save()
    response = client_for(collector).get(f"{reverse('insight:aging')}?as_of=0001-01-01")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Введите дату между 1900-01-01 и 2100-12-31." in text


def test_the_export_says_the_page_cannot_be_shown_in_the_readers_language(
    collector: User,
) -> None:
    collector.language = "uk"
    collector.save()
    response = client_for(collector).get(f"{reverse('insight:aging_export')}?as_of=0001-01-01")
    assert response.status_code == 400
    assert "Сторінку неможливо показати" in response.content.decode()


def test_good_parameters_still_show_the_report(collector: User) -> None:
    url = f"{reverse('insight:aging')}?as_of=2026-03-10&buckets=30,60,36500"
    assert client_for(collector).get(url).status_code == 200


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        # 20 and more take "de" in Romanian; 36500 ends in 00, so it does too.
        ("ro", "Un interval se poate încheia cel mult la 36500 de zile de întârziere."),
        ("ru", "Интервал может заканчиваться не позже чем на 36500-м дне просрочки."),
        ("uk", "Інтервал може закінчуватися не пізніше ніж на 36500-му дні прострочення."),
    ],
)
def test_the_largest_bucket_edge_is_said_with_its_day_word(
    language: str, reason: str, collector: User
) -> None:
    collector.language = language
    collector.save()
    response = client_for(collector).get(f"{reverse('insight:aging')}?buckets=30,60,100000")
    assert response.status_code == 400
    assert reason in response.content.decode()
