"""The demo's lawyer sues a debtor in its own country's and city's court (`demo.courts`)."""

from __future__ import annotations

import pytest

from dunwell.demo.courts import court_for
from dunwell.demo.generator import COUNTRIES


@pytest.mark.parametrize(
    ("country", "address", "court", "number"),
    [
        ("RU", "Москва, 12", "Арбитражный суд города Москвы", "А40-31725/2026"),
        ("RU", "Казань, 3", "Арбитражный суд Республики Татарстан", "А65-31725/2026"),
        ("UA", "Київ, 41", "Господарський суд міста Києва", "910/31725/26"),
        ("MD", "Chișinău, 144", "Judecătoria Chișinău, sediul Centru", "2-31725/26"),
        ("RO", "Brașov, 94", "Tribunalul Brașov, Secția a II-a civilă", "31725/62/2026"),
        ("RU", "Тверь, 5", "Арбитражный суд города Москвы", "А40-31725/2026"),  # the capital's
        ("FR", "Paris, 1", "Tribunalul București, Secția a VI-a civilă", "31725/3/2026"),
    ],
)
def test_a_debtor_is_sued_in_its_own_countrys_court(
    country: str, address: str, court: str, number: str
) -> None:
    assert court_for(country, address, 31725, 2026) == (court, number)


def test_every_city_the_demo_writes_has_its_court() -> None:
    from dunwell.demo.courts import COURTS

    for country in COUNTRIES:
        assert set(country.cities) == set(COURTS[country.code]), country.code
