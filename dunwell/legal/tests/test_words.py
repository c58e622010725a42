from datetime import date
from decimal import Decimal

import pytest

from dunwell.legal.words import amount_in_words, format_amount, format_date, format_percent


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1,234,567.89"),
        ("ru", "1\u00a0234\u00a0567,89"),
        ("uk", "1\u00a0234\u00a0567,89"),
        ("ro", "1.234.567,89"),
    ],
)
def test_amounts_use_the_language_separators(language: str, expected: str) -> None:
    assert format_amount(Decimal("1234567.891"), language) == expected


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("ru", "RUB", "Одна тысяча двести тридцать четыре рубля, пятьдесят шесть копеек"),
        ("uk", "UAH", "Одна тисяча двісті тридцять чотири гривні, п'ятдесят шість копійок"),
        ("ro", "RON", "O mie două sute treizeci și patru de lei și cincizeci și șase de bani"),
        ("en", "EUR", "One thousand, two hundred and thirty-four euro, fifty-six cents"),
    ],
)
def test_amount_in_words_with_currency_words(language: str, currency: str, expected: str) -> None:
    assert amount_in_words(Decimal("1234.56"), currency, language) == expected


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "UAH", "One thousand, two hundred and thirty-four hryvnias 56 kopiykas"),
        ("ro", "UAH", "O mie două sute treizeci și patru grivne 56 copeici"),
    ],
)
def test_amount_in_words_falls_back_to_words_and_currency_name(
    language: str, currency: str, expected: str
) -> None:
    assert amount_in_words(Decimal("1234.56"), currency, language) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (
            "1234.56",
            "EUR",
            "O mie două sute treizeci și patru de euro și cincizeci și șase de cenți",
        ),
        ("19.19", "EUR", "Nouăsprezece euro și nouăsprezece cenți"),  # was "cents"
        ("1.05", "EUR", "Un euro și cinci cenți"),  # was "Unu euro și cinci cents"
        (
            "126672.40",
            "MDL",
            "O sută douăzeci și șase de mii șase sute șaptezeci și doi de lei moldovenești "
            "și patruzeci de bani",
        ),
        ("1.00", "MDL", "Un leu moldovenesc"),
        ("21.01", "USD", "Douăzeci și unu de dolari americani și un cent"),
    ],
)
def test_romanian_amounts_in_euro_lei_and_dollars_read_as_romanian_writes_them(
    amount: str, currency: str, expected: str
) -> None:
    """From twenty on Romanian says "de" before the unit, one is "un", cents are "cenți"."""
    assert amount_in_words(Decimal(amount), currency, "ro") == expected


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        (
            "ru",
            "1234.56",
            "RON",
            "Одна тысяча двести тридцать четыре румынских лея, пятьдесят шесть бань",
        ),
        ("ru", "21.01", "MDL", "Двадцать один молдавский лей, один бан"),
        ("ru", "11.02", "MDL", "Одиннадцать молдавских леев, два бана"),
        ("uk", "1032.44", "MDL", "Одна тисяча тридцять два молдовські леї, сорок чотири бані"),
        ("uk", "5.01", "RON", "П'ять румунських леїв, один бан"),
    ],
)
def test_lei_in_russian_and_ukrainian_are_declined_after_the_number(
    language: str, amount: str, currency: str, expected: str
) -> None:
    """Was "Двадцать один молдавских леев 01 бань" whatever the number."""
    assert amount_in_words(Decimal(amount), currency, language) == expected


def test_amount_in_words_rounds_to_cents_and_keeps_the_sign() -> None:
    assert amount_in_words(Decimal("-1.005"), "EUR", "en") == "Minus one euro, one cent"


def test_dates_and_rates_are_written_as_courts_write_them() -> None:
    assert format_date(date(2026, 3, 4)) == "04.03.2026"
    assert format_date(None) == ""
    assert format_percent(Decimal("0.1000"), "ru") == "0,1%"
    assert format_percent(Decimal("16.00"), "en") == "16%"
