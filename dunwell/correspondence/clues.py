"""What in a received email can point at a debtor, besides threading: the sender's domain
(unless it is a public mail service) and the words that may be a tax id or an invoice number.
Pure: no Django import."""

from __future__ import annotations

import re

# Mail services anyone can have an address at: a sender's domain there says nothing about
# which company wrote (docs/mail.md, "Incoming mail"). Lower case.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        # international
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "zoho.com",
        "mail.com",
        "yandex.com",
        # Russia
        "mail.ru",
        "inbox.ru",
        "list.ru",
        "bk.ru",
        "internet.ru",
        "yandex.ru",
        "ya.ru",
        "rambler.ru",
        # Ukraine
        "ukr.net",
        "i.ua",
        "meta.ua",
        "bigmir.net",
        "online.ua",
        # Romania and Moldova
        "yahoo.ro",
        "mail.md",
        "rambler.md",
    }
)

_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁёІіЇїЄєҐґĂăÂâÎîȘșȚț][\w\-/.]*", re.UNICODE)
_DIGITS = re.compile(r"\d")
# The longest text searched for numbers: a long quoted thread adds nothing but noise.
MAX_TEXT = 20_000
MAX_WORDS = 500


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().lower() if "@" in address else ""


def is_public_domain(domain: str) -> bool:
    return domain.lower() in PUBLIC_MAIL_DOMAINS


def numbers_in(*texts: str) -> list[str]:
    """The distinct words with a digit in them, at least 3 characters long, in order: the
    candidates for invoice numbers and tax ids ("INV-2026/0012", "RO18547290", "7707083893").
    Trailing punctuation is dropped."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in _WORD.finditer(text[:MAX_TEXT]):
            word = match.group(0).rstrip(".-/")
            if len(word) >= 3 and _DIGITS.search(word):
                seen.setdefault(word, None)
                if len(seen) >= MAX_WORDS:
                    return list(seen)
    return list(seen)


def tax_id_candidates(words: list[str]) -> list[str]:
    """The words that could be a tax id: digits, optionally after a two-letter country prefix
    (RO18547290), 6 to 14 characters; spaces and dashes are not joined."""
    out = []
    for word in words:
        compact = word.upper()
        body = compact[2:] if compact[:2].isalpha() else compact
        if body.isdigit() and 6 <= len(compact) <= 14:
            out.append(compact)
    return out


def excerpt(text: str, limit: int = 280) -> str:
    """The start of the text on one line, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"
