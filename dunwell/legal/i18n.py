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


def doc_gettext(text: str, language: str | None = None) -> str:
    """`text` in `language` (default: the active one) from the legal catalogue."""
    return catalogue(language or get_language() or "en").gettext(text)


def doc_ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """The plural form for `n` in `language` (default: the active one), from the legal
    catalogue ("1 день", "2 дня", "5 дней")."""
    return catalogue(language or get_language() or "en").ngettext(singular, plural, n)
