"""Reports grouped by segment name it in the reader's language, as the debtor list and the
card do: the demo's Romanian aging read "Key customer" and "New customer" beside a debtor
list of "Client cheie" and "Client nou", and the Russian KPIs "RUB — Key customer"."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document, Segment

NAMES = {"ru": "Ключевой клиент", "uk": "Ключовий клієнт", "ro": "Client cheie"}


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def key_debtor(
    make_counterparty: Callable[..., Counterparty], make_document: Callable[..., Document]
) -> Counterparty:
    key = Segment.objects.get(code="key")
    key.name, key.names = "Key customer", NAMES
    key.save(update_fields=["name", "names"])
    debtor = make_counterparty(name="Cheie SRL", segment=key)
    make_document(debtor, "1234.50", date=date(2026, 2, 1), due_date=date(2026, 3, 1))
    return debtor


def _reader(director: User, language: str) -> Client:
    director.language = language
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("language", ["ro", "ru"])
def test_the_aging_page_and_its_export_name_the_segment_in_the_readers_language(
    language: str, key_debtor: Counterparty, director: User
) -> None:
    client = _reader(director, language)
    text = _text(client.get(reverse("insight:aging"), {"by": "segment"}).content.decode())
    assert NAMES[language] in text and "Key customer" not in text
    response = client.get(reverse("insight:aging_export"), {"by": "segment"})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows(values_only=True) if len(row) > 1 and row[1] == "RON"]
    assert rows[0][0] == NAMES[language]


def test_the_kpis_name_the_segment_in_the_readers_language(
    key_debtor: Counterparty, director: User
) -> None:
    client = _reader(director, "ru")
    page = client.get(reverse("insight:metrics"), {"by": "segment", "as_of": "2026-03-31"})
    text = _text(page.content.decode())
    assert "RON — Ключевой клиент" in text and "Key customer" not in text
    response = client.get(reverse("insight:metrics_export"), {"by": "segment"})
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    groups = {
        row[1]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        if len(row) > 1
    }
    assert "Ключевой клиент" in groups and "Key customer" not in groups


def test_english_keeps_the_segments_name(key_debtor: Counterparty, director: User) -> None:
    client = _reader(director, "en")
    text = _text(client.get(reverse("insight:aging"), {"by": "segment"}).content.decode())
    assert "Key customer" in text
