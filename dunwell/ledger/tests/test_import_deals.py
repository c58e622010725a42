"""Sales deals (issue 14, item 3): imported through the same engine as orders, and pushed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine

from dunwell.accounts.models import Role, User
from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.models import Company, Counterparty, Deal, DealStage

pytestmark = pytest.mark.django_db

Writer = Callable[..., Path]

DEALS = (
    "external_id;counterparty;name;amount;currency;stage;probability;expected_close;"
    "payment_days;owner\n"
    "S1;CP00001;Boilers;10000.00;RON;proposal;;2026-04-30;30;sam\n"
    "S2;CP00001;Pumps;2500;RON;negotiation;90;15.05.2026;;\n"
)


@pytest.fixture
def customer(make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    return make_counterparty()


@pytest.fixture
def sam(make_user: Callable[..., User]) -> User:
    return make_user("sam", Role.SALES)


@time_machine.travel("2026-03-10 09:00Z", tick=False)
def test_deals_are_imported_with_stage_owner_and_the_stage_default_probability(
    write_csv: Writer, company: Company, customer: Counterparty, sam: User
) -> None:
    result = import_file("deals", write_csv("deals.csv", DEALS))
    assert (result.created, result.updated) == (2, 0)
    deals = {d.external_id: d for d in Deal.objects.select_related("stage")}
    s1, s2 = deals["S1"], deals["S2"]
    assert s1.stage.code == "proposal" and s1.owner == sam
    assert s1.probability is None and s1.effective_probability == 50
    assert s1.payment_days == 30 and s1.amount == Decimal("10000.00")
    assert s1.stage_entered_on == date(2026, 3, 10)
    assert s2.effective_probability == 90 and s2.expected_close == date(2026, 5, 15)
    assert s2.owner is None and s2.payment_days == 0
    # The company got the shipped stages, with their names in four languages.
    won = DealStage.objects.get(company=company, code="won")
    assert won.outcome == "won" and won.names["ru"] == "Выиграна"


def test_a_deal_moved_to_another_stage_restarts_its_days_and_one_staying_keeps_them(
    write_csv: Writer, company: Company, customer: Counterparty, sam: User
) -> None:
    with time_machine.travel("2026-03-10 09:00Z", tick=False):
        import_file("deals", write_csv("deals.csv", DEALS))
    moved = DEALS.replace("RON;proposal;", "RON;negotiation;").replace("Pumps;2500;", "Pumps;2600;")
    with time_machine.travel("2026-03-20 09:00Z", tick=False):
        result = import_file("deals", write_csv("deals2.csv", moved))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    s1, s2 = Deal.objects.get(external_id="S1"), Deal.objects.get(external_id="S2")
    assert s1.stage.code == "negotiation" and s1.stage_entered_on == date(2026, 3, 20)
    assert s2.amount == Decimal("2600.00") and s2.stage_entered_on == date(2026, 3, 10)
    # The same file again changes nothing (idempotent).
    with time_machine.travel("2026-03-25 09:00Z", tick=False):
        again = import_file("deals", write_csv("deals3.csv", moved))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_bad_deal_row_names_file_row_and_column_and_nothing_is_written(
    write_csv: Writer, company: Company, customer: Counterparty, sam: User
) -> None:
    bad = (
        DEALS
        + "S3;CP00001;X;100;RON;dreaming;;2026-05-01;;\n"
        + "S4;CP00001;Y;100;RON;lead;130;2026-05-01;;\n"
        + "S5;CP00001;Z;100;RON;lead;;2026-05-01;;nobody\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("deals", write_csv("deals.csv", bad))
    errors = [str(e) for e in caught.value.errors]
    assert "deals.csv:4:stage: unknown deal stage 'dreaming'" in errors, errors
    assert any(e.startswith("deals.csv:5:probability:") and "130" in e for e in errors), errors
    assert "deals.csv:6:owner: unknown user 'nobody'" in errors, errors
    assert not Deal.objects.exists()


def test_russian_headers_are_recognised(
    write_csv: Writer, company: Company, customer: Counterparty
) -> None:
    text = (
        "Код;Контрагент;Сделка;Сумма;Этап;Вероятность;Дата закрытия;Отсрочка\n"
        "S7;CP00001;Котлы;5000;lead;20;01.06.2026;14\n"
    )
    import_file("deals", write_csv("сделки.csv", text))
    deal = Deal.objects.get(external_id="S7")
    assert (deal.name, deal.probability, deal.payment_days) == ("Котлы", 20, 14)


def test_deals_are_pushed_through_the_api(
    make_user: Callable[..., User], company: Company, customer: Counterparty
) -> None:
    from dunwell.restapi.tests.conftest import ApiClient
    from dunwell.restapi.tokens import create_token

    issued = create_token(make_user("fiona", Role.FINANCE), ["ledger:write"])
    client = ApiClient(issued.secret)
    item: dict[str, Any] = {
        "external_id": "S9",
        "counterparty": customer.external_id,
        "amount": "700.00",
        "currency": "RON",
        "stage": "qualified",
        "expected_close": "2026-06-05",
    }
    answer = client.post("/api/v1/deals", {"items": [item]})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert Deal.objects.get(external_id="S9").stage.code == "qualified"
    bad = client.post("/api/v1/deals", {"items": [{**item, "stage": "nope"}]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "stage"
