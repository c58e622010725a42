"""Hostile query parameters never cause a server error (issue 9, item 6): every GET URL pattern,
with every parameter a view reads set to out-of-range dates, huge numbers, unicode digits, SQL
fragments, NUL and very long text; a bad value gets a 4xx (400 with the reason where a form
reads it), never a 5xx."""

from __future__ import annotations

import contextlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dunwell.insight.forms import AgingFilterForm
from dunwell.legal.forms import CalculatorForm
from dunwell.work.forms import CalendarQueryForm
from dunwell.work.listing import DebtorListForm
from tests.test_permission_sweep import ADMIN_PREFIX, _url
from tests.url_world import World, walk

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent / "dunwell"
READ = re.compile(r"""request\.GET(?:\.get\(|\[)\s*["']([^"']+)["']""")

HOSTILE = [
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "99999999999999999999",
    "-1",
    "٣٠,٦٠",
    "' OR 1=1 --",
    "x\x00y",
    "9" * 5000,
]
# Parameters read through forms (the calculator reads all its fields from GET).
FORM_PARAMS = {
    *DebtorListForm.base_fields,
    *AgingFilterForm.base_fields,
    *CalendarQueryForm.base_fields,
    *CalculatorForm.base_fields,
}


def params_read_by_views() -> set[str]:
    """Every name a view or middleware reads with request.GET (grep, as the brief asks)."""
    names: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        names.update(READ.findall(path.read_text(encoding="utf-8")))
    return names


FORMS = {"AgingFilterForm": AgingFilterForm, "CalendarQueryForm": CalendarQueryForm}
FORMS["CalculatorForm"] = CalculatorForm
FORMS["DebtorListForm"] = DebtorListForm
CALLS = re.compile(r"\b(_\w+)\(")


def params_of(view: Any) -> set[str]:
    """The parameters one view reads: request.GET names and the fields of the query forms in
    its source and in the module's helpers it calls (one level)."""
    view = getattr(view, "view_class", None) or view
    module = inspect.getmodule(inspect.unwrap(view))
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return set()
    for helper in set(CALLS.findall(source)):
        function = getattr(module, helper, None)
        if callable(function):
            with contextlib.suppress(OSError, TypeError):
                source += inspect.getsource(function)
    names = set(READ.findall(source))
    for form_name, form in FORMS.items():
        if form_name in source:
            names.update(form.base_fields)
    return names


def test_the_fuzz_knows_every_parameter_a_view_reads() -> None:
    """Each name grepped from the code is read by some swept view (or the middleware's lang)."""
    swept: set[str] = {"lang"}
    for route in walk():
        if not route.route.startswith(ADMIN_PREFIX):
            swept |= params_of(resolve_callback(route))
    assert params_read_by_views() - swept == set()
    assert {"date", "as_of", "buckets", "q", "page", "min_amount", "days", "task"} <= swept


def resolve_callback(route: Any) -> Any:
    from django.urls import get_resolver

    for item in _flat(get_resolver().url_patterns):
        if item[0] == route.route:
            return item[1]
    return None


def _flat(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    from django.urls import URLResolver

    out: list[tuple[str, Any]] = []
    for item in patterns:
        text = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            out.extend(_flat(item.url_patterns, text))
        else:
            out.append((text, item.callback))
    return out


def test_hostile_parameters_never_cause_a_server_error(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.owner)
    problems = []
    for route in walk():
        if route.route.startswith(ADMIN_PREFIX) or route.name == "logout":
            continue
        url = _url(route, world)
        if url is None:
            continue
        names = sorted(params_of(resolve_callback(route)) | {"lang"})
        for value in HOSTILE:
            # All at once, then each alone (an early 400 must not hide a later parameter).
            queries = [dict.fromkeys(names, value)]
            if len(names) > 1:
                queries += [{n: value} for n in names]
            for query in queries:
                status = client.get(url, query).status_code
                if status >= 500:
                    problems.append(f"GET {url} {sorted(query)}={value[:20]!r}: {status}")
    assert not problems, "\n".join(problems[:40])


@pytest.mark.django_db
def test_a_nul_byte_in_a_parameter_is_refused_naming_it(
    client: Any, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user(username="nul", password="pw-nul")
    client.force_login(user)
    response = client.get("/work/debtors/", {"q": "x\x00y"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "q" in page and "contains a NUL character" in page
