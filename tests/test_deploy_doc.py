"""docs/deploy.md and bench/pgtune.py recommend the same PostgreSQL settings: the benchmarks
run with what the documentation tells operators to use."""

from __future__ import annotations

import re
from pathlib import Path

from bench.pgtune import SMALL

DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


def _small_server_table() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A 2-core server", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| `([^`]+)` \|", section, flags=re.MULTILINE))


def test_the_documented_settings_are_the_benchmarks_settings() -> None:
    assert _small_server_table() == SMALL
