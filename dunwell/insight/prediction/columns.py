"""The prediction features of many documents on one day, computed over columns (numpy arrays)
instead of document by document: scoring every open document of a 1,000,000-invoice ledger
(issue 14, target ≤ 10 s). No Django.

`features_on(ledger, rows, t)` gives, for the documents at `rows`, exactly what
`CustomerHistory.features(doc, t)` gives for each (features.py is the reference; a test pins
the two to 1e-9): per customer, the documents fully paid before `t` are summed with `bincount`
(days late are whole numbers, so the sums are exact whatever their order), the last three and
last five paid are picked by their rank from the end within the customer, and the overdue and
issued-before counts are counted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dunwell.insight.prediction.features import FEATURES

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# The "paid on" of a document still open: after every real day (date.max is 3,652,059).
OPEN = np.int64(10**7)


@dataclass
class LedgerColumns:
    """Every document that is not cancelled, one array per column; days are proleptic
    Gregorian ordinals (`date.toordinal()`). `paid` is the day the last payment completed the
    document (OPEN while it is open). Disputes and broken promises as (customer, day) pairs."""

    id: IntArray
    customer: IntArray
    issued: IntArray
    due: IntArray
    amount: FloatArray
    paid: IntArray
    payments: IntArray
    dispute_customer: IntArray
    dispute_day: IntArray
    broken_customer: IntArray
    broken_day: IntArray

    def __len__(self) -> int:
        return len(self.id)


def _count_before(
    customers: IntArray, event_customer: IntArray, event_day: IntArray, t: int
) -> FloatArray:
    """Per customer (positions in the sorted `customers`), its events strictly before day t."""
    size = len(customers)
    where = np.searchsorted(customers, event_customer)
    known = (event_day < t) & (where < size)
    known[known] = customers[where[known]] == event_customer[known]
    return np.bincount(where[known], minlength=size).astype(float)


def features_on(ledger: LedgerColumns, rows: IntArray, t: int, late_after_days: int) -> FloatArray:
    """The FEATURES of the documents at positions `rows` of `ledger`, as known on day `t`
    (an ordinal), one row per document (NaN where features.py gives NaN)."""
    customers, dense = np.unique(ledger.customer, return_inverse=True)
    dense = dense.astype(np.int64)
    size = len(customers)

    # Documents fully paid before t, sorted per customer by (paid day, id) as features.py does.
    paid = np.flatnonzero(ledger.paid < t)
    order = np.lexsort((ledger.id[paid], ledger.paid[paid], dense[paid]))
    paid = paid[order]
    owner = dense[paid]
    late_days = (ledger.paid[paid] - ledger.due[paid]).astype(float)
    n = np.bincount(owner, minlength=size).astype(float)
    s = np.bincount(owner, weights=late_days, minlength=size)
    s2 = np.bincount(owner, weights=late_days * late_days, minlength=size)
    late = np.bincount(owner, weights=late_days > late_after_days, minlength=size)
    partial = np.bincount(owner, weights=ledger.payments[paid] > 1, minlength=size)
    # Rank from the end within the customer: 0 for the last one paid.
    ends = np.cumsum(n).astype(np.int64)  # one past each customer's last position
    rank = ends[owner] - 1 - np.arange(len(paid))
    last3 = rank < 3
    s3 = np.bincount(owner[last3], weights=late_days[last3], minlength=size)
    last5 = rank < 5
    late5 = np.bincount(owner[last5], weights=late_days[last5] > late_after_days, minlength=size)
    last = np.full(size, np.nan)
    last[owner[rank == 0]] = late_days[rank == 0]

    issued = ledger.issued < t
    j = np.bincount(dense[issued], minlength=size).astype(float)
    amounts = np.bincount(dense[issued], weights=ledger.amount[issued], minlength=size)
    overdue_mask = issued & (ledger.due < t) & (ledger.paid >= t)
    overdue = np.bincount(dense[overdue_mask], minlength=size).astype(float)

    disputes = _count_before(customers, ledger.dispute_customer, ledger.dispute_day, t)
    broken = _count_before(customers, ledger.broken_customer, ledger.broken_day, t)

    c = dense[rows]
    has = n[c] > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        nc = n[c]
        mean = np.where(has, s[c] / nc, np.nan)
        spread = np.where(has, np.sqrt(np.maximum(0.0, s2[c] / nc - mean * mean)), np.nan)
        trend = np.where(has, s3[c] / np.minimum(nc, 3) - mean, np.nan)
        share_late = np.where(has, late[c] / nc, np.nan)
        share_partial = np.where(has, partial[c] / nc, np.nan)
        recent_late = np.where(has, late5[c] / np.minimum(nc, 5), np.nan)
        jc = j[c]
        average = amounts[c] / jc
        amount = ledger.amount[rows]
        ratio = np.where((jc > 0) & (average > 0), amount / average, np.nan)
    out = np.empty((len(rows), len(FEATURES)))
    out[:, 0] = nc
    out[:, 1] = mean
    out[:, 2] = spread
    out[:, 3] = share_late
    out[:, 4] = trend
    out[:, 5] = last[c]
    out[:, 6] = recent_late
    out[:, 7] = share_partial
    out[:, 8] = overdue[c]
    out[:, 9] = ratio
    out[:, 10] = np.log1p(np.maximum(amount, 0.0))
    out[:, 11] = (ledger.due[rows] - ledger.issued[rows]).astype(float)
    out[:, 12] = ((ledger.due[rows] - 1) % 7).astype(float)
    out[:, 13] = disputes[c]
    out[:, 14] = broken[c]
    return out
