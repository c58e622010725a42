from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_sqlite_latin(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: SQLite gets `search_latin` from Python (PostgreSQL has it
    from search/migrations/0003)."""
    if connection.vendor != "sqlite":
        return
    from dunwell.search.latin import latin_key

    connection.connection.create_function("search_latin", 1, latin_key, deterministic=True)


class SearchConfig(AppConfig):
    name = "dunwell.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(register_sqlite_latin, dispatch_uid="search_latin")
