"""Threat words: what a letter before the legal stage must never say (DESIGN §1.12, issue 11).

Pure: no Django import. Per language, a list of patterns for court, lawsuits, claims and
pretensions, enforcement, bailiffs, collection agencies. A wording of a pre-legal kind that
matches any of them (in its own language or in English, which people mix in) is refused on
save; legal consequences belong to the legal-stage wording only. The lists are documented in
docs/mail.md ("Letters and mailings").

Matching is on whole words, case-insensitive; Romanian is compared without diacritics
(ş/ș, ţ/ț and unaccented spellings alike)."""

from __future__ import annotations

import re
import unicodedata

# Each entry is a regular expression over lower-case text; \b anchors whole words.
THREAT_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        r"courts?",
        r"lawsuits?",
        r"sue|sued|suing",
        r"litigation",
        r"legal (?:action|proceedings|steps|measures)",
        r"claims?",
        r"pretensions?",
        r"enforcement",
        r"enforce[ds]?",
        r"bailiffs?",
        r"judge?ments?",
        r"arbitration",
        r"collection agenc(?:y|ies)",
        r"seizure|seize",
    ),
    "ru": (
        r"суд(?:а|у|ом|е|ы|ов|ам|ами|ах)?",
        r"судебн\w*",
        r"иск(?:а|у|ом|е|и|ов|ами)?",
        r"исков\w*",
        r"претензи\w*",
        r"взыскани\w*",
        r"взыска\w*",
        r"пристав\w*",
        r"исполнительн\w*",
        r"арбитраж\w*",
        r"коллекторск\w*",
        r"арест\w*",
    ),
    "uk": (
        r"суд(?:у|ом|і|и|ів|ам|ами|ах)?",
        r"судов\w*",
        r"позов\w*",
        r"претензі\w*",
        r"стягненн\w*",
        r"стягн\w*",
        r"виконавц\w*",
        r"виконавч\w*",
        r"арбітраж\w*",
        r"колекторськ\w*",
        r"арешт\w*",
    ),
    "ro": (
        r"instant\w*",
        r"tribunal\w*",
        r"judecat\w*",
        r"justitie\w*",
        r"proces(?:ul|e|ele)? (?:in|de) (?:instanta|judecata)",
        r"actiun\w* in (?:instanta|justitie)",
        r"litigi\w*",
        r"pretenti\w*",
        r"somati\w*",
        r"executor\w*",
        r"executar\w*",
        r"sechest\w*",
        r"poprir\w*",
        r"agenti\w* de (?:colectare|recuperare)",
    ),
}


def _fold(text: str, language: str) -> str:
    text = text.lower()
    if language == "ro":
        # "instanță", "instanţă" and "instanta" are one word to the check.
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    return text


def _compiled(language: str) -> re.Pattern[str]:
    patterns = THREAT_PATTERNS.get(language, ()) + (
        THREAT_PATTERNS["en"] if language != "en" else ()
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)")


_CACHE: dict[str, re.Pattern[str]] = {}


def find_threats(text: str, language: str) -> list[str]:
    """The threat words found in `text` (as written there, once each, in order)."""
    pattern = _CACHE.get(language)
    if pattern is None:
        pattern = _CACHE[language] = _compiled(language)
    folded = _fold(text, language)
    found: list[str] = []
    for match in pattern.finditer(folded):
        word = match.group(0)
        if word not in found:
            found.append(word)
    return found
