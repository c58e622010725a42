"""A bad DUNWELL_EMAIL_URL stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_bad_email_url_stops_start_up_naming_the_variable() -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DUNWELL_", "DJANGO_"))}
    environ.update(DUNWELL_DEBUG="1", DUNWELL_EMAIL_URL="smtp://mail.demo.ro:port")
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "DUNWELL_EMAIL_URL: the port is not a number" in done.stderr
