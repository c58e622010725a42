"""Names that are data, shown to users in their language: a model keeps its English name in
`name` and the other languages in a JSON field `{"ru": ..., "uk": ..., "ro": ...}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation


def localized(names: Mapping[str, Any] | None, default: str, language: str | None = None) -> str:
    """The name in `language` (default: the active one, then its base language "ro" for
    "ro-md"), else `default` (the English name)."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    if not names:
        return default
    for code in (language, language.split("-")[0]):
        text = names.get(code)
        if isinstance(text, str) and text.strip():
            return text
    return default


def other_languages() -> list[tuple[str, str]]:
    """(code, label) of every UI language except English, whose name lives in `name`."""
    return [(code, label) for code, label in settings.LANGUAGES if code != "en"]
