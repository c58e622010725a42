"""The Import page's sample files: each kind's sample, downloaded through the page, loads with
the real importer in the load order the page gives; its "Columns" sheet speaks the reader's
language; the page lists what each kind needs and links the samples to who may import them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.importing import import_file
from dunwell.ledger.importing.kinds import KINDS
from dunwell.ledger.models import (
    Company,
    Contact,
    Contract,
    ContractInstalment,
    Counterparty,
    Deal,
    Document,
    Order,
    Payment,
)
from dunwell.ledger.samples import LOAD_ORDER, meaning

TODAY = date(2026, 3, 16)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sample(client: Client, kind: str) -> bytes:
    response = client.get(reverse("ledger:import_sample", kwargs={"import_kind": kind}))
    assert response.status_code == 200, kind
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="{kind}.xlsx"' in response["Content-Disposition"]
    return response.content


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE)


def test_the_load_order_is_the_documented_one() -> None:
    assert LOAD_ORDER == (
        "users",
        "counterparties",
        "contacts",
        "contracts",
        "instalments",
        "documents",
        "payments",
        "orders",
        "deals",
    )


# A company of each country the examples are written for, and one they are not (Germany).
@pytest.mark.parametrize(
    ("country", "currency"),
    [("RO", "RON"), ("RU", "RUB"), ("UA", "UAH"), ("MD", "MDL"), ("DE", "EUR")],
)
@time_machine.travel(TODAY, tick=False)
def test_every_sample_loads_in_the_load_order(
    db: None, admin: User, tmp_path: Path, country: str, currency: str
) -> None:
    company = Company.objects.create(
        name="Our Company",
        code="ours",
        country=country,
        currency=currency,
        time_zone="Europe/Bucharest",
        calendar_country=country,
    )
    client = client_for(admin)
    for kind in LOAD_ORDER:
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(sample(client, kind))
        result = import_file(kind, path, user=admin)
        assert (result.rejected, result.created, result.errors) == (0, 2, []), kind
        # The file as downloaded: canonical headers, two rows, nothing else on its first sheet.
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert [c.value for c in sheet[1]] == KINDS[kind].field_names
        assert sheet.max_row == 3

    assert User.objects.filter(role=Role.COLLECTOR, supervisor__role=Role.SUPERVISOR).count() == 1
    first, second = Counterparty.objects.filter(company=company).order_by("external_id")
    assert first.collector is not None and first.collector.role == Role.COLLECTOR
    assert Contact.objects.filter(counterparty=first).count() == 1
    assert Contact.objects.filter(counterparty=second).count() == 1
    assert set(Contract.objects.values_list("counterparty", flat=True)) == {first.pk, second.pk}
    assert ContractInstalment.objects.count() == 2
    docs = Document.objects.order_by("date")
    assert [d.counterparty_id for d in docs] == [first.pk, second.pk]
    assert {d.currency for d in docs} == {currency}
    # The first invoice is due 30 days after its date (its contract's term), partly paid.
    invoice = docs[0]
    assert invoice.due_date == date(2026, 3, 1)
    assert invoice.open_amount == Decimal("7480.50")
    assert sorted(Payment.objects.values_list("counterparty", flat=True)) == [first.pk, second.pk]
    assert Order.objects.filter(counterparty__in=[first, second]).count() == 2
    assert Deal.objects.filter(counterparty__in=[first, second]).count() == 2


@time_machine.travel(TODAY, tick=False)
def test_a_sample_loaded_again_changes_nothing(
    company: Company, admin: User, tmp_path: Path
) -> None:
    client = client_for(admin)
    for kind in LOAD_ORDER:
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(sample(client, kind))
        import_file(kind, path, user=admin)
        again = import_file(kind, path, user=admin)
        assert (again.created, again.updated, again.rejected) == (0, 0, 0), kind


def test_the_required_headers_are_bold_and_commented_and_stay_canonical(
    company: Company, admin: User
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(sample(client_for(admin), "documents")))
    header = {c.value: c for c in book.worksheets[0][1]}
    for name in ("number", "date", "amount", "counterparty", "counterparty_tax_id"):
        assert header[name].font.bold, name
        assert header[name].comment is not None, name
    assert header["number"].comment.text == "Required.\ndocument number"
    assert not header["due_date"].font.bold
    assert header["due_date"].comment is None


def test_the_columns_sheet_is_in_the_readers_language(
    company: Company, make_user: Callable[..., User]
) -> None:
    reader = make_user("fyodor", Role.FINANCE, language="ru")
    book = openpyxl.load_workbook(io.BytesIO(sample(client_for(reader), "documents")))
    assert book.sheetnames == ["documents", "Столбцы"]
    rows = {r[0]: r for r in book["Столбцы"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Столбец"] == ("Столбец", "Обязательный", "Формат", "Значение")
    assert rows["amount"][1] == "обязательный"
    assert rows["due_date"][1] == "необязательный"
    assert rows["date"][2].startswith("дата: 2025-12-31, 31.12.2025")
    assert rows["number"][3] == "номер документа"
    assert rows["counterparty"][1] == "одно из: counterparty или counterparty_tax_id"


def test_every_column_of_every_kind_has_a_meaning() -> None:
    missing = [
        f"{kind.name}.{name}"
        for kind in KINDS.values()
        for name in kind.field_names
        if not meaning(kind.name, name)
    ]
    assert not missing


def test_the_page_lists_what_each_kind_needs_with_its_sample(
    company: Company, admin: User, finance: User
) -> None:
    page = client_for(finance).get(reverse("ledger:import_new")).content.decode()
    for kind in LOAD_ORDER[1:]:
        assert reverse("ledger:import_sample", kwargs={"import_kind": kind}) in page, kind
    assert reverse("ledger:import_sample", kwargs={"import_kind": "users"}) not in page
    assert "Download a sample XLSX" in page
    assert "<code>counterparty</code> or <code>counterparty_tax_id</code>" in page
    # In the load order: counterparties before contacts before documents before payments.
    positions = [page.index(f'data-kind="{kind}"') for kind in LOAD_ORDER[1:]]
    assert positions == sorted(positions)

    page = client_for(admin).get(reverse("ledger:import_new")).content.decode()
    assert reverse("ledger:import_sample", kwargs={"import_kind": "users"}) in page
    assert "<code>username</code>, <code>role</code>" in page


def test_the_users_sample_is_only_for_who_may_import_users(
    company: Company, admin: User, finance: User, collector: User
) -> None:
    users = reverse("ledger:import_sample", kwargs={"import_kind": "users"})
    documents = reverse("ledger:import_sample", kwargs={"import_kind": "documents"})
    assert client_for(finance).get(users).status_code == 403
    assert client_for(finance).get(documents).status_code == 200
    assert client_for(admin).get(users).status_code == 200
    assert client_for(collector).get(documents).status_code == 403
    unknown = reverse("ledger:import_sample", kwargs={"import_kind": "invoices"})
    assert client_for(finance).get(unknown).status_code == 404


def test_a_sample_names_the_installations_own_collector(
    company: Company, admin: User, collector: User, tmp_path: Path
) -> None:
    """A finance user who may not load users gets counterparties naming a collector that
    exists, so the sample loads without the users sample."""
    book = openpyxl.load_workbook(
        io.BytesIO(sample(client_for(admin), "counterparties"))
    ).worksheets[0]
    rows: list[Any] = list(book.iter_rows(values_only=True))
    assert {row[rows[0].index("collector")] for row in rows[1:]} == {collector.username}
