"""The documents' own wording comes from this app's catalogue only.

Django merges every app's catalogue, and an app listed earlier wins for a shared msgid
("Days", "Total"); a letter to a debtor must not change its words because another screen
translated a column differently, so document texts are looked up here directly.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

LOCALE = Path(__file__).resolve().parent / "locale"


@lru_cache(maxsize=8)
def catalogue(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        "django", localedir=str(LOCALE), languages=[language], fallback=True
    )


class InContext(str):
    """A msgid that carries its msgctxt, for texts marked now and translated at render time
    (a table column "Year" that means the days counted in a year, not a calendar year)."""

    context: str

    def __new__(cls, context: str, message: str) -> InContext:
        text = super().__new__(cls, message)
        text.context = context
        return text


def pgettext_noop(context: str, message: str) -> InContext:
    """Marks `message` for the catalogue under `context`; `doc_gettext` translates it there."""
    return InContext(context, message)


def doc_gettext(text: str, language: str | None = None) -> str:
    """`text` in `language` (default: the active one) from the legal catalogue."""
    translations = catalogue(language or get_language() or "en")
    if isinstance(text, InContext):
        return translations.pgettext(text.context, str(text))
    return translations.gettext(text)


def doc_ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """The plural form for `n` in `language` (default: the active one), from the legal
    catalogue ("1 день", "2 дня", "5 дней")."""
    return catalogue(language or get_language() or "en").ngettext(singular, plural, n)


def doc_pgettext(context: str, message: str, language: str | None = None) -> str:
    """`message` under `context` in `language` (default: the active one), from the legal
    catalogue (a calculation's "Penalty" is the papers' "пеня", not a contract clause)."""
    return catalogue(language or get_language() or "en").pgettext(context, message)
