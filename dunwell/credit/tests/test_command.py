"""`dunwell credit check`: the same check from the command line, logged."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dunwell.credit.models import CreditCheck
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


@pytest.fixture
def cp(
    make_counterparty: Callable[..., Counterparty],
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> Counterparty:
    found = make_counterparty(name="Alpha SRL")
    rules()
    limit(found, "100")
    return found


def test_the_command_prints_the_decision_and_the_reasons(cp: Counterparty) -> None:
    out = StringIO()
    call_command(
        "credit",
        "check",
        "--counterparty",
        "CP00001",
        "--amount",
        "123.45",
        "--currency",
        "RON",
        "--order",
        "R-1",
        stdout=out,
    )
    text = out.getvalue()
    assert "Alpha SRL: needs approval" in text
    assert "limit 100.00\u00a0RON exceeded by 23.45\u00a0RON [limit_exceeded]" in text
    row = CreditCheck.objects.get()
    assert (row.channel, row.order_ref, row.decision) == ("cli", "R-1", "needs_approval")


def test_the_command_answers_json_in_the_language_asked(cp: Counterparty) -> None:
    out = StringIO()
    call_command(
        "credit",
        "check",
        "--counterparty",
        "CP00001",
        "--amount",
        "10",
        "--currency",
        "RON",
        "--json",
        "--language",
        "uk",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["decision"] == "allow"
    assert data["reasons"][0]["code"] == "within_limit"
    assert data["reasons"][0]["message"].startswith("заборгованість")


def test_an_unknown_counterparty_or_currency_is_an_error_naming_the_option(
    cp: Counterparty,
) -> None:
    with pytest.raises(CommandError, match="--counterparty"):
        call_command(
            "credit", "check", "--counterparty", "NOPE", "--amount", "1", "--currency", "RON"
        )
    with pytest.raises(CommandError, match="--currency"):
        call_command(
            "credit", "check", "--counterparty", "CP00001", "--amount", "1", "--currency", "R0N"
        )
    with pytest.raises(CommandError, match="--amount"):
        call_command(
            "credit", "check", "--counterparty", "CP00001", "--amount", "0", "--currency", "RON"
        )
    assert not CreditCheck.objects.exists()
