"""Import of the ledger (docs/import-formats.md): `import_file` for a file, `import_table` for
rows from elsewhere (the API, the 1C connector), through the same engine."""

from dunwell.ledger.importing.engine import (
    ImportRejected,
    ImportResult,
    RowError,
    import_file,
    import_table,
)
from dunwell.ledger.importing.readers import Table

__all__ = ["ImportRejected", "ImportResult", "RowError", "Table", "import_file", "import_table"]
