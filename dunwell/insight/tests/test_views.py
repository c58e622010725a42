"""The aging page and its XLSX export: filters, totals, and who sees what."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role, User
from dunwell.insight.models import AgingBuckets
from dunwell.ledger.models import Counterparty, Document

TODAY = date(2026, 3, 31)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel("2026-03-31 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    outsider: User,
) -> tuple[Counterparty, Counterparty]:
    mine = make_counterparty(collector=collector, name="Mine SRL")
    other = make_counterparty(name="Elsewhere SRL")
    make_document(mine, "1234.50", due_date=date(2026, 3, 20))
    make_document(other, "999.00", due_date=date(2026, 1, 10))
    return mine, other


def page(client: Client, user: User | None, **params: str) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("insight:aging"), params)
    assert response.status_code == 200
    return response.content.decode()


def export_rows(client: Client, user: User, **params: str) -> list[tuple[object, ...]]:
    client.force_login(user)
    response = client.get(reverse("insight:aging_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    # The title, then the table: the notes on what the export holds end at an empty row.
    blank = next(i for i, row in enumerate(rows) if all(v is None for v in row))
    return [rows[0], *rows[blank + 1 :]]


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("insight:aging"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.get(reverse("insight:aging_export")).status_code == 302


def test_owner_collector_sees_own_debtor_only(
    client: Client, ledger: object, collector: User
) -> None:
    html = page(client, collector)
    assert "Mine SRL" in html
    assert "Elsewhere SRL" not in html
    assert "1,234.50" in html or "1234.50" in html
    assert 'id="aging-chart-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_teammate_does_not_see_the_collectors_debtor(
    client: Client, ledger: object, teammate: User
) -> None:
    html = page(client, teammate)
    assert "Mine SRL" not in html
    assert "No open receivables" in html


def test_outsider_gets_nothing_in_page_and_export(
    client: Client, ledger: object, outsider: User
) -> None:
    html = page(client, outsider)
    assert "Mine SRL" not in html and "Elsewhere SRL" not in html
    rows = export_rows(client, outsider)
    assert len(rows) == 2  # title and header only


def test_director_sees_everything_in_page_and_export(
    client: Client, ledger: object, director: User
) -> None:
    html = page(client, director)
    assert "Mine SRL" in html and "Elsewhere SRL" in html
    rows = export_rows(client, director)
    labels = [row[0] for row in rows[2:]]
    assert any("Mine SRL" in str(label) for label in labels)
    assert any("Elsewhere SRL" in str(label) for label in labels)
    total = rows[-1]
    assert total[0] == "Total" and total[1] == "RON"
    assert float(str(total[-2])) == pytest.approx(2233.50)


def test_a_total_of_hundreds_of_millions_fits_its_column_in_the_export(
    client: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    """A total in roubles of 123 456 789,12 was written in columns 12 characters wide: a
    spreadsheet shows ######## for a number that does not fit."""
    debtor = make_counterparty(name="ООО Большой долг")
    make_document(debtor, "123456789.12", currency="RUB", due_date=date(2026, 3, 20))
    client.force_login(director)
    response = client.get(reverse("insight:aging_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    written = f"{123456789.12:,.2f}"  # each character counted as wide as a digit
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, float) and cell.value >= 1e8:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width > len(written), (cell.coordinate, width)


def test_collector_export_holds_only_own_rows(
    client: Client, ledger: object, collector: User
) -> None:
    rows = export_rows(client, collector)
    assert len(rows) == 4  # title, header, one counterparty, one total
    assert "Mine SRL" in str(rows[2][0])


def test_the_empty_buckets_field_shows_what_to_type(
    client: Client, ledger: object, director: User
) -> None:
    html = page(client, director)
    assert 'placeholder="30,60,90,180"' in html
    assert 'title="Days past due, e.g. 30,60,90,180"' in html


@pytest.mark.parametrize("language", ["en", "ru", "ro"])
@pytest.mark.parametrize("query", [{}, {"by": "collector"}])
def test_the_date_field_shows_the_day_the_report_is_taken_as_of(
    client: Client, ledger: object, director: User, language: str, query: dict[str, str]
) -> None:
    """The title said "Aging as of 31.03.2026" over an empty date field (mm/dd/yyyy)."""
    User.objects.filter(pk=director.pk).update(language=language)
    html = page(client, director, **query)
    assert "31.03.2026" in html
    assert 'name="as_of" value="2026-03-31"' in html


def test_filters_change_as_of_grouping_and_buckets(
    client: Client, ledger: object, director: User
) -> None:
    html = page(client, director, as_of="2026-02-01", by="collector", buckets="10,100")
    assert "Aging as of 01.02.2026" in html
    assert "Not assigned" in html
    assert "11–100" in html
    assert "Mine SRL" not in html  # grouped by collector: no counterparty names
    assert "<th>Collector</th>" in html


def test_bad_buckets_fall_back_to_the_defaults_with_a_message_as_a_400(
    client: Client, ledger: object, director: User
) -> None:
    client.force_login(director)
    response = client.get(reverse("insight:aging"), {"buckets": "90,30"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter increasing whole numbers" in html
    assert "91–180" in html


def test_the_page_is_translated(client: Client, ledger: object, director: User) -> None:
    director.language = "ro"
    director.save()
    html = page(client, director, HTTP_ACCEPT_LANGUAGE="ro")
    assert "Vechimea creanțelor la 31.03.2026" in html
    assert "Nescadent" in html


def test_a_debtor_in_a_bucket_opens_its_card(
    client: Client, ledger: tuple[Counterparty, Counterparty], director: User
) -> None:
    """A director who saw a debtor in 61–90 could not get from the row to the documents
    behind it: the name was plain text."""
    mine, other = ledger
    html = page(client, director)
    card = reverse("work:debtor", args=[other.pk])
    assert f'<a href="{card}">{other.name} ({other.external_id})</a>' in html
    assert f'href="{reverse("work:debtor", args=[mine.pk])}"' in html


def test_a_collector_is_linked_only_to_the_cards_they_may_open(
    client: Client, ledger: tuple[Counterparty, Counterparty], collector: User
) -> None:
    mine, other = ledger
    html = page(client, collector)
    assert f'href="{reverse("work:debtor", args=[mine.pk])}"' in html
    assert f'href="{reverse("work:debtor", args=[other.pk])}"' not in html


def note_of(html: str) -> str:
    return html.split('id="aging-buckets-note"', 1)[1].split("</div>", 1)[0]


def test_the_page_names_the_company_buckets_and_who_changes_them(
    client: Client,
    ledger: tuple[Counterparty, Counterparty],
    director: User,
    make_user: Callable[..., User],
) -> None:
    """A company on 15,45,90 read "30,60,90,180" in the empty Buckets field, and nothing on the
    page said whose buckets the columns were; finance reads who changes them, and cannot."""
    AgingBuckets.objects.create(edges="15,45,90", saved_by=director)
    finance = make_user("fiona", Role.FINANCE)
    html = page(client, finance)
    assert 'placeholder="15,45,90"' in html
    note = note_of(html)
    assert "The company's buckets end at 15, 45, 90 days past due" in note
    assert "The director or an administrator changes them on this page." in note
    assert "Last changed by diana on 31.03.2026" in note
    assert 'id="company-buckets"' not in note
    before = AgingBuckets.objects.count()
    response = client.post(reverse("insight:aging_buckets"), {"edges": "10,20"})
    assert response.status_code == 403 and AgingBuckets.objects.count() == before


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.ADMIN])
def test_management_saves_the_company_buckets_on_the_aging_page(
    client: Client,
    ledger: tuple[Counterparty, Counterparty],
    make_user: Callable[..., User],
    role: str,
) -> None:
    """Only an administrator could change them, in the Django admin; the director could not."""
    boss = make_user("boss", role, first_name="Bo", last_name="Boss")
    note = note_of(page(client, boss))
    assert 'id="company-buckets"' in note and 'value="30,60,90,180"' in note
    response = client.post(reverse("insight:aging_buckets"), {"edges": " 15, 45,90 "})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "The company&#x27;s buckets now end at 15, 45, 90 days past due." in html
    note = note_of(html)
    assert "The company's buckets end at 15, 45, 90 days past due" in note
    assert "Last changed by Bo Boss on 31.03.2026" in note
    assert 'value="15,45,90"' in note
    saved = AgingBuckets.objects.order_by("-id").first()
    assert saved is not None and (saved.edges, saved.saved_by) == ("15,45,90", boss)


@pytest.mark.parametrize(
    ("language", "typed", "error"),
    [
        ("en", "60,30", "Enter increasing whole numbers of days separated by commas."),
        ("en", "", "This field is required."),
        ("en", "30,6o", "Enter increasing whole numbers of days separated by commas."),
        ("ru", "0,30", "Введите возрастающие целые числа дней через запятую."),
    ],
)
def test_bad_company_buckets_are_named_and_not_saved(
    client: Client,
    ledger: tuple[Counterparty, Counterparty],
    director: User,
    language: str,
    typed: str,
    error: str,
) -> None:
    User.objects.filter(pk=director.pk).update(language=language)
    client.force_login(director)
    response = client.post(reverse("insight:aging_buckets"), {"edges": typed})
    assert response.status_code == 400
    note = note_of(response.content.decode())
    assert error in note and f'value="{typed}"' in note
    assert not AgingBuckets.objects.exists()
