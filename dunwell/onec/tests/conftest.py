from __future__ import annotations

from collections.abc import Callable, Iterator
from io import StringIO

import pytest
from django.core.management import call_command

from dunwell.ledger.models import Company
from dunwell.onec.tests.fake1c import Fake1C
from dunwell.onec.tests.fixtures1c import fake

PASSWORD = "Пароль-1c"


@pytest.fixture
def trade(db: None) -> Company:
    return Company.objects.create(
        name="Торговый дом",
        code="trade",
        country="RU",
        currency="RUB",
        tax_id="7736207543",
        time_zone="Europe/Moscow",
        calendar_country="RU",
    )


@pytest.fixture(params=["bp30", "ut11"])
def infobase(request: pytest.FixtureRequest) -> Iterator[Fake1C]:
    """A running fake infobase of each preset in turn."""
    server = fake(request.param)
    with server.running():
        yield server


@pytest.fixture
def bp30() -> Iterator[Fake1C]:
    server = fake("bp30")
    with server.running():
        yield server


Sync = Callable[..., tuple[int, str, str]]


@pytest.fixture
def sync_1c(monkeypatch: pytest.MonkeyPatch, trade: Company) -> Sync:
    """Run `dunwell sync-1c` against a fake: (exit code, stdout, stderr)."""

    def run(server: Fake1C, *extra: str, password: str = PASSWORD) -> tuple[int, str, str]:
        monkeypatch.setenv("ONEC_PASSWORD", password)
        out, err = StringIO(), StringIO()
        code = 0
        try:
            call_command(
                "sync-1c",
                "--url",
                server.url,
                "--user",
                server.user,
                "--password-env",
                "ONEC_PASSWORD",
                "--preset",
                server.preset,
                *extra,
                stdout=out,
                stderr=err,
            )
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run
