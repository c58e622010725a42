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


def _header(html: str) -> tuple[str, list[str]]:
    """The header menu's plain part (its drop-downs cut out) and its drop-downs' markup."""
    nav = html.split('<ul class="mainnav">', 1)[1].split('class="topsearch"', 1)[0]
    groups = re.findall(r"<details class=\"dropdown menu-group\".*?</details>", nav, re.S)
    plain = re.sub(r"<details class=\"dropdown menu-group\".*?</details>", "", nav, flags=re.S)
    return plain, groups


def _summaries(groups: list[str]) -> list[str]:
    return re.findall(r"<summary[^>]*>(.*?)</summary>", "".join(groups))


@pytest.mark.parametrize(
    ("language", "titles", "daily"),
    [
        ("en", ["Collection", "Reports", "Legal and credit", "Setup"], ["My day", "Debtors"]),
        ("ru", ["Взыскание", "Отчёты", "Юристы и кредит", "Настройки"], ["Мой день", "Должники"]),
        ("uk", ["Стягнення", "Звіти", "Юристи та кредит", "Налаштування"], ["Мій день"]),
        ("ro", ["Recuperare", "Rapoarte", "Juridic și credit", "Setări"], ["Ziua mea"]),
    ],
)
def test_the_directors_menu_groups_its_pages_under_translated_titles(
    client, make_user, language: str, titles: list[str], daily: list[str]
) -> None:
    """Twenty links in three rows became a few daily links and four drop-downs."""
    director = make_user("diana", Role.DIRECTOR, language=language)
    client.force_login(director)
    plain, groups = _header(client.get("/work/day/").content.decode())
    assert _summaries(groups) == titles
    for label in daily:
        assert f">{label}</a>" in plain
    # the pages of the reports are in their drop-down, not beside the daily links
    assert 'href="/reports/aging/"' not in plain
    assert 'href="/reports/aging/"' in groups[1]
    # the director's start page (the KPIs) stays a plain link
    assert 'href="/reports/metrics/"' in plain


def test_the_section_holding_the_current_page_is_marked(client, director) -> None:
    client.force_login(director)
    _, groups = _header(client.get("/reports/forecast/").content.decode())
    current = [g for g in groups if '<summary aria-current="true">' in g]
    assert len(current) == 1 and 'href="/reports/forecast/" aria-current="page"' in current[0]
    assert "Reports" in current[0]


def test_a_collectors_daily_pages_stay_plain_links(client, collector) -> None:
    client.force_login(collector)
    plain, groups = _header(client.get("/work/day/").content.decode())
    for url in ("/work/day/", "/work/calendar/", "/work/debtors/", "/correspondence/inbox/"):
        assert f'<li><a href="{url}"' in plain, url
    # a section with one page of theirs is that page, not a drop-down to open
    assert 'href="/reports/aging/"' in plain
    assert "Reports" not in _summaries(groups)


@pytest.mark.parametrize("role", [value for value, _ in Role.choices])
def test_every_role_reaches_each_page_of_its_menu_once(client, make_user, role: str) -> None:
    """Grouping lost no page and added none: the header links exactly the role's menu."""
    user = make_user("someone", role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    client.force_login(user)
    plain, groups = _header(client.get("/work/day/").content.decode())
    hrefs = re.findall(r'<a href="([^"]+)"', plain + "".join(groups))
    expected = [str(item["url"]) for item in _menu(user, "/work/day/")]
    assert sorted(hrefs) == sorted(expected)
    assert len(set(hrefs)) == len(hrefs)
    # no drop-down holds a single page
    assert all(g.count("<li>") >= 2 for g in groups)
