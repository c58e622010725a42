"""Orders (credit exposure): imported through the same engine as documents, and pushed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.models import Company, Counterparty, Order, TimelineEntry

pytestmark = pytest.mark.django_db

Writer = Callable[..., Path]

ORDERS = (
    "external_id;counterparty;number;date;amount;currency;status;invoiced_amount\n"
    "O1;CP00001;ZK-1;2026-03-01;1000.00;RON;confirmed;\n"
    'O2;CP00001;ZK-2;02.03.2026;"2 500,00";RON;shipped;500\n'
    "O3;CP00001;ZK-3;2026-03-03;300;RON;;\n"
)


@pytest.fixture
def customer(make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    return make_counterparty()


def test_orders_are_imported_with_status_and_invoiced_amount(
    write_csv: Writer, company: Company, customer: Counterparty
) -> None:
    result = import_file("orders", write_csv("orders.csv", ORDERS))
    assert (result.created, result.updated) == (3, 0)
    rows = {o.external_id: o for o in Order.objects.all()}
    assert rows["O1"].status == "confirmed" and rows["O1"].invoiced_amount == Decimal("0")
    assert rows["O2"].status == "shipped"
    assert rows["O2"].amount == Decimal("2500.00")
    assert rows["O2"].not_invoiced == Decimal("2000.00")
    assert rows["O3"].status == "confirmed"  # an empty status cell: confirmed
    assert TimelineEntry.objects.filter(counterparty=customer, kind="ledger.import").exists()


def test_a_second_import_updates_by_external_id_and_counts_the_rest_unchanged(
    write_csv: Writer, company: Company, customer: Counterparty
) -> None:
    import_file("orders", write_csv("orders.csv", ORDERS))
    changed = ORDERS.replace(
        "ZK-1;2026-03-01;1000.00;RON;confirmed;", "ZK-1;2026-03-01;1000.00;RON;invoiced;1000"
    )
    result = import_file("orders", write_csv("orders2.csv", changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    order = Order.objects.get(external_id="O1")
    assert (order.status, order.invoiced_amount) == ("invoiced", Decimal("1000.00"))


def test_a_bad_order_row_names_file_row_and_column_and_nothing_is_written(
    write_csv: Writer, company: Company, customer: Counterparty
) -> None:
    bad = (
        ORDERS
        + "O4;CP00001;ZK-4;2026-03-04;100;RON;shipped;150\n"
        + "O5;CP00001;ZK-5;2026-03-04;10;RON;packed;\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("orders", write_csv("orders.csv", bad))
    errors = [str(e) for e in caught.value.errors]
    assert any(
        e.startswith("orders.csv:5:invoiced_amount:") and "more than the order's amount" in e
        for e in errors
    ), errors
    assert any(e.startswith("orders.csv:6:status:") and "packed" in e for e in errors), errors
    assert not Order.objects.exists()


def test_an_order_of_an_unknown_counterparty_is_refused(
    write_csv: Writer, company: Company, customer: Counterparty
) -> None:
    text = "external_id,counterparty,number,date,amount\nO1,NOPE,Z,2026-03-01,5\n"
    with pytest.raises(ImportRejected) as caught:
        import_file("orders", write_csv("o.csv", text))
    assert [str(e) for e in caught.value.errors] == [
        "o.csv:2:counterparty: unknown counterparty 'NOPE'"
    ]


def test_orders_are_pushed_through_the_api(
    make_user: Callable[..., User], company: Company, customer: Counterparty
) -> None:
    from dunwell.restapi.tests.conftest import ApiClient
    from dunwell.restapi.tokens import create_token

    issued = create_token(make_user("fiona", Role.FINANCE), ["ledger:write"])
    client = ApiClient(issued.secret)
    item: dict[str, Any] = {
        "external_id": "O9",
        "counterparty_tax_id": "",
        "counterparty": customer.external_id,
        "number": "ZK-9",
        "date": "2026-03-05",
        "amount": "700.00",
        "currency": "RON",
        "status": "shipped",
    }
    answer = client.post("/api/v1/orders", {"items": [item]})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert Order.objects.get(external_id="O9").status == "shipped"
    bad = client.post("/api/v1/orders", {"items": [{**item, "amount": "-5"}]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "amount"
