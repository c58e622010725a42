"""The debtor list as a work tool (issue 16, item 2): filters, sort, pages, XLSX export, what the
user reads in English and Russian, and who sees what."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role, User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Contact, Counterparty, Document, Segment
from dunwell.work.listing import DebtorFilters, debtor_rows
from dunwell.work.tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(user: User, **filters: object) -> list[str]:
    return list(
        debtor_rows(user, DebtorFilters(**filters), TODAY).values_list(  # type: ignore[arg-type]
            "name", flat=True
        )
    )


def listed(page: str) -> list[str]:
    """Debtor names in the order the page lists them."""
    return re.findall(
        r'<td class="name" data-label=""><a href="/work/debtors/\d+/">([^<]+)</a>', page
    )


@pytest.fixture
def book(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    teammate: User,
) -> dict[str, Counterparty]:
    """Four debtors of two collectors of one team, in two currencies and two countries."""
    key = Segment.objects.get_or_create(code="key", defaults={"name": "Key"})[0]
    alpha = make_counterparty(name="Alpha SRL", collector=collector)
    make_document(alpha, "5000.00", due_date=date(2026, 1, 5))  # 64 days overdue: 61-90
    bravo = make_counterparty(name="Bravo LLC", collector=collector, country="MD", segment=key)
    make_document(bravo, "800.00", currency="EUR", due_date=date(2026, 3, 1))  # 9 days: 1-30
    make_document(bravo, "100.00", due_date=date(2026, 4, 1))  # RON, not yet due
    charlie = make_counterparty(name="Charlie SA", collector=teammate, legal=True)
    make_document(charlie, "2500.00", currency="EUR", due_date=date(2025, 10, 1))  # 90+
    delta = make_counterparty(name="Delta SRL", collector=teammate)
    make_document(delta, "300.00", due_date=date(2026, 5, 1))  # current
    Contact.objects.create(counterparty=delta, name="Dan", decides_payments=True)
    return {"alpha": alpha, "bravo": bravo, "charlie": charlie, "delta": delta}


# --- filters ---------------------------------------------------------------------------------


def test_filters_by_collector_team_country_segment_and_legal_track(
    book: dict[str, Counterparty], supervisor: User, collector: User, director: User
) -> None:
    assert names(supervisor, collector=collector.pk, sort="name") == ["Alpha SRL", "Bravo LLC"]
    assert names(director, team=supervisor.pk, sort="name") == [
        "Alpha SRL",
        "Bravo LLC",
        "Charlie SA",
        "Delta SRL",
    ]
    assert names(director, country="MD") == ["Bravo LLC"]
    assert names(director, segment="key") == ["Bravo LLC"]
    assert names(director, on_legal=True) == ["Charlie SA"]


def test_filters_by_aging_bucket_of_the_oldest_open_document(
    book: dict[str, Counterparty], director: User
) -> None:
    assert names(director, bucket="current") == ["Delta SRL"]
    assert names(director, bucket="1-30") == ["Bravo LLC"]
    assert names(director, bucket="61-90") == ["Alpha SRL"]
    assert names(director, bucket="90+") == ["Charlie SA"]
    assert names(director, bucket="31-60") == []


def test_amount_range_is_per_currency(book: dict[str, Counterparty], director: User) -> None:
    # Bravo owes 800 EUR and 100 RON: an EUR range sees 800, never 900.
    assert names(director, currency="EUR", sort="name") == ["Bravo LLC", "Charlie SA"]
    assert names(director, currency="EUR", amount_min=Decimal("801")) == ["Charlie SA"]
    assert names(director, currency="EUR", amount_max=Decimal("800")) == ["Bravo LLC"]
    assert names(director, currency="RON", amount_min=Decimal("1000")) == ["Alpha SRL"]


def test_promise_dispute_and_missing_decider_filters(
    book: dict[str, Counterparty], director: User
) -> None:
    ladder.record_promise(
        counterparty=book["alpha"], amount=Decimal("100"), promised_date=TODAY, user=None
    )
    ladder.register_dispute(
        counterparty=book["charlie"],
        reason="quality",
        amount=Decimal("100"),
        user=None,
        currency="EUR",
    )
    assert names(director, has_promise=True) == ["Alpha SRL"]
    assert names(director, in_dispute=True) == ["Charlie SA"]
    assert names(director, no_decider=True, sort="name") == ["Alpha SRL", "Bravo LLC", "Charlie SA"]


def test_a_collector_filters_only_within_their_own_debtors(
    book: dict[str, Counterparty], collector: User, teammate: User
) -> None:
    # asking for a teammate's debtors by id shows nothing: visibility comes first
    assert names(collector, collector=teammate.pk) == []
    assert names(collector, on_legal=True) == []


# --- sort ------------------------------------------------------------------------------------


def test_sorts_by_each_column_both_ways_with_a_stable_tie_break(
    book: dict[str, Counterparty], director: User
) -> None:
    assert names(director, sort="name") == ["Alpha SRL", "Bravo LLC", "Charlie SA", "Delta SRL"]
    assert names(director, sort="-name") == ["Delta SRL", "Charlie SA", "Bravo LLC", "Alpha SRL"]
    # most days overdue first; nothing overdue keeps its place by the oldest due date
    assert names(director, sort="-days") == ["Charlie SA", "Alpha SRL", "Bravo LLC", "Delta SRL"]
    assert names(director, sort="country") == ["Bravo LLC", "Alpha SRL", "Charlie SA", "Delta SRL"]
    # Ties (same country, same collector) fall back to the name, then the id
    assert names(director, sort="collector") == [
        "Alpha SRL",
        "Bravo LLC",
        "Charlie SA",
        "Delta SRL",
    ]


def test_amount_sort_ranks_by_the_company_currency_equivalent_without_rates_as_zero(
    book: dict[str, Counterparty], director: User
) -> None:
    # No FX rates are loaded: EUR amounts rank as 0, RON amounts by themselves.
    assert names(director, sort="-total")[:2] == ["Alpha SRL", "Delta SRL"]
    assert names(director, sort="-overdue")[0] == "Alpha SRL"
    assert names(director, sort="total")[-1] == "Alpha SRL"


def test_pages_split_the_sorted_list_without_repeating_or_losing_a_row(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    for n in range(120):
        make_counterparty(name="Same Name SRL", collector=collector, external_id=f"S{n:03d}")
    client = client_for(collector)
    seen: list[str] = []
    for number in (1, 2, 3):
        page = client.get(reverse("work:debtors"), {"sort": "name", "page": number})
        text = page.content.decode()
        seen += re.findall(r'<a href="/work/debtors/(\d+)/">Same Name SRL', text)
        assert "120 debtors" in text and f"Page {number} of 3" in text
    assert len(seen) == 120 and len(set(seen)) == 120
    # A page past the end (a bookmark from a longer list) shows the last one.
    text = client.get(reverse("work:debtors"), {"sort": "name", "page": "7"}).content.decode()
    assert "Page 3 of 3" in text and len(re.findall(r"Same Name SRL", text)) == 20


# --- the page --------------------------------------------------------------------------------


def test_the_page_reads_filters_and_sort_from_the_address(
    book: dict[str, Counterparty], supervisor: User
) -> None:
    page = client_for(supervisor).get(reverse("work:debtors"), {"sort": "-name", "country": "ro"})
    text = page.content.decode()
    assert listed(text) == ["Delta SRL", "Charlie SA", "Alpha SRL"]
    assert "3 debtors" in text
    assert 'aria-sort="descending"' in text
    assert 'name="country" value="ro"' in text  # the filter shows what it applies


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Debtors", "Filters and sort", "Has a promise", "Days overdue", "Export to Excel"]),
        ("ru", ["Должники", "Фильтры и сортировка", "Есть обещание", "Дней просрочки",
                "Выгрузить в Excel"]),
    ],
)  # fmt: skip
def test_the_page_speaks_the_users_language(
    language: str, texts: list[str], book: dict[str, Counterparty], supervisor: User
) -> None:
    supervisor.language = language
    supervisor.save()
    page = client_for(supervisor).get(reverse("work:debtors")).content.decode()
    for text in texts:
        assert text in page


def test_the_credit_controller_lists_the_customers_whose_shipments_are_stopped(
    book: dict[str, Counterparty], make_user: Callable[..., User], collector: User
) -> None:
    """Whom to review for lifting the stop: the badge's customers, by the badge's own words."""
    Counterparty.objects.filter(pk__in=[book["bravo"].pk, book["charlie"].pk]).update(
        stop_shipments=True
    )
    controller = make_user("cora", Role.CREDIT_CONTROLLER)
    controller.language = "ro"
    controller.save()
    page = client_for(controller).get(reverse("work:debtors"), {"stopped": "on", "sort": "name"})
    text = page.content.decode()
    assert listed(text) == ["Bravo LLC", "Charlie SA"]
    assert re.search(r'<input type="checkbox" name="stopped"[^>]* checked> Livrări oprite', text)
    assert listed(
        client_for(collector).get(reverse("work:debtors"), {"stopped": "on"}).content.decode()
    ) == ["Bravo LLC"]  # only their own
    assert names(collector, shipments_stopped=True) == ["Bravo LLC"]


@pytest.mark.parametrize(
    ("language", "overdue_down"), [("en", "Overdue ↓"), ("uk", "Прострочено ↓")]
)
def test_the_sort_select_names_the_order_the_list_is_in(
    book: dict[str, Counterparty], supervisor: User, language: str, overdue_down: str
) -> None:
    """Without a sort in the address the list is by overdue, largest first; the select said
    "Debtor ↑" (its first choice) above it."""
    supervisor.language = language
    supervisor.save()
    for query in ({}, {"promise": "on"}):
        page = client_for(supervisor).get(reverse("work:debtors"), query).content.decode()
        select = re.search(r'(?s)<select name="sort".*?</select>', page)
        assert select is not None
        assert re.findall(r"<option[^>]* selected>([^<]*)", select.group(0)) == [overdue_down]


def test_a_bad_filter_is_named_and_answers_400(collector: User) -> None:
    response = client_for(collector).get(reverse("work:debtors"), {"amount_min": "1000"})
    assert response.status_code == 400
    assert "Choose the currency the amount range is in." in response.content.decode()
    response = client_for(collector).get(reverse("work:debtors"), {"bucket": "x"})
    assert response.status_code == 400


def test_the_list_shows_each_user_only_the_debtors_they_see(
    book: dict[str, Counterparty], collector: User, teammate: User, outsider: User
) -> None:
    url = reverse("work:debtors")
    assert set(listed(client_for(collector).get(url).content.decode())) == {
        "Alpha SRL",
        "Bravo LLC",
    }
    assert set(listed(client_for(teammate).get(url).content.decode())) == {
        "Charlie SA",
        "Delta SRL",
    }
    assert listed(client_for(outsider).get(url).content.decode()) == []


def test_only_managers_get_the_selection_for_bulk_reassignment(
    book: dict[str, Counterparty], collector: User, supervisor: User
) -> None:
    url = reverse("work:debtors")
    assert 'name="ids"' not in client_for(collector).get(url).content.decode()
    page = client_for(supervisor).get(url).content.decode()
    assert 'id="select-all"> Select all debtors on this page</label>' in page
    assert 'aria-label="Select Alpha SRL"' in page


# --- XLSX export -----------------------------------------------------------------------------


def test_export_has_the_current_view_one_row_per_debtor_and_currency(
    book: dict[str, Counterparty], supervisor: User, collector: User, outsider: User
) -> None:
    url = reverse("work:debtors_export")
    response = client_for(supervisor).get(url, {"sort": "name", "collector": str(collector.pk)})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == (
        "Debtor",
        "Tax id",
        "Country",
        "Segment",
        "Collector",
        "Currency",
        "Total due",
        "Overdue",
    )
    body = [(r[0], r[5], r[6], r[7]) for r in rows[1:]]
    assert body == [
        ("Alpha SRL", "RON", 5000, 5000),
        ("Bravo LLC", "EUR", 800, 800),
        ("Bravo LLC", "RON", 100, 0),
    ]
    # an outsider's export holds nobody's debtors
    other = load_workbook(BytesIO(client_for(outsider).get(url).content)).active
    assert other is not None and other.max_row == 1


def test_export_refuses_a_bad_filter_with_its_reason(collector: User) -> None:
    response = client_for(collector).get(reverse("work:debtors_export"), {"currency": "XYZ1"})
    assert response.status_code == 400


def test_a_sales_manager_sees_their_debtors_but_no_team_filters(
    book: dict[str, Counterparty], make_user: Callable[..., User]
) -> None:
    sales = make_user("sam", Role.SALES)
    Counterparty.objects.filter(pk=book["delta"].pk).update(sales_manager=sales)
    page = client_for(sales).get(reverse("work:debtors")).content.decode()
    assert listed(page) == ["Delta SRL"]
    assert 'name="collector"' not in page


def test_an_export_past_the_limit_is_refused_with_the_reason(
    book: dict[str, Counterparty], director: User, settings: Any
) -> None:
    settings.WORK_LIST_EXPORT_MAX = 3
    client = client_for(director)
    response = client.get(reverse("work:debtors_export"), {"sort": "name"})
    assert response.status_code == 302
    assert response["Location"] == "/work/debtors/?sort=name"
    page = client.get(response["Location"]).content.decode()
    assert "The view has 4 debtors; the export takes at most 3." in page
    assert client.get(reverse("work:debtors_export"), {"country": "MD"}).status_code == 200


def test_export_writes_a_formula_like_name_as_text(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    cp = make_counterparty(collector=collector, name='=HYPERLINK("http://evil","pay")')
    make_document(cp, "10.00")
    response = client_for(collector).get(reverse("work:debtors_export"))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.value == '=HYPERLINK("http://evil","pay")' and cell.data_type == "s"


def test_export_carries_the_credit_column_and_the_status_badges_in_the_users_language(
    book: dict[str, Counterparty], supervisor: User
) -> None:
    """What the page shows and the export left out: exposure against the limit (in the
    limit's currency) and the badges 'Livrări oprite', 'Procedură juridică' and the others."""
    from django.utils import timezone

    from dunwell.credit.models import CreditLimit

    CreditLimit.objects.create(
        counterparty=book["alpha"],
        currency="RON",
        total=Decimal("4000.00"),
        valid_from=date(2026, 1, 1),
        reason="test",
        set_at=timezone.now(),
    )
    Counterparty.objects.filter(pk=book["alpha"].pk).update(stop_shipments=True)
    supervisor.language = "ro"
    supervisor.save(update_fields=["language"])
    response = client_for(supervisor).get(reverse("work:debtors_export"), {"sort": "name"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    heading = [cell.value for cell in sheet[1]]
    assert heading[:3] == ["Debitor", "Cod fiscal", "Țara"]
    column = {name: n for n, name in enumerate(heading)}
    for name in ("Expunere", "Limită de credit", "Peste limită", "Livrări oprite"):
        assert name in column, heading
    assert "Procedură juridică" in column and "Dispută" in column and "Promisiune" in column
    by_name = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    alpha, charlie = by_name["Alpha SRL"], by_name["Charlie SA"]
    exposure, limit = alpha[column["Expunere"]], alpha[column["Limită de credit"]]
    assert exposure.value == 5000 and exposure.number_format == '#,##0.00 "RON"'
    assert limit.value == 4000 and limit.number_format == '#,##0.00 "RON"'
    assert alpha[column["Din limită, %"]].value == 125  # the page's "(125%)"
    assert alpha[column["Peste limită"]].value == "da"
    assert alpha[column["Livrări oprite"]].value == "da"
    assert alpha[column["Procedură juridică"]].value == "nu"
    assert charlie[column["Procedură juridică"]].value == "da"
    assert charlie[column["Livrări oprite"]].value == "nu"
    # a debtor without a limit: nothing in the credit columns, as the page's "—"
    assert charlie[column["Expunere"]].value is None
    # every amount says its currency
    total = alpha[column["Total de plată"]]
    assert total.value == 5000 and total.number_format == '#,##0.00 "RON"'
