"""A name's Latin spelling for the global search (pure, no Django).

Collectors in Moldova and Romania type Latin letters: "agropod" has to find "АгроПоділля",
"romashka" "Ромашка", "chisinau" "Chişinău"; a Russian speaker typing "ромашка" has to find
"Romashka SRL". Both the name and the query are reduced to one lower-case Latin key and the
query's key is looked for inside the name's.

Each Cyrillic or accented Latin letter of the scripts our debtors write in becomes what
`anyascii` writes for it (Ж → zh, ї → yi, ş → s), soft and hard signs and apostrophes are
dropped, and the letters people write for one sound are made one: y → i ("podillya" /
"podillia", "kyiv"), w → v, and Cyrillic х → h ("harkov"). Every letter is replaced on its own,
so a name that contains the typed text, whatever its case, has a key that contains the text's
key: the search asks the key alone, one index (a Latin "kh" typed for х is asked both ways,
`latin_keys`). The database computes the same key with the SQL function `search_latin`,
generated from `LETTERS` by search/migrations (PostgreSQL, with a trigram index on it) and
registered on every SQLite connection (search/apps.py). A change here changes stored index
entries: it needs a migration that recreates the function and reindexes (as 0004 does).
"""

from __future__ import annotations

from anyascii import anyascii

# The scripts our debtors' names are written in: Latin-1 letters and Latin Extended-A (æ ß œ ş ă
# â î), the Romanian ș ț of Latin Extended-B, Russian, Ukrainian and the other basic Cyrillic
# letters, Ukrainian ґ and Moldovan Cyrillic ӂ. Other scripts keep their letters (lower-cased):
# each letter in this table costs the database a step per name it reads.
_RANGES = ((0x00C0, 0x017F), (0x0218, 0x021B), (0x0400, 0x045F), (0x0490, 0x0491), (0x04C1, 0x04C2))
_DROPPED = "'\"\u2019\u02bc`"  # apostrophes: "Ірпінь" is written "Irpin'" or "Irpin"
# One letter for one sound, applied to each letter's spelling (so to plain Latin letters too).
_SOUNDS = str.maketrans({"y": "i", "w": "v"})
_OWN = {"х": "h", "Х": "h"}  # anyascii writes "kh"; "Харків" is typed "harkiv" as often


def _letter(char: str) -> str:
    latin = _OWN.get(char) or anyascii(char).lower()
    return "".join(c for c in latin if c.isascii() and c.isalnum()).translate(_SOUNDS)


LETTERS: dict[str, str] = {
    chr(code): _letter(chr(code))
    for start, end in _RANGES
    for code in range(start, end + 1)
    if chr(code).isalpha()
}
LETTERS.update({"y": "i", "Y": "i", "w": "v", "W": "v"})
LETTERS.update(dict.fromkeys(_DROPPED, ""))
_TABLE = str.maketrans(LETTERS)


def latin_key(text: str | None) -> str:
    """The text's search key: Latin letters, lower case, one spelling per sound."""
    if text is None:
        return ""
    return text.translate(_TABLE).lower()


def latin_keys(text: str) -> list[str]:
    """The keys a name's key is searched for: the text's, and when it has a Latin "kh" (typed
    for х: "kharkiv") the same with "h"."""
    key = latin_key(text)
    return [key, key.replace("kh", "h")] if "kh" in key else [key]


def sql_function_body(argument: str) -> str:
    """`latin_key` as a PostgreSQL expression over `argument` (only built-in functions, so the
    function is IMMUTABLE and a dump restores it with any search_path)."""

    def quote(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    expr = argument
    single_from, single_to, dropped = [], [], []
    for char, latin in sorted(LETTERS.items()):
        if len(latin) == 1:
            single_from.append(char)
            single_to.append(latin)
        elif not latin:
            dropped.append(char)
        else:
            expr = f"replace({expr}, {quote(char)}, {quote(latin)})"
    # translate() deletes the characters of its second argument that have no counterpart.
    expr = (
        f"translate({expr}, {quote(''.join(single_from + dropped))}, {quote(''.join(single_to))})"
    )
    return f"lower({expr})"
