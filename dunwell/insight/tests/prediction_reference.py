"""The document-by-document reading of the ledger that the columnar one (model.read_columns,
columns.features_at and features_on) is pinned to: every document as a `Doc`, the customers'
histories of features.py, and the features of each document computed one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from dunwell.insight.prediction.features import CustomerHistory, Doc, histories
from dunwell.insight.prediction.model import _day


@dataclass
class Ledger:
    docs: list[Doc]
    histories: dict[int, CustomerHistory]


def read_ledger(late_after_days: int) -> Ledger:
    """Every document that is not cancelled, with the day its payment completed (the last
    allocation, when nothing is left open), and the customers' disputes and broken promises.
    Read as plain tuples: one query per table, no model instances."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.counterparty_id, d.date, d.due_date, d.amount, d.open_amount, "
            "a.last_paid, COALESCE(a.n, 0) FROM ledger_document d "
            "LEFT JOIN (SELECT document_id, MAX(paid_on) AS last_paid, COUNT(*) AS n "
            "FROM ledger_allocation GROUP BY document_id) a ON a.document_id = d.id "
            "WHERE d.cancelled = %s",
            [False],
        )
        docs = [
            Doc(
                id=row[0],
                customer=row[1],
                issued=_day(row[2]),
                due=_day(row[3]),
                amount=float(row[4]),
                paid_on=_day(row[6]) if row[5] == 0 and row[6] is not None else None,
                payments=int(row[7]),
            )
            for row in cursor.fetchall()
        ]
        cursor.execute("SELECT counterparty_id, registered_at FROM ladder_dispute")
        disputes = [(c, _day(at)) for c, at in cursor.fetchall()]
        cursor.execute(
            "SELECT counterparty_id, resolved_at FROM ladder_promise "
            "WHERE status = %s AND resolved_at IS NOT NULL",
            ["broken"],
        )
        broken = [(c, _day(at)) for c, at in cursor.fetchall()]
    return Ledger(docs, histories(docs, late_after_days, disputes, broken))


def feature_rows(ledger: Ledger, docs: list[Doc], on: date | None = None) -> list[list[float]]:
    """Features of `docs`, each as of its issue day (or of `on`), document by document: the
    reference for features_at and features_on (columns.py)."""
    return [ledger.histories[d.customer].features(d, on or d.issued) for d in docs]
