"""services.calculate: rates from the database, translated errors and warnings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from dunwell.interest.errors import InterestError
from dunwell.interest.models import RateValue
from dunwell.interest.services import calculate

pytestmark = pytest.mark.django_db


def test_uses_the_rates_in_the_database() -> None:
    # 01.07-31.12.2023 184 d at 4.00 + 8 = 12%: 604.93; with the MRO of 21.06.2023 edited to
    # 5.00 the half-year rate is 13%: 10000*0.13*184/365 = 655.34
    args: dict[str, Any] = {
        "debt": Decimal("10000"),
        "due": date(2023, 6, 30),
        "to": date(2023, 12, 31),
    }
    assert calculate("eu-directive", today=date(2024, 1, 5), **args).total == Decimal("604.93")
    RateValue.objects.filter(series__code="eu_ecb_mro", effective_from="2023-06-21").update(
        value=Decimal("5.00")
    )
    assert calculate("eu-directive", today=date(2024, 1, 5), **args).total == Decimal("655.34")


def test_error_is_a_translated_domain_error() -> None:
    with translation.override("ru"), pytest.raises(InterestError) as caught:
        calculate("nope", debt=Decimal(1), due=date(2024, 1, 1), to=date(2024, 2, 1))
    assert "nope" in caught.value.message
    assert "Unknown rule" not in caught.value.message


def test_stale_warning_only_after_the_update_cycle() -> None:
    args: dict[str, Any] = {
        "debt": Decimal("10000"),
        "due": date(2023, 6, 30),
        "to": date(2023, 12, 31),
    }
    fresh = calculate("eu-directive", today=date(2025, 11, 1), **args)
    assert fresh.warnings == []
    stale = calculate("eu-directive", today=date(2026, 11, 23), **args)
    assert len(stale.warnings) == 1 and "ECB main refinancing operations rate" in stale.warnings[0]


def test_a_warning_names_the_series_and_writes_the_date_as_the_page_language_does() -> None:
    args: dict[str, Any] = {
        "debt": Decimal("10000"),
        "due": date(2023, 6, 30),
        "to": date(2023, 12, 31),
    }
    last = RateValue.objects.filter(series__code="eu_ecb_mro").latest("effective_from")
    with translation.override("uk"):
        (warning,) = calculate("eu-directive", today=date(2026, 11, 23), **args).warnings
    assert "«ставка ЄЦБ за основними операціями рефінансування»" in warning
    assert last.effective_from.strftime("%d.%m.%Y") in warning
    assert "eu_ecb_mro" not in warning and last.effective_from.isoformat() not in warning
    with translation.override("ro"):
        (warning,) = calculate("eu-directive", today=date(2026, 11, 23), **args).warnings
    assert "„rata BCE pentru operațiunile principale de refinanțare”" in warning


def test_a_missing_price_index_is_named_by_its_month_not_an_iso_month() -> None:
    last = RateValue.objects.filter(series__code="ua_cpi").latest("effective_from").effective_from
    month_after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    with translation.override("uk"):
        result = calculate(
            "ua-625",
            debt=Decimal("1000"),
            due=last,
            to=date(month_after.year + 1, month_after.month, 1),
            today=month_after,
        )
    text = " ".join(result.warnings)
    assert f"за {month_after:%m.%Y}" in text
    assert f"{month_after:%Y-%m}" not in text


def test_series_names_in_russian() -> None:
    from dunwell.interest.texts import series_name

    with translation.override("ru"):
        assert series_name("ua_discount_rate") == "учётная ставка НБУ"
        assert series_name("ru_deposit_volga") == (
            "средние ставки по вкладам физических лиц: Приволжский федеральный округ"
        )
        assert series_name("fx_eur_ron") == "курс EUR/RON"


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "“EUR exchange rate for the EUR 40 compensation”"),
        ("ru", "«Курс евро для компенсации 40 евро»"),
        ("uk", "«Курс євро для компенсації 40 євро»"),
        ("ro", "„Cursul euro pentru compensația de 40 de euro”"),
    ],
)
def test_the_eur_40_warning_names_the_field_by_its_label_not_eur_rate(
    language: str, label: str
) -> None:
    """Romanian late-payment interest without an EUR rate: the warning tells which field to
    fill in as the calculator's form labels it; before, it said "give eur_rate"."""
    args: dict[str, Any] = {"debt": Decimal("1000"), "due": date(2025, 1, 31)}
    with translation.override(language):
        result = calculate("ro-legal", to=date(2025, 3, 2), today=date(2025, 3, 2), **args)
    (warning,) = [w for w in result.warnings if "40" in w]
    assert label in warning
    assert "eur_rate" not in warning


def test_the_rate_option_error_names_the_fields_by_their_labels() -> None:
    with translation.override("ro"), pytest.raises(InterestError) as caught:
        calculate("contract", debt=Decimal(1), due=date(2024, 1, 1), to=date(2024, 2, 1))
    assert "„Rată, % pe zi” sau „Rată, % pe an”" in caught.value.message
    assert "rate_per_day" not in caught.value.message
