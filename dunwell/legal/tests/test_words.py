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
    ("language", "amount", "currency", "expected"),
    [
        ("en", "1.01", "UAH", "One hryvnia, one kopiyka"),  # was "One hryvnias 01 kopiykas"
        (
            "en",
            "1234.56",
            "UAH",
            "One thousand, two hundred and thirty-four hryvnias, fifty-six kopiykas",
        ),
        ("en", "1.00", "MDL", "One Moldovan leu, zero bani"),  # was "One Moldovan lei 00 bani"
        ("en", "21.02", "MDL", "Twenty-one Moldovan lei, two bani"),
    ],
)
def test_english_hryvnias_and_moldovan_lei_agree_with_the_number(
    language: str, amount: str, currency: str, expected: str
) -> None:
    assert amount_in_words(Decimal(amount), currency, language) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        # feminine units: "o", "una", "două", and "de" from twenty on (was "Unu grivne 00
        # copeici", "Douăzeci grivne", "Doi roubles și zero kopeks")
        ("1.01", "UAH", "O grivnă și o copeică"),
        ("2.02", "UAH", "Două grivne și două copeici"),
        ("12.00", "UAH", "Douăsprezece grivne"),
        ("21.21", "UAH", "Douăzeci și una de grivne și douăzeci și una de copeici"),
        ("100.00", "UAH", "O sută de grivne"),
        ("102.00", "UAH", "O sută două grivne"),
        (
            "1234.56",
            "UAH",
            "O mie două sute treizeci și patru de grivne și cincizeci și șase de copeici",
        ),
        ("1.00", "RUB", "O rublă"),
        ("2.00", "RUB", "Două ruble"),
        ("22.00", "RUB", "Douăzeci și două de ruble"),
        ("1000.05", "RUB", "O mie de ruble și cinci copeici"),
        # masculine: "un zlot", "doi zloți" (was "Unu zloty și zero groszy", "Doi zlotys")
        ("1.01", "PLN", "Un zlot și un groș"),
        ("2.00", "PLN", "Doi zloți"),
        ("21.00", "PLN", "Douăzeci și unu de zloți"),
        ("120.20", "PLN", "O sută douăzeci de zloți și douăzeci de groși"),
    ],
)
def test_romanian_hryvnias_roubles_and_zlotys(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(Decimal(amount), currency, "ro") == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1.00", "Один польский злотый, ноль грошей"),
        ("2.00", "Два польских злотых, ноль грошей"),  # num2words: "слотых"
        ("3.02", "Три польских злотых, два гроша"),
        ("5.00", "Пять польских злотых, ноль грошей"),
    ],
)
def test_russian_zlotys_are_spelt_right(amount: str, expected: str) -> None:
    assert amount_in_words(Decimal(amount), "PLN", "ru") == expected


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


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        # A pretension's "1.442.234,12 RON" read "patruzeci și doi de mii": "mie" is feminine.
        (
            "1442234.12",
            "RON",
            "Un milion patru sute patruzeci și două de mii două sute treizeci și patru de lei "
            "și doisprezece bani",
        ),
        ("21000.00", "MDL", "Douăzeci și una de mii de lei moldovenești"),  # was "unu de mii"
        # no "de" below twenty, even after hundreds (was "o sută doisprezece de mii")
        ("112000.00", "RON", "O sută douăsprezece mii de lei"),
        ("302000.00", "EUR", "Trei sute două mii de euro"),  # was "trei sute doi de mii"
        # millions take "de" from twenty on (was "treizeci și două milioane")
        ("32000000.00", "RON", "Treizeci și două de milioane de lei"),
        ("21000000.00", "RON", "Douăzeci și unu de milioane de lei"),
        ("2000000.00", "UAH", "Două milioane de grivne"),
    ],
)
def test_romanian_thousands_and_millions_agree_with_their_noun(
    amount: str, currency: str, expected: str
) -> None:
    assert amount_in_words(Decimal(amount), currency, "ro") == expected
