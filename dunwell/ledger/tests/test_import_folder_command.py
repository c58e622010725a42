"""`dunwell import DIR`: every known file of a folder in load order, one summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from dunwell.accounts.models import User
from dunwell.demo.generator import generate
from dunwell.demo.setup import ensure_company, load_demo_data
from dunwell.insight.selectors import aging
from dunwell.ledger.models import Company, Counterparty, Document

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_known_files_in_load_order_and_lists_the_others_as_skipped(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Written in the wrong order on purpose: documents need the counterparty, which needs
    # the collector.
    write(
        tmp_path,
        "documents.csv",
        "external_id;counterparty;number;date;amount;currency\nD1;C1;1;2026-01-10;100.00;RON\n",
    )
    write(tmp_path, "counterparties.csv", "external_id;name;country;collector\nC1;Alpha;RO;ana\n")
    write(tmp_path, "Users.CSV", "username;role\nana;collector\n")
    write(tmp_path, "notes.txt", "hello\n")
    call_command("import", str(tmp_path))
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    assert lines == [
        "Summary:",
        "loaded   Users.CSV (users): 1 created, 0 updated, 0 unchanged, 0 rejected",
        "loaded   counterparties.csv (counterparties): 1 created, 0 updated, 0 unchanged, "
        "0 rejected",
        "loaded   documents.csv (documents): 1 created, 0 updated, 0 unchanged, 0 rejected",
        "skipped  notes.txt: not a known file name",
    ]
    assert Counterparty.objects.get().collector == User.objects.get(username="ana")


def test_a_failed_file_stops_the_run_and_the_summary_says_what_was_not_loaded(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "users.csv", "username;role\nana;collector\n")
    write(tmp_path, "counterparties.csv", "external_id;name;country\nC1;Alpha;XX1\n")
    write(
        tmp_path,
        "payments.csv",
        "external_id;counterparty;date;amount;currency\nP1;C1;2026-01-10;100.00;RON\n",
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(tmp_path))
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "loaded   users.csv (users): 1 created" in captured.out
    assert "FAILED   counterparties.csv (counterparties): 1 bad row(s); nothing of it imported" in (
        captured.out
    )
    assert "not loaded payments.csv (payments): it comes after the failure" in captured.out
    assert "counterparties.csv:2:country: not an ISO 3166 country code: 'XX1'" in captured.err
    assert User.objects.filter(username="ana").exists()
    assert not Counterparty.objects.exists()


def test_two_files_for_one_kind_are_refused_before_anything_is_loaded(
    company: Company, tmp_path: Path
) -> None:
    write(tmp_path, "users.csv", "username;role\nana;collector\n")
    write(tmp_path, "users.txt", "username;role\nion;collector\n")
    with pytest.raises(Exception, match="two files for users: users.csv and users.txt"):
        call_command("import", str(tmp_path))
    assert not User.objects.exists()


def test_a_kind_still_needs_its_file_and_a_bad_target_is_named(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="import users: give the FILE to import"):
        call_command("import", "users")
    with pytest.raises(Exception, match="nowhere: neither a folder nor a kind"):
        call_command("import", "nowhere")


@pytest.mark.slow
def test_generator_output_loads_into_a_fresh_database_with_the_demo_loaders_aging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = generate(tmp_path, debtors=12, documents=150, seed=7, as_of=AS_OF)
    assert not Company.objects.exists() and not User.objects.exists()
    call_command(
        "company",
        "create",
        "--code",
        "fresh",
        "--name",
        "Fresh SRL",
        "--country",
        "RO",
        "--currency",
        "RON",
    )
    call_command("import", str(tmp_path), "--company", "fresh")
    out = capsys.readouterr().out
    assert "FAILED" not in out and "skipped" not in out
    fresh = Company.objects.get(code="fresh")
    # The same files through the demo's loader, into the demo company beside it (its users
    # exist now: the loader's own user set-up would only find them).
    demo = ensure_company()
    load_demo_data(demo, paths)
    by_fresh = aging(AS_OF, "currency", company=fresh)
    by_demo = aging(AS_OF, "currency", company=demo)
    assert by_fresh.totals and by_fresh.totals == by_demo.totals
    assert by_fresh.documents == by_demo.documents
    assert Document.objects.filter(company=fresh).count() == 150
