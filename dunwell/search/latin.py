"""A name's Latin spelling for the global search (pure, no Django).

Collectors in Moldova and Romania type Latin letters: "agropod" has to find "АгроПоділля",
"romashka" "Ромашка", "chisinau" "Chişinău"; a Russian speaker typing "ромашка" has to find
"Romashka SRL". Both the name and the query are reduced to one lower-case Latin key and the
query's key is looked for inside the name's.

Each Cyrillic or accented Latin letter becomes what `anyascii` writes for it (Ж → zh,
ї → i, ş → s), soft and hard signs and apostrophes are dropped, and the spellings people use
for the same sound are made one: y → i ("podillya"/"podillia", "kyiv"), kh → h ("harkov"),
w → v. The database computes the same key with the SQL function `search_latin`, generated from
`LETTERS` by search/migrations/0003 (PostgreSQL, with a trigram index on it) and registered on
every SQLite connection (search/apps.py). A change here changes stored index entries: it needs a
migration that recreates the function and its indexes.
"""

from __future__ import annotations

from anyascii import anyascii

# Latin-1 letters, Latin Extended-A and -B (Romanian ş ţ ș ț ă â î), Cyrillic and its supplement.
_RANGES = ((0x00C0, 0x024F), (0x0400, 0x052F))
_DROPPED = "'\"\u2019\u02bc`"  # apostrophes: "Ірпінь" is written "Irpin'" or "Irpin"


def _letter(char: str) -> str:
    latin = anyascii(char).lower()
    return "".join(c for c in latin if c.isascii() and c.isalnum())


LETTERS: dict[str, str] = {
    chr(code): _letter(chr(code))
    for start, end in _RANGES
    for code in range(start, end + 1)
    if chr(code).isalpha()
}
LETTERS.update(dict.fromkeys(_DROPPED, ""))
_TABLE = str.maketrans(LETTERS)

# Applied in this order after the letters, to the lower-cased text.
SOUNDS = (("kh", "h"), ("y", "i"), ("w", "v"))


def latin_key(text: str | None) -> str:
    """The text's search key: Latin letters, lower case, one spelling per sound."""
    if text is None:
        return ""
    key = text.translate(_TABLE).lower()
    for spelled, written in SOUNDS:
        key = key.replace(spelled, written)
    return key


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
    expr = f"lower({expr})"
    for spelled, written in SOUNDS:
        expr = f"replace({expr}, {quote(spelled)}, {quote(written)})"
    return expr
