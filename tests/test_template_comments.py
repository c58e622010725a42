"""Django's `{# … #}` comment ends on its line: one spread over two lines is printed on the page
as it is ("{# Save above the calendar: … #}" stood above the policy editor's Save button).
Longer comments use {% comment %}."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "dunwell"
UNCLOSED = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def test_no_template_comment_spreads_over_two_lines() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(ROOT.glob("**/templates/**/*.html"))
        for text in [path.read_text(encoding="utf-8")]
        for match in UNCLOSED.finditer(text)
    ]
    assert not found, f"a {{# comment #}} must end on its own line: {found}"
