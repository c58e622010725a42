"""`dunwell import DIR`: every known file of a folder, in load order, one transaction per
file (docs/import-formats.md, "A whole folder"). A file is known by its name: the kind and a
spreadsheet or CSV suffix (`users.csv`, `counterparties.xlsx`, ...). A rejected file stops
the run: the files after it depend on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dunwell.accounts.models import User
from dunwell.ledger.importing.engine import ImportRejected, ImportResult, import_file
from dunwell.ledger.models import Company

LOAD_ORDER = (
    "users",
    "counterparties",
    "contacts",
    "contracts",
    "instalments",
    "documents",
    "payments",
    "orders",
    "deals",
)
SUFFIXES = (".csv", ".txt", ".xlsx")


class FolderError(ValueError):
    """The folder cannot be imported as it is (two files for one kind, not a folder)."""


@dataclass
class FolderResult:
    loaded: list[tuple[str, Path, ImportResult]] = field(default_factory=list)
    failed: tuple[str, Path, ImportRejected | Exception] | None = None
    not_loaded: list[tuple[str, Path]] = field(default_factory=list)  # after a failure
    skipped: list[Path] = field(default_factory=list)  # not a known file name


def files_of(folder: Path) -> tuple[dict[str, Path], list[Path]]:
    """The import file of each kind found in `folder`, and the files that are none."""
    if not folder.is_dir():
        raise FolderError(f"{folder}: not a folder")
    found: dict[str, Path] = {}
    skipped: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        kind = path.stem.lower()
        if kind in LOAD_ORDER and path.suffix.lower() in SUFFIXES:
            if kind in found:
                raise FolderError(
                    f"{folder}: two files for {kind}: {found[kind].name} and {path.name}"
                )
            found[kind] = path
        else:
            skipped.append(path)
    return found, skipped


def import_folder(
    folder: Path,
    *,
    company: Company | None = None,
    user: User | None = None,
    say: Callable[[str, int, int], None] | None = None,
) -> FolderResult:
    """Import every known file of `folder` in LOAD_ORDER, each all-or-nothing in its own
    transaction; stop at the first file that fails."""
    found, skipped = files_of(folder)
    result = FolderResult(skipped=skipped)
    queue = [(kind, found[kind]) for kind in LOAD_ORDER if kind in found]
    for index, (kind, path) in enumerate(queue):

        def progress(done: int, total: int, kind: str = kind) -> None:
            if say is not None:
                say(kind, done, total)

        try:
            outcome = import_file(
                kind, path, company=company, user=user, progress=progress, display_name=path.name
            )
        except Exception as exc:  # ImportRejected or anything else: stop, report, go no further
            result.failed = (kind, path, exc)
            result.not_loaded = queue[index + 1 :]
            break
        result.loaded.append((kind, path, outcome))
    return result
