from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def test_generate_writes_every_file_and_prints_progress(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "generate",
        "--debtors=12",
        "--documents=150",
        "--seed=5",
        f"--out={tmp_path}",
        "--as-of=2026-01-31",
        stdout=out,
    )
    text = out.getvalue()
    assert "documents: 150/150 (100%)" in text
    assert "documents.csv: 150 rows" in text
    assert (tmp_path / "payments.csv").exists()
    assert (tmp_path / "users.csv").exists()


def test_generate_rejects_a_bad_as_of_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command(
            "generate", "--debtors=1", "--documents=1", f"--out={tmp_path}", "--as-of=31.01.2026"
        )
