"""ORM reads whose SQL is built once per process (issue 15, item 6: a page's server time).

Turning a QuerySet into SQL (resolving lookups, joins, the select list, the ORDER BY) costs
about a millisecond of Python, more than the indexed read it sends; the debtor card sends
thirty of them. A `Reusable` read is written with the ORM as usual, as a function of its
arguments. The first call in a process builds its SQL twice, with two sets of stand-in
values, and checks that only the stand-ins' places in the parameters differ (so the SQL does
not depend on the values and no parameter is derived from one); every later call sends that
SQL with the real values and turns the rows into instances exactly as Django does
(converters, `select_related` objects, annotations).

    OPEN_TASKS = Reusable(
        lambda cp: Task.objects.filter(counterparty_id=cp).select_related("step")[:20], int
    )
    tasks = OPEN_TASKS(counterparty.pk)

Arguments are ints, strings, dates or aware datetimes, used as plain values in the filters
(a value computed from another, such as a cut-off date, is an argument of its own), or a list
of ids (`list`) used with the `__any` lookup (dunwell/lookups.py): on PostgreSQL the whole list
is one array parameter, so the SQL is the same for every list. On SQLite `__any` writes one
placeholder per id, so there a read with a list argument is built as a QuerySet on every call.
The read returns model instances, or dicts for a `values()` read (grouped sums included); no
`prefetch_related` (call `prefetch_related_objects` on the result). A read whose SQL cannot
be reused this way is refused at its first call (`NotReusable`), never run wrongly.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

from dunwell.lookups import int_array


class NotReusable(Exception):
    """The read's SQL depends on its arguments' values (or it is not a plain model read)."""


def _stand_in(kind: type, index: int, second: bool) -> Any:
    """A stand-in for argument `index`: numbers valid for every integer column (Django
    answers an out-of-range value with an empty result instead of SQL), a marked text, a day
    in 1901 or 1902. A fixed parameter that happens to equal one is caught by the second
    build, where the stand-ins differ and it does not."""
    offset = index + (1000 if second else 0)
    if kind is int:
        return 30_011 + offset  # a positive small integer
    if kind is str:
        return f"\x1f{offset}\x1f"
    if kind is datetime:
        return datetime(1901 + second, 1, 1, tzinfo=UTC) + timedelta(hours=index)
    if kind is date:
        return date(1901 + second, 1, 1) + timedelta(days=index)
    if kind is list:
        return [30_011 + offset, 30_012 + offset]  # ids
    raise NotReusable(f"an argument of type {kind.__name__}")


class _Plan:
    """The SQL of one read on one database, the places of its arguments among its parameters,
    and the compiler that knows how to turn its rows into instances."""

    def __init__(
        self,
        compiler: Any,
        sql: str,
        params: list[Any],
        places: list[int],
        names: list[str] | None,
    ) -> None:
        self.compiler = compiler
        self.names = names  # the keys of a values() read's dicts; None: model rows
        self.sql = sql
        self.params = params
        self.places = places  # places[i] = which argument goes in parameter i (-1: fixed)
        # Per connection (a thread's): the compiler bound to it, the columns' converters and
        # the select_related populators, which Django would build again for every read.
        self.shapes: dict[int, _Shape] = {}


class _Shape:
    """What turns one read's rows into values on one connection, made once."""

    def __init__(self, plan: _Plan, alias: str) -> None:
        connection = connections[alias]
        compiler = copy.copy(plan.compiler)
        compiler.connection = connection
        self.connection = connection  # held: the key is its id
        self.compiler = compiler
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise NotReusable("a composite primary key")
        self.converters = compiler.get_converters(fields)
        self.trim = compiler.col_count if compiler.has_extra_select else None
        self.related: list[Any] = []
        self.fields: tuple[int, int, list[str]] | None = None
        if plan.names is None:
            klass_info = compiler.klass_info
            select = compiler.select
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.fields = (start, end, [f[0].target.attname for f in select[start:end]])
            populators: Any = get_related_populators  # (the stubs describe a later Django)
            self.related = populators(klass_info, select, alias)


class Reusable:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._plans: dict[str, _Plan] = {}
        self._model_class: type[Model] | None = None  # known at the first call
        self._lock = threading.Lock()

    def _adapt(self, alias: str, kind: type, value: Any) -> Any:
        ops = connections[alias].ops
        if kind is datetime:
            return ops.adapt_datetimefield_value(value)
        if kind is date:
            return ops.adapt_datefield_value(value)
        if kind is list and connections[alias].vendor == "postgresql":
            return int_array(value)  # as `__any` sends ids (dunwell/lookups.py)
        return value

    def _compile(
        self, alias: str, second: bool
    ) -> tuple[Any, str, list[Any], list[Any], list[str] | None]:
        values = [_stand_in(kind, i, second) for i, kind in enumerate(self.kinds)]
        queryset = self.build(*values)
        lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        kind = queryset._iterable_class
        if kind not in (ModelIterable, ValuesIterable) or lookups:
            raise NotReusable("only model rows or values() without prefetch_related")
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as exc:
            raise NotReusable("the SQL depends on the arguments' values") from exc
        adapted = [self._adapt(alias, k, v) for k, v in zip(self.kinds, values, strict=True)]
        names = None
        if kind is ValuesIterable:  # the keys Django's ValuesIterable gives
            query = queryset.query
            names = list(query.selected or ()) or [
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            ]
        return compiler, sql, list(params), adapted, names

    def _plan(self, alias: str) -> _Plan:
        plan = self._plans.get(alias)
        if plan is not None:
            return plan
        with self._lock:
            compiler, sql, first, marks, names = self._compile(alias, second=False)
            _c, sql_again, second, marks_again, _n = self._compile(alias, second=True)
            if sql != sql_again or len(first) != len(second):
                raise NotReusable(f"the SQL depends on the arguments: {sql}")
            places = []
            for a, b in zip(first, second, strict=True):
                place = next((i for i, m in enumerate(marks) if a == m), -1)
                if place == -1 and a != b:
                    raise NotReusable(f"a parameter is derived from an argument: {a!r}")
                if place != -1 and b != marks_again[place]:
                    raise NotReusable(f"a parameter only looks like an argument: {a!r}")
                places.append(place)
            if sorted(set(places) - {-1}) != list(range(len(self.kinds))):
                raise NotReusable("an argument is not a parameter of the SQL")
            plan = self._plans[alias] = _Plan(compiler, sql, first, places, names)
        return plan

    def __call__(self, *args: Any) -> list[Any]:
        """The rows: instances of the model, or dicts for a values() read."""
        sent = _SENT.get()
        if sent is not None:
            answer = sent.pop(_key(self, args), None)
            if answer is not None:
                return answer
        alias = router.db_for_read(self._model())
        if list in self.kinds and connections[alias].vendor != "postgresql":
            return list(
                self.build(
                    *[list(a) if k is list else a for k, a in zip(self.kinds, args, strict=True)]
                ).using(alias)
            )
        plan = self._plan(alias)
        params = self._params(alias, plan, args)
        with connections[alias].cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return self._result(alias, plan, rows)

    def _params(self, alias: str, plan: _Plan, args: Sequence[Any]) -> list[Any]:
        adapted = [
            self._adapt(alias, k, list(v) if k is list else v)
            for k, v in zip(self.kinds, args, strict=True)
        ]
        return [
            value if place == -1 else adapted[place]
            for value, place in zip(plan.params, plan.places, strict=True)
        ]

    def _result(self, alias: str, plan: _Plan, rows: list[Any]) -> list[Any]:
        """The rows as Django's iterables make them (compiler.results_iter, then
        ModelIterable or ValuesIterable), with the shape made once per connection."""
        shape = plan.shapes.get(id(connections[alias]))
        if shape is None:
            shape = _Shape(plan, alias)
            if len(plan.shapes) >= 64:  # threads come and go (the development server)
                plan.shapes.clear()
            plan.shapes[id(shape.connection)] = shape
        if shape.trim is not None:
            rows = [row[: shape.trim] for row in rows]
        values: Any = rows
        if shape.converters:
            values = shape.compiler.apply_converters(rows, shape.converters)
        if plan.names is not None:
            names = plan.names
            return [dict(zip(names, row, strict=False)) for row in values]
        return self._instances(shape, alias, values)

    def _model(self) -> type[Model]:
        model = self._model_class
        if model is None:
            model = self._model_class = self.build(
                *[_stand_in(k, i, False) for i, k in enumerate(self.kinds)]
            ).model
        return model

    @staticmethod
    def _instances(shape: _Shape, alias: str, rows: Any) -> list[Any]:
        """Rows to instances the way Django's ModelIterable does it."""
        assert shape.fields is not None
        start, end, names = shape.fields
        compiler = shape.compiler
        model = compiler.klass_info["model"]
        annotations = compiler.annotation_col_map
        related = shape.related
        out = []
        for row in rows:
            obj = model.from_db(alias, names, row[start:end])
            for populator in related:
                populator.populate(row, obj)
            for name, position in (annotations or {}).items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out


# Reads sent ahead by `together`: (read, arguments) -> its rows, taken by the read's call.
_Sent = dict[tuple[int, tuple[Any, ...]], list[Any]]
_SENT: ContextVar[_Sent | None] = ContextVar("dunwell_compiled_sent", default=None)


def _key(read: Reusable, args: Sequence[Any]) -> tuple[int, tuple[Any, ...]]:
    # A list argument is a set of ids (`__any`): the same ids in any order are the same read.
    return id(read), tuple(tuple(sorted(set(a))) if isinstance(a, list) else a for a in args)


@contextmanager
def together(calls: Sequence[tuple[Reusable, tuple[Any, ...]]]) -> Iterator[None]:
    """Send the reads `calls` (each a `Reusable` and its arguments) in one round trip, and
    let each one's first call with those arguments inside the block take its rows from there.

    A page that makes twenty independent reads of one counterparty waits for twenty round
    trips one after the other (about 0.4 ms each here, most of the debtor card's database
    time). On PostgreSQL these go out together in psycopg's pipeline mode, bound on the
    server; elsewhere, or for a read of another database, nothing is sent ahead and every
    read runs when called. A read sent ahead that the block does not call is wasted, never
    wrong; a call with other arguments runs as usual (a list of ids is the same argument in
    any order). Read-only statements, at the moment the block starts: a block that writes must
    not read what it wrote through a read sent ahead.

    A block inside another (a page's second round trip, once its first reads tell what to read
    next) adds its reads to the outer block's: what the inner block does not call stays
    there for the rest of the outer block, so a page's view can take rows a selector sent."""
    outer = _SENT.get()
    if outer is not None:  # what the outer block sent and no call took yet is not sent again
        calls = [(read, args) for read, args in calls if _key(read, args) not in outer]
    sent = _send(calls) if calls else {}
    if outer is not None:
        for key, rows in sent.items():
            outer.setdefault(key, rows)
        yield
        return
    token = _SENT.set(sent)
    try:
        yield
    finally:
        _SENT.reset(token)


def _send(calls: Sequence[tuple[Reusable, tuple[Any, ...]]]) -> _Sent:
    """The rows of `calls` read in one round trip, by `_key`; none where that cannot be done
    (not PostgreSQL, or reads of more than one database)."""
    aliases = {router.db_for_read(read._model()) for read, _args in calls}
    alias = aliases.pop()
    db = connections[alias]
    if aliases or db.vendor != "postgresql":
        return {}
    from dunwell.rawrows import log_statement, server_cursors

    plans = [(read, read._plan(alias), args) for read, args in calls]
    statements = [(plan.sql, read._params(alias, plan, args)) for read, plan, args in plans]
    began = time.monotonic()
    with server_cursors(db, len(statements)) as cursors:
        for cursor, (sql, params) in zip(cursors, statements, strict=True):
            cursor.execute(sql, params)  # not prepared: no generic plans
        fetched = [cursor.fetchall() for cursor in cursors]
    for sql, params in statements:
        log_statement(db, sql, params, began)
    return {
        _key(read, args): read._result(alias, plan, rows)
        for (read, plan, args), rows in zip(plans, fetched, strict=True)
    }
