import pytest
from django.test import RequestFactory
from django.urls import reverse

from dunwell.accounts.models import Role
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


@pytest.mark.parametrize(
    ("language", "users", "companies"),
    [
        ("en", "Users", "Companies"),
        ("ru", "Пользователи", "Организации"),
        ("ro", "Utilizatori", "Companii"),
        ("uk", "Користувачі", "Організації"),
    ],
)
def test_the_admin_reaches_users_and_companies_from_the_menu(
    client, make_user, language: str, users: str, companies: str
) -> None:
    # As `dunwell demo` makes it; an admin the users' file created gets the permissions in the
    # Django admin (below: without them, no link to a page that answers 403).
    admin = make_user("ada", Role.ADMIN, is_staff=True, is_superuser=True, language=language)
    client.force_login(admin)
    html = client.get(reverse("integrations")).content.decode()
    assert f'<a href="/admin/accounts/user/">{users}</a>' in html
    assert f'<a href="/admin/ledger/company/">{companies}</a>' in html
    # The links lead to the lists, which the admin may open.
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/ledger/company/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.DIRECTOR, Role.FINANCE, Role.SUPERVISOR, Role.COLLECTOR, Role.LAWYER]
)
def test_other_roles_have_no_users_or_companies_in_the_menu(client, make_user, role) -> None:
    user = make_user("someone", role)
    client.force_login(user)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "/admin/accounts/user/" not in html
    assert "/admin/ledger/company/" not in html


def test_an_admin_without_the_django_admin_permissions_gets_no_link_that_answers_403(
    client, make_user
) -> None:
    admin = make_user("ada", Role.ADMIN, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 403
    html = client.get(reverse("integrations")).content.decode()
    assert "/admin/accounts/user/" not in html
    assert "/admin/ledger/company/" not in html
