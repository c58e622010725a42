"""Payment prediction: read the ledger into point-in-time features, train, evaluate on a time
split against a baseline, store a versioned model (docs/metrics.md, "Payment prediction").

Two gradient-boosted models (scikit-learn's HistGradientBoosting, which takes missing values
as they are): one gives the probability that a document is paid more than N days after its
due date, the other the days after due it will be paid (the expected payment date).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from dunwell.insight.prediction.columns import (
    OPEN,
    FloatArray,
    IntArray,
    LedgerColumns,
    features_at,
    features_on,
)
from dunwell.insight.prediction.features import FEATURES

MODEL_KIND = "payment"


BATCH_ROWS = 100_000


def _ordinal(column: str) -> str:
    """SQL for the proleptic Gregorian ordinal (`date.toordinal()`) of a date column."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"
    return f"({column} - DATE '0001-01-01' + 1)"


def _fetch_array(cursor: Any, sql: str, params: list[Any], width: int) -> Any:
    """All rows of `sql` as one float64 array (ids, ordinals and counts are exact in it),
    converted a batch of BATCH_ROWS rows at a time."""
    import numpy as np

    cursor.execute(sql, params)
    parts = []
    while batch := cursor.fetchmany(BATCH_ROWS):
        parts.append(np.array(batch, dtype=np.float64))
    return np.concatenate(parts) if parts else np.zeros((0, width))


def read_columns() -> LedgerColumns:
    """Every document that is not cancelled, with the day its payment completed (the last
    allocation, when nothing is left open), and the customers' disputes and broken promises,
    as numpy columns (columns.py): the days as ordinals and the amounts as floats computed by
    the database, in batches, so no Python object is made per document. The documents and
    their allocations (last day, count) are two plain scans matched in numpy: joined in SQL,
    the hash join of a million rows took three times as long on PostgreSQL (3.2 s against
    1.2 s)."""
    import numpy as np

    with connection.cursor() as cursor:
        table = _fetch_array(
            cursor,
            f"SELECT id, counterparty_id, {_ordinal('date')}, {_ordinal('due_date')}, "  # noqa: S608
            "CASE WHEN open_amount = 0 THEN 1 ELSE 0 END, CAST(amount AS DOUBLE PRECISION) "
            "FROM ledger_document WHERE cancelled = %s",
            [False],
            6,
        )
        allocations = _fetch_array(
            cursor,
            f"SELECT document_id, {_ordinal('MAX(paid_on)')}, COUNT(*) "  # noqa: S608
            "FROM ledger_allocation GROUP BY document_id",
            [],
            3,
        )
        cursor.execute("SELECT counterparty_id, registered_at FROM ladder_dispute")
        disputes = [(c, _day(at).toordinal()) for c, at in cursor.fetchall()]
        cursor.execute(
            "SELECT counterparty_id, resolved_at FROM ladder_promise "
            "WHERE status = %s AND resolved_at IS NOT NULL",
            ["broken"],
        )
        broken = [(c, _day(at).toordinal()) for c, at in cursor.fetchall()]
    ids = table[:, 0].astype(np.int64)
    # Each document's row among the allocations' (sorted by document; -1: none).
    allocations = allocations[np.argsort(allocations[:, 0], kind="stable")]
    allocations = np.vstack([allocations, [[-1.0, 0.0, 0.0]]])  # a row for "not found"
    where = np.searchsorted(allocations[:-1, 0], ids)
    found = allocations[where, 0] == ids
    where[~found] = len(allocations) - 1
    last_paid = allocations[where, 1].astype(np.int64)
    payments = allocations[where, 2].astype(np.int64)
    closed = (table[:, 4] == 1) & found
    events = np.array(disputes, dtype=np.int64).reshape(-1, 2)
    broken_events = np.array(broken, dtype=np.int64).reshape(-1, 2)
    return LedgerColumns(
        id=ids,
        customer=table[:, 1].astype(np.int64),
        issued=table[:, 2].astype(np.int64),
        due=table[:, 3].astype(np.int64),
        paid=np.where(closed, last_paid, OPEN),
        payments=payments,
        amount=table[:, 5].copy(),
        dispute_customer=events[:, 0],
        dispute_day=events[:, 1],
        broken_customer=broken_events[:, 0],
        broken_day=broken_events[:, 1],
    )


def _day(value: Any) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if hasattr(value, "date") and callable(value.date):
        return value.date()  # type: ignore[no-any-return]
    assert isinstance(value, date)
    return value


@dataclass
class Scores:
    auc: float | None
    brier: float
    accuracy: float
    mae_days: float

    def as_dict(self) -> dict[str, float | None]:
        return {
            "auc": _round(self.auc),
            "brier": _round(self.brier),
            "accuracy": _round(self.accuracy),
            "mae_days": _round(self.mae_days, 2),
        }


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None or math.isnan(value) else round(value, places)


def score(late: list[bool], probability: list[float], error_days: list[float]) -> Scores:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    auc = roc_auc_score(late, probability) if len(set(late)) == 2 else None
    return Scores(
        auc=float(auc) if auc is not None else None,
        brier=float(brier_score_loss(late, probability)),
        accuracy=sum((p >= 0.5) == y for p, y in zip(probability, late, strict=True)) / len(late),
        mae_days=sum(abs(e) for e in error_days) / len(error_days),
    )


# Recent outcomes count more: a training document weighs exp(−age / DECAY_DAYS) in the late
# classifier, its age being the days from its issue to the training day. Payment behaviour
# drifts (docs/metrics.md: 120 days measured best of 60, 90, 120, 180 and 365 on the 2026-06-01
# split; the 2026-04-01 split, not tuned on, is reported beside it).
DECAY_DAYS = 120.0


def recency_weights(ledger: LedgerColumns, rows: IntArray, day: int) -> FloatArray:
    """exp(−age ÷ DECAY_DAYS) of each document at `rows`, its age being the days from its
    issue to `day` (an ordinal). math.exp once per distinct age (a few thousand): the same
    weights, bit for bit, as computed document by document before."""
    import numpy as np

    ages, inverse = np.unique(day - ledger.issued[rows], return_inverse=True)
    weights = np.array([math.exp(-age / DECAY_DAYS) for age in ages.tolist()], dtype=float)
    return weights[inverse.reshape(-1)]  # type: ignore[no-any-return]


def _fit(
    x: FloatArray, late: Any, days: FloatArray, weights: FloatArray | None = None
) -> tuple[Any, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    classifier = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        min_samples_leaf=100,
        l2_regularization=1.0,
        random_state=0,
    )
    classifier.fit(x, late, sample_weight=weights)
    regressor = HistGradientBoostingRegressor(
        loss="absolute_error", max_iter=200, learning_rate=0.08, random_state=0
    )
    regressor.fit(x, days)
    return classifier, regressor


def known_outcomes(ledger: LedgerColumns, day: int, late_after_days: int) -> IntArray:
    """The positions (in ledger order) of the documents whose outcome was known before `day`
    (an ordinal): paid before it, or still unpaid on it more than `late_after_days` after
    their due date (known to be late). Leaving the second kind out would teach the model that
    late payers pay early (the late ones are not paid yet)."""
    import numpy as np

    paid_before = ledger.paid < day  # an open document's paid day is OPEN, after every day
    known = paid_before | (ledger.due < day - late_after_days)
    return np.flatnonzero((ledger.issued < day) & known)


def outcomes_on(
    ledger: LedgerColumns, rows: IntArray, day: int, late_after_days: int
) -> tuple[Any, FloatArray]:
    """For documents in known_outcomes: late or not, as known on `day`, and the days after
    due they were paid, those still unpaid counted as paid on `day` (at least that late)."""
    import numpy as np

    paid = ledger.paid[rows]
    paid_before = paid < day
    late_days = np.where(paid_before, paid, day) - ledger.due[rows]
    late = ~paid_before | (late_days > late_after_days)
    return late, late_days.astype(float)


def _fit_known(
    ledger: LedgerColumns, rows: IntArray, day: int, late_after_days: int
) -> tuple[Any, Any]:
    """The classifier on every known outcome; the delay regressor on the documents paid
    before `day`, with those still unpaid counted as paid on `day` (at least that late).
    Each document's features as of its issue day, all at once (columns.py)."""
    x = features_at(ledger, rows, ledger.issued[rows], late_after_days)
    late, days = outcomes_on(ledger, rows, day, late_after_days)
    return _fit(x, late, days, recency_weights(ledger, rows, day))


class NotEnoughData(ValueError):
    """Too few paid documents on one side of the split to train or to test."""


def evaluate(split: date, late_after_days: int = 0) -> dict[str, Any]:
    """Train on the documents paid before `split`; test on those issued on or after it and
    already paid. The baseline predicts each customer's late share known on the issue day
    (the training set's late share for a new customer) and due + their average delay."""
    import numpy as np

    ledger = read_columns()
    day = split.toordinal()
    train = known_outcomes(ledger, day, late_after_days)
    test = np.flatnonzero((ledger.issued >= day) & (ledger.paid != OPEN))
    if len(train) < 20 or not len(test):
        raise NotEnoughData(
            f"{len(train)} documents with an outcome known before {split} to train on and "
            f"{len(test)} issued since and paid to test on: too few"
        )
    classifier, regressor = _fit_known(ledger, train, day, late_after_days)
    y_train, _days = outcomes_on(ledger, train, day, late_after_days)
    paid_before = ledger.paid[train] < day
    d_train = np.sort((ledger.paid[train] - ledger.due[train])[paid_before].astype(float))

    x_test = features_at(ledger, test, ledger.issued[test], late_after_days)
    actual = (ledger.paid[test] - ledger.due[test]).astype(float)
    y_test = (actual > late_after_days).tolist()
    probability = classifier.predict_proba(x_test)[:, 1]
    predicted = regressor.predict(x_test)
    model = score(y_test, probability.tolist(), (predicted - actual).tolist())

    prior = int(np.count_nonzero(y_train)) / len(y_train)
    prior_days = float(d_train[len(d_train) // 2]) if len(d_train) else 0.0
    # The customer's late share and mean delay known on the issue day are features already.
    share = x_test[:, FEATURES.index("share_late")]
    mean = x_test[:, FEATURES.index("mean_days_late")]
    base_p = np.where(np.isnan(share), prior, share)
    base_days = np.where(np.isnan(mean), prior_days, mean)
    baseline = score(y_test, base_p.tolist(), (base_days - actual).tolist())
    return {
        "split_date": split.isoformat(),
        "late_after_days": late_after_days,
        "n_train": len(train),
        "n_test": len(test),
        "decay_days": DECAY_DAYS,
        "late_share_train": _round(prior),
        "late_share_test": _round(sum(y_test) / len(y_test)),
        **model.as_dict(),
        "baseline": baseline.as_dict(),
        "features": list(FEATURES),
    }


def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def train(as_of: date, late_after_days: int = 0) -> Path:
    """Train on every document paid before `as_of` and store the model as the next version
    (`<data dir>/models/payment-v<N>.joblib`, with a JSON card beside it)."""
    import joblib

    ledger = read_columns()
    day = as_of.toordinal()
    known = known_outcomes(ledger, day, late_after_days)
    if len(known) < 20:
        raise NotEnoughData(f"{len(known)} documents with a known outcome: too few to train on")
    classifier, regressor = _fit_known(ledger, known, day, late_after_days)
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    version = 1 + max((_version(p) for p in folder.glob(f"{MODEL_KIND}-v*.joblib")), default=0)
    path = folder / f"{MODEL_KIND}-v{version}.joblib"
    card = {
        "kind": MODEL_KIND,
        "version": version,
        "trained_as_of": as_of.isoformat(),
        "late_after_days": late_after_days,
        "n_train": len(known),
        "decay_days": DECAY_DAYS,
        "features": list(FEATURES),
    }
    joblib.dump({"card": card, "classifier": classifier, "regressor": regressor}, path)
    path.with_suffix(".json").write_text(json.dumps(card, indent=2), encoding="utf-8")
    return path


def _version(path: Path) -> int:
    try:
        return int(path.stem.rsplit("-v", 1)[1])
    except (IndexError, ValueError):
        return 0


def latest_model() -> dict[str, Any] | None:
    import joblib

    paths = sorted(models_dir().glob(f"{MODEL_KIND}-v*.joblib"), key=_version)
    return joblib.load(paths[-1]) if paths else None  # type: ignore[no-any-return]


TOP_FACTORS = 3


FACTOR_ORDERS = 6  # random feature orders averaged for the contributions (fixed seed)


def top_factors(classifier: Any, x: list[list[float]], top: int = TOP_FACTORS) -> list[Any]:
    """For each row, the features that raise its probability of late payment most.

    A feature's contribution is a sampled Shapley value on the log-odds of late payment:
    starting from nothing known (every feature missing: the boosted trees follow their
    learned default branches), the features are revealed one by one in a random order, and
    each is credited with the change of the log-odds when it is revealed; averaged over
    FACTOR_ORDERS fixed orders. The contributions of a row add up to its log-odds minus the
    log-odds knowing nothing, and features that tell the same thing (the average delay, the
    late share) share the credit instead of hiding each other. Log-odds rather than the
    probability: near 0 or 1 a probability hardly moves while the evidence still adds up.
    Only contributions above 0.05, largest first.

    Rows alike in the features revealed so far have the same log-odds: each step scores one
    row of each such group (`_alike`), not every row. The first features of an order are often
    the customer's (shared by all their documents), so most steps score a fraction of the
    rows; the contributions are the same floats as scoring every row."""
    import random

    import numpy as np

    base = np.asarray(x, dtype=float)
    if not len(base):
        return []
    width = base.shape[1]
    contributions = np.zeros_like(base)
    rng = random.Random(0)
    unknown = np.full_like(base, np.nan)
    start = np.repeat(classifier.decision_function(unknown[:1]), len(base))
    for _ in range(FACTOR_ORDERS):
        order = list(range(width))
        rng.shuffle(order)
        group = np.zeros(len(base), dtype=np.int64)
        before = start
        for j in order:
            group, first = _alike(group, base[:, j])
            current = unknown[: len(first)].copy()
            revealed = order[: order.index(j) + 1]
            current[:, revealed] = base[np.ix_(first, revealed)]
            after = classifier.decision_function(current)[group]
            contributions[:, j] += after - before
            before = after
    contributions /= FACTOR_ORDERS
    # The `top` largest of each row, all rows at once (a stable sort: ties keep feature order).
    ranked = np.argsort(-contributions, axis=1, kind="stable")[:, :top]
    values = np.take_along_axis(contributions, ranked, axis=1)
    names = [FEATURES[j] for j in range(width)]
    return [
        [[names[j], round(v, 4)] for j, v in zip(r, vs, strict=True) if v >= 0.05]
        for r, vs in zip(ranked.tolist(), values.tolist(), strict=True)
    ]


def _alike(group: Any, column: Any) -> tuple[Any, Any]:
    """Rows grouped by (their group so far, their value in `column`; every NaN alike): each
    row's new group and the first row of each group."""
    import numpy as np

    _values, value = np.unique(column, return_inverse=True)
    pair = group * (int(value.max()) + 1) + value.reshape(-1)
    _pairs, first, new_group = np.unique(pair, return_index=True, return_inverse=True)
    return new_group.reshape(-1), first


@dataclass
class OpenScores:
    """The open documents scored on one day, as columns (positions match)."""

    document: Any  # numpy int64 arrays, then float64
    customer: Any
    probability: Any
    expected: Any  # expected payment day, ordinal: due + predicted delay, not before the day
    x: Any  # their features


def score_columns(as_of: date, stored: dict[str, Any] | None = None) -> OpenScores | None:
    """Every open document issued by `as_of`, scored with the latest model (or `stored`):
    one read of the ledger in columns, the features of all of them at once (columns.py),
    one call of each model. None without a model."""
    import numpy as np

    stored = stored or latest_model()
    if stored is None:
        return None
    ledger = read_columns()
    t = as_of.toordinal()
    rows = np.flatnonzero((ledger.paid == OPEN) & (ledger.issued <= t))
    x = features_on(ledger, rows, t, int(stored["card"]["late_after_days"]))
    if len(rows):
        probability = stored["classifier"].predict_proba(x)[:, 1]
        delay = np.round(stored["regressor"].predict(x)).astype(np.int64)
    else:
        probability, delay = np.zeros(0), np.zeros(0, dtype=np.int64)
    return OpenScores(
        document=ledger.id[rows],
        customer=ledger.customer[rows],
        probability=probability,
        expected=np.maximum(t, ledger.due[rows] + delay),
        x=x,
    )


def _iso_days(ordinals: Any) -> list[str]:
    """ISO strings of day ordinals (each distinct day formatted once)."""
    import numpy as np

    days, inverse = np.unique(ordinals, return_inverse=True)
    text = [date.fromordinal(int(d)).isoformat() for d in days]
    return [text[i] for i in inverse.tolist()]


def score_open(as_of: date, *, factors: bool = False) -> list[dict[str, Any]]:
    """Every open document with the latest model: probability of late payment and the
    expected payment date, as of `as_of` (and its top factors when asked)."""
    stored = latest_model()
    scored = score_columns(as_of, stored) if stored is not None else None
    if stored is None or scored is None or not len(scored.document):
        return []
    found = top_factors(stored["classifier"], scored.x) if factors else None
    result = [
        {
            "document": d,
            "customer": c,
            "late_probability": round(p, 4),
            "expected_payment": e,
        }
        for d, c, p, e in zip(
            scored.document.tolist(),
            scored.customer.tolist(),
            scored.probability.tolist(),
            _iso_days(scored.expected),
            strict=True,
        )
    ]
    if found is not None:
        for row, f in zip(result, found, strict=True):
            row["factors"] = f
    return result


def store_scores(as_of: date) -> int:
    """Score every open document and replace the stored predictions (one transaction):
    columns in, one bulk write out (COPY on PostgreSQL, executemany on SQLite)."""
    from django.db import transaction

    from dunwell.insight.models import DocumentPrediction

    stored = latest_model()
    if stored is None:
        return 0
    scored = score_columns(as_of, stored)
    assert scored is not None
    found = top_factors(stored["classifier"], scored.x)
    version = int(stored["card"]["version"])
    day = as_of.isoformat()
    rows = [
        (d, c, round(p, 4), e, json.dumps(f), version, day)
        for d, c, p, e, f in zip(
            scored.document.tolist(),
            scored.customer.tolist(),
            scored.probability.tolist(),
            _iso_days(scored.expected),
            found,
            strict=True,
        )
    ]
    table = connection.ops.quote_name(DocumentPrediction._meta.db_table)
    columns = (
        "document_id, counterparty_id, late_probability, expected_payment, factors, "
        "model_version, scored_on"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed text
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                rows,
            )
    return len(rows)


def rescore_if_due(today: date | None = None) -> int | None:
    """The worker's job: store fresh predictions once a day (after a retrain too), one
    worker at a time."""
    from django.utils import timezone

    from dunwell.insight.models import DocumentPrediction
    from dunwell.locks import LockBusy, exclusive

    today = today or timezone.localdate()
    card = latest_card()
    if card is None:
        return None
    latest = (
        DocumentPrediction.objects.order_by("-scored_on")
        .values_list("scored_on", "model_version")
        .first()
    )
    if latest is not None and latest == (today, int(card["version"])):
        return None
    try:
        with exclusive("insight.prediction.score", wait=False):
            return store_scores(today)
    except LockBusy:
        return None


RETRAIN_DAYS = 7


def latest_card() -> dict[str, Any] | None:
    """The JSON card of the newest stored model (cheap: no model is loaded)."""
    paths = sorted(models_dir().glob(f"{MODEL_KIND}-v*.json"), key=_version)
    if not paths:
        return None
    return json.loads(paths[-1].read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def retrain_if_due(today: date | None = None) -> Path | None:
    """The worker's job: a new model version when the newest is RETRAIN_DAYS old (or there is
    none and the ledger has enough paid documents). One worker trains; the others skip."""
    from django.utils import timezone

    from dunwell.locks import LockBusy, exclusive

    today = today or timezone.localdate()
    card = latest_card()
    if card is not None and date.fromisoformat(card["trained_as_of"]) > today - timedelta(
        days=RETRAIN_DAYS
    ):
        return None
    try:
        with exclusive("insight.prediction.train", wait=False):
            card = latest_card()  # another worker may have just trained
            if card is not None and card["trained_as_of"] == today.isoformat():
                return None
            late_after = int(card["late_after_days"]) if card else 0
            return train(today, late_after)
    except (LockBusy, NotEnoughData):
        return None
