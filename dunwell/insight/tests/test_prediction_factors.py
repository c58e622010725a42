"""Top factors of each prediction (issue 14, item 2): stored with the scores, shown on the
debtor card, and fed into the worklist priority ("likely to pay late")."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.insight.models import DocumentPrediction
from dunwell.insight.prediction.features import FEATURES
from dunwell.insight.prediction.model import rescore_if_due, store_scores, train
from dunwell.insight.tests.test_predict_command import ledger  # noqa: F401 - a fixture
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Counterparty, Document
from dunwell.work.logic import PriorityInput, priority

AS_OF = date(2026, 4, 15)


@pytest.fixture
def scored(ledger: list[Document], settings: Any, tmp_path: Path) -> list[Document]:  # noqa: F811
    settings.DATA_DIR = tmp_path
    train(AS_OF)
    assert store_scores(AS_OF) == len(ledger)
    return ledger


def test_every_open_document_gets_a_prediction_with_its_top_factors(
    scored: list[Document],
) -> None:
    latest = max(scored, key=lambda d: d.counterparty_id)  # the customer 45 days late, always
    prediction = DocumentPrediction.objects.get(document=latest)
    assert prediction.late_probability > 0.5 and prediction.model_version == 1
    assert prediction.expected_payment >= AS_OF
    assert 1 <= len(prediction.factors) <= 3
    names = [name for name, _value in prediction.factors]
    assert set(names) <= set(FEATURES)
    values = [value for _name, value in prediction.factors]
    assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
    # The customer's own lateness is what gives it away.
    assert names[0] in {"mean_days_late", "share_late", "trend_days_late", "overdue_now"}


def test_the_worker_rescores_once_a_day_and_after_a_new_model(
    scored: list[Document], settings: Any
) -> None:
    from dunwell import periodic

    assert periodic.JOBS["insight.rescore_prediction"] is rescore_if_due
    assert rescore_if_due(AS_OF) is None  # scored today with the newest model
    assert rescore_if_due(AS_OF + timedelta(days=1)) == len(scored)
    train(AS_OF + timedelta(days=1))
    assert rescore_if_due(AS_OF + timedelta(days=1)) == len(scored)
    assert set(DocumentPrediction.objects.values_list("model_version", flat=True)) == {2}


def test_predict_score_store_writes_them(
    ledger: list[Document],  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("predict", "train", "--as-of", AS_OF.isoformat(), stdout=out)
    call_command("predict", "score", "--as-of", AS_OF.isoformat(), "--store", stdout=out)
    assert f"stored {len(ledger)} predictions" in out.getvalue()


def test_the_debtor_card_shows_the_chance_and_the_factors_in_russian(
    scored: list[Document], make_user: Callable[..., User]
) -> None:
    latest = max(scored, key=lambda d: d.counterparty_id)
    cp = latest.counterparty
    director = make_user("dora", "director", language="ru")
    client = Client()
    client.force_login(director)
    html = client.get(reverse("work:debtor", args=[cp.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    text = html.content.decode()
    assert "Прогноз оплаты" in text and "Главные факторы" in text
    assert latest.number in text
    chance = DocumentPrediction.objects.get(document=latest).late_probability
    percent = round(100 * chance)
    if percent == 100 and chance < 1:  # short of certain (the test below)
        percent = 99
    assert f">{percent}%</td>" in text  # as the language writes a percent (|percent)


def test_a_chance_short_of_certain_never_reads_as_certain(
    scored: list[Document], make_user: Callable[..., User]
) -> None:
    latest = max(scored, key=lambda d: d.counterparty_id)
    DocumentPrediction.objects.filter(document=latest).update(late_probability=0.9998)
    row = prediction_row(latest, make_user("dora", "director", language="ru"))
    assert ">99%</td>" in row and "100%" not in row


def prediction_row(document: Document, reader: User) -> str:
    """The debtor card's prediction row of `document`, as `reader` sees it."""
    client = Client()
    client.force_login(reader)
    text = client.get(reverse("work:debtor", args=[document.counterparty_id])).content.decode()
    row = text[text.index(document.number, text.index('id="payment-prediction"')) :]
    return row[: row.index("</tr>")]


def test_the_card_never_expects_an_open_document_to_be_paid_in_the_past(
    scored: list[Document], make_user: Callable[..., User]
) -> None:
    # Scored on AS_OF, months ago: a stored day that has gone by reads as today.
    latest = max(scored, key=lambda d: d.counterparty_id)
    stored = DocumentPrediction.objects.get(document=latest).expected_payment
    today = timezone.localdate()
    assert stored < today
    row = prediction_row(latest, make_user("dora", "director", language="ru"))
    assert today.strftime("%d.%m.%Y") in row
    assert stored.strftime("%d.%m.%Y") not in row


# --- the worklist priority ------------------------------------------------------------------


def test_priority_gives_points_for_a_likely_late_payer_only_above_even_odds() -> None:
    base: dict[str, Any] = {
        "amount_overdue": Decimal(0),
        "max_days_overdue": 0,
        "broken_promises": 0,
        "step_rank": 0,
        "task_late_days": 0,
    }
    assert priority(PriorityInput(**base, late_probability=0.9)).reasons == [("likely_late", 8)]
    assert priority(PriorityInput(**base, late_probability=1.0)).reasons == [("likely_late", 10)]
    assert priority(PriorityInput(**base, late_probability=0.5)).reasons == []
    assert priority(PriorityInput(**base)).reasons == []  # no model: nothing


def test_the_worklist_puts_the_likely_late_debtor_first_without_a_query_per_row(
    collector: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    django_assert_max_num_queries: Any,
) -> None:
    from dunwell.work.selectors import worklist

    today = timezone.localdate()
    debtors = []
    for name in ("Calm SRL", "Risky SRL", "Other SRL"):
        cp = make_counterparty(collector=collector, name=name)
        doc = make_document(cp, "500.00", date=today - timedelta(days=5), due_date=today)
        DocumentPrediction.objects.create(
            document=doc,
            counterparty=cp,
            late_probability=0.95 if name == "Risky SRL" else 0.2,
            expected_payment=today + timedelta(days=30),
            factors=[["share_late", 0.3]],
            model_version=1,
            scored_on=today,
        )
        ladder.create_manual_task(
            counterparty=cp,
            assignee=collector,
            action="call",
            due_at=timezone.now(),
            title=f"Call {name}",
            user=None,
        )
        debtors.append(cp)
    with django_assert_max_num_queries(12):
        items = worklist(collector, timezone.now()).items
    assert items[0].task.counterparty.name == "Risky SRL"
    assert ("likely_late", 9) in items[0].priority.reasons
    assert all(not any(n == "likely_late" for n, _p in i.priority.reasons) for i in items[1:])


def test_scoring_rows_alike_once_gives_every_rows_own_contributions() -> None:
    """`top_factors` scores one row of each group of rows alike in the features revealed so
    far; the factors are those of scoring every row, as the plain sampled Shapley does."""
    import random

    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from dunwell.insight.prediction.model import FACTOR_ORDERS, TOP_FACTORS, top_factors

    rng = np.random.default_rng(7)
    width = len(FEATURES)
    customers = rng.normal(size=(40, width))
    # 600 documents of 40 customers: the customer's features shared, three of their own, some
    # missing; a few documents exact copies of others.
    x = customers[rng.integers(0, 40, 600)]
    x[:, -3:] = rng.integers(0, 5, size=(600, 3))
    x[rng.random(x.shape) < 0.05] = np.nan
    x[500:] = x[:100]
    late = (np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, -1]) / 3 + rng.normal(size=600)) > 0.5
    classifier = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(x, late)

    # The plain computation: every row scored at every step.
    contributions = np.zeros_like(x)
    orders = random.Random(0)
    unknown = np.full_like(x, np.nan)
    start = classifier.decision_function(unknown)
    for _ in range(FACTOR_ORDERS):
        order = list(range(width))
        orders.shuffle(order)
        current, before = unknown.copy(), start
        for j in order:
            current[:, j] = x[:, j]
            after = classifier.decision_function(current)
            contributions[:, j] += after - before
            before = after
    contributions /= FACTOR_ORDERS
    expected = []
    for row in contributions:
        ranked = sorted(range(width), key=lambda j: -row[j])[:TOP_FACTORS]
        expected.append([[FEATURES[j], round(row[j], 4)] for j in ranked if row[j] >= 0.05])

    found = top_factors(classifier, x.tolist())
    assert found == expected
    assert sum(1 for f in found if f) > 300  # most rows have a factor: the test compares them
