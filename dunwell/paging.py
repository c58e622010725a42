"""Pages of a list whose count costs as much as the list itself.

Django's Paginator counts the rows with a query of its own (`SELECT COUNT(*)` over the same
filters) and then reads the page. When the filters are correlated subqueries (the debtor
list's "has overdue documents", "oldest debt over 90 days") the count evaluates them for every
row, and the page evaluates them again. `CountedPaginator` reads the page's keys with
`COUNT(*) OVER ()` beside them: the database finds every matching row once, sorts them and
returns the keys of one page with the count. A second query reads those rows (and whatever
they carry: joined objects, annotations) by key. The first query returns only keys and sort
values, so the window does not hold every matching row's full width in memory.

A page past the end (no rows, so no count) falls back to Django's way.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

_TOTAL = "paging_total"
_LARGEST_OFFSET = 2**63 - 1  # a 64-bit integer in PostgreSQL and SQLite


class CountedPaginator(Paginator):
    """A Paginator over an ordered QuerySet that evaluates its filters once per page: the
    same pages, numbers and count as Django's (a number that is not an integer gives page 1,
    one past the end gives the last page). With `orphans` it pages the usual way."""

    object_list: QuerySet[Any]

    def get_page(self, number: Any) -> Page:
        try:
            wanted = self._integer(number)
        except ValueError:
            wanted = 1
        bottom = (wanted - 1) * self.per_page
        if wanted < 1 or self.orphans or bottom + self.per_page > _LARGEST_OFFSET:
            # (A page number no list reaches would overflow the OFFSET: Django's count finds
            # the last page.)
            return super().get_page(number)
        keys = list(
            self.object_list.annotate(**{_TOTAL: Window(Count("*"))}).values_list("pk", _TOTAL)[
                bottom : bottom + self.per_page
            ]
        )
        if not keys:
            if wanted == 1 and self.allow_empty_first_page:
                self.__dict__["count"] = 0
                return Page([], 1, self)
            return super().get_page(wanted)
        self.__dict__["count"] = keys[0][1]
        ids = [pk for pk, _total in keys]
        found = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        # A row changed between the two reads so that it no longer matches is left out.
        return Page([found[pk] for pk in ids if pk in found], wanted, self)

    @staticmethod
    def _integer(number: Any) -> int:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError(number)
        try:
            return int(number)
        except (TypeError, ValueError) as exc:
            raise ValueError(number) from exc
