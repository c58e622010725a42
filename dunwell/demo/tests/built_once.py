"""The small demo built once for a test module (test_demo_past, test_demo_approvals): one home
for how it is built and the moment it is built at, which the modules' tests read as "now"."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from conftest import rows_for_the_module

MOMENT = "2026-03-31 08:00:00+00:00"


@contextmanager
def small_demo(django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`dunwell demo --debtors=60 --documents=800` as of MOMENT, kept for the module's tests
    (they read it; what a test writes is rolled back at its end): conftest.rows_for_the_module."""
    with (
        override_settings(DATA_DIR=tmp_path_factory.mktemp("demo")),
        rows_for_the_module(django_db_blocker),
    ):
        with django_db_blocker.unblock(), time_machine.travel(MOMENT, tick=False):
            call_command("demo", "--debtors=60", "--documents=800", stdout=io.StringIO())
        yield
