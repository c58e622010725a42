"""The phone fields' hint names the country a local number is read in, in the reader's
language: it said "…ca unul din MD", the code the collector has to decode."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ro", "Un număr fără prefixul țării este citit ca unul din Republica Moldova."),
        ("ru", "Номер без кода страны читается как номер страны Молдова."),
        ("uk", "Номер без коду країни читається як номер країни Молдова."),
        ("en", "A local number is read as one of Moldova."),
    ],
)
def test_the_phone_hint_names_the_country_in_the_readers_language(
    make_counterparty: Callable[..., Counterparty], collector: User, language: str, said: str
) -> None:
    cp = make_counterparty(collector=collector, country="MD", time_zone="Europe/Chisinau")
    User.objects.filter(pk=collector.pk).update(language=language)
    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:contact_add", args=[cp.pk])).content.decode()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert text.count(said) == 2  # the phone and the second phone
    assert " MD." not in text
