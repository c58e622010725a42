"""The synthetic data generator: deterministic, valid, realistic."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pytest
from stdnum.eu import vat
from stdnum.md import idno
from stdnum.ro import cui
from stdnum.ru import inn
from stdnum.ua import edrpou

from dunwell.demo.generator import BEHAVIOURS, FILES, HEADERS, behaviours, generate, tax_id_for

AS_OF = date(2026, 3, 16)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("gen")
    paths = generate(out, debtors=240, documents=12_000, seed=7, as_of=AS_OF)
    return {name: rows(path) for name, path in paths.items()}


def test_same_seed_and_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", debtors=40, documents=900, seed=3, as_of=AS_OF)
    second = generate(tmp_path / "b", debtors=40, documents=900, seed=3, as_of=AS_OF)
    other = generate(tmp_path / "c", debtors=40, documents=900, seed=4, as_of=AS_OF)
    assert set(first) == set(FILES)
    for name in FILES:
        assert first[name].read_bytes() == second[name].read_bytes(), name
    assert first["documents"].read_bytes() != other["documents"].read_bytes()


def test_files_carry_the_canonical_headers(tmp_path: Path) -> None:
    paths = generate(tmp_path, debtors=5, documents=20, seed=1, as_of=AS_OF)
    for name, path in paths.items():
        with path.open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(HEADERS[name])


def test_document_count_is_exact(data: dict[str, list[dict[str, str]]]) -> None:
    assert len(data["documents"]) == 12_000
    assert len(data["counterparties"]) == 240
    assert len({d["external_id"] for d in data["documents"]}) == 12_000


VALIDATORS = {
    "RU": inn.validate,
    "UA": edrpou.validate,
    "RO": cui.validate,
    "MD": idno.validate,
    "DE": vat.validate,
    "PL": vat.validate,
}


def test_every_tax_id_is_valid_for_its_country(data: dict[str, list[dict[str, str]]]) -> None:
    countries = Counter(row["country"] for row in data["counterparties"])
    assert set(countries) == set(VALIDATORS)
    for row in data["counterparties"]:
        VALIDATORS[row["country"]](row["tax_id"])
    assert len({row["tax_id"] for row in data["counterparties"]}) == 240


def test_tax_ids_stay_valid_and_unique_at_scale() -> None:
    for country, validate in VALIDATORS.items():
        ids = [tax_id_for(country, i) for i in range(0, 200_000, 97)]
        for tax_id in ids:
            validate(tax_id)
        assert len(set(ids)) == len(ids)


def test_language_time_zone_and_currency_follow_the_country(
    data: dict[str, list[dict[str, str]]],
) -> None:
    zones = {"RO": "Europe/Bucharest", "UA": "Europe/Kyiv", "DE": "Europe/Berlin"}
    local = {"RO": "RON", "MD": "MDL", "RU": "RUB", "UA": "UAH", "DE": "EUR", "PL": "EUR"}
    country_of = {}
    for row in data["counterparties"]:
        country_of[row["external_id"]] = row["country"]
        if row["country"] in zones:
            assert row["time_zone"] == zones[row["country"]]
        if row["country"] == "UA":
            assert row["language"] == "uk"
        if row["country"] == "RU":
            assert row["language"] == "ru"
    for row in data["contracts"]:
        assert row["currency"] in {local[country_of[row["counterparty"]]], "EUR"}
    assert {row["currency"] for row in data["contracts"]} == {"RON", "MDL", "RUB", "UAH", "EUR"}


def test_documents_use_their_contract_currency(data: dict[str, list[dict[str, str]]]) -> None:
    currency = {row["external_id"]: row["currency"] for row in data["contracts"]}
    for row in data["documents"]:
        if row["contract"]:
            assert row["currency"] == currency[row["contract"]]


def test_contracts_vary_in_terms_and_penalties(data: dict[str, list[dict[str, str]]]) -> None:
    contracts = data["contracts"]
    assert {c["payment_day_kind"] for c in contracts} == {"calendar", "banking"}
    assert {c["payment_from"] for c in contracts} == {"document", "acceptance"}
    assert {c["penalty_period"] for c in contracts if c["penalty_rate"]} == {"day", "year"}
    assert any(c["penalty_cap_percent"] for c in contracts)
    assert any(not c["penalty_rate"] for c in contracts)
    assert len({c["pretension_days"] for c in contracts}) > 2
    assert data["instalments"]


def test_documents_span_eighteen_months_and_payments_never_follow_as_of(
    data: dict[str, list[dict[str, str]]],
) -> None:
    doc_dates = [date.fromisoformat(d["date"]) for d in data["documents"]]
    assert max(doc_dates) <= AS_OF
    assert min(doc_dates) >= AS_OF - timedelta(days=560)
    assert min(doc_dates) <= AS_OF - timedelta(days=480)
    doc_date = {d["external_id"]: date.fromisoformat(d["date"]) for d in data["documents"]}
    for payment in data["payments"]:
        paid = date.fromisoformat(payment["date"])
        assert paid <= AS_OF
        assert Decimal(payment["amount"]) > 0
        if payment["document"]:
            assert paid >= doc_date[payment["document"]]


def test_sales_are_seasonal(data: dict[str, list[dict[str, str]]]) -> None:
    doc_dates = [date.fromisoformat(d["date"]) for d in data["documents"]]
    weekdays = Counter(d.weekday() for d in doc_dates)
    assert weekdays[6] * 10 < weekdays[0]  # hardly anything is shipped on Sundays
    months = Counter((d.year, d.month) for d in doc_dates)
    assert months[(2024, 12)] > months[(2025, 1)] * 1.3


def test_payments_name_the_document_the_contract_or_nothing_and_some_overpay(
    data: dict[str, list[dict[str, str]]],
) -> None:
    payments = data["payments"]
    named = [p for p in payments if p["document"]]
    contract_only = [p for p in payments if not p["document"] and p["contract"]]
    bare = [p for p in payments if not p["document"] and not p["contract"]]
    assert named and contract_only and bare
    amount = {d["external_id"]: Decimal(d["amount"]) for d in data["documents"]}
    assert any(Decimal(p["amount"]) > amount[p["document"]] for p in named)


def test_every_behaviour_is_present_even_in_a_tiny_data_set() -> None:
    assert set(behaviours(6, seed=99)) == set(BEHAVIOURS)
    assert set(behaviours(500, seed=1)) == set(BEHAVIOURS)


def test_behaviours_drive_how_much_of_the_old_debt_is_paid(
    data: dict[str, list[dict[str, str]]],
) -> None:
    """Of documents due more than four months ago, reliable debtors paid (nearly) all, the
    defaulters and partial payers markedly less."""
    ids = [c["external_id"] for c in data["counterparties"]]
    behaviour = dict(zip(ids, behaviours(240, seed=7), strict=True))
    cutoff = AS_OF - timedelta(days=120)
    owed: dict[str, Decimal] = defaultdict(Decimal)
    old_docs: set[str] = set()
    for d in data["documents"]:
        if d["due_date"] and date.fromisoformat(d["due_date"]) <= cutoff:
            owed[behaviour[d["counterparty"]]] += Decimal(d["amount"])
            old_docs.add(d["external_id"])
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for p in data["payments"]:
        if p["document"] in old_docs:
            paid[behaviour[p["counterparty"]]] += Decimal(p["amount"])
    named_share = {b: paid[b] / owed[b] for b in BEHAVIOURS}
    # Payments naming a document cover only part of each debtor's payments (the rest name the
    # contract or nothing), so compare behaviours with each other, not with 100 %.
    assert named_share["reliable"] > 2 * named_share["defaulter"]
    assert named_share["reliable"] > named_share["partial_payer"]
    assert named_share["reliable"] > named_share["disputer"]


def test_contacts_have_roles_valid_phones_and_usually_the_payment_decider(
    data: dict[str, list[dict[str, str]]],
) -> None:
    country = {c["external_id"]: c["country"] for c in data["counterparties"]}
    deciders = {c["counterparty"] for c in data["contacts"] if "decides_payments" in c["roles"]}
    assert len(deciders) >= 0.75 * len(country)
    for contact in data["contacts"]:
        assert contact["roles"]
        number = phonenumbers.parse(contact["phone"], country[contact["counterparty"]])
        assert phonenumbers.is_valid_number(number), contact["phone"]


def test_users_file_names_every_collector_and_sales_manager_used(
    data: dict[str, list[dict[str, str]]],
) -> None:
    users = {u["username"]: u for u in data["users"]}
    for cp in data["counterparties"]:
        if cp["collector"]:
            assert users[cp["collector"]]["role"] == "collector"
        assert users[cp["sales_manager"]]["role"] == "sales"
    for user in users.values():
        if user["role"] == "collector":
            assert users[user["supervisor"]]["role"] == "supervisor"


def test_russian_and_polish_surnames_agree_with_the_person_and_notes_use_their_language(
    data: dict[str, list[dict[str, str]]],
) -> None:
    country = {c["external_id"]: c["country"] for c in data["counterparties"]}
    women = {
        "RU": ("Ольга", "Елена", "Наталья", "Ирина"),
        "PL": ("Anna", "Katarzyna", "Agnieszka", "Magdalena"),
    }
    seen: Counter[tuple[str, bool]] = Counter()
    for contact in data["contacts"]:
        code = country[contact["counterparty"]]
        first, last = contact["name"].split(" ", 1)
        if code == "RU":
            female = first in women["RU"]
            assert last.endswith(("ова", "ева")) == female, contact["name"]
            seen[code, female] += 1
        elif code == "PL" and last.endswith(("ski", "ska", "cki", "cka")):
            assert last.endswith(("ska", "cka")) == (first in women["PL"]), contact["name"]
    assert seen["RU", True] and seen["RU", False]
    notes = {c["language"]: c["notes"] for c in data["contacts"] if c["notes"]}
    assert notes["ru"] == "Согласовывает платежи по вторникам и четвергам"
    assert notes["ro"] == "Aprobă plățile marțea și joia"


def test_no_contact_bears_the_name_of_a_staff_member(
    data: dict[str, list[dict[str, str]]],
) -> None:
    staff = {f"{u['first_name']} {u['last_name']}" for u in data["users"]}
    romanian = {c["external_id"] for c in data["counterparties"] if c["country"] == "RO"}
    # Staff names are Romanian pairs, drawn from the same names as the Romanian debtors' people.
    assert sum(1 for c in data["contacts"] if c["counterparty"] in romanian) > 100
    assert [c["name"] for c in data["contacts"] if c["name"] in staff] == []
