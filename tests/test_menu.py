import pytest
from django.test import RequestFactory

from dunwell.menu import menu_for

pytestmark = pytest.mark.django_db


def _menu(user, path: str) -> list[dict[str, object]]:
    request = RequestFactory().get(path)
    request.user = user
    return menu_for(request)


def test_only_the_longest_matching_entry_is_current(collector) -> None:
    items = _menu(collector, "/work/calendar/")
    current = [item["label"] for item in items if item["active"]]
    assert [str(label) for label in current] == ["Calendar"]


def test_collector_menu_hides_management_pages(collector, supervisor) -> None:
    collector_urls = {item["url"] for item in _menu(collector, "/")}
    supervisor_urls = {item["url"] for item in _menu(supervisor, "/")}
    assert "/ladder/approvals/" not in collector_urls
    assert "/ladder/approvals/" in supervisor_urls
    assert "/ledger/imports/" not in collector_urls
