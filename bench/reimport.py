"""Re-import of a file already loaded, with and without the unchanged-rows step (issue 15).

    DATABASE_URL=postgres://dunwell:dunwell@127.0.0.1:5432/dunwell_import \
        .venv/bin/python bench/reimport.py documents /tmp/imp1m/documents.csv [--usual]

Run it after `bench/import_bench.py` has loaded the files (it keeps its generated data with
`--data DIR`). `--usual` turns the step off (dunwell/ledger/importing/unchanged.py), so every
row is parsed, staged and compared as before it existed. Prints the load average before and
after, the seconds and what the import reported. Target: ≤ 5 s for 1M unchanged documents.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("documents", "payments"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--usual", action="store_true", help="without the unchanged-rows step")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
    os.environ.setdefault("DUNWELL_DEBUG", "1")
    os.environ.setdefault("DUNWELL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from dunwell.ledger.importing import import_file, unchanged

    if args.usual:
        unchanged.MIN_ROWS = 10**12
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    result = import_file(args.kind, args.path)
    seconds = time.perf_counter() - started
    print(
        f"{args.kind} {'usual' if args.usual else 'with the step'}: {seconds:.2f} s "
        f"(created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
        f"rejected {result.rejected})"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
