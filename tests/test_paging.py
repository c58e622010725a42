"""The paginator that reads a page and its count in one query (dunwell/paging.py) gives
Django's pages: the same rows, numbers and count for every page a user can ask for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from dunwell.ledger.models import Counterparty
from dunwell.paging import CountedPaginator

pytestmark = pytest.mark.django_db


def _page(paginator: Paginator, number: Any) -> tuple[int, int, int, list[int], bool, bool]:
    page = paginator.get_page(number)
    return (
        page.number,
        paginator.count,
        paginator.num_pages,
        [cp.pk for cp in page.object_list],
        page.has_previous(),
        page.has_next(),
    )


@pytest.mark.parametrize(
    "number",
    [None, "", "abc", "1.5", 1, "1", 2, "3", 3.0, 4, "99", 0, "-2", "99999999999999999999"],
)  # fmt: skip
def test_every_page_number_gives_djangos_page(
    make_counterparty: Callable[..., Counterparty], number: Any
) -> None:
    for n in range(23):
        make_counterparty(name=f"Debtor {n % 7}", external_id=f"P{n:02d}")
    rows = Counterparty.objects.order_by("name", "pk")
    assert _page(CountedPaginator(rows, 10), number) == _page(Paginator(rows, 10), number)


def test_the_filters_are_evaluated_once_for_a_page_and_its_count(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    for n in range(12):
        make_counterparty(name=f"Debtor {n:02d}", external_id=f"Q{n:02d}")
    rows = Counterparty.objects.filter(name__startswith="Debtor").order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page = CountedPaginator(rows, 5).get_page("2")
        names = [cp.name for cp in page]
        total, pages = page.paginator.count, page.paginator.num_pages
    assert names == [f"Debtor {n:02d}" for n in range(5, 10)]
    assert (total, pages, page.has_next()) == (12, 3, True)
    # The page's keys come with the count (no COUNT of its own over the filters); the second
    # read takes the five rows by key.
    keys, read = (q["sql"] for q in queries.captured_queries)
    assert "OVER ()" in keys and "COUNT(*) AS" not in keys
    assert "OVER" not in read and "LIMIT" not in read
    # Django's own counts first.
    with CaptureQueriesContext(connection) as queries:
        list(Paginator(rows, 5).get_page("2"))
    assert queries.captured_queries[0]["sql"].startswith('SELECT COUNT(*) AS "__count"')


def test_a_row_gone_between_the_two_reads_is_left_out(
    make_counterparty: Callable[..., Counterparty], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [make_counterparty(name=f"Debtor {n}", external_id=f"G{n}") for n in range(3)]
    rows = Counterparty.objects.filter(name__startswith="Debtor").order_by("name")
    paginator = CountedPaginator(rows, 10)
    real_filter = QuerySet.filter

    def filter_after_a_rename(self: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        if "pk__in" in kwargs:
            Counterparty.objects.filter(pk=made[1].pk).update(name="Renamed")
        return real_filter(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "filter", filter_after_a_rename)
    page = paginator.get_page(1)
    assert [cp.name for cp in page] == ["Debtor 0", "Debtor 2"]
    assert paginator.count == 3  # as counted when the page was read


def test_an_empty_list_is_one_empty_first_page(
    make_counterparty: Callable[..., Counterparty],
) -> None:
    make_counterparty(name="Other")
    rows = Counterparty.objects.filter(name="Nobody").order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page = CountedPaginator(rows, 5).get_page(1)
    assert (page.number, page.paginator.count, list(page)) == (1, 0, [])
    assert len(queries) == 1
