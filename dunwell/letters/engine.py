"""Rendering a wording: Django template syntax over plain data, in a sandboxed `Engine`.

The engine has no loaders and only the tags and filters of `template_library` (no tag that
reaches the database or the file system), and the context is plain data (strings, numbers,
lists and dicts built by `dunwell.letters.drafting.letter_context`): a wording can print the
letter's facts and nothing else. Texts are plain (no HTML escaping): the email is text/plain
and the printed letter escapes the final text itself."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from dunwell.letters.template_library import FILTERS, TAGS

# The names a wording may use; docs/mail.md describes each.
DOCUMENTED_CONTEXT = (
    "company", "debtor", "addressee", "sender", "step", "today", "reply_by", "documents",
    "groups", "total_overdue", "total_open", "total_disputed", "terms", "penalty", "promises",
    "disputes", "payment_details", "language",
)  # fmt: skip


class _SandboxEngine(Engine):
    # Engine() prepends Django's default tags (load, include, url, debug …) to `builtins`:
    # the sandbox starts from none and adds only template_library.
    default_builtins: ClassVar[list[str]] = []


@lru_cache(maxsize=1)
def sandbox() -> Engine:
    return _SandboxEngine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        builtins=["dunwell.letters.template_library"],
        autoescape=False,
        string_if_invalid="",
        debug=False,
    )


class WordingSyntaxError(ValueError):
    """The wording does not parse; the message says where."""


_BAD_TAG = re.compile(r"Invalid block tag on line (\d+): '([^']*)'")
_UNCLOSED = re.compile(r"Unclosed tag on line (\d+): '([^']*)'")
_BAD_FILTER = re.compile(r"Invalid filter: '([^']*)'")
_REMAINDER = re.compile(r"Could not parse the remainder: '[^']*' from '([^']*)'")
_UNDERSCORE = re.compile(r"Variables and attributes may not begin with underscores: '([^']*)'")
_CLOSERS = ("else", "elif", "empty")


def explain(message: str) -> str:
    """Django's template error in the user's language, for the mistakes people make in a
    wording (a tag the sandbox has not, an unclosed or stray tag, an unknown filter, a name
    that is not one); any other error as Django words it."""
    if found := _BAD_TAG.match(message):
        line, tag = found.groups()
        if tag.startswith("end") or tag in _CLOSERS:
            return _("Line %(line)s: %(tag)s closes or continues nothing opened before it.") % {
                "line": line,
                "tag": f"{{% {tag} %}}",
            }
        return _("Line %(line)s: a wording cannot use the tag “%(tag)s”; it may use %(tags)s.") % {
            "line": line,
            "tag": tag,
            "tags": ", ".join(TAGS),
        }
    if found := _UNCLOSED.match(message):
        line, tag = found.groups()
        return _("Line %(line)s: %(tag)s is never closed: %(end)s is missing.") % {
            "line": line,
            "tag": f"{{% {tag} %}}",
            "end": f"{{% end{tag} %}}",
        }
    if found := _BAD_FILTER.match(message):
        return _("There is no filter “%(name)s”; a wording may use %(filters)s.") % {
            "name": found.group(1),
            "filters": ", ".join(FILTERS),
        }
    if found := _REMAINDER.match(message):
        return _("“%(text)s” cannot be read: print one name at a time, such as debtor.name.") % {
            "text": found.group(1)
        }
    if found := _UNDERSCORE.match(message):
        return _("“%(name)s” cannot be printed: names starting with “_” are not letter data.") % {
            "name": found.group(1)
        }
    return message


@lru_cache(maxsize=256)
def compile_wording(source: str) -> Any:
    try:
        return sandbox().from_string(source)
    except TemplateSyntaxError as exc:
        raise WordingSyntaxError(explain(str(exc))) from exc


# A full stop right after a word's own full stop: a name that ends in an abbreviation ("Acme
# S.R.L.", "Nord Inc.") where the wording ends its sentence after the name. An ellipsis (three
# or more) is left as written.
DOUBLE_STOP = re.compile(r"(?<=[^\W\d_]\.)\.(?!\.)")


def render_wording(source: str, context: dict[str, Any]) -> str:
    """The wording filled with the letter's data; a sentence's full stop after a name that
    ends in one is dropped; blank lines beyond two are squeezed."""
    text = compile_wording(source).render(Context(context, autoescape=False))
    text = DOUBLE_STOP.sub("", text)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out)
