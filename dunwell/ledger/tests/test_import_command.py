from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from dunwell.ledger.models import Company, Counterparty


def test_good_file_prints_a_summary(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cp.csv"
    path.write_text("external_id;name;country\nC1;Alpha;RO\n", encoding="utf-8")
    call_command("import", "counterparties", str(path))
    assert "1 created, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out
    assert Counterparty.objects.count() == 1


def test_rejection_prints_file_row_column_reason_and_exits_1(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cp.csv"
    path.write_text("external_id;name;country;segment\nC1;Alpha;RO;vip\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "counterparties", str(path), "--company", "demo")
    assert exit_info.value.code == 1
    assert f"{path}:2:segment: unknown segment 'vip'" in capsys.readouterr().err
    assert not Counterparty.objects.exists()


def test_partial_writes_the_rejected_file(company: Company, tmp_path: Path) -> None:
    path = tmp_path / "cp.csv"
    path.write_text("external_id;name;country\nC1;Alpha;RO\nC2;Beta;\n", encoding="utf-8")
    out = tmp_path / "bad.csv"
    call_command("import", "counterparties", str(path), "--partial", "--rejected-out", str(out))
    assert Counterparty.objects.count() == 1
    assert "C2;Beta;;country: missing required value" in out.read_text(encoding="utf-8")


def test_encoding_option_reads_a_declared_latin_2_file(company: Company, tmp_path: Path) -> None:
    path = tmp_path / "cp.csv"
    path.write_bytes("external_id;name;country\nC1;Łódź SA;PL\n".encode("iso-8859-2"))
    call_command("import", "counterparties", str(path), "--encoding", "iso-8859-2")
    assert Counterparty.objects.get().name == "Łódź SA"


def test_unexpected_failure_prints_its_message_and_exits_1(
    company: Company,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "cp.csv"
    path.write_text("external_id;name;country\nC1;Alpha;RO\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("dunwell.ledger.management.commands.import.import_file", broken)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "counterparties", str(path))
    assert exit_info.value.code == 1
    assert "import failed, nothing was imported: date value out of range" in capsys.readouterr().err


def test_a_file_over_the_size_limit_is_rejected_without_reading_it(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 10
    path = tmp_path / "cp.csv"
    path.write_text("external_id;name;country\nC1;Alpha;RO\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("import", "counterparties", str(path))
    assert "the file is larger than 10\xa0bytes" in capsys.readouterr().err
    assert not Counterparty.objects.exists()
