import re

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
    assert f'<a href="/ledger/companies/">{companies}</a>' in html
    # The links lead to the lists, which the admin may open.
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/ledger/companies/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.DIRECTOR, Role.FINANCE, Role.SUPERVISOR, Role.COLLECTOR, Role.LAWYER]
)
def test_other_roles_have_no_users_or_companies_in_the_menu(client, make_user, role) -> None:
    user = make_user("someone", role)
    client.force_login(user)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "/admin/accounts/user/" not in html
    assert "/ledger/companies/" not in html
    assert client.get("/ledger/companies/").status_code == 403


def test_an_admin_without_the_django_admin_permissions_gets_no_link_that_answers_403(
    client, make_user
) -> None:
    admin = make_user("ada", Role.ADMIN, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 403
    html = client.get(reverse("integrations")).content.decode()
    assert "/admin/accounts/user/" not in html
    # our own companies page answers the admin role whatever the Django admin allows
    assert "/ledger/companies/" in html


def test_the_companies_page_shows_the_requisites_as_the_letters_print_them(
    client, make_user, company
) -> None:
    """The menu's "Companies" opened the Django admin's list, which saved an IBAN typed with
    spaces as it was, past the checks of `update_company`; it now opens our own list."""
    from dunwell.ledger.models import BankAccount, Company

    Company.objects.filter(pk=company.pk).update(registration_number="J12/1/2020")
    BankAccount.objects.create(
        company=company,
        currency=company.currency,
        account="RO49AAAA1B31007593840000",
        bank_code="BTRLRO22",
    )
    admin = make_user("ada", Role.ADMIN, is_staff=True, is_superuser=True, language="ru")
    client.force_login(admin)
    html = client.get("/ledger/companies/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "RO49 AAAA 1B31 0075 9384 0000" in text and "J12/1/2020" in text, text
    assert "Ваши организации-кредиторы" in text
    assert f'href="/ledger/imports/company/{company.pk}/"' in html
