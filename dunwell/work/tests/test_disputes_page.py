"""The open disputes a supervisor, the director or a sales manager must see settled (DESIGN
§1.7): who settles each and by when, the overdue ones marked, the amounts per currency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Dispute
from dunwell.ledger.models import Counterparty, Document
from dunwell.work import ladder_bridge

pytestmark = pytest.mark.usefixtures("frozen")


def _client(user: User, language: str = "en") -> Client:
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def _page(user: User, query: str = "", language: str = "en") -> str:
    with translation.override(language):
        response = _client(user, language).get(reverse("work:disputes") + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def two_disputes(
    debtor: Counterparty,
    collector: User,
    make_user: Callable[..., User],
    make_document: Callable[..., Document],
) -> tuple[Dispute, Dispute, User]:
    """Missing documents (RON, to the supervisor, deadline passed, 12 days old) and quality
    (EUR, to the sales manager, 2 days old)."""
    sales = make_user("vlad", Role.SALES)
    Counterparty.objects.filter(pk=debtor.pk).update(sales_manager=sales)
    debtor.refresh_from_db()
    eur = make_document(debtor, "400.00", currency="EUR", number="EU-9")
    old = Dispute.objects.get(
        pk=ladder_bridge.register_dispute(
            collector, debtor, "documents_missing", Decimal("1500"), "RON", [], "", channel="letter"
        )
    )
    Dispute.objects.filter(pk=old.pk).update(
        registered_at=timezone.now() - timedelta(days=12), deadline=date(2026, 3, 2)
    )
    new = Dispute.objects.get(
        pk=ladder_bridge.register_dispute(
            collector, debtor, "quality", Decimal("250"), None, [eur.pk], "Scratched"
        )
    )
    Dispute.objects.filter(pk=new.pk).update(registered_at=timezone.now() - timedelta(days=2))
    return Dispute.objects.get(pk=old.pk), Dispute.objects.get(pk=new.pk), sales


def test_the_supervisor_reads_who_settles_each_by_when(
    two_disputes: tuple[Dispute, Dispute, User], supervisor: User, debtor: Counterparty
) -> None:
    old, new, sales = two_disputes
    page = _page(supervisor)
    assert "2 open disputes" in page and "1 past its deadline" in page
    old_row = page.split(f'id="open-dispute-{old.pk}"')[1].split("</tr>")[0]
    assert reverse("work:debtor", args=[debtor.pk]) + f"#dispute-{old.pk}" in old_row
    assert "Documents missing" in old_row and "1,500.00\xa0RON" in old_row
    assert "sofia" in old_row and "02.03.2026" in old_row and "overdue" in old_row
    assert "12 days" in old_row and "Letter" in old_row
    new_row = page.split(f'id="open-dispute-{new.pk}"')[1].split("</tr>")[0]
    assert "Quality" in new_row and "250.00\xa0EUR" in new_row and "EU-9" in new_row
    assert "vlad" in new_row and "2 days" in new_row and "overdue" not in new_row
    # per currency, never added across them
    total = page.split('id="disputes-total"')[1].split("</td>")[0]
    assert "1,500.00\xa0RON" in total and "250.00\xa0EUR" in total
    # the nearest deadline first; by age, the oldest first, then the newest first
    assert page.index(f"open-dispute-{old.pk}") < page.index(f"open-dispute-{new.pk}")
    by_age = _page(supervisor, "?sort=-age")
    assert by_age.index(f"open-dispute-{new.pk}") < by_age.index(f"open-dispute-{old.pk}")


def test_filters_by_who_settles_it_and_by_reason(
    two_disputes: tuple[Dispute, Dispute, User], supervisor: User
) -> None:
    old, new, sales = two_disputes
    mine = _page(supervisor, f"?owner={supervisor.pk}")
    assert f"open-dispute-{old.pk}" in mine and f"open-dispute-{new.pk}" not in mine
    quality = _page(supervisor, "?reason=quality")
    assert f"open-dispute-{new.pk}" in quality and f"open-dispute-{old.pk}" not in quality
    assert "1 open dispute" in quality
    # what no form offers is not an error
    assert f"open-dispute-{old.pk}" in _page(supervisor, "?owner=x&reason=nonsense&sort=up")


def test_who_sees_which(
    two_disputes: tuple[Dispute, Dispute, User],
    outsider: User,
    teammate: User,
    collector: User,
    director: User,
    make_user: Callable[..., User],
) -> None:
    old, new, sales = two_disputes
    for who in (director, collector, sales):
        page = _page(who)
        assert f"open-dispute-{old.pk}" in page and f"open-dispute-{new.pk}" in page
    for who in (outsider, teammate, make_user("sam", Role.SALES)):
        page = _page(who)
        assert "open-dispute-" not in page and "No open disputes." in page


def test_a_sales_manager_sees_what_is_routed_to_them_on_another_s_customer(
    two_disputes: tuple[Dispute, Dispute, User], make_user: Callable[..., User]
) -> None:
    old, new, sales = two_disputes
    other = make_user("petra", Role.SALES)
    Dispute.objects.filter(pk=new.pk).update(responsible=other)
    page = _page(other)
    assert f"open-dispute-{new.pk}" in page and f"open-dispute-{old.pk}" not in page


def test_the_menu_offers_it_to_supervisors_and_sales_managers_not_collectors(
    two_disputes: tuple[Dispute, Dispute, User], supervisor: User, collector: User
) -> None:
    old, new, sales = two_disputes
    url = reverse("work:disputes")
    home = reverse("work:team")
    assert f'href="{url}"' in _client(supervisor).get(home).content.decode()
    assert f'href="{url}"' in _client(sales).get(reverse("work:debtors")).content.decode()
    assert f'href="{url}"' not in _client(collector).get(reverse("work:debtors")).content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["Открытые споры", "2 открытых спора", "12 дней", "Письмо", "Кто урегулирует"]),
        ("uk", ["Відкриті спори", "2 відкриті спори", "12 днів", "Лист", "Хто врегульовує"]),
        ("ro", ["Dispute deschise", "2 dispute deschise", "12 zile", "Scrisoare", "Termen"]),
    ],
)
def test_the_page_speaks_the_reader_s_language(
    language: str, words: list[str], two_disputes: tuple[Dispute, Dispute, User], supervisor: User
) -> None:
    page = _page(supervisor, language=language)
    for word in words:
        assert word in page
    assert "ретенз" not in page
