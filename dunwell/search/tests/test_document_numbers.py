"""The documents' numbers table (search/models.py) follows the documents, whoever writes them,
and the search finds a document by its current number only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.importing import import_file
from dunwell.ledger.models import Company, Counterparty, Document
from dunwell.search.models import DocumentNumber

pytestmark = pytest.mark.django_db

Make = Callable[..., Any]


def _numbers() -> dict[int, str]:
    return dict(DocumentNumber.objects.values_list("document_id", "number"))


def _documents() -> dict[int, str]:
    return dict(Document.objects.values_list("pk", "number"))


def _found(user: User, q: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("search:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_orm_writes_are_followed(
    company: Company, make_counterparty: Make, make_document: Make
) -> None:
    cp = make_counterparty()
    one = make_document(cp, number="FV-100")
    two = make_document(cp, number="FV-200")
    Document.objects.bulk_create(
        [
            Document(
                company=company,
                counterparty=cp,
                external_id=f"B{n}",
                kind="invoice",
                number=f"BULK-{n}",
                date=one.date,
                due_date=one.due_date,
                amount=one.amount,
                open_amount=one.amount,
                currency=one.currency,
            )
            for n in range(3)
        ]
    )
    assert _numbers() == _documents()
    assert len(_numbers()) == 5

    one.number = "FV-101"
    one.save()
    Document.objects.filter(pk=two.pk).update(number="FV-201")
    Document.objects.filter(number__startswith="BULK-").update(open_amount=0)  # number as is
    assert _numbers() == _documents()
    assert _numbers()[one.pk] == "FV-101"
    assert _numbers()[two.pk] == "FV-201"

    one.delete()
    Document.objects.filter(number="BULK-0").delete()
    assert _numbers() == _documents()
    assert one.pk not in _numbers()
    assert len(_numbers()) == 3


def test_a_debtors_deletion_takes_its_numbers(make_counterparty: Make, make_document: Make) -> None:
    gone, kept = make_counterparty(), make_counterparty()
    make_document(gone, number="X-1")
    make_document(gone, number="X-2")
    make_document(kept, number="Y-1")
    Counterparty.objects.filter(pk=gone.pk).delete()
    assert sorted(_numbers().values()) == ["Y-1"]


def test_raw_sql_writes_are_followed(make_counterparty: Make, make_document: Make) -> None:
    cp = make_counterparty()
    doc = make_document(cp, number="R-1")
    table = Document._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET number = %s WHERE id = %s", ["R-1a", doc.pk])  # noqa: S608
        assert _numbers() == {doc.pk: "R-1a"}
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [doc.pk])  # noqa: S608
    assert _numbers() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE: PostgreSQL")
def test_truncate_empties_the_numbers(make_counterparty: Make, make_document: Make) -> None:
    make_document(make_counterparty(), number="T-1")
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Document._meta.db_table} CASCADE")
    assert _numbers() == {}


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "external_id,counterparty,number,date,due_date,amount,currency\n"


def test_imports_are_followed_and_the_search_finds_the_current_number(
    company: Company, tmp_path: Path, director: User
) -> None:
    import_file(
        "counterparties",
        _csv(tmp_path, "cp.csv", "external_id;name;tax_id;country\nC1;Alpha SRL;RO18547290;RO\n"),
    )
    import_file(
        "documents",
        _csv(
            tmp_path,
            "d1.csv",
            HEADER + "D1,C1,ZQ-7001,2026-01-05,2026-02-05,100,RON\n"
            "D2,C1,ZQ-7002,2026-01-10,2026-02-10,200,RON\n",
        ),
    )
    assert _numbers() == _documents()
    assert "ZQ-7001" in _found(director, "zq-70")
    # D1 renumbered, D2 unchanged, D3 new
    import_file(
        "documents",
        _csv(
            tmp_path,
            "d2.csv",
            HEADER + "D1,C1,ZQ-8001,2026-01-05,2026-02-05,100,RON\n"
            "D2,C1,ZQ-7002,2026-01-10,2026-02-10,200,RON\n"
            "D3,C1,ZQ-7003,2026-01-15,2026-02-15,300,RON\n",
        ),
    )
    assert _numbers() == _documents()
    assert sorted(_numbers().values()) == ["ZQ-7002", "ZQ-7003", "ZQ-8001"]
    page = _found(director, "zq-70")
    assert "ZQ-7002" in page
    assert "ZQ-7003" in page
    assert "ZQ-7001" not in page
    assert "ZQ-8001" in _found(director, "Zq-800")
