"""The `dunwell` console script: every management command as `dunwell <command>`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "dunwell"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
