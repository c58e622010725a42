"""DOCX templates are data, not code.

A template may read the document's snapshot (a tree of dicts, lists, strings and numbers) and
nothing else: names are looked up as keys of a mapping or indexes of a list, never as Python
attributes; names starting with "_" are never read; there are no globals (no `cycler`,
`range`, `namespace`) and only the filters in ALLOWED_FILTERS.

Two modes:
- checking (an upload): the first forbidden expression raises TemplateRejected, which names it;
- printing (a letter): a forbidden expression prints nothing, so a template forced into the
  database past the check still cannot print server data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, Undefined
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

# The top-level names of the document snapshots (dunwell/legal/selectors.py) and the loop
# variables the shipped templates use. docs/security.md lists them for template authors.
DOCUMENTED_FIELDS = frozenset(
    {"number", "date", "creditor", "debtor", "contract", "currency", "items",
     "principal", "principal_words", "calc", "claim_total", "claim_total_words",
     "deadline_days", "deadline", "start", "end", "opening_debit", "opening_credit",
     "rows", "debit_turnover", "credit_turnover", "closing_debit", "closing_credit",
     "closing", "closing_words", "in_favour", "as_of", "total", "total_words",
     "overdue", "overdue_words", "instalments", "meeting_date", "place",
     "participants", "agreed", "next_steps", "row", "item", "groups",
     "totals", "several", "no_calculation", "deadline_period", "periods_note", "g",
     "court", "pretension", "claims", "fees", "attachments"}
)  # fmt: skip

ALLOWED_FILTERS = (
    "capitalize", "default", "d", "e", "escape", "first", "float", "int", "join", "last",
    "length", "count", "lower", "replace", "round", "string", "title", "trim", "truncate",
    "upper", "wordwrap",
)  # fmt: skip


_LOOP_FIELDS = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
     "previtem", "nextitem", "cycle", "changed"}
)  # fmt: skip


class TemplateRejected(SecurityError):
    """An uploaded template reaches outside the document data."""


class _Blank(ChainableUndefined):
    """Prints nothing, whatever is read from it or called on it."""

    def __call__(self, *args: Any, **kwargs: Any) -> _Blank:  # type: ignore[override]
        return self


class DataOnlyEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"**"})  # 9**9**9 would hold a worker for ever

    def __init__(self, *, checking: bool) -> None:
        super().__init__(autoescape=True, undefined=Undefined if checking else _Blank)
        self.checking = checking
        self.globals.clear()
        self.filters = {name: self.filters[name] for name in ALLOWED_FILTERS}

    def _refuse(self, obj: Any, name: Any) -> Any:
        if self.checking:
            raise TemplateRejected(
                _(
                    "The template reads “%(name)s” from a %(type)s: "
                    "only the document data can be used."
                )
                % {"name": name, "type": type(obj).__name__}
            )
        return self.undefined(obj=obj, name=str(name))

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and argument.startswith("_"):
            return self._refuse(obj, argument)
        if isinstance(obj, Undefined):
            if self.checking:
                return self._refuse(obj, argument)
            return obj
        if isinstance(obj, LoopContext) and argument in _LOOP_FIELDS:
            return getattr(obj, argument)
        if isinstance(obj, Mapping):
            if argument in obj:
                return obj[argument]
            return self.undefined(obj=obj, name=str(argument))
        if isinstance(obj, Sequence) and not isinstance(obj, str) and isinstance(argument, int):
            try:
                return obj[argument]
            except IndexError:
                return self.undefined(obj=obj, name=str(argument))
        return self._refuse(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        # The data holds no functions; loop.cycle() and friends are the only calls allowed.
        if isinstance(getattr(__obj, "__self__", None), LoopContext):
            return super().call(__context, __obj, *args, **kwargs)
        if __self.checking:
            raise TemplateRejected(
                _("The template calls “%(name)s”: only the document data can be used.")
                % {"name": getattr(__obj, "path", type(__obj).__name__)}
            )
        return __self.undefined(obj=__obj, name="()")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return self._refuse(left, operator)


class _Sample(Mapping[str, Any]):
    """Stands for any document data while an upload is checked: every key holds a sample,
    every list holds one sample, and it prints as a short word. It knows its path, so a
    refusal can name the expression."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __getitem__(self, key: str) -> Any:
        return _Sample(f"{self.path}.{key}")

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter([_Sample(f"{self.path}[0]")])  # type: ignore[list-item]

    def __len__(self) -> int:
        return 1

    def __str__(self) -> str:
        return "sample"


def render(template: DocxTemplate, data: dict[str, Any]) -> None:
    """Render a template for a letter: forbidden expressions print nothing."""
    template.render(data, jinja_env=DataOnlyEnvironment(checking=False), autoescape=True)


def check(content: bytes) -> None:
    """Refuse a DOCX template that reads outside the documented data (TemplateRejected) or
    does not parse (TemplateError, ValueError...)."""
    env = DataOnlyEnvironment(checking=True)
    names = DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables(jinja_env=env)
    unknown = sorted(set(names) - DOCUMENTED_FIELDS)
    if unknown:
        raise TemplateRejected(
            _("The template uses “%(names)s”, which is not part of the document data.")
            % {"names": "”, “".join(unknown)}
        )
    sample = {name: _Sample(name) for name in DOCUMENTED_FIELDS}
    DocxTemplate(io.BytesIO(content)).render(sample, jinja_env=env, autoescape=True)


__all__ = ["TemplateError", "TemplateRejected", "check", "render", "DOCUMENTED_FIELDS"]
