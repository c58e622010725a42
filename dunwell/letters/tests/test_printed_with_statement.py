"""Printing a letter for the post prints the documents ticked to go with it: the collector
who ticks "Statement of account (PDF)" and presses "Print for post" gets one PDF to print
and put in the envelope, the letter first and then the statement of each currency. Before,
the PDF held the letter only (the statement was stored on the outbox message, which nobody
prints), so the debtor got a letter "with a statement" and no statement. Read from the PDF
as the debtor reads it (pdftotext)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from .test_compose import form, url

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def _print(client: Any, debtor: Any, task: Any, attach: list[str]) -> bytes:
    data = form(client.get(url(debtor, task)))
    data.update(task=task.pk, send="post", attach=attach)
    page = client.post(reverse("letters:compose"), data)
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    return bytes(page.content)


def test_the_ticked_statement_is_printed_after_the_letter(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any, tmp_path: Path
) -> None:
    client.force_login(collector)
    text = _text(_print(client, debtor, letter_task, ["statement"]), tmp_path)
    letter = text.index("OUT-2026-0001")
    # the statement of each currency follows the letter, with the debtor's documents
    statements = [i for i in range(len(text)) if text.startswith("EXTRAS DE CONT", i)]
    assert len(statements) == 2, text  # EUR and RON
    assert letter < statements[0]
    after = text[statements[0] :]
    assert "F-101" in after and "F-EU-7" in after
    assert "1.500,00" in after and "300,00" in after


def test_nothing_ticked_prints_the_letter_alone(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any, tmp_path: Path
) -> None:
    client.force_login(collector)
    text = _text(_print(client, debtor, letter_task, []), tmp_path)
    assert "OUT-2026-0001" in text
    assert "EXTRAS DE CONT" not in text


def test_the_statement_sent_with_a_letter_has_no_blank_number(
    client: Any, collector: Any, debtor: Any, letter_task: Any, frozen: Any, tmp_path: Path
) -> None:
    """A statement made for a letter is not registered among the legal documents and has no
    number of its own: it read "Nr.  din 10.03.2026" (uk "№  від …"), a blank form's line;
    it now names its day where it says what it lists, without the blank number."""
    client.force_login(collector)
    text = _text(_print(client, debtor, letter_task, ["statement"]), tmp_path)
    after = text[text.index("EXTRAS DE CONT") :]
    assert not re.search(r"Nr\.\s+din", after), after
    assert "Documente neachitate la 10.03.2026" in after
