"""The generator's sales deals (stage progression, won deals followed by orders) and its
payment drift (everybody a little later over time; some debtors change behaviour)."""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from dunwell.demo.generator import DEAL_STAGES, generate

AS_OF = date(2026, 3, 16)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("gen")
    paths = generate(out, debtors=300, documents=12_000, seed=11, as_of=AS_OF)
    return {name: rows(path) for name, path in paths.items()}


def test_deals_reach_every_stage_and_some_are_won_lost_or_stuck(
    data: dict[str, list[dict[str, str]]],
) -> None:
    deals = data["deals"]
    stages = Counter(d["stage"] for d in deals)
    assert set(stages) == {code for code, _u, _l in DEAL_STAGES} | {"won", "lost"}
    usual = {code: days for code, days, _l in DEAL_STAGES}
    stuck = [
        d
        for d in deals
        if d["stage"] in usual
        and (AS_OF - date.fromisoformat(d["stage_entered_on"])).days > usual[d["stage"]]
    ]
    assert stuck and len(stuck) < stages.total() // 2
    for d in deals:
        assert date.fromisoformat(d["stage_entered_on"]) <= AS_OF
        owner = d["owner"]
        assert owner.startswith("sales")


def test_every_won_deal_is_followed_by_its_order(data: dict[str, list[dict[str, str]]]) -> None:
    won = [d for d in data["deals"] if d["stage"] == "won"]
    orders = {o["external_id"].replace("OR", "DL"): o for o in data["orders"]}
    assert won and len(orders) == len(won)
    for deal in won:
        order = orders[deal["external_id"]]
        assert (order["amount"], order["currency"]) == (deal["amount"], deal["currency"])
        assert order["status"] in {"confirmed", "invoiced"}


def _delays(data: dict[str, list[dict[str, str]]]) -> dict[str, list[tuple[date, int]]]:
    """Per debtor: (due date, days paid after due) of the documents paid by one payment
    naming them."""
    due = {d["external_id"]: d for d in data["documents"] if d["due_date"]}
    named: dict[str, list[str]] = defaultdict(list)
    for p in data["payments"]:
        if p["document"] in due:
            named[p["document"]].append(p["date"])
    result: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for doc_id, days in named.items():
        if len(days) != 1:
            continue
        d = due[doc_id]
        day = date.fromisoformat(d["due_date"])
        result[d["counterparty"]].append((day, (date.fromisoformat(days[0]) - day).days))
    return result


def test_payments_drift_later_over_the_history(data: dict[str, list[dict[str, str]]]) -> None:
    """Documents due in the oldest half-year against those due 280 to 100 days before as_of:
    the later ones are paid later on average. Both count only payments at most 100 days
    after due (a later one of the newer documents has not happened yet)."""
    old_start = AS_OF - timedelta(days=540)
    new_start, new_end = AS_OF - timedelta(days=280), AS_OF - timedelta(days=100)
    old, new = [], []
    for values in _delays(data).values():
        for day, late in values:
            if late > 100:
                continue
            if old_start <= day < old_start + timedelta(days=180):
                old.append(late)
            elif new_start <= day < new_end:
                new.append(late)
    assert statistics.mean(new) > statistics.mean(old) + 2


def test_some_debtors_change_behaviour(data: dict[str, list[dict[str, str]]]) -> None:
    """A debtor whose median delay moves by three weeks between the first and the second half
    of their history: some such debtors exist, and they are a minority."""
    moved = 0
    total = 0
    for values in _delays(data).values():
        values.sort()
        if len(values) < 10:
            continue
        total += 1
        half = len(values) // 2
        first = statistics.median(v for _d, v in values[:half])
        second = statistics.median(v for _d, v in values[half:])
        moved += abs(second - first) >= 21
    assert 0 < moved < total // 2
