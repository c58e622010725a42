from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dunwell.ledger.models import Company

pytestmark = pytest.mark.django_db


def create(*args: str) -> None:
    call_command("company", "create", *args)


def test_creates_a_company_with_zone_and_calendar_from_the_country(
    capsys: pytest.CaptureFixture[str],
) -> None:
    create(
        "--code",
        "acme",
        "--name",
        "Acme  SRL",
        "--country",
        "ro",
        "--currency",
        "ron",
        "--tax-id",
        "RO18547290",
    )
    company = Company.objects.get(code="acme")
    assert (company.name, company.country, company.currency) == ("Acme SRL", "RO", "RON")
    assert company.tax_id == "18547290"
    assert company.time_zone == "Europe/Bucharest"
    assert company.calendar_country == "RO"
    out = capsys.readouterr().out
    assert "Created company acme: Acme SRL, RO, RON" in out
    assert "Europe/Bucharest" in out


def test_a_country_without_a_default_zone_needs_the_time_zone_option() -> None:
    with pytest.raises(CommandError, match="--time-zone: No default time zone for JP"):
        create("--code", "jp", "--name", "Nippon KK", "--country", "JP", "--currency", "JPY")
    create(
        "--code",
        "jp",
        "--name",
        "Nippon KK",
        "--country",
        "JP",
        "--currency",
        "JPY",
        "--time-zone",
        "Asia/Tokyo",
    )
    assert Company.objects.get(code="jp").time_zone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--country", "XY", "--country: Not an ISO 3166 country code: XY"),
        ("--currency", "ABC", "--currency: Not an ISO 4217 currency code: ABC"),
        ("--tax-id", "12345", "--tax-id: Invalid CUI '12345'"),
        ("--time-zone", "Mars/Olympus", "--time-zone: Unknown time zone Mars/Olympus"),
        ("--code", "a b", "--code: The code must be"),
    ],
)
def test_a_bad_value_names_its_option_and_creates_nothing(
    option: str, value: str, message: str
) -> None:
    values = {
        "--code": "acme",
        "--name": "Acme",
        "--country": "RO",
        "--currency": "RON",
        option: value,
    }
    args = [part for pair in values.items() for part in pair]
    with pytest.raises(CommandError, match=message):
        create(*args)
    assert not Company.objects.exists()


def test_refuses_a_duplicate_code(company: Company) -> None:
    with pytest.raises(CommandError, match="--code: A company with the code demo exists already"):
        create("--code", "demo", "--name", "Other", "--country", "RO", "--currency", "RON")
    assert Company.objects.count() == 1
