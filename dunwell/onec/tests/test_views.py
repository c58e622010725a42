"""The 1C connection page: who may use it, saving a connection with its password sealed,
"Test connection", "Sync now" with its log, and the worker's scheduled syncs."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dunwell import periodic
from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Company, Document
from dunwell.onec import services
from dunwell.onec.models import Connection, SyncRun
from dunwell.onec.tests import fixtures1c as fx
from dunwell.onec.tests.conftest import PASSWORD
from dunwell.onec.tests.fake1c import Fake1C

URL = "/integrations/1c/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def director_client(make_user: Callable[..., User]) -> Client:
    return _client(make_user("dora", Role.DIRECTOR, language="en"))


@pytest.fixture
def connection(trade: Company, bp30: Fake1C) -> Connection:
    return services.save_connection(
        Connection(url=bp30.url, username=bp30.user, preset="bp30", company=trade), PASSWORD
    )


@pytest.mark.parametrize(
    "role", [Role.COLLECTOR, Role.SALES, Role.SUPERVISOR, Role.FINANCE, Role.LAWYER]
)
def test_only_who_manages_integrations_may_open_the_page(
    role: str, make_user: Callable[..., User], connection: Connection
) -> None:
    client = _client(make_user(f"user-{role}", role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}log/?connection={connection.pk}").status_code == 403
    for action in ("", "test/", "sync/"):
        assert client.post(URL + action, {"connection": connection.pk}).status_code == 403
    assert not SyncRun.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.ADMIN])
def test_directors_and_administrators_open_the_page_in_their_language(
    role: str, make_user: Callable[..., User], connection: Connection
) -> None:
    client = _client(make_user(f"user-{role}", role, language="ru"))
    page = client.get(f"{URL}?connection={connection.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Подключение к 1С" in text
    assert "Проверить подключение" in text


def test_an_anonymous_visitor_is_sent_to_sign_in() -> None:
    page = Client().get(URL)
    assert page.status_code == 302 and "/login/" in page["Location"]


def test_a_saved_connection_keeps_its_password_sealed_and_never_shows_it(
    director_client: Client, trade: Company
) -> None:
    secret = "Секрет-пароль-77"
    answer = director_client.post(
        URL,
        {
            "url": "https://1c.example.com/trade/",
            "username": "odata.user",
            "password": secret,
            "preset": "ut11",
            "company": trade.pk,
            "schedule": "daily",
            "every_minutes": "60",
            "daily_at": "06:30",
            "enabled": "on",
        },
    )
    assert answer.status_code == 302
    connection = Connection.objects.get()
    assert connection.url == "https://1c.example.com/trade"
    assert connection.daily_at == time(6, 30)
    assert secret not in connection.password_sealed
    assert services.password_of(connection) == secret
    page = director_client.get(answer["Location"])
    assert secret not in page.content.decode()
    # Saving again without a password keeps the stored one.
    director_client.post(
        URL,
        {
            "id": connection.pk,
            "url": "https://1c.example.com/trade",
            "username": "odata.reader",
            "password": "",
            "preset": "ut11",
            "company": trade.pk,
            "schedule": "manual",
            "every_minutes": "60",
        },
    )
    connection.refresh_from_db()
    assert connection.username == "odata.reader"
    assert services.password_of(connection) == secret


def test_credentials_in_the_address_and_a_daily_schedule_without_time_are_refused(
    director_client: Client, trade: Company
) -> None:
    page = director_client.post(
        URL,
        {
            "url": "https://user:pw@1c.example.com/trade",
            "username": "u",
            "password": "p",
            "preset": "bp30",
            "company": trade.pk,
            "schedule": "daily",
            "every_minutes": "60",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Give the 1C user and password in their own fields, not in the URL" in text
    assert "Give the time of the daily sync." in text
    assert not Connection.objects.exists()


def test_test_connection_says_it_works(director_client: Client, connection: Connection) -> None:
    page = director_client.post(f"{URL}test/", {"connection": connection.pk}, follow=True)
    assert "Connected: 1C publishes everything the preset needs." in page.content.decode()


def test_test_connection_names_what_is_missing_and_a_refused_password(
    director_client: Client, connection: Connection, bp30: Fake1C
) -> None:
    del bp30.schema["Catalog_ДоговорыКонтрагентов"]["СрокОплаты"]
    page = director_client.post(f"{URL}test/", {"connection": connection.pk}, follow=True)
    assert (
        "entity set Catalog_ДоговорыКонтрагентов: field СрокОплаты is missing"
        in page.content.decode()
    )
    bp30.password = "changed-in-1c"
    page = director_client.post(f"{URL}test/", {"connection": connection.pk}, follow=True)
    assert "1C refused the user name or password (HTTP 401)" in page.content.decode()


def test_sync_now_runs_in_the_background_and_the_log_shows_rows_per_entity(
    director_client: Client,
    connection: Connection,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        answer = director_client.post(f"{URL}sync/", {"connection": connection.pk})
    assert answer.status_code == 302
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.DONE, run.error
    assert run.trigger == SyncRun.Trigger.MANUAL
    assert Document.objects.filter(external_id=fx.D1).exists()
    page = director_client.get(answer["Location"]).content.decode()
    assert "Sales documents" in page
    assert "Counterparties" in page
    log = director_client.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "done" in log and "hx-trigger" not in log


def test_a_sync_is_not_started_twice(director_client: Client, connection: Connection) -> None:
    SyncRun.objects.create(connection=connection, status=SyncRun.Status.RUNNING)
    page = director_client.post(f"{URL}sync/", {"connection": connection.pk}, follow=True)
    assert "A sync of this connection is already waiting or running." in page.content.decode()
    assert SyncRun.objects.count() == 1
    log = director_client.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "hx-trigger" in log  # the page follows the running sync


def test_an_unknown_connection_is_not_found(director_client: Client, trade: Company) -> None:
    assert director_client.get(f"{URL}?connection=999").status_code == 404
    assert director_client.post(f"{URL}sync/", {"connection": "999"}).status_code == 404
    assert director_client.get(f"{URL}log/?connection=x").status_code == 404


def test_the_worker_queues_due_connections_once(
    connection: Connection,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    assert "onec.scheduled_syncs" in periodic.JOBS
    connection.schedule = Connection.Schedule.EVERY
    connection.every_minutes = 30
    connection.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.schedule_due_syncs() == 1
    run = SyncRun.objects.get()
    assert run.trigger == SyncRun.Trigger.SCHEDULE
    assert run.status == SyncRun.Status.DONE, run.error
    # Not due again until 30 minutes after it started.
    assert services.schedule_due_syncs() == 0
    SyncRun.objects.update(started_at=timezone.now() - timedelta(minutes=31))
    with django_capture_on_commit_callbacks(execute=False):
        assert services.schedule_due_syncs() == 1
    assert services.schedule_due_syncs() == 0  # the queued one is still waiting


def test_a_daily_connection_is_due_once_after_its_time(trade: Company) -> None:
    connection = Connection(
        url="https://1c.example.com/trade",
        username="u",
        preset="bp30",
        company=trade,
        schedule=Connection.Schedule.DAILY,
        daily_at=time(6, 0),
    )
    moscow = timezone.get_fixed_timezone(180)
    at = datetime(2026, 3, 2, 6, 5, tzinfo=moscow)
    assert connection.is_due(at, None)
    assert not connection.is_due(at - timedelta(minutes=10), None)
    assert not connection.is_due(at, at - timedelta(minutes=2))
    assert connection.is_due(at, at - timedelta(days=1))


def test_a_sync_no_worker_finished_is_marked_abandoned(
    director_client: Client, connection: Connection
) -> None:
    stale = SyncRun.objects.create(connection=connection, status=SyncRun.Status.PENDING)
    SyncRun.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=7))
    page = director_client.get(f"{URL}?connection={connection.pk}").content.decode()
    stale.refresh_from_db()
    assert stale.status == SyncRun.Status.FAILED
    assert "Abandoned: no worker finished this sync" in page


def test_a_command_line_connection_shows_its_log_but_not_its_settings(
    director_client: Client, bp30: Fake1C, sync_1c: Callable[..., tuple[int, str, str]]
) -> None:
    assert sync_1c(bp30)[0] == 0
    connection = Connection.objects.get()
    assert connection.from_command
    page = director_client.get(f"{URL}?connection={connection.pk}").content.decode()
    assert "Synced from the command line (dunwell sync-1c)" in page
    assert "Counterparties" in page  # its log
    assert f'name="id" value="{connection.pk}"' not in page
    assert 'action="/integrations/1c/sync/"' not in page


def test_an_intranet_host_without_a_domain_is_accepted(
    director_client: Client, trade: Company
) -> None:
    director_client.post(
        URL,
        {
            "url": "http://srv1c/trade",
            "username": "odata",
            "password": "p",
            "preset": "bp30",
            "company": trade.pk,
            "schedule": "manual",
            "every_minutes": "60",
        },
    )
    assert Connection.objects.get().url == "http://srv1c/trade"


def test_why_a_sync_failed_is_worded_in_the_readers_language(
    make_user: Callable[..., User],
    connection: Connection,
    bp30: Fake1C,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    """Syncs a Romanian director started, read by a Russian one: before, each failure was
    kept worded once, in the language active when the sync ran (the worker's, or the
    starter's), and shown so to every reader; the Romanian director read English."""
    romanian = _client(make_user("radu", Role.DIRECTOR, language="ro"))
    bp30.password = "changed-in-1c"
    with django_capture_on_commit_callbacks(execute=True):
        romanian.post(f"{URL}sync/", {"connection": connection.pk})
    bp30.password = PASSWORD
    sale = next(r for r in bp30.sets[fx.SALES] if r["Ref_Key"] == fx.D1)
    sale["ВалютаДокумента_Key"] = fx.USD
    with django_capture_on_commit_callbacks(execute=True):
        romanian.post(f"{URL}sync/", {"connection": connection.pk})
    assert SyncRun.objects.filter(status=SyncRun.Status.FAILED).count() == 2
    page = romanian.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "1C a refuzat numele de utilizator sau parola (HTTP 401)" in page

    russian = _client(make_user("rostislav", Role.DIRECTOR, language="ru"))
    log = russian.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "1С отклонила имя пользователя или пароль (HTTP 401)" in log
    assert "Реестр отклонил данные 1С (documents); ничего не записано:" in log
    assert f"{fx.SALES} 00-000101 2026-01-10 ({fx.D1}): currency: валюта" in log
    assert "1C a refuzat" not in log and "Registrul a respins" not in log
    assert "dunwell:message" not in log


def test_a_sync_failure_kept_as_text_before_it_had_a_code_is_shown_as_it_was(
    director_client: Client, connection: Connection
) -> None:
    SyncRun.objects.create(
        connection=connection,
        status=SyncRun.Status.FAILED,
        error="1C a refuzat numele de utilizator sau parola (HTTP 401)",
    )
    log = director_client.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "1C a refuzat numele de utilizator sau parola (HTTP 401)" in log


def test_a_syncs_notes_are_worded_in_the_readers_language(
    make_user: Callable[..., User],
    connection: Connection,
    bp30: Fake1C,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    """A tax id left empty is noted; before, the note was kept worded once, in the language
    active when the sync ran, and a Russian director read it so."""
    counterparty = next(r for r in bp30.sets["Catalog_Контрагенты"] if r["Ref_Key"] == fx.SBER)
    counterparty["ИНН"] = "7707083890"
    romanian = _client(make_user("radu", Role.DIRECTOR, language="ro"))
    with django_capture_on_commit_callbacks(execute=True):
        romanian.post(f"{URL}sync/", {"connection": connection.pk})
    assert SyncRun.objects.get().status == SyncRun.Status.DONE
    page = romanian.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "codul fiscal 7707083890 a rămas gol: INN invalid" in page
    russian = _client(make_user("rostislav", Role.DIRECTOR, language="ru"))
    log = russian.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert "налоговый номер 7707083890 не загружен: неверный INN" in log
    assert "a rămas gol" not in log and "left empty" not in log and "dunwell:message" not in log


def test_why_1c_could_not_be_reached_is_worded_in_the_readers_language(
    make_user: Callable[..., User], connection: Connection
) -> None:
    """The operating system's reason was shown as it came, in English with its errno, on a
    Ukrainian page: 'Немає зв’язку з 1С за адресою …: [Errno 111] Connection refused'."""
    from dunwell.onec.messages import message

    for reason in ("[Errno 111] Connection refused", "timed out", "something else"):
        SyncRun.objects.create(
            connection=connection,
            status=SyncRun.Status.FAILED,
            error=message("unreachable", url="https://1c.example.com/trade", reason=reason).kept(),
        )
    ukrainian = _client(make_user("olena", Role.DIRECTOR, language="uk"))
    log = ukrainian.get(f"{URL}log/?connection={connection.pk}").content.decode()
    assert (
        "Немає зв’язку з 1С за адресою https://1c.example.com/trade: сервер відхилив з’єднання "
        "(чи слухає вебсервер 1С цей порт?)"
    ) in log
    assert "сервер не відповів вчасно" in log
    assert "Errno" not in log and "Connection refused" not in log
    assert "https://1c.example.com/trade: something else" in log  # not known: as it came


def test_the_sync_log_before_any_connection_leads_to_setting_one_up(
    make_user: Callable[..., User], trade: Company
) -> None:
    """A new administrator opening the sync log meets no "Page not found": the page says there
    is no 1C connection yet and leads to where one is set up; once there is one, it opens that
    connection's log as a page of its own."""
    client = _client(make_user("ada", Role.ADMIN, language="uk"))
    page = client.get(f"{URL}log/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Журнал синхронізацій" in text and "Підключень до 1С поки немає." in text
    assert 'href="/integrations/1c/"' in text and "Налаштувати підключення до 1С" in text

    made = services.save_connection(
        Connection(url="http://srv1c/trade", username="odata", preset="bp30", company=trade), "p"
    )
    listing = client.get(f"{URL}log/").content.decode()
    assert f'href="/integrations/1c/log/?connection={made.pk}"' in listing
    own = client.get(f"{URL}log/?connection={made.pk}").content.decode()
    assert "<html" in own and "http://srv1c/trade" in own
    assert "Синхронізацій ще не було." in own
    polled = client.get(f"{URL}log/?connection={made.pk}", HTTP_HX_REQUEST="true")
    assert "<html" not in polled.content.decode() and 'id="onec-log"' in polled.content.decode()


def test_a_private_1c_address_is_refused_on_its_field_unless_the_operator_trusts_it(
    make_user: Callable[..., User], trade: Company, settings: Any
) -> None:
    """1C usually runs on the office network, but the sync reaches a private host only when
    the operator names it in DUNWELL_ONEC_PRIVATE_HOSTS: the form says so when the address is
    typed, rather than each sync failing afterwards."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # production's rule (the tests allow private)
    settings.DUNWELL_ONEC_PRIVATE_HOSTS = []
    client = _client(make_user("ada", Role.ADMIN, language="ro"))
    form = {
        "url": "http://10.0.0.15/trade",
        "username": "odata",
        "password": "p",
        "preset": "bp30",
        "company": trade.pk,
        "schedule": "manual",
        "every_minutes": "60",
    }
    page = client.post(URL, form)
    assert page.status_code == 200 and not Connection.objects.exists()
    text = page.content.decode()
    error = text[text.index('id="id_url_error"') :]
    assert "Hostul 10.0.0.15 se află într-o rețea privată" in error[:600]
    assert "DUNWELL_ONEC_PRIVATE_HOSTS" in error[:600]
    for url in ("http://127.0.0.1:8080/trade", "http://169.254.169.254/latest"):
        client.post(URL, {**form, "url": url})
    assert not Connection.objects.exists()

    settings.DUNWELL_ONEC_PRIVATE_HOSTS = ["10.0.0.15"]
    assert client.post(URL, form).status_code == 302
    assert Connection.objects.get().url == "http://10.0.0.15/trade"
