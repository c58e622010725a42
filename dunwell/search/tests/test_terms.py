from __future__ import annotations

import pytest

from dunwell.search.terms import phone_query


@pytest.mark.parametrize(
    "text", ["0721 234 567", "+40 721-234-567", "40721234567", "0040 721 234 567", "(0721) 234.567"]
)
def test_every_way_of_writing_a_number_gives_its_e164_form(text: str) -> None:
    query = phone_query(text, ["RO"])
    assert query is not None
    assert "+40721234567" in query.numbers


def test_a_national_number_is_looked_for_without_its_trunk_zero() -> None:
    query = phone_query("0721 234", ["RO"])
    assert query is not None
    assert query.digits == "721234"


@pytest.mark.parametrize("text", ["Ana Pop", "INV-123", "12 3", "RO18547290"])
def test_text_that_is_not_a_number_is_no_phone_search(text: str) -> None:
    assert phone_query(text, ["RO"]) is None


def test_a_number_is_read_with_each_of_our_countries() -> None:
    query = phone_query("067 123 456", ["RO", "MD"])
    assert query is not None
    assert "+37367123456" in query.numbers
