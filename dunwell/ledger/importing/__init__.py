"""File import of the ledger (docs/import-formats.md): `import_file` is the entry point."""

from dunwell.ledger.importing.engine import ImportRejected, ImportResult, RowError, import_file

__all__ = ["ImportRejected", "ImportResult", "RowError", "import_file"]
