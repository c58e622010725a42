"""`dunwell rates import` / `status`: clear errors, all-or-nothing, idempotent, stale series."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from dunwell.interest.models import RateSeries, RateValue

pytestmark = pytest.mark.django_db

HEADER = "series,effective_from,value,source\n"


def rates(*args: str) -> str:
    out = StringIO()
    call_command("rates", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_shipped_values_are_loaded_by_the_migration() -> None:
    key = RateSeries.objects.get(code="ru_key_rate")
    assert key.values.filter(effective_from="2024-10-28").get().value == 21
    assert key.last_value_date is not None
    assert RateValue.objects.filter(series__code="ua_cpi").count() >= 120


def test_import_adds_then_changes_nothing_on_rerun(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ecb.csv",
        "eu_ecb_mro,2030-01-15,1.75,ECB press release\neu_ecb_mro,2030-03-01,1.50,ECB\n",
    )
    first = rates("import", str(path))
    assert "2 new, 0 changed, 0 unchanged" in first
    second = rates("import", str(path))
    assert "0 new, 0 changed, 2 unchanged" in second
    assert (
        RateValue.objects.filter(series__code="eu_ecb_mro", effective_from__year=2030).count() == 2
    )
    last = RateSeries.objects.get(code="eu_ecb_mro").last_value_date
    assert last is not None and last.isoformat() == "2030-03-01"


def test_import_overwrites_a_corrected_value(tmp_path: Path) -> None:
    rates("import", str(write(tmp_path, "a.csv", "eu_ecb_mro,2030-01-15,1.75,x\n")))
    out = rates("import", str(write(tmp_path, "b.csv", "eu_ecb_mro,2030-01-15,1.70,x\n")))
    assert "0 new, 1 changed" in out
    assert RateValue.objects.get(series__code="eu_ecb_mro", effective_from="2030-01-15").value == (
        __import__("decimal").Decimal("1.70")
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("eu_ecb_mro,2030-02-30,1.5,x\n", "row 3, column effective_from"),
        ("eu_ecb_mro,2030-02-01,one,x\n", "row 3, column value"),
        ("nobody_rate,2030-02-01,1.5,x\n", "row 3, column series"),
        ("eu_ecb_mro,2030-01-01,1.5,x\n", "row 3, column effective_from: eu_ecb_mro on 2030-01-01"),
    ],
)
def test_bad_row_names_file_row_and_column_and_imports_nothing(
    tmp_path: Path, body: str, message: str
) -> None:
    path = write(tmp_path, "bad.csv", "eu_ecb_mro,2030-01-01,1.75,ok\n" + body)
    with pytest.raises(CommandError) as caught:
        rates("import", str(path))
    assert "bad.csv" in str(caught.value)
    assert message in str(caught.value)
    assert not RateValue.objects.filter(effective_from__year=2030).exists()


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("series,effective_from,source\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 1: missing column value"):
        rates("import", str(path))


def test_a_bad_second_file_rolls_back_the_first(tmp_path: Path) -> None:
    good = write(tmp_path, "good.csv", "eu_ecb_mro,2030-01-15,1.75,x\n")
    bad = write(tmp_path, "bad.csv", "eu_ecb_mro,2030-13-01,1.75,x\n")
    with pytest.raises(CommandError):
        rates("import", str(good), str(bad))
    assert not RateValue.objects.filter(effective_from__year=2030).exists()


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        rates("import", str(tmp_path / "missing.csv"))


def test_import_without_files_exits_2() -> None:
    with pytest.raises(CommandError) as caught:
        rates("import")
    assert caught.value.returncode == 2


def test_shipped_import_is_idempotent() -> None:
    out = rates("import", "--shipped")
    assert " new," in out and " 0 new, 0 changed" in out


@time_machine.travel("2026-11-23", tick=False)
def test_status_flags_series_older_than_their_cycle(tmp_path: Path) -> None:
    rates("import", str(write(tmp_path, "a.csv", "eu_ecb_mro,2026-11-01,2.00,x\n")))
    lines = {line.split()[0]: line for line in rates("status").splitlines()}
    assert "STALE" not in lines["eu_ecb_mro"]
    assert "STALE" in lines["ro_reference_rate"]


@time_machine.travel("2026-11-23", tick=False)
@pytest.mark.parametrize(
    ("language", "sixty", "seven"),
    [
        ("ro", "de actualizare de 60 de zile", "de actualizare de 7 zile"),
        ("ru", "цикла обновления в 60 дней", "цикла обновления в 7 дней"),
        ("uk", "цикл оновлення в 60 днів", "цикл оновлення в 7 днів"),
    ],
)
def test_a_stale_series_says_its_cycle_with_the_right_day_word(
    language: str, sixty: str, seven: str
) -> None:
    with translation.override(language):
        lines = {line.split()[0]: line for line in rates("status").splitlines()}
    assert lines["ro_reference_rate"].endswith(sixty)  # a 60-day cycle: "de" in Romanian
    assert lines["fx_eur_ron"].endswith(seven)


@time_machine.travel("2026-11-23", tick=False)
@pytest.mark.parametrize(
    ("language", "phrase"),
    [("ru", "цикла обновления в 62 дня"), ("uk", "цикл оновлення в 62 дні")],
)
def test_a_stale_series_with_a_62_day_cycle_takes_the_few_form(language: str, phrase: str) -> None:
    with translation.override(language):
        lines = {line.split()[0]: line for line in rates("status").splitlines()}
    assert lines["ua_cpi"].endswith(phrase)


@time_machine.travel("2026-11-23", tick=False)
def test_stale_series_selector() -> None:
    from datetime import date

    from dunwell.interest.selectors import stale_series

    RateSeries.objects.filter(code="eu_ecb_mro").update(last_value_date=date(2026, 11, 1))
    stale = stale_series(date(2026, 11, 23))
    assert "eu_ecb_mro" not in stale
    assert stale["ru_key_rate"] == RateSeries.objects.get(code="ru_key_rate").last_value_date
