"""The demo's debtors bear names of their own, and its Romanian text writes ș and ț.

In the 300-debtor demo two debtors were 'ProdGrup SRL' (and three 'TransGrup SRL'): a collector
or a supervisor searching the name found two and had to tell them apart by tax id."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dunwell.demo.generator import generate
from dunwell.demo.setup import DEMO_SEED

AS_OF = date(2026, 12, 7)
ROOT = Path(__file__).resolve().parents[3]


def _names(out: Path, debtors: int, documents: int) -> list[str]:
    paths = generate(out, debtors=debtors, documents=documents, seed=DEMO_SEED, as_of=AS_OF)
    with paths["counterparties"].open(encoding="utf-8", newline="") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def test_the_demos_debtors_each_bear_their_own_name(tmp_path: Path) -> None:
    names = _names(tmp_path, 300, 3_000)
    assert [name for name, n in Counter(names).items() if n > 1] == []
    assert sum(1 for name in names if name.startswith("ProdGrup ")) >= 1


def test_when_every_name_of_a_legal_form_is_taken_a_number_tells_them_apart(
    tmp_path: Path,
) -> None:
    names = _names(tmp_path, 2_000, 4_000)
    assert len(set(names)) == len(names)
    numbered = [name for name in names if re.search(r" \d+ (SRL|SA)$", name)]
    assert numbered  # 2,000 debtors outgrow the 81 stems and suffixes of a form
    assert all(re.fullmatch(r"(ÎM )?\w+ \d+ (SRL|SA)", name) for name in numbered), numbered[:5]


# Romanian writes ș and ț with a comma below; ş and ţ (cedilla) are Turkish letters that old
# keyboards and fonts put in Romanian text.
CEDILLA = re.compile("[şţŞŢ]")


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(ROOT))
        for pattern in ("dunwell/*/locale/ro/LC_MESSAGES/django.po", "dunwell/demo/*.py")
        for p in ROOT.glob(pattern)
    )
    + ["dunwell/ledger/samples.py"],
)
def test_the_romanian_we_ship_writes_s_and_t_with_a_comma_below(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    found = [line.strip() for line in text.splitlines() if CEDILLA.search(line)]
    assert found == []
