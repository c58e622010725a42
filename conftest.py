"""Shared fixtures: a company, users of every role, a counterparty factory.

App-specific fixtures live in `dunwell/<app>/tests/conftest.py`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.signals import connection_created
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.interest.fx import forget_rates
from dunwell.ledger.models import Company, Contract, Counterparty, Document, Segment
from dunwell.processcache import forget_all


def _sqlite_readers_do_not_lock(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's in-memory test database is shared between threads through its shared cache,
    where a reader holds a table lock and a writer in another thread gets "database table is
    locked" at once (no busy timeout applies). Tests that run a worker in a thread (AMI, mail)
    read while it writes; reading uncommitted data takes no table lock. Test-only: a real
    SQLite file (WAL, busy timeout) waits instead."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


connection_created.connect(_sqlite_readers_do_not_lock)


_MIGRATED_SQLITE: list[Path] = []


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """pytest-django's test database; on SQLite, also its copy in a file just as the
    migrations left it (before any test), for `migrated_sqlite_file`."""
    import sqlite3

    from django.db import connection as default

    connection: Any = default  # SQLite's wrapper, when the vendor says so
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return

    target = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    _MIGRATED_SQLITE.append(target)


def migrated_sqlite_file(path: Path) -> None:
    """Writes at `path` a SQLite database as `manage.py migrate` makes it on an empty file (for
    tests whose subprocesses share a database): the test database's copy taken right after
    its migrations, instead of migrating again (a minute and more)."""
    import shutil

    if not _MIGRATED_SQLITE:
        raise RuntimeError("no migrated SQLite copy: the test database is not SQLite in memory")
    shutil.copyfile(_MIGRATED_SQLITE[0], path)


def _flush_by_deleting(enabled_for: Any) -> None:
    """A transactional test's end empties every table (Django's flush). On PostgreSQL that is
    one TRUNCATE of all the tables, 0.4-1 s on a loaded machine (a new file per table and
    index) for the few rows a test writes; DELETE empties them in milliseconds. The test
    database's flush deletes instead, with triggers (the key checks among them) off for the
    deletes only, as every table is emptied; the same empty tables, the same sequences (a
    flush without reset_sequences keeps them either way). Only as a superuser (switching
    triggers off needs it), and never inside a transaction; otherwise TRUNCATE as before."""
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver: SQLite only
        return
    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: Any, style: Any, tables: Any, *, reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:  # fmt: skip
        if not tables or reset_sequences or not enabled_for(self.connection):
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {self.quote_name(table)}" for table in tables),  # noqa: S608
            "SET LOCAL session_replication_role = origin",
        ]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def _may_delete_to_flush(connection: Any) -> bool:
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


_flush_by_deleting(_may_delete_to_flush)


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """A database connection opened in a thread a test started (an event loop's executor, a
    live server's request) can outlive its test; PostgreSQL then refuses to drop the test
    database at the end ("being accessed by other users"). Before the drop (this fixture is
    torn down before the database it depends on), such sessions are ended."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _no_rates_kept_from_another_test() -> None:
    """The day's exchange rates are kept a minute per process (interest.fx.rates_on); a test
    starts without another test's."""
    forget_rates()


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test() -> None:
    """API tokens and credit rules are kept a few seconds per process (dunwell.processcache);
    a test starts from its own database, not another test's rolled-back rows."""
    forget_all()


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """Each test starts in English, whatever language an earlier test left active."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def company(db: None) -> Company:
    return Company.objects.create(
        name="Demo Supply LLC",
        code="demo",
        country="RO",
        currency="RON",
        tax_id="RO18547290",
        time_zone="Europe/Bucharest",
        calendar_country="RO",
    )


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: str = Role.COLLECTOR, **extra: Any) -> User:
        return User.objects.create_user(
            username=username, password="pw-" + username, role=role, **extra
        )

    return make


@pytest.fixture
def supervisor(make_user: Callable[..., User]) -> User:
    return make_user("sofia", Role.SUPERVISOR)


@pytest.fixture
def collector(make_user: Callable[..., User], supervisor: User) -> User:
    return make_user("colin", Role.COLLECTOR, supervisor=supervisor)


@pytest.fixture
def teammate(make_user: Callable[..., User], supervisor: User) -> User:
    return make_user("tanya", Role.COLLECTOR, supervisor=supervisor)


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    return make_user("otto", Role.COLLECTOR)


@pytest.fixture
def director(make_user: Callable[..., User]) -> User:
    return make_user("diana", Role.DIRECTOR)


@pytest.fixture
def make_counterparty(company: Company) -> Callable[..., Counterparty]:
    counter = {"n": 0}

    def make(**fields: Any) -> Counterparty:
        counter["n"] += 1
        n = counter["n"]
        defaults: dict[str, Any] = {
            "company": company,
            "external_id": f"CP{n:05d}",
            "name": f"Customer {n} SRL",
            "country": "RO",
            "language": "ro",
            "time_zone": "Europe/Bucharest",
            "segment": Segment.objects.get(code="standard"),
        }
        defaults.update(fields)
        return Counterparty.objects.create(**defaults)

    return make


@pytest.fixture
def make_document(company: Company) -> Callable[..., Document]:
    """An open document (no payments yet). Payments go through the ledger services."""
    counter = {"n": 0}

    def make(counterparty: Counterparty, amount: str = "1000.00", **fields: Any) -> Document:
        counter["n"] += 1
        n = counter["n"]
        defaults: dict[str, Any] = {
            "company": company,
            "counterparty": counterparty,
            "external_id": f"D{n:06d}",
            "kind": "invoice",
            "number": f"INV-{n}",
            "date": date(2026, 1, 5),
            "due_date": date(2026, 2, 4),
            "amount": Decimal(amount),
            "open_amount": Decimal(amount),
            "currency": company.currency,
        }
        defaults.update(fields)
        return Document.objects.create(**defaults)

    return make


@pytest.fixture
def make_contract(company: Company) -> Callable[..., Contract]:
    counter = {"n": 0}

    def make(counterparty: Counterparty, **fields: Any) -> Contract:
        counter["n"] += 1
        n = counter["n"]
        defaults: dict[str, Any] = {
            "company": company,
            "counterparty": counterparty,
            "external_id": f"K{n:05d}",
            "number": f"{n}/2026",
            "date": date(2026, 1, 1),
            "currency": company.currency,
            "payment_days": 30,
        }
        defaults.update(fields)
        return Contract.objects.create(**defaults)

    return make


@pytest.fixture
def installation_data(transactional_db: None) -> None:
    """Transactional tests start from an emptied database: put back what the data migrations
    give every installation (segments, call scripts). Use it instead of serialized_rollback,
    which clashes with the content types that post_migrate recreates. List it first among a
    test's fixtures."""
    import importlib

    from django.apps import apps

    for module, function in (
        ("dunwell.ledger.migrations.0002_default_segments", "add_segments"),
        ("dunwell.work.migrations.0002_default_call_scripts", "add_scripts"),
        ("dunwell.ladder.migrations.0002_default_policies", "add_policies"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@contextlib.contextmanager
def rows_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture whose rows the module's tests only need to find (a demo
    built once instead of once per test): what the fixture writes inside this block is kept
    in a transaction open until the module's last test has run, then rolled back. Each test
    (`django_db`, not transactional) runs in a savepoint inside it, rolled back at its end as
    always, as Django's TestCase nests its tests in `setUpTestData`'s transaction; so the tests
    stay independent of each other and of other modules. Every test of the module that uses
    the database sees the rows (the transaction stays open through the module): use it only
    where all of them ask for the fixture, none transactional. The fixture writes with the
    database unblocked: `with django_db_blocker.unblock(): ...` inside the block, then yields.
    Like a test, it starts in English without another test's kept rates, tokens and rules."""
    from django.db import transaction

    forget_rates()
    forget_all()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        with translation.override("en"):
            yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- browser tests ---------------------------------------------------------------------------
# One way to drive Debian's Chromium (never `playwright install`: no downloads here).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent / "test-artifacts" / "screenshots"


class _SharedChromium:
    """One Playwright driver and one Chromium per test process, started by the first browser
    test (starting them took about 1.5 s of every browser test). Each test gets its own
    contexts (`TestBrowser`), closed when it ends: cookies, storage and cache are a context's,
    so tests stay as separate as with a browser each.

    Playwright's sync API leaves its event loop set as the thread's running loop; between
    browser tests it is unset, so the other tests run as before (no running loop: Django's
    async-unsafe guard, `asyncio.run`), and set again for the next browser test."""

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None
        self.loop: Any = None

    def enter(self) -> Any:
        import asyncio

        if self.playwright is None:
            from playwright.sync_api import sync_playwright

            self.playwright = sync_playwright().start()
            self.loop = asyncio.events._get_running_loop()
        else:
            asyncio.events._set_running_loop(self.loop)
        if self.browser is None or not self.browser.is_connected():
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self.browser

    def leave(self) -> None:
        import asyncio

        if self.loop is not None and asyncio.events._get_running_loop() is self.loop:
            asyncio.events._set_running_loop(None)

    def stop(self) -> None:
        import asyncio

        if self.playwright is None:
            return
        asyncio.events._set_running_loop(self.loop)
        try:
            if self.browser is not None and self.browser.is_connected():
                self.browser.close()
        finally:
            self.playwright.stop()
            self.playwright = self.browser = None
            asyncio.events._set_running_loop(None)


_SHARED_CHROMIUM = _SharedChromium()


class TestBrowser:
    """The shared Chromium as one test sees it: `new_page` and `new_context` as a Browser's,
    each page in a new context; `close` (and the test's end) closes what this test opened, never
    the shared browser."""

    __test__ = False  # not a test class

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self._contexts: list[Any] = []

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        self._contexts.append(context)
        return context

    def new_page(self, **options: Any) -> Any:
        return self.new_context(**options).new_page()

    def close(self) -> None:
        for context in self._contexts:
            with contextlib.suppress(Exception):  # already closed, or gone with its browser
                context.close()
        self._contexts.clear()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def _shared_chromium() -> Iterator[_SharedChromium]:
    yield _SHARED_CHROMIUM
    _SHARED_CHROMIUM.stop()


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch, _shared_chromium: _SharedChromium) -> Iterator[Any]:
    """A headless Chromium browser for this test (the process's shared one, seen through
    `TestBrowser`: what the test opens is closed at its end); skips where Debian's chromium is
    missing. Screenshots go to `SCREENSHOTS` (kept by CI as artifacts)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser = TestBrowser(_shared_chromium.enter())
    yield browser
    # Before the database's teardown (a transactional test's flush must not see a running
    # loop): the test's pages and contexts closed, the loop unset.
    try:
        browser.close()
    finally:
        _shared_chromium.leave()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Whatever a failed test left, the shared browser's event loop is not the thread's
    running loop once the test is torn down."""
    yield
    _SHARED_CHROMIUM.leave()


@pytest.fixture
def sign_in(live_server: Any) -> Iterator[Callable[..., Any]]:
    """sign_in(browser, user, width=1280, language=None, locale=None) -> a page signed in as
    `user` (a User or a username), whose password is the test default "pw-<username>";
    `locale` is the browser's own (the page's language is the user's). The pages close
    before the live server stops (their event streams would otherwise reach a torn-down
    database)."""
    pages: list[Any] = []

    def open_page(
        browser: Any,
        user: User | str,
        width: int = 1280,
        language: str | None = None,
        locale: str | None = None,
    ) -> Any:
        if isinstance(user, str):
            user = User.objects.get(username=user)
        if language is not None and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        options: dict[str, Any] = {"locale": locale} if locale else {}
        page = browser.new_page(viewport={"width": width, "height": 900}, **options)
        pages.append(page)
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-" + user.username)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_page
    for page in pages:
        if not page.is_closed():  # `chromium` closes its pages when it is torn down first
            page.close()


# A test still running this many seconds after it started is stuck where pytest-timeout's
# signal cannot reach it (a thread holding the interpreter while waiting in C): faulthandler's
# own thread prints every thread's stack and ends the process, and xdist names the test.
HARD_TEST_LIMIT_SECONDS = 420


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    import faulthandler

    faulthandler.dump_traceback_later(HARD_TEST_LIMIT_SECONDS, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def pytest_unconfigure(config: pytest.Config) -> None:
    """The main pytest process that has not ended two minutes after its session (a thread or
    a child left waiting) prints every thread's stack and exits, so the run fails with the
    culprit named instead of stalling until the CI's limit. Not in an xdist worker: a worker
    that has run its share waits, legitimately, until the main process closes it; a worker that
    cannot exit is killed by xdist's own teardown."""
    import faulthandler

    if not hasattr(config, "workerinput"):
        faulthandler.dump_traceback_later(120, exit=True)


@pytest.fixture
def subscriber(db: None) -> None:
    """A webhook subscription listing every event kind: events are written only when a
    subscription wants their kind (outbox.services.wanted)."""
    from dunwell.outbox.models import EventKind
    from dunwell.webhooks.models import Subscription

    Subscription.objects.create(
        url="https://receiver.example/hook",
        events=list(EventKind.values),
        secret_sealed="-",  # noqa: S106 - never used: nothing is sent
    )
