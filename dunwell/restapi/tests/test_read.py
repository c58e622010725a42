"""Reading over the API: scopes, the token user's visibility, money per currency, cursor
pages, updated_since, and a fixed number of queries per page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Dispute, Promise, Task
from dunwell.ledger.models import Counterparty, Document, Payment, TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_contract: Callable[..., Any],
    collector: User,
    outsider: User,
) -> dict[str, Any]:
    mine = make_counterparty(collector=collector)
    theirs = make_counterparty(collector=outsider)
    past = timezone.localdate() - timedelta(days=10)
    make_document(mine, "100.00", due_date=past)
    make_document(mine, "50.50", currency="EUR", due_date=timezone.localdate() + timedelta(days=5))
    make_document(theirs, "999.00")
    make_contract(mine)
    make_contract(theirs)
    now = timezone.now()
    for cp in (mine, theirs):
        Payment.objects.create(
            company=cp.company, counterparty=cp, external_id=f"P{cp.pk}", date=date(2026, 2, 1),
            amount=Decimal("10.00"), currency="RON", unallocated=Decimal("10.00"),
        )  # fmt: skip
        Task.objects.create(
            counterparty=cp, action="call", title="Call", due_at=now, key=f"t{cp.pk}",
            assignee=cp.collector,
        )  # fmt: skip
        Promise.objects.create(
            counterparty=cp, amount=Decimal("40.00"), currency="RON",
            promised_date=date(2026, 3, 1), recorded_at=now,
        )  # fmt: skip
        Dispute.objects.create(
            counterparty=cp, reason="price", amount=Decimal("5.00"), currency="RON",
            registered_at=now,
        )  # fmt: skip
        TimelineEntry.objects.create(counterparty=cp, at=now, kind="note", summary="hello")
        cp.contacts.create(name="Ana", accountant=True, phone="+40700000000")
    return {"mine": mine, "theirs": theirs}


LISTS = [
    ("/api/v1/counterparties", "ledger:read"),
    ("/api/v1/documents", "ledger:read"),
    ("/api/v1/payments", "ledger:read"),
    ("/api/v1/contracts", "ledger:read"),
    ("/api/v1/contacts", "ledger:read"),
    ("/api/v1/tasks", "work:read"),
    ("/api/v1/promises", "work:read"),
    ("/api/v1/disputes", "work:read"),
]


def counterparty_of(url: str, item: dict[str, Any]) -> int:
    return item["id"] if url.endswith("/counterparties") else item["counterparty_id"]


@pytest.mark.parametrize(("url", "scope"), LISTS)
def test_a_collectors_token_sees_only_their_debtors(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any], url: str, scope: str
) -> None:
    response = api_client(collector, [scope]).get(url)
    assert response.status_code == 200, response.content
    seen = {counterparty_of(url, item) for item in response.json()["items"]}
    assert seen == {world["mine"].pk}


@pytest.mark.parametrize(("url", "scope"), LISTS)
def test_a_director_sees_every_debtor(
    api_client: Callable[..., Any], director: User, world: dict[str, Any], url: str, scope: str
) -> None:
    items = api_client(director, [scope]).get(url).json()["items"]
    assert {counterparty_of(url, i) for i in items} == {world["mine"].pk, world["theirs"].pk}


@pytest.mark.parametrize(("url", "scope"), LISTS)
def test_each_list_needs_its_scope(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any], url: str, scope: str
) -> None:
    other = "work:read" if scope == "ledger:read" else "ledger:read"
    response = api_client(collector, [other]).get(url)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == f"This token does not have the {scope} scope."


def test_open_amounts_are_per_currency_never_summed(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any]
) -> None:
    cp = api_client(collector).get(f"/api/v1/counterparties/{world['mine'].pk}").json()
    assert cp["amounts"] == [
        {"currency": "EUR", "open": "50.50", "overdue": "0.00"},
        {"currency": "RON", "open": "100.00", "overdue": "100.00"},
    ]


def test_money_is_a_string_value_with_its_currency(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any]
) -> None:
    items = api_client(collector).get("/api/v1/documents").json()["items"]
    assert {(i["amount"]["value"], i["amount"]["currency"]) for i in items} == {
        ("100.00", "RON"),
        ("50.50", "EUR"),
    }
    assert items[0]["date"] == "2026-01-05"


def test_another_collectors_debtor_is_not_found(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any]
) -> None:
    client = api_client(collector)
    for url in (
        f"/api/v1/counterparties/{world['theirs'].pk}",
        f"/api/v1/counterparties/{world['theirs'].pk}/timeline",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["title"] == "Not found"


def test_the_timeline_of_a_visible_debtor(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any]
) -> None:
    response = api_client(collector, ["work:read"]).get(
        f"/api/v1/counterparties/{world['mine'].pk}/timeline"
    )
    assert [e["summary"] for e in response.json()["items"]] == ["hello"]


def test_the_counterparty_filter(
    api_client: Callable[..., Any], director: User, world: dict[str, Any]
) -> None:
    items = (
        api_client(director)
        .get("/api/v1/documents", {"counterparty": world["theirs"].pk})
        .json()["items"]
    )
    assert [i["amount"]["value"] for i in items] == ["999.00"]


def test_aging_is_per_currency_and_visible_only(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any]
) -> None:
    response = api_client(collector).get(
        "/api/v1/aging", {"as_of": timezone.localdate().isoformat(), "by": "counterparty"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(t["currency"], t["total"]) for t in body["totals"]] == [
        ("EUR", "50.50"),
        ("RON", "100.00"),
    ]
    assert {row["key"] for row in body["rows"]} == {world["mine"].pk}


def test_aging_names_a_bad_parameter(api_client: Callable[..., Any], collector: User) -> None:
    client = api_client(collector)
    bad_by = client.get("/api/v1/aging", {"by": "colour"})
    assert bad_by.status_code == 422
    assert bad_by.json()["errors"][0]["field"] == "by"
    bad_date = client.get("/api/v1/aging", {"as_of": "31.12.2026"})
    assert bad_date.json()["errors"][0]["field"] == "as_of"


def test_pages_walk_every_row_exactly_once(
    api_client: Callable[..., Any],
    director: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    cp = make_counterparty()
    made = {make_document(cp).pk for _ in range(23)}
    # Same updated_at for some rows: the id breaks the tie.
    Document.objects.filter(pk__in=sorted(made)[:10]).update(updated_at=timezone.now())
    client = api_client(director)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 5}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/documents", params).json()
        seen += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))
    assert pages == 5


def test_limit_and_cursor_are_checked(api_client: Callable[..., Any], director: User) -> None:
    client = api_client(director)
    too_many = client.get("/api/v1/documents", {"limit": 1001})
    assert too_many.status_code == 422
    assert too_many.json()["errors"] == [{"field": "limit", "detail": "must be between 1 and 1000"}]
    bad_cursor = client.get("/api/v1/documents", {"cursor": "nonsense"})
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["errors"][0]["field"] == "cursor"
    not_a_number = client.get("/api/v1/documents", {"limit": "many"})
    assert not_a_number.status_code == 422
    assert not_a_number["Content-Type"] == "application/problem+json"
    assert not_a_number.json()["errors"][0]["field"] == "limit"


def test_updated_since_returns_rows_changed_since(
    api_client: Callable[..., Any],
    director: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    cp = make_counterparty()
    old, new = make_document(cp), make_document(cp)
    moment = timezone.now()
    Document.objects.filter(pk=old.pk).update(updated_at=moment - timedelta(hours=2))
    Document.objects.filter(pk=new.pk).update(updated_at=moment)
    since = (moment - timedelta(hours=1)).isoformat()
    items = api_client(director).get("/api/v1/documents", {"updated_since": since}).json()["items"]
    assert [i["id"] for i in items] == [new.pk]


@pytest.mark.parametrize("value", ["2026-03-01T08:00:00", "yesterday"])
def test_a_naive_or_bad_updated_since_is_refused(
    api_client: Callable[..., Any], director: User, value: str
) -> None:
    response = api_client(director).get("/api/v1/documents", {"updated_since": value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "updated_since"


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url", "scope"), LISTS)
# One clock minute for the whole test: a new minute adds a rate-window row and a last-used write.
@time_machine.travel(datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC), tick=False)
def test_a_page_costs_the_same_queries_for_3_or_30_rows(
    api_client: Callable[..., Any],
    director: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    world: dict[str, Any],
    url: str,
    scope: str,
) -> None:
    client = api_client(director, [scope])
    client.get(url)  # the first request of a minute inserts its rate window
    few = _queries(client, url)
    for _ in range(30):
        world2 = make_counterparty(collector=director)
        make_document(world2, "1.00")
        make_document(world2, "2.00", currency="EUR")
        Task.objects.create(
            counterparty=world2, action="call", title="x", due_at=timezone.now(),
            key=f"k{world2.pk}", assignee=director,
        )  # fmt: skip
        Promise.objects.create(
            counterparty=world2, amount=Decimal(1), currency="RON",
            promised_date=date(2026, 3, 1), recorded_at=timezone.now(),
        )  # fmt: skip
        Dispute.objects.create(
            counterparty=world2, reason="price", amount=Decimal(1), currency="RON",
            registered_at=timezone.now(), responsible=director,
        )  # fmt: skip
        world2.contacts.create(name="B")
        Payment.objects.create(
            company=world2.company, counterparty=world2, external_id=f"Q{world2.pk}",
            date=date(2026, 2, 1), amount=Decimal(1), currency="RON", unallocated=Decimal(1),
        )  # fmt: skip
        make_contract_for = world["mine"].contracts.model
        make_contract_for.objects.create(
            company=world2.company, counterparty=world2, external_id=f"K{world2.pk}",
            number="1", date=date(2026, 1, 1), currency="RON",
        )  # fmt: skip
    many = _queries(client, url)
    assert many == few
    assert many <= 5  # token, rate counter, the page (+ open amounts for counterparties)


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("/api/v1/counterparties/{id}", "ledger:read"),
        ("/api/v1/aging", "ledger:read"),
        ("/api/v1/counterparties/{id}/timeline", "work:read"),
    ],
)
def test_single_reads_need_their_scope(
    api_client: Callable[..., Any], collector: User, world: dict[str, Any], url: str, scope: str
) -> None:
    address = url.format(id=world["mine"].pk)
    other = "work:read" if scope == "ledger:read" else "ledger:read"
    assert api_client(collector, [other]).get(address).status_code == 403
    assert api_client(collector, [scope]).get(address).status_code == 200


def test_a_contact_says_whether_they_still_work_there(
    api_client: Callable[..., Any], director: User, world: dict[str, Any]
) -> None:
    """Someone marked on the card as no longer working at the debtor is kept for the history;
    the API says so instead of listing them as a current contact."""
    gone = world["mine"].contacts.create(name="Ion Popa", active=False)
    items = api_client(director, ["ledger:read"]).get("/api/v1/contacts").json()["items"]
    active = {
        item["name"]: item["active"]
        for item in items
        if item["counterparty_id"] == world["mine"].pk
    }
    assert active == {"Ana": True, gone.name: False}
