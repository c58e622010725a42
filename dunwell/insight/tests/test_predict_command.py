"""`dunwell predict`: evaluation on a time split against the baseline, a stored versioned
model, scores of the open documents."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dunwell.ledger.models import Counterparty, Document, Payment

SPLIT = date(2026, 1, 1)


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
) -> list[Document]:
    """Twelve customers, each with its own habit (from 10 days early to 50 days late), a
    document a fortnight through 2025 and early 2026; the newest stay open."""
    rng = random.Random(7)
    open_docs = []
    for c in range(12):
        cp = make_counterparty()
        habit = -10 + 5 * c
        for k in range(30):
            issued = date(2025, 1, 6) + timedelta(days=14 * k + c)
            due = issued + timedelta(days=30)
            document = make_document(cp, "1000.00", date=issued, due_date=due)
            paid = due + timedelta(days=habit + rng.randint(-3, 3))
            if paid < date(2026, 4, 15):
                pay(document, "1000.00", paid)
            else:
                open_docs.append(document)
    return open_docs


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("predict", *args, stdout=out)
    return out.getvalue()


def test_evaluate_reports_the_model_and_the_baseline(ledger: list[Document]) -> None:
    result = json.loads(run("evaluate", "--split-date", SPLIT.isoformat(), "--format", "json"))
    assert result["split_date"] == "2026-01-01" and result["late_after_days"] == 0
    assert result["n_train"] > 100 and result["n_test"] > 10
    for scores in (result, result["baseline"]):
        assert set(scores) >= {"auc", "brier", "accuracy", "mae_days"}
        assert 0 <= scores["brier"] <= 1 and 0 <= scores["accuracy"] <= 1
    # Each customer keeps its habit: both know who pays late.
    assert result["auc"] > 0.9 and result["baseline"]["auc"] > 0.9
    assert result["mae_days"] < 10


def test_a_split_with_nothing_to_train_on_is_refused(ledger: list[Document]) -> None:
    with pytest.raises(CommandError, match="too few"):
        run("evaluate", "--split-date", "2024-01-01")
    with pytest.raises(CommandError, match="--late-after-days"):
        run("evaluate", "--split-date", "2026-01-01", "--late-after-days", "x")


def test_train_stores_a_new_version_and_score_uses_it(
    ledger: list[Document], settings: object, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    assert json.loads(run("score", "--as-of", "2026-04-15")) == []  # no model yet
    assert "payment-v1.joblib" in run("train", "--as-of", "2026-04-15")
    assert "payment-v2.joblib" in run("train", "--as-of", "2026-04-15")
    card = json.loads((tmp_path / "models" / "payment-v2.json").read_text())
    assert card["version"] == 2 and card["trained_as_of"] == "2026-04-15"
    scores = {s["document"]: s for s in json.loads(run("score", "--as-of", "2026-04-15"))}
    assert set(scores) == {d.pk for d in ledger}
    latest_habit = max(ledger, key=lambda d: d.counterparty_id)  # 45 days late, always
    assert scores[latest_habit.pk]["late_probability"] > 0.5
    assert all(s["expected_payment"] >= "2026-04-15" for s in scores.values())


def test_the_worker_retrains_once_a_week(
    ledger: list[Document], settings: object, tmp_path: Path
) -> None:
    from dunwell import periodic
    from dunwell.insight.prediction.model import retrain_if_due

    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    assert periodic.JOBS["insight.retrain_prediction"] is retrain_if_due
    first = retrain_if_due(date(2026, 4, 15))
    assert first is not None and first.name == "payment-v1.joblib"
    assert retrain_if_due(date(2026, 4, 21)) is None  # six days later: still fresh
    second = retrain_if_due(date(2026, 4, 22))
    assert second is not None and second.name == "payment-v2.joblib"


def test_the_worker_job_is_quiet_without_data(settings: object, tmp_path: Path, db: None) -> None:
    from dunwell.insight.prediction.model import retrain_if_due

    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    assert retrain_if_due(date(2026, 4, 15)) is None
    assert not list(tmp_path.glob("models/*"))
