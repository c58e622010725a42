"""`dunwell interest`: JSON shape, table, exit codes."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("interest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@time_machine.travel("2024-09-01", tick=False)
def test_json_has_total_components_and_lines_as_strings() -> None:
    # 100 000 RUB due 01.12.2023 (Friday), paid 20 000 on 01.03.2024, counted to 10.08.2024.
    # Key rate 15% to 17.12.2023, 16% from 18.12.2023, 18% from 29.07.2024 (cbr.ru):
    # 100000*15%*16/365 = 657.53; 100000*16%*14/365 = 613.70; 100000*16%*61/366 = 2666.67;
    # 80000*16%*149/366 = 5210.93; 80000*18%*13/366 = 511.48; total 9660.31
    out, _err = run(
        "--rule",
        "ru-395",
        "--debt",
        "100000",
        "--due",
        "2023-12-01",
        "--to",
        "2024-08-10",
        "--payment",
        "2024-03-01:20000",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["total"] == "9660.31"
    assert data["components"] == {"interest": "9660.31"}
    assert [line["amount"] for line in data["lines"]] == [
        "657.53",
        "613.70",
        "2666.67",
        "5210.93",
        "511.48",
    ]
    first = data["lines"][0]
    assert first["start"] == "2023-12-02" and first["end"] == "2023-12-17"
    assert first["days"] == 16 and first["base"] == "100000.00" and first["rate"] == "15.00"
    assert first["year_basis"] == 365


@time_machine.travel("2024-09-01", tick=False)
def test_compensation_is_a_component_but_not_in_the_total() -> None:
    out, _err = run(
        "--rule",
        "eu-directive",
        "--debt",
        "1000",
        "--due",
        "2024-01-31",
        "--to",
        "2024-03-01",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["components"]["compensation"] == "40.00"
    assert data["total"] == data["components"]["interest"]


@time_machine.travel("2024-09-01", tick=False)
def test_table_shows_lines_and_total() -> None:
    out, _err = run(
        "--rule",
        "contract",
        "--debt",
        "1000",
        "--due",
        "2024-01-31",
        "--to",
        "2024-02-10",
        "--option",
        "rate_per_day=0.1",
    )
    assert "01.02.2024" in out and "10.02.2024" in out
    assert "Total: 10.00" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--debt", "x1"],
        ["--due", "2024-13-01"],
        ["--payment", "2024-02-01"],
        ["--payment", "2024-02-01:-5"],
        ["--option", "nonsense"],
        ["--option", "colour=red"],
    ],
)
def test_bad_input_exits_with_code_2(args: list[str]) -> None:
    base = {"--debt": "1000", "--due": "2024-01-31", "--to": "2024-03-01"}
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    argv = [item for pair in base.items() for item in pair]
    if "--payment" in args or "--option" in args:
        argv = ["--debt", "1000", "--due", "2024-01-31", "--to", "2024-03-01", *args]
    with pytest.raises(CommandError) as caught:
        run("--rule", "eu-directive", *argv)
    assert caught.value.returncode == 2


@time_machine.travel("2026-11-23", tick=False)
def test_stale_series_warning_is_in_json_and_on_stderr() -> None:
    from dunwell.interest.models import RateSeries

    RateSeries.objects.filter(code="eu_ecb_mro").update(update_cycle_days=30)
    out, err = run(
        "--rule",
        "eu-directive",
        "--debt",
        "1000",
        "--due",
        "2024-01-31",
        "--to",
        "2024-03-01",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert any("ECB main refinancing operations rate" in w for w in data["warnings"])
    assert "ECB main refinancing operations rate" in err


@time_machine.travel("2024-03-05", tick=False)
def test_fresh_series_gives_no_warning() -> None:
    out, err = run(
        "--rule",
        "eu-directive",
        "--debt",
        "1000",
        "--due",
        "2024-01-31",
        "--to",
        "2024-03-01",
        "--format",
        "json",
    )
    assert json.loads(out)["warnings"] == []
    assert err == ""
