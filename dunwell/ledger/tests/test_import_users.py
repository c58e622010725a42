from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from dunwell.accounts.models import Role, User
from dunwell.ledger.importing import ImportRejected, Table, import_file, import_table

pytestmark = pytest.mark.django_db

HEAD = "username;role;first_name;last_name;email;supervisor;extension\n"


def test_creates_users_with_unusable_passwords_and_a_supervisor_named_later(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv(
        "users.csv",
        HEAD + "collector1;collector;Ana;Pop;ana@example.com;Boss1;101\n"
        "boss1;supervisor;Ion;Rusu;;;\n",
    )
    result = import_file("users", path)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    ana = User.objects.get(username="collector1")
    assert (ana.role, ana.first_name, ana.email, ana.extension) == (
        Role.COLLECTOR,
        "Ana",
        "ana@example.com",
        "101",
    )
    assert ana.supervisor == User.objects.get(username="boss1")
    assert not ana.has_usable_password()
    assert not ana.is_staff


def test_reimport_changes_nothing_and_a_changed_role_updates_the_user(
    write_csv: Callable[..., Path],
) -> None:
    text = HEAD + "boss1;supervisor;Ion;Rusu;;;\nc1;collector;Ana;Pop;;boss1;\n"
    path = write_csv("users.csv", text)
    import_file("users", path)
    again = import_file("users", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    path = write_csv("users.csv", text.replace("c1;collector", "C1;sales"))
    changed = import_file("users", path)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert User.objects.get(username="c1").role == Role.SALES


def test_a_new_administrator_is_staff(write_csv: Callable[..., Path]) -> None:
    import_file("users", write_csv("users.csv", "username;role\nadi;Administrator\n"))
    adi = User.objects.get(username="adi")
    assert (adi.role, adi.is_staff, adi.is_superuser) == (Role.ADMIN, True, False)


def test_an_existing_password_is_kept(
    make_user: Callable[..., User], write_csv: Callable[..., Path]
) -> None:
    make_user("ana", Role.COLLECTOR)
    import_file("users", write_csv("users.csv", "username;role\nana;finance\n"))
    ana = User.objects.get(username="ana")
    assert ana.role == Role.FINANCE
    assert ana.check_password("pw-ana")


def test_russian_headers_and_translated_role_labels(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "users.csv",
        "Логин;Роль;Имя;Фамилия;Руководитель;Добавочный\n"
        "ivanov;Руководитель;Иван;Иванов;;\n"
        "petrov;Взыскатель;Пётр;Петров;ivanov;205\n",
        "cp1251",
    )
    import_file("users", path)
    petrov = User.objects.get(username="petrov")
    assert petrov.role == Role.COLLECTOR
    assert petrov.supervisor is not None and petrov.supervisor.role == Role.SUPERVISOR
    assert petrov.extension == "205"


def test_bad_rows_are_rejected_with_row_and_column_and_nothing_is_written(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv(
        "users.csv",
        HEAD + "ok;collector;;;;;\n"
        "bad1;chief;;;;;\n"
        " OK ;collector;;;;;\n"
        "bad3;collector;;;not-an-email;nobody;\n"
        "bad4;collector;;;;;12a\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_file("users", path)
    messages = [str(e) for e in rejected.value.errors]
    assert messages == [
        "users.csv:3:role: unknown role 'chief' (expected one of: collector, sales, "
        "supervisor, finance, lawyer, director, admin, credit_control)",
        "users.csv:4:username: duplicate username 'ok' (first on row 2)",
        "users.csv:5:email: not an email address: 'not-an-email'",
        "users.csv:5:supervisor: unknown user 'nobody'",
        "users.csv:6:extension: a phone extension is digits only: '12a'",
    ]
    assert not User.objects.exists()


def test_a_missing_role_column_is_rejected(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(ImportRejected) as rejected:
        import_file("users", write_csv("users.csv", "username;first_name\nana;Ana\n"))
    assert [str(e) for e in rejected.value.errors] == ["users.csv:1:role: missing required column"]


def test_rows_from_outside_a_file_go_through_the_same_rules() -> None:
    table = Table(
        ["username", "role", "supervisor"],
        iter([(1, ["boss", "supervisor", ""]), (2, ["ana", "collector", "boss"])]),
        2,
    )
    result = import_table("users", table, display_name="api")
    assert result.created == 2
    assert User.objects.get(username="ana").supervisor == User.objects.get(username="boss")


def test_the_command_prints_how_many_users_were_created(
    write_csv: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv("users.csv", "username;role\nana;collector\nion;sales\n")
    call_command("import", "users", str(path))
    assert "users: 2 created, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out


def test_partial_skips_users_under_a_rejected_supervisor(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "users.csv", "username;role;supervisor\nboss;chief;\nana;collector;boss\nion;sales;\n"
    )
    result = import_file("users", path, partial=True)
    assert (result.created, result.rejected) == (1, 2)
    assert "users.csv:3:supervisor: the row of supervisor 'boss' was rejected" in [
        str(e) for e in result.errors
    ]
    assert list(User.objects.values_list("username", flat=True)) == ["ion"]
