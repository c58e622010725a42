"""The upload page: permissions, preview with recognised mapping, run, progress and result."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ledger.importing import import_file
from dunwell.ledger.models import ColumnMapping, Company, Counterparty, ImportRun


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(
    client: Client,
    body: str,
    name: str = "cp.csv",
    partial: bool = False,
    kind: str = "counterparties",
) -> Any:
    data: dict[str, Any] = {
        "kind": kind,
        "file": SimpleUploadedFile(name, body.encode()),
    }
    if partial:
        data["partial"] = "on"
    return client.post(reverse("ledger:import_new"), data)


@pytest.mark.parametrize("url_name", ["ledger:imports", "ledger:import_new"])
def test_collectors_teammates_and_outsiders_are_refused(
    collector: User, teammate: User, outsider: User, url_name: str
) -> None:
    for user in (collector, teammate, outsider):
        assert client_for(user).get(reverse(url_name)).status_code == 403


def test_finance_and_supervisor_may_open_the_pages(finance: User, supervisor: User) -> None:
    for user in (finance, supervisor):
        assert client_for(user).get(reverse("ledger:imports")).status_code == 200
        assert client_for(user).get(reverse("ledger:import_new")).status_code == 200


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(reverse("ledger:imports"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_collector_cannot_see_a_run(collector: User, finance: User) -> None:
    run = ImportRun.objects.create(kind="documents", file_name="x.csv", user=finance)
    assert (
        client_for(collector).get(reverse("ledger:import_detail", args=[run.pk])).status_code == 403
    )


def test_the_column_choices_say_what_each_field_holds_in_the_readers_language(
    company: Company, finance: User
) -> None:
    finance.language = "ru"
    finance.save(update_fields=["language"])
    client = client_for(finance)
    response = upload(client, "Код;Контрагент;ИНН;Срок\nD1;C1;123;01.02.2026\n", kind="documents")
    text = client.get(response["Location"]).content.decode()
    for label in (
        ">Внешний код (external_id)<",
        ">Срок оплаты (due_date)<",
        ">Контрагент (counterparty)<",
        ">ИНН контрагента (counterparty_tax_id)<",
    ):
        assert label in text
    finance.language = "en"
    finance.save(update_fields=["language"])
    text = client.get(response["Location"]).content.decode()
    assert ">Due date (due_date)<" in text and ">Counterparty (counterparty)<" in text


def test_upload_preview_confirm_and_result(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(finance)
    response = upload(client, "Код;Наименование;Страна;Примечание\nC1;ООО Ромашка;RU;x\n")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    form = preview.context["form"]
    assert [form[f"col_{i}"].initial for i in range(4)] == ["external_id", "name", "country", ""]
    assert "ООО Ромашка" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            response["Location"],
            {"col_0": "external_id", "col_1": "name", "col_2": "country", "col_3": ""},
        )
    assert confirmed.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.created, run.rows_done, run.rows_total) == ("done", 1, 1, 1)
    assert Counterparty.objects.get().name == "ООО Ромашка"
    mapping = ColumnMapping.objects.get(kind="counterparties")
    assert mapping.mapping == {"Код": "external_id", "Наименование": "name", "Страна": "country"}
    page = client.get(reverse("ledger:import_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in page.content  # finished: no more polling


def import_a_bad_country(client: Client, on_commit: Any, *, run_task: bool) -> None:
    """Upload two counterparties, the second with a country that is not a code, map the
    columns and confirm; the import task runs at commit when `run_task`."""
    response = upload(
        client, "external_id,name,country\nC1,Alpha,RO\nC2,Beta,Romania\n", partial=True
    )
    with on_commit(execute=run_task):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )


def test_rejected_rows_are_listed_and_downloadable(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(finance)
    import_a_bad_country(client, django_capture_on_commit_callbacks, run_task=True)
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.rejected) == ("done", 1, 1)
    assert run.errors[0]["row"] == 3 and run.errors[0]["column"] == "country"
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "not an ISO 3166 country code" in page
    download = client.get(reverse("ledger:import_rejected", args=[run.pk]))
    body = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert "C2;Beta;Romania;country: not an ISO 3166 country code" in body


def import_bad_documents(client: Client, on_commit: Any, tmp_path: Path) -> ImportRun:
    """A real XLSX file of documents: one good row, a bad date, a bad amount, an unknown
    debtor and a repeated id; mapped, confirmed and imported applying the valid rows only."""
    debtors = tmp_path / "debtors.csv"
    debtors.write_text("external_id,name,country\nC1,Alpha,RO\n", encoding="utf-8")
    import_file("counterparties", debtors)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["external_id", "counterparty", "number", "date", "amount", "currency"])
    sheet.append(["D1", "C1", "F-1", "05.01.2026", "100,00", "RON"])
    sheet.append(["D2", "C1", "F-2", "31.02.2026", "10", "RON"])
    sheet.append(["D3", "C1", "F-3", "06.01.2026", "zece", "RON"])
    sheet.append(["D4", "C9", "F-4", "07.01.2026", "10", "RON"])
    sheet.append(["D1", "C1", "F-5", "08.01.2026", "10", "RON"])
    path = tmp_path / "facturi.xlsx"
    book.save(path)
    response = client.post(
        reverse("ledger:import_new"),
        {
            "kind": "documents",
            "partial": "on",
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
        },
    )
    fields = ["external_id", "counterparty", "number", "date", "amount", "currency"]
    with on_commit(execute=True):
        client.post(response["Location"], {f"col_{i}": name for i, name in enumerate(fields)})
    return ImportRun.objects.get(kind="documents")


def rejected_file(client: Client, run: ImportRun) -> list[list[str]]:
    download = client.get(reverse("ledger:import_rejected", args=[run.pk]))
    body = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")  # a spreadsheet reads it as UTF-8
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_rejected_rows_are_explained_in_the_language_of_who_reads_them(
    company: Company,
    finance: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    """A Romanian user imports; a Russian one reads the reasons on the page and in the
    rejected-rows file in Russian (they were kept as Romanian text)."""
    User.objects.filter(pk=finance.pk).update(language="ro")
    importer = client_for(finance)
    run = import_bad_documents(importer, django_capture_on_commit_callbacks, tmp_path)
    assert (run.status, run.created, run.rejected) == ("done", 1, 4)
    assert [(e["row"], e["column"], e["code"]) for e in run.errors] == [
        (3, "date", "bad_date"),
        (4, "amount", "bad_number"),
        (5, "counterparty", "unknown_counterparty"),
        (6, "external_id", "duplicate_external_id"),
    ]
    assert all("reason" not in e for e in run.errors)  # no text in anyone's language

    reader = client_for(make_user("rita", Role.FINANCE, language="ru"))
    page = reader.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    for text in (
        "такой даты нет: &#x27;31.02.2026&#x27; (формат верный, но в этом месяце нет такого дня",
        "неверное число &#x27;zece&#x27;",
        "неизвестный контрагент &#x27;C9&#x27;",
        "повтор внешнего кода &#x27;D1&#x27; (впервые в строке 2)",
    ):
        assert text in page
    rows = rejected_file(reader, run)
    assert rows[0] == [
        "external_id",
        "counterparty",
        "number",
        "date",
        "amount",
        "currency",
        "причина",
    ]
    assert [(row[0], row[-1]) for row in rows[1:]] == [
        (
            "D2",
            "date: такой даты нет: '31.02.2026' (формат верный, но в этом месяце нет такого дня "
            "или нет такого месяца)",
        ),
        ("D3", "amount: неверное число 'zece'"),
        (
            "D4",
            "counterparty: неизвестный контрагент 'C9': сначала импортируйте контрагентов или "
            "исправьте код в файле",
        ),
        ("D1", "external_id: повтор внешнего кода 'D1' (впервые в строке 2)"),
    ]

    # The importer reads them in Romanian.
    page = importer.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "такой даты нет" not in page and "această dată nu există" in page
    assert "partener necunoscut 'C9'" in rejected_file(importer, run)[3][-1]


def test_an_amount_in_a_reason_reads_as_the_reader_writes_amounts(
    company: Company,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    """A negative amount was named as the engine keeps it, '-1234.50', on a Ukrainian page
    and in its rejected-rows file; it reads '-1 234,50' there (and '-1,234.50' in English),
    while a cell quoted as the file wrote it stays as written."""
    debtors = tmp_path / "debtors.csv"
    debtors.write_text("external_id,name,country\nC1,Alpha,RO\n", encoding="utf-8")
    import_file("counterparties", debtors)
    client = client_for(make_user("olena", Role.FINANCE, language="uk"))
    body = (
        "external_id;counterparty;number;date;amount;currency\n"
        "D1;C1;F-1;05.01.2026;-1234,50;RON\n"
        "D2;C1;F-2;06.01.2026;zece;RON\n"
    )
    response = upload(client, body, name="d.csv", kind="documents")
    fields = ["external_id", "counterparty", "number", "date", "amount", "currency"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {f"col_{i}": name for i, name in enumerate(fields)})
    run = ImportRun.objects.get(kind="documents")
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "від&#x27;ємна сума -1\u00a0234,50" in page
    assert "неправильне число &#x27;zece&#x27;" in page
    reader = client_for(make_user("ed", Role.FINANCE, language="en"))
    page = reader.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "negative amount -1,234.50" in page


def test_reasons_kept_as_text_before_they_had_codes_are_still_shown(
    company: Company, finance: User, settings: Any
) -> None:
    """Imports kept before: a reason as the importer's text, a rejected-rows file with a
    `reason` column of that text."""
    run = ImportRun.objects.create(
        kind="counterparties",
        file_name="cp.csv",
        status="done",
        rejected=1,
        errors=[
            {
                "file": "cp.csv",
                "row": 3,
                "column": "country",
                "reason": "nu este un cod de țară ISO 3166: 'ROMANIA'",
            }
        ],
    )
    run.rejected_file.save(
        "rejected-old.csv",
        ContentFile(
            "external_id;name;country;reason\r\n"
            "C2;Beta;Romania;country: nu este un cod de țară ISO 3166: 'ROMANIA'\r\n".encode()
        ),
    )
    client = client_for(finance)
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "nu este un cod de țară ISO 3166: &#x27;ROMANIA&#x27;" in page
    assert rejected_file(client, run) == [
        ["external_id", "name", "country", "reason"],
        ["C2", "Beta", "Romania", "country: nu este un cod de țară ISO 3166: 'ROMANIA'"],
    ]


def test_a_rejected_file_is_said_rejected_in_the_readers_language(
    company: Company,
    finance: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Started by a Romanian user, read by a Russian one: the headline of a rejected file
    was the stored Romanian "Fișierul a fost respins…" (the rows' reasons stay in the
    importer's language, as kept)."""
    User.objects.filter(pk=finance.pk).update(language="ro")
    client = client_for(finance)
    response = upload(client, "external_id,name,country\nC1,Alpha,RO\nC2,Beta,Romania\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    run = ImportRun.objects.get()
    assert run.status == "failed"
    reader = client_for(make_user("rita", Role.FINANCE, language="ru"))
    page = reader.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Fișierul a fost respins" not in page
    assert "Ничего не загружено: исправьте эти строки" in page
    listing = reader.get(reverse("ledger:imports")).content.decode()
    assert "Fișierul a fost respins" not in listing
    assert "Файл отклонён: ничего не импортировано." in listing


def test_a_running_import_polls_for_progress(finance: User) -> None:
    run = ImportRun.objects.create(
        kind="documents", file_name="d.csv", status="running", rows_done=5, rows_total=10
    )
    page = client_for(finance).get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="5" max="10"' in page


def test_an_import_not_started_yet_says_it_waits_not_zero_of_zero_rows(finance: User) -> None:
    run = ImportRun.objects.create(
        kind="documents", file_name="d.csv", user=finance, mapping={"Sum": "amount"}
    )
    page = client_for(finance).get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Waiting for the import to start" in page and "0 of 0 rows read" not in page
    ImportRun.objects.filter(pk=run.pk).update(status="running")
    page = client_for(finance).get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Reading the file…" in page and "0 of 0 rows read" not in page


def test_a_file_whose_columns_are_not_checked_says_so_and_leads_back_to_them(
    company: Company, finance: User, make_user: Callable[..., User]
) -> None:
    """Uploaded, then the column page left (or refused for a column left unmapped): the run
    is not queued. Its page said 'Waiting for the import to start: this page follows it.' and
    polled for ever; it says what is missing and leads to the columns, as does the list."""
    client = client_for(make_user("radu", Role.FINANCE, language="ro"))
    assert upload(client, "Name;Tax id\nAcme;\n").status_code == 302
    run = ImportRun.objects.get()
    preview = reverse("ledger:import_preview", args=[run.pk])
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert (
        "Coloanele acestui fișier nu au fost încă verificate: până atunci nu se importă nimic."
        in page
    )
    assert f'<a href="{preview}" role="button">Verificați coloanele</a>' in page
    assert "hx-trigger" not in page and "Se așteaptă pornirea importului" not in page
    listing = client.get(reverse("ledger:imports")).content.decode()
    assert f'<a href="{preview}">Verificați coloanele</a>' in listing


def test_the_company_left_empty_says_what_it_means(company: Company, finance: User) -> None:
    page = client_for(finance).get(reverse("ledger:import_new")).content.decode()
    assert "— the file&#x27;s company column, or the only company —" in page
    assert "---------" not in page


def test_a_long_list_of_reasons_says_it_is_cut(finance: User, settings: Any) -> None:
    """50 000 rejected rows and 1000 reasons listed: the page says the list stops."""
    reasons = [
        {"row": n, "column": "amount", "code": "bad_number", "params": {"value": "'x'"}}
        for n in range(2, 2 + ImportRun.REASONS_KEPT)
    ]
    run = ImportRun.objects.create(
        kind="documents", file_name="d.csv", status="done", rejected=50_000, errors=reasons
    )
    User.objects.filter(pk=finance.pk).update(language="ru")
    page = client_for(finance).get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Здесь перечислены только первые 1000 причин." in page
    run.errors = reasons[:3]
    run.save()
    page = client_for(finance).get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert 'id="reasons-cut"' not in page


def test_the_same_field_twice_is_refused(company: Company, finance: User) -> None:
    client = client_for(finance)
    response = upload(client, "a,b,c\n1,2,RO\n")
    page = client.post(response["Location"], {"col_0": "name", "col_1": "name", "col_2": "country"})
    assert page.status_code == 200 and "one column only" in page.content.decode()
    assert ImportRun.objects.get().status == "pending"


def test_a_required_column_left_unmapped_is_named_and_nothing_is_imported(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(finance)
    response = upload(client, "Code;Name;Country\nC1;Alpha;RO\n")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(response["Location"], {"col_0": "external_id", "col_1": "", "col_2": ""})
    text = page.content.decode()
    assert page.status_code == 200
    # named as the column's select names it, not by its code alone
    assert "required field Name (name):" in text
    run = ImportRun.objects.get()
    assert run.status == "pending" and run.mapping == {}
    assert not Counterparty.objects.exists()


def test_required_columns_left_unmapped_are_named_in_the_plural(
    company: Company, finance: User
) -> None:
    client = client_for(finance)
    response = upload(client, "Nr;Data;Suma\n1;2026-01-01;5\n", name="d.csv", kind="documents")
    page = client.post(response["Location"], {"col_0": "number", "col_1": "", "col_2": "amount"})
    # Documents need a counterparty column (by id, name or tax id) and a date.
    assert "the required fields Counterparty (counterparty), Date (date):" in (
        page.content.decode()
    )


def test_an_unreadable_file_fails_with_the_reason(company: Company, finance: User) -> None:
    client = client_for(finance)
    response = upload(client, "this is no spreadsheet", name="broken.xlsx")
    client.get(response["Location"])
    run = ImportRun.objects.get()
    assert run.status == "failed"
    listing = client.get(reverse("ledger:imports")).content.decode()
    assert "<td>Rejected" in listing and "The file cannot be read" in listing


@pytest.mark.parametrize(
    ("language", "title", "reason"),
    [
        ("en", "The file could not be read", "It is not a spreadsheet"),
        ("ru", "Не удалось прочитать файл", "Это не таблица"),
        ("uk", "Не вдалося прочитати файл", "Це не таблиця"),
        ("ro", "Fișierul nu a putut fi citit", "Nu este o foaie de calcul"),
    ],
)
def test_an_unreadable_file_is_titled_so_not_check_the_columns(
    company: Company, finance: User, language: str, title: str, reason: str
) -> None:
    """A broken file has no columns to check: the page and its tab were titled "Check the
    columns" ("Проверьте столбцы") above the error; they say the file could not be read, and
    the error gives the reason once, without repeating the title."""
    User.objects.filter(pk=finance.pk).update(language=language)
    client = client_for(finance)
    response = upload(client, "this is no spreadsheet", name="broken.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert f"<title>{title} · Dunwell</title>" in page
    for check in ("Check the columns", "Проверьте столбцы", "Перевірте стовпці"):
        assert check not in page
    assert "Verificați coloanele" not in page
    assert f'role="alert">{reason}' in page


def test_an_empty_cell_among_a_columns_first_values_says_empty(
    company: Company, finance: User
) -> None:
    """The first values of a column with empty cells read "1 · ·" (the separators of nothing)."""
    User.objects.filter(pk=finance.pk).update(language="ro")
    client = client_for(finance)
    body = "external_id;name;country\nC1;Alpha;RO\nC2;Beta;\nC3;Gamma; \n"
    page = client.get(upload(client, body)["Location"]).content.decode()
    assert "<span>RO</span>" in page
    assert page.count('<span class="import-empty">(gol)</span>') == 2
    assert "<span></span>" not in page and "<span> </span>" not in page


def test_why_an_import_failed_is_worded_in_the_readers_language(
    company: Company,
    finance: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Romanian importer's failed imports, read by a Russian supervisor: before, the stored
    "Fișierul nu poate fi citit: …", "Importul s-a oprit cu o eroare: …" and "Abandonat: …"
    were shown to them in Romanian."""
    User.objects.filter(pk=finance.pk).update(language="ro")
    client = client_for(finance)
    # Unreadable, seen at the preview.
    client.get(upload(client, "this is no spreadsheet", name="broken.xlsx")["Location"])
    unreadable = ImportRun.objects.get()
    # The worker crashed.
    monkeypatch.setattr(
        "dunwell.ledger.tasks.import_file",
        lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("disk full")),
    )
    response = upload(client, "external_id,name,country\nC1,Alpha,RO\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    crashed = ImportRun.objects.exclude(pk=unreadable.pk).get()
    # Abandoned, noticed while the Romanian importer looks at the list.
    forgotten = ImportRun.objects.create(
        kind="documents",
        file_name="d.csv",
        user=finance,
        created_at=timezone.now() - timedelta(hours=2),
    )
    assert "Fișierul nu poate fi citit" in client.get(reverse("ledger:imports")).content.decode()

    reader = client_for(make_user("rita", Role.SUPERVISOR, language="ru"))
    pages = {
        run.pk: reader.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
        for run in (unreadable, crashed, forgotten)
    }
    assert "Файл не читается: " in pages[unreadable.pk]
    assert "Импорт остановился с ошибкой: disk full" in pages[crashed.pk]
    assert "Брошен: 30 минут ничего не происходило" in pages[forgotten.pk]
    listing = reader.get(reverse("ledger:imports")).content.decode()
    for text in [*pages.values(), listing]:
        assert "Fișierul" not in text and "Importul s-a oprit" not in text
        assert "Abandonat" not in text and "dunwell:message" not in text
    assert "Импорт остановился с ошибкой: disk full" in listing


def test_a_failure_kept_as_text_before_it_had_a_code_is_shown_as_it_was(
    finance: User,
) -> None:
    run = ImportRun.objects.create(
        kind="documents",
        file_name="d.csv",
        status="failed",
        failure="Importul s-a oprit cu o eroare: disk full",
    )
    User.objects.filter(pk=finance.pk).update(language="ru")
    page = client_for(finance).get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Importul s-a oprit cu o eroare: disk full" in page


def test_a_worker_that_crashes_fails_the_run_with_its_reason(
    company: Company,
    finance: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr("dunwell.ledger.tasks.import_file", crash)
    client = client_for(finance)
    response = upload(client, "external_id,name,country\nC1,Alpha,RO\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    run = ImportRun.objects.get()
    assert run.status == "failed"
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "The import stopped with an error: disk full" in page
    assert 'hx-trigger="every 1s"' not in page  # no endless "waiting"


def test_an_abandoned_import_says_so_and_runs_again(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(finance)
    response = upload(client, "external_id,name,country\nC1,Alpha,RO\n")
    run = ImportRun.objects.get()
    # Queued with its mapping, but no worker ever took it.
    mapping = {"external_id": "external_id", "name": "name", "country": "country"}
    long_ago = timezone.now() - timedelta(hours=2)
    ImportRun.objects.filter(pk=run.pk).update(mapping=mapping, created_at=long_ago)
    assert response.status_code == 302
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == "failed"
    assert "Abandoned: nothing happened for 30 minutes" in page
    assert 'hx-trigger="every 1s"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("ledger:import_rerun", args=[run.pk]))
    second = ImportRun.objects.exclude(pk=run.pk).get()
    assert again["Location"] == reverse("ledger:import_detail", args=[second.pk])
    assert second.status == "done" and Counterparty.objects.get().name == "Alpha"
    run.refresh_from_db()
    assert run.status == "failed"  # the abandoned run stays as it was


def test_a_file_rejected_for_some_rows_is_imported_again_with_the_valid_rows_only(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    """A whole-file import refused for one bad row offers what its message says: importing
    the valid rows only, without uploading the file again."""
    client = client_for(finance)
    response = upload(client, "external_id,name,country\nC1,Alpha,RO\nC2,Beta,Romania\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    run = ImportRun.objects.get()
    assert (run.status, run.created) == ("failed", 0) and not Counterparty.objects.exists()
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    form = page.split('id="import-valid-rows"', 1)[1].split("</form>", 1)[0]
    assert "Import the valid rows only" in form and 'name="partial" value="1"' in form
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("ledger:import_rerun", args=[run.pk]), {"partial": "1"})
    second = ImportRun.objects.exclude(pk=run.pk).get()
    assert again["Location"] == reverse("ledger:import_detail", args=[second.pk])
    assert (second.status, second.partial, second.created, second.rejected) == (
        "done", True, 1, 1,
    )  # fmt: skip
    assert list(Counterparty.objects.values_list("name", flat=True)) == ["Alpha"]
    result = client.get(reverse("ledger:import_detail", args=[second.pk])).content.decode()
    assert "Download the rejected rows" in result and "import-valid-rows" not in result


def test_a_running_import_with_recent_progress_is_not_abandoned(finance: User) -> None:
    run = ImportRun.objects.create(
        kind="documents",
        file_name="d.csv",
        status="running",
        created_at=timezone.now() - timedelta(hours=2),
        progress_at=timezone.now() - timedelta(minutes=5),
    )
    client_for(finance).get(reverse("ledger:import_detail", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "running"


def test_only_importers_run_an_import_again(collector: User, finance: User) -> None:
    run = ImportRun.objects.create(kind="documents", file_name="d.csv", status="failed")
    response = client_for(collector).post(reverse("ledger:import_rerun", args=[run.pk]))
    assert response.status_code == 403
    assert ImportRun.objects.count() == 1


def test_preview_shows_the_encoding_and_a_latin_1_name_as_written(
    company: Company, finance: User
) -> None:
    client = client_for(finance)
    data = {
        "kind": "counterparties",
        "file": SimpleUploadedFile(
            "cp.csv", "external_id;name;country\nC1;Müller GmbH;DE\n".encode("latin-1")
        ),
    }
    response = client.post(reverse("ledger:import_new"), data)
    preview = client.get(response["Location"]).content.decode()
    assert "Müller GmbH" in preview
    assert "read as ISO-8859-1" in preview


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    company: Company, finance: User, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 20
    response = upload(client_for(finance), "external_id;name;country\nC1;Alpha SRL;RO\n")
    assert response.status_code == 200
    assert "The file is larger than 20\xa0bytes" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_import_files_are_deleted_after_the_retention_period(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    from dunwell.ledger.tasks import purge_import_files

    client = client_for(finance)
    response = upload(client, "external_id;name;country\nC1;Alpha;RO\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    run = ImportRun.objects.get()
    assert run.status == "done"
    path = Path(run.stored_file.path)
    assert path.exists()
    assert purge_import_files(days=30) == 0
    later = timezone.now() + timedelta(days=31)
    assert purge_import_files(now=later, days=30) == 1
    run.refresh_from_db()
    assert not path.exists() and not run.stored_file
    assert (run.status, run.created) == ("done", 1)


def test_a_declared_encoding_is_used_for_the_preview_and_the_import(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(finance)
    data = {
        "kind": "counterparties",
        "encoding": "iso-8859-2",
        "file": SimpleUploadedFile(
            "cp.csv", "external_id;name;country\nC1;Łódź SA;PL\n".encode("iso-8859-2")
        ),
    }
    response = client.post(reverse("ledger:import_new"), data)
    preview = client.get(response["Location"]).content.decode()
    assert "Łódź SA" in preview and "read as ISO-8859-2" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    assert Counterparty.objects.get().name == "Łódź SA"


def test_the_readers_own_errors_are_worded_in_the_users_language(
    company: Company,
    finance: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Before, a Russian page read "Файл не читается: not a readable spreadsheet: invalid Zip
    archive: Could not find EOCD" or "'charmap' codec can't decode byte 0x98": the spreadsheet
    and CSV readers' own English. Now each is a code, worded for whoever reads the run."""
    User.objects.filter(pk=finance.pk).update(language="ru")
    client = client_for(finance)

    def preview(body: bytes, name: str) -> str:
        data = {"kind": "counterparties", "file": SimpleUploadedFile(name, body)}
        return client.get(
            client.post(reverse("ledger:import_new"), data)["Location"]
        ).content.decode()

    page = preview(b"PK\x03\x04 this is no zip archive", "отчёт.xlsx")
    assert "отчёт.xlsx · Контрагенты" in page
    assert (
        "Это не таблица XLSX, XLS или ODS, которую можно открыть: файл "
        "повреждён или другого формата" in page
    )
    page = preview(bytes(range(256)) * 4, "dump.csv")
    assert "dump.csv · Контрагенты" in page
    assert "Это не текстовый файл, а значит, не CSV" in page
    page = preview(b";;\nC1;Alpha;RO\n", "headless.csv")
    assert "Первая строка пуста, а в ней должны быть заголовки столбцов" in page
    for text in ("Zip", "EOCD", "codec", "not a readable"):
        assert text not in page

    # A line further down is not in the encoding declared: the run fails when it gets there.
    data = {
        "kind": "counterparties",
        "encoding": "utf-8",
        "file": SimpleUploadedFile(
            "cp.csv", "external_id;name;country\nC1;Alpha;RO\nC2;Бета;RU\n".encode("cp1251")
        ),
    }
    response = client.post(reverse("ledger:import_new"), data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    run = ImportRun.objects.get(file_name="cp.csv")
    assert run.status == "failed"
    ro = client_for(make_user("radu", Role.SUPERVISOR, language="ro"))
    detail = ro.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "rândul 3 nu este text UTF-8: alegeți codificarea fișierului la încărcare" in detail, (
        detail
    )
    listing = client.get(reverse("ledger:imports")).content.decode()
    assert "строка 3 — не текст в кодировке UTF-8" in listing
    assert "Бета" not in listing and "codec" not in listing


def test_a_file_of_many_columns_is_mapped_one_column_per_row(
    company: Company, finance: User
) -> None:
    """A file of 30 columns made a table 7,800 px wide, cut at the right edge of a 1366 px
    screen: now each column of the file is a row, its header, its select and first values."""
    User.objects.filter(pk=finance.pk).update(language="ru")
    client = client_for(finance)
    headers = ";".join(f"Column {i}" for i in range(30))
    rows = "\n".join(";".join(f"v{r}-{i}" for i in range(30)) for r in range(5))
    page = client.get(upload(client, f"{headers}\n{rows}\n")["Location"]).content.decode()
    assert '<th scope="col">Столбец файла</th>' in page
    assert '<th scope="col">Импортировать как</th>' in page
    assert '<th scope="row"><label for="id_col_29">Column 29</label></th>' in page
    values = page.split('<label for="id_col_29">')[1].split("</tr>")[0]
    assert '<select name="col_29"' in values
    assert "<span>v0-29</span><span>v1-29</span><span>v2-29</span></td>" in values
    assert "v3-29" not in page  # three values are enough to recognise a column


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        (
            "en",
            "unknown counterparty 'C9': import the counterparties first, or correct the code "
            "in the file",
        ),
        (
            "ru",
            "неизвестный контрагент 'C9': сначала импортируйте контрагентов или исправьте код "
            "в файле",
        ),
        (
            "uk",
            "невідомий контрагент 'C9': спершу імпортуйте контрагентів або виправте код у файлі",
        ),
        (
            "ro",
            "partener necunoscut 'C9': importați mai întâi partenerii sau corectați codul în "
            "fișier",
        ),
    ],
)
def test_a_row_naming_a_counterparty_not_imported_says_what_to_do(
    company: Company,
    finance: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
    language: str,
    reason: str,
) -> None:
    """ "неизвестный контрагент 'CP999999'" said what was wrong, not what to do about it: the
    page and the rejected-rows file say it, in the reader's language."""
    run = import_bad_documents(client_for(finance), django_capture_on_commit_callbacks, tmp_path)
    reader = client_for(make_user("rita", Role.FINANCE, language=language))
    page = reader.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    escaped = reason.replace("'", "&#x27;")
    assert f"<td>{escaped}</td>" in page
    assert rejected_file(reader, run)[3][-1] == f"counterparty: {reason}"


def test_contracts_and_documents_not_imported_say_what_to_do(
    company: Company, finance: User, tmp_path: Path
) -> None:
    from dunwell.ledger.importing.reasons import stored_reason

    assert stored_reason({"code": "unknown_contract", "params": {"value": "'K9'"}}) == (
        "unknown contract 'K9': import the contracts first, or correct the contract in the file"
    )
    assert stored_reason({"code": "unknown_document", "params": {"value": "'F-9'"}}) == (
        "unknown document 'F-9': import the documents first, or correct the document in the file"
    )
    assert stored_reason({"code": "bad_currency", "params": {"value": "'LEU'"}}) == (
        "not an ISO 4217 currency code: 'LEU'"  # the file itself is wrong: nothing to add
    )


@pytest.mark.parametrize(
    ("language", "done", "rejected"),
    [("en", "Done", "Rejected"), ("ru", "Готово", "Отклонено"), ("uk", "Готово", "Відхилено"),
     ("ro", "Gata", "Respins")],
)  # fmt: skip
def test_the_status_of_an_import_reads_as_a_status(
    finance: User, language: str, done: str, rejected: str
) -> None:
    """The status line at the top was a word in lower case ("готово", "respins")."""
    User.objects.filter(pk=finance.pk).update(language=language)
    client = client_for(finance)
    for status, word in (("done", done), ("failed", rejected)):
        run = ImportRun.objects.create(kind="counterparties", file_name="cp.csv", status=status)
        page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
        assert f"<p><strong>{word}</strong></p>" in page
    # and so does the list of imports
    page = client.get(reverse("ledger:imports")).content.decode()
    assert f"<td>{done}" in page and f"<td>{rejected}" in page


def test_a_file_rejected_for_its_own_rows_offers_a_corrected_file_not_the_same_file_again(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Running the same file again can only fail again: the page offered it beside the rows
    to fix. It offers the valid rows only and uploading a corrected file of the same kind."""
    User.objects.filter(pk=finance.pk).update(language="ro")
    client = client_for(finance)
    response = upload(client, "external_id,name,country\nC1,Alpha,RO\nC2,Beta,Romania\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"col_0": "external_id", "col_1": "name", "col_2": "country"}
        )
    run = ImportRun.objects.get()
    assert run.status == "failed"
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Rulați din nou importul" not in page and "import-again" not in page
    assert 'id="import-valid-rows"' in page
    link = reverse("ledger:import_new") + "?kind=counterparties"
    assert f'<a href="{link}" role="button" class="secondary" id="import-corrected">' in page
    assert ">Încărcați un fișier corectat</a>" in page
    form = client.get(link).context["form"]
    assert form["kind"].value() == "counterparties"


def test_an_unreadable_file_offers_another_file_not_the_same_one_again(
    company: Company, finance: User
) -> None:
    client = client_for(finance)
    response = upload(client, "this is no spreadsheet", name="broken.xlsx")
    client.get(response["Location"])
    run = ImportRun.objects.get()
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert "Run this import again" not in page and ">Upload another file</a>" in page


def test_a_file_rejected_for_counterparties_not_imported_yet_runs_again_once_they_are(
    company: Company, finance: User, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    """The one case where the same file succeeds again: what it names was missing, not wrong."""
    User.objects.filter(pk=finance.pk).update(language="ru")
    client = client_for(finance)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    fields = ["external_id", "counterparty", "number", "date", "amount", "currency"]
    sheet.append(fields)
    sheet.append(["D1", "C9", "F-1", "05.01.2026", "100,00", "RON"])
    path = tmp_path / "facturi.xlsx"
    book.save(path)
    response = client.post(
        reverse("ledger:import_new"),
        {"kind": "documents", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {f"col_{i}": name for i, name in enumerate(fields)})
    run = ImportRun.objects.get()
    assert run.status == "failed"
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    again = page.split('id="import-again"', 1)[1].split("</form>", 1)[0]
    assert "Запустить импорт снова" in again
    assert "Когда контрагенты, договоры или документы из этих строк будут импортированы" in again
    assert 'id="import-corrected"' in page  # or correct the code in the file

    debtors = tmp_path / "debtors.csv"
    debtors.write_text("external_id,name,country\nC9,Alpha,RO\n", encoding="utf-8")
    import_file("counterparties", debtors)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger:import_rerun", args=[run.pk]))
    second = ImportRun.objects.exclude(pk=run.pk).get()
    assert (second.status, second.created) == ("done", 1)


@pytest.mark.parametrize(
    ("language", "day", "amount"),
    [("ru", "20.11.2026", "1\u00a0200,50"), ("ro", "20.11.2026", "1.200,50"),
     ("en", "20.11.2026", "1,200.50")],
)  # fmt: skip
def test_a_spreadsheets_first_values_read_as_dates_and_amounts(
    company: Company, finance: User, tmp_path: Path, language: str, day: str, amount: str
) -> None:
    """An Excel date showed as 2026-11-20 and 1200.50 as 1200.5; a whole number (a tax id)
    stays its digits, a rate keeps its places, a CSV file's text stays as written."""
    from datetime import date, datetime

    User.objects.filter(pk=finance.pk).update(language=language)
    client = client_for(finance)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["external_id", "date", "amount", "tax_id", "rate", "paid_at"])
    sheet.append(
        ["D1", date(2026, 11, 20), 1200.5, 7701234567, 0.125, datetime(2026, 11, 20, 9, 5)]
    )
    path = tmp_path / "facturi.xlsx"
    book.save(path)
    response = client.post(
        reverse("ledger:import_new"),
        {"kind": "documents", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    page = client.get(response["Location"]).content.decode()
    decimal_mark = "." if language == "en" else ","
    for shown in (day, amount, "7701234567", f"0{decimal_mark}125"):
        assert f"<span>{shown}</span>" in page
    assert f"<span>{day}{',' if language == 'ro' else ''} 09:05</span>" in page
    assert "2026-11-20" not in page and "1200.5<" not in page

    csv_page = client.get(
        upload(client, "external_id;date;amount\nD1;2026-11-20;1200.5\n", kind="documents")[
            "Location"
        ]
    ).content.decode()
    assert "<span>2026-11-20</span>" in csv_page and "<span>1200.5</span>" in csv_page


def test_the_list_and_an_import_say_when_it_was_uploaded_in_the_readers_format(
    make_user: Callable[..., User],
) -> None:
    """The list of imports named each file, its kind and counts, never when it came: an
    accountant could not tell this morning's file from last month's."""
    reader = make_user("radu", Role.FINANCE, language="ro")
    run = ImportRun.objects.create(
        kind="documents",
        file_name="facturi.csv",
        user=reader,
        status="done",
        created_at=timezone.make_aware(datetime(2026, 3, 5, 14, 7)),
    )
    client = client_for(reader)
    listing = client.get(reverse("ledger:imports")).content.decode()
    assert "<th>Încărcat</th>" in listing
    assert "<td>05.03.2026, 14:07</td>" in listing
    page = client.get(reverse("ledger:import_detail", args=[run.pk])).content.decode()
    assert (
        "facturi.csv · Documente (facturi, livrări, procese-verbale) · încărcat 05.03.2026, 14:07"
        in page
    )
