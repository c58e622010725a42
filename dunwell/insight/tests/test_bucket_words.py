"""One word for the bucket of documents not yet due across the KPI page, the aging page and
their exports, and the same word as the debtor card's: the KPI page said "Не просрочено" in its
roll rates and recovery odds (the aging bucket) and "Срок не наступил" in its column, Romanian
"În termen" beside "Nescadent"."""

from __future__ import annotations

import gettext as stdlib_gettext
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document
from dunwell.work.bucket_names import bucket_name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    debtor = make_counterparty(collector=collector, name="Team Debtor SRL")
    make_document(debtor, "1234.50", date=date(2026, 3, 1), due_date=date(2026, 4, 20))
    make_document(debtor, "500.00", date=date(2026, 1, 5), due_date=date(2026, 2, 4))


def _sheet_texts(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]


@pytest.mark.parametrize(
    ("lang", "word", "other"),
    [("ru", "Срок не наступил", "Не просрочено"), ("uk", "Строк не настав", "Не прострочено"),
     ("ro", "Nescadent", "În termen"), ("en", "Not yet due", "Current")],
)  # fmt: skip
def test_not_yet_due_is_one_word_on_the_kpi_and_aging_pages_and_exports(
    client: Client, ledger: None, director: User, lang: str, word: str, other: str
) -> None:
    with translation.override(lang):
        assert bucket_name("current") == word  # the debtor card's and the debtor list's
    director.language = lang
    director.save(update_fields=["language"])
    client.force_login(director)
    kpis = client.get(reverse("insight:metrics")).content.decode()
    assert f'<th class="num">{word}</th>' in kpis  # the column
    assert f"<th>{word} → 1–30</th>" in kpis  # the roll rates
    assert f"<tr><th>{word}</th>" in kpis  # the recovery odds
    aging = client.get(reverse("insight:aging")).content.decode()
    assert f'<th class="num">{word}</th>' in aging
    for html in (kpis, aging):
        assert f">{other}<" not in html and f">{other} →" not in html
    for name in ("insight:aging_export", "insight:metrics_export"):
        texts = _sheet_texts(client.get(reverse(name)).content)
        assert any(t == word or t.startswith(f"{word} →") for t in texts), name
        assert not any(t == other or t.startswith(f"{other} →") for t in texts), name


@pytest.mark.parametrize(
    ("lang", "other"), [("ru", "Не просрочено"), ("uk", "Не прострочено"), ("ro", "În termen")]
)
def test_the_insight_catalogue_keeps_no_second_word_for_not_yet_due(lang: str, other: str) -> None:
    mo = Path(__file__).resolve().parent.parent / "locale" / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fh:
        catalogue = stdlib_gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    assert other not in catalogue.values()
