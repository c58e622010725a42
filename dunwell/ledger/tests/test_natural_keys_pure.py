"""The pure rules of natural keys (importing/natural.py)."""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.ledger.importing import natural


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Реализация товаров и услуг 0000-000123 от 12.03.2026 10:15:00",
            ("0000-000123", date(2026, 3, 12)),
        ),
        ("Договор № 12 от 01.02.2025", ("12", date(2025, 2, 1))),
        ("Договор №12 от 01.02.2025", ("12", date(2025, 2, 1))),
        ("Рахунок 15 від 02.03.2026", ("15", date(2026, 3, 2))),
        ("Factura 77 din 05.03.2026", ("77", date(2026, 3, 5))),
        ("0000-000123", ("0000-000123", None)),
        ("Счет 999", ("999", None)),
        ("Основной договор", ("договор", None)),
    ],
)
def test_references_as_1c_prints_them(text: str, expected: tuple[str, date | None]) -> None:
    assert natural.parse_reference(text) == expected


def test_names_compare_without_case_quotes_or_extra_blanks() -> None:
    assert natural.normalize_name("ООО  «Ромашка»") == natural.normalize_name('ооо "ромашка"')
    assert natural.normalize_name("Alpha SRL") != natural.normalize_name("Alpha SA")


def test_the_kpp_is_part_of_a_russian_key_only() -> None:
    assert natural.counterparty_key("RU", "7707083893", "773601001", "x") != (
        natural.counterparty_key("RU", "7707083893", "631602001", "x")
    )
    assert natural.counterparty_key("RO", "18547290", "1", "x") == (
        natural.counterparty_key("RO", "18547290", "", "y")
    )
    assert natural.counterparty_key("RO", "", "", "Alpha  SRL") == "name|alpha srl"


def test_generated_ids_are_stable_and_fit_the_column() -> None:
    key = natural.counterparty_key("RU", "7707083893", "", "")
    assert natural.generated_id(key) == natural.generated_id(key)
    assert natural.generated_id(key).startswith("nk:") and len(natural.generated_id(key)) == 35


@pytest.mark.parametrize(
    ("text", "code"),
    [("руб.", "RUB"), ("643", "RUB"), ("RUB", "RUB"), ("грн", "UAH"), ("eur", "EUR")],
)
def test_currencies_as_1c_and_banks_write_them(text: str, code: str) -> None:
    assert natural.currency_code(text) == code
