"""`dunwell aging` in its three formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    mine = make_counterparty(collector=collector, name="Mine SRL")
    other = make_counterparty(name="Elsewhere SRL")
    make_document(mine, "100.00", due_date=date(2026, 3, 20))
    make_document(other, "50.00", currency="EUR", due_date=date(2025, 9, 1))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("aging", *args, stdout=out)
    return out.getvalue()


def test_json_has_rows_and_totals_per_currency(ledger: None) -> None:
    data = json.loads(run("--as-of=2026-03-31", "--by=counterparty", "--format=json"))
    assert data["as_of"] == "2026-03-31"
    assert [b["label"] for b in data["buckets"]][-1] == "180+"
    assert data["totals"]["RON"]["buckets"]["d1_30"] == "100.00"
    assert data["totals"]["EUR"]["buckets"]["over_180"] == "50.00"
    assert data["totals"]["EUR"]["total"] == "50.00"
    assert {row["currency"] for row in data["rows"]} == {"RON", "EUR"}


def test_csv_has_a_header_rows_and_totals(ledger: None) -> None:
    text = run("--as-of=2026-03-31", "--by=currency", "--format=csv", "--buckets=30,90")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Currency",
        "Currency",
        "Not yet due",
        "1–30",
        "31–90",
        "90+",
        "Total",
        "Documents",
    ]
    assert ["EUR", "EUR", "0.00", "0.00", "0.00", "50.00", "50.00", "1"] in rows
    assert ["Total", "RON", "0.00", "100.00", "0.00", "0.00", "100.00", "1"] in rows


def test_table_is_aligned_text(ledger: None) -> None:
    text = run("--as-of=2026-03-31", "--format=table")
    lines = text.splitlines()
    assert lines[0].startswith("Counterparty")
    assert set(lines[1]) <= {"-", " "}
    assert any("Mine SRL" in line and "100.00" in line for line in lines)


def test_historic_as_of_excludes_later_documents(ledger: None) -> None:
    data = json.loads(run("--as-of=2025-12-31", "--format=json"))
    assert data["totals"] == {} or "RON" not in data["totals"]


def test_user_option_restricts_to_what_the_user_sees(ledger: None, collector: User) -> None:
    data = json.loads(run("--as-of=2026-03-31", "--format=json", f"--user={collector.username}"))
    assert [row["label"].split(" (")[0] for row in data["rows"]] == ["Mine SRL"]


def test_default_as_of_is_today(ledger: None) -> None:
    with time_machine.travel("2026-03-31 10:00:00+00:00", tick=False):
        data = json.loads(run("--format=json"))
    assert data["as_of"] == "2026-03-31"


def test_bad_buckets_are_refused(ledger: None) -> None:
    with pytest.raises(CommandError, match="--buckets"):
        run("--buckets=60,30")
