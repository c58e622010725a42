"""The cash forecast (docs/metrics.md, "Cash forecast"): each part on a hand-computed tiny
ledger, no future data leaking into a past forecast, and the backtest's WAPE by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from dunwell.insight import forecast_math as fm
from dunwell.insight.forecast import Method, Part, backtest, forecast, kept_rate, placements
from dunwell.ladder.models import Promise
from dunwell.ledger.deals import ensure_default_stages
from dunwell.ledger.models import (
    Company,
    Contract,
    ContractInstalment,
    Counterparty,
    Deal,
    DealStage,
    Document,
)

pytestmark = pytest.mark.django_db

T = date(2026, 3, 31)


def week_of(day: date, as_of: date = T) -> int:
    """1-based week of the forecast as of `as_of` that holds `day`."""
    return (day - as_of - timedelta(days=1)).days // 7 + 1


# --- pure arithmetic ---------------------------------------------------------------------


def test_wape_of_a_hand_computed_example() -> None:
    # |100-80| + |50-60| + |0-10| = 40 over 150 received.
    assert fm.wape([(100, 80), (50, 60), (0, 10)]) == pytest.approx(40 / 150)
    assert fm.wape([(10, 0)]) is None  # nothing received: undefined, not 0 or infinite


def test_weeks_start_the_day_after_and_months_are_calendar_months() -> None:
    weeks = fm.weeks(T)
    assert (weeks[0].start, weeks[0].end) == (date(2026, 4, 1), date(2026, 4, 7))
    assert len(weeks) == 13 and weeks[-1].end == date(2026, 6, 30)
    months = fm.months(date(2026, 3, 15))
    assert (months[0].start, months[0].end) == (date(2026, 3, 16), date(2026, 3, 31))
    assert months[1] == fm.Period(date(2026, 4, 1), date(2026, 4, 30)) and len(months) == 12


def test_the_late_curve_counts_only_weeks_already_known() -> None:
    base = {date(2026, 1, 31): 1000.0, date(2026, 2, 28): 1000.0}
    paid = {(date(2026, 1, 31), 0): 300.0, (date(2026, 2, 28), 0): 100.0}
    # As of 06.03 only January's first week has ended: 300 / 1000.
    assert fm.late_curve(base, paid, date(2026, 3, 6))[0] == pytest.approx(0.3)
    # As of 31.03 both: 400 / 2000.
    assert fm.late_curve(base, paid, T)[0] == pytest.approx(0.2)


# --- the parts on a tiny ledger -----------------------------------------------------------


@pytest.fixture
def customer(make_counterparty: Callable[..., Counterparty]) -> Counterparty:
    return make_counterparty()


@pytest.fixture
def history(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., object]
) -> None:
    """The customer paid two invoices 8 and 12 days late: an average delay of 10 days."""
    first = make_document(customer, "100.00", date=date(2025, 12, 1), due_date=date(2026, 1, 10))
    second = make_document(customer, "100.00", date=date(2025, 12, 5), due_date=date(2026, 1, 20))
    pay(first, "100.00", date(2026, 1, 18))
    pay(second, "100.00", date(2026, 2, 1))


def receivables_weeks(as_of: date = T) -> dict[int, float]:
    cash, _rate, _measured = placements(as_of, method=Method.HISTORY)
    return {
        week_of(day, as_of): cents / 100
        for day, cents in cash["RON"][Part.RECEIVABLES].items()
        if cents
    }


def test_an_open_invoice_lands_on_its_due_date_plus_the_customers_average_delay(
    history: None, customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(customer, "1000.00", date=date(2026, 3, 10), due_date=date(2026, 4, 10))
    cash, _rate, _measured = placements(T, method=Method.HISTORY)
    assert dict(cash["RON"][Part.RECEIVABLES]) == {date(2026, 4, 20): 100000.0}
    report = forecast(T, method=Method.HISTORY, band=False)
    (ron,) = report.currencies
    assert [round(r.total) for r in ron.weeks[:4]] == [0, 0, 100000, 0]  # 15–21 April
    assert round(ron.months[0].total) == 100000


def test_a_payment_after_the_as_of_day_does_not_change_the_forecast_as_of_that_day(
    history: None,
    customer: Counterparty,
    make_document: Callable[..., Document],
    pay: Callable[..., object],
) -> None:
    invoice = make_document(customer, "1000.00", date=date(2026, 3, 10), due_date=date(2026, 4, 10))
    overdue = make_document(customer, "500.00", date=date(2026, 1, 2), due_date=date(2026, 2, 1))
    before = placements(T, method=Method.HISTORY)[0]["RON"]
    pay(invoice, "400.00", date(2026, 4, 2))
    pay(overdue, "500.00", date(2026, 4, 3))
    make_document(customer, "9000.00", date=date(2026, 4, 5), due_date=date(2026, 4, 20))
    after = placements(T, method=Method.HISTORY)[0]["RON"]
    for part in Part:
        assert dict(after[part]) == pytest.approx(dict(before[part])), part


def test_instalments_count_only_what_is_not_yet_invoiced(
    history: None,
    customer: Counterparty,
    make_contract: Callable[..., Contract],
    make_document: Callable[..., Document],
) -> None:
    contract = make_contract(customer)
    for due in (date(2026, 4, 15), date(2026, 5, 15), date(2026, 6, 15)):
        ContractInstalment.objects.create(contract=contract, due_date=due, amount=Decimal(500))
    # The first instalment was invoiced (and paid): the invoices of the contract cover the
    # schedule from its start.
    make_document(
        customer,
        "500.00",
        contract=contract,
        date=date(2026, 3, 20),
        due_date=date(2026, 4, 15),
        open_amount=Decimal("500.00"),
    )
    cash = placements(T, method=Method.HISTORY)[0]["RON"][Part.INSTALMENTS]
    # The two left, each on its due date + the 10 days of delay.
    assert dict(cash) == {date(2026, 5, 25): 50000.0, date(2026, 6, 25): 50000.0}


def _promise(customer: Counterparty, amount: str, on: date, status: str, at: date) -> Promise:
    moment = datetime(at.year, at.month, at.day, 10, tzinfo=UTC)
    return Promise.objects.create(
        counterparty=customer,
        amount=Decimal(amount),
        currency="RON",
        promised_date=on,
        recorded_at=moment,
        status=status,
        resolved_at=None if status == "active" else moment + timedelta(days=5),
    )


def test_an_open_promise_is_discounted_by_the_kept_rate_and_not_counted_twice(
    history: None, customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(customer, "1000.00", date=date(2026, 3, 10), due_date=date(2026, 4, 10))
    for status in ("kept", "kept", "kept", "broken"):
        _promise(customer, "50.00", date(2026, 2, 1), status, date(2026, 1, 20))
    _promise(customer, "400.00", date(2026, 4, 6), "active", date(2026, 3, 25))
    assert kept_rate(T, None) == (0.75, True)
    cash = placements(T, method=Method.HISTORY)[0]["RON"]
    assert dict(cash[Part.PROMISES]) == {date(2026, 4, 6): 30000.0}  # 400 × 75 %
    assert dict(cash[Part.RECEIVABLES]) == {date(2026, 4, 20): 70000.0}  # 1000 − 300


def test_a_promise_recorded_after_the_as_of_day_is_not_seen(
    history: None, customer: Counterparty, make_document: Callable[..., Document]
) -> None:
    make_document(customer, "1000.00", date=date(2026, 3, 10), due_date=date(2026, 4, 10))
    _promise(customer, "400.00", date(2026, 4, 6), "active", date(2026, 4, 2))
    cash = placements(T, method=Method.HISTORY)[0]["RON"]
    assert not any(cash[Part.PROMISES].values())
    assert kept_rate(T, None) == (0.5, False)  # no promise resolved yet: half, and said so


def test_a_deal_lands_at_close_plus_terms_plus_the_customers_delay_at_its_probability(
    history: None, company: Company, customer: Counterparty
) -> None:
    ensure_default_stages([company.pk])
    proposal = DealStage.objects.get(company=company, code="proposal")  # 50 %
    lost = DealStage.objects.get(company=company, code="lost")
    for stage, probability in ((proposal, None), (proposal, 80), (lost, None)):
        Deal.objects.create(
            company=company,
            counterparty=customer,
            external_id=f"S{stage.code}{probability}",
            amount=Decimal("1000.00"),
            currency="RON",
            stage=stage,
            probability=probability,
            stage_entered_on=date(2026, 3, 1),
            expected_close=date(2026, 4, 10),
            payment_days=30,
        )
    cash = placements(T, method=Method.HISTORY)[0]["RON"][Part.DEALS]
    # 10.04 + 30 + 10 = 20.05; 1000 × 50 % + 1000 × 80 %; the lost deal is out.
    assert dict(cash) == {date(2026, 5, 20): 130000.0}


def test_an_overdue_amount_is_spread_by_the_measured_late_curve(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., object]
) -> None:
    # Last year's overdue invoice, paid half in the first week after the January month-end.
    old = make_document(customer, "1000.00", date=date(2025, 11, 1), due_date=date(2026, 1, 15))
    pay(old, "500.00", date(2026, 2, 3))
    pay(old, "500.00", date(2026, 4, 20))  # after t: unknown on t, still open then
    # An invoice 20 days overdue on t (the same 1–30 bucket the old one was in on 31.01).
    make_document(customer, "200.00", date=date(2026, 2, 10), due_date=date(2026, 3, 11))
    cash = placements(T, method=Method.HISTORY)[0]["RON"][Part.RECEIVABLES]
    # Week 1 of the curve in bucket 1–30: on 31.01, 1000 open, 500 paid in week 1 → 50 %.
    week1 = sum(v for d, v in cash.items() if week_of(d) == 1)
    assert week1 == pytest.approx(10000.0)


def test_an_invoice_settled_since_counts_in_the_curve_of_the_month_end_it_was_open_on(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., object]
) -> None:
    """The curve's month-ends see every invoice open on them, paid in full since included
    (most of a ledger): the query skips only pairs of a month-end and an invoice already
    settled by then."""
    settled = make_document(customer, "1000.00", date=date(2025, 12, 1), due_date=date(2026, 1, 15))
    pay(settled, "1000.00", date(2026, 2, 3))  # open on 31.01 (1–30 days late), paid in week 1
    make_document(customer, "200.00", date=date(2026, 2, 10), due_date=date(2026, 3, 11))
    cash = placements(T, method=Method.HISTORY)[0]["RON"][Part.RECEIVABLES]
    # On 31.01 1000 open in 1–30, all of it paid in the week after; on 28.02 nothing open.
    assert {week_of(d): v for d, v in cash.items() if v} == {1: 20000}


# --- visibility ---------------------------------------------------------------------------


def test_a_supervisor_forecasts_only_the_team_debtors(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: object,
    outsider: object,
    supervisor: object,
) -> None:
    mine = make_counterparty(collector=collector)
    other = make_counterparty(collector=outsider)
    make_document(mine, "100.00", date=date(2026, 3, 1), due_date=date(2026, 4, 10))
    make_document(other, "700.00", date=date(2026, 3, 1), due_date=date(2026, 4, 10))
    report = forecast(T, supervisor, method=Method.HISTORY, band=False)  # type: ignore[arg-type]
    assert [round(sum(r.total for r in c.weeks)) for c in report.currencies] == [10000]


# --- backtest ------------------------------------------------------------------------------


def test_the_backtest_wape_matches_a_hand_computed_example(
    customer: Counterparty, make_document: Callable[..., Document], pay: Callable[..., object]
) -> None:
    # As of 31.01 an invoice of 1000 due 03.02 (no history: no delay) → week 1 (01–07.02).
    invoice = make_document(customer, "1000.00", date=date(2026, 1, 20), due_date=date(2026, 2, 3))
    pay(invoice, "600.00", date(2026, 2, 3))  # week 1
    pay(invoice, "400.00", date(2026, 2, 12))  # week 2
    result = backtest(date(2026, 1, 1), date(2026, 1, 31), known_until=date(2026, 3, 1))
    assert result["month_ends"] == ["2026-01-31"]
    (ron,) = result["currencies"]
    horizons = ron["horizons"]
    # Week 1: |1000 − 600| ÷ 600.
    assert horizons["week_1"]["wape"] == pytest.approx(0.6667, abs=1e-4)
    assert horizons["week_1"]["n_month_ends"] == 1 and horizons["week_1"]["n_weeks"] == 1
    # Weeks 1–4: (|1000 − 600| + |0 − 400| + 0 + 0) ÷ 1000.
    assert horizons["weeks_1_4"]["wape"] == pytest.approx(0.8)
    assert horizons["weeks_1_4"]["n_weeks"] == 4
    # Weeks 1–13 have not all ended by 01.03: not measured.
    assert horizons["weeks_1_13"]["wape"] is None and horizons["weeks_1_13"]["n_month_ends"] == 0


def test_the_band_is_kept_until_the_ledger_changes(
    customer: Counterparty,
    make_document: Callable[..., Document],
    pay: Callable[..., object],
    django_assert_max_num_queries: Any,
) -> None:
    invoice = make_document(customer, "1000.00", date=date(2026, 1, 20), due_date=date(2026, 2, 3))
    pay(invoice, "600.00", date(2026, 2, 3))
    make_document(customer, "800.00", date=date(2026, 3, 20), due_date=date(2026, 4, 3))
    first = forecast(T, method=Method.HISTORY)
    with django_assert_max_num_queries(12):  # the six past forecasts are not rebuilt
        again = forecast(T, method=Method.HISTORY)
    assert [r.high for r in again.currencies[0].weeks] == [
        r.high for r in first.currencies[0].weeks
    ]


def test_a_model_trained_after_the_as_of_day_is_not_used_for_it(
    history: None,
    customer: Counterparty,
    make_document: Callable[..., Document],
    settings: Any,
    tmp_path: Any,
) -> None:
    """The page's default method: the model only when it was trained by the as-of day (a
    later one knows that day's future)."""
    import json

    settings.DATA_DIR = tmp_path
    make_document(customer, "1000.00", date=date(2026, 3, 10), due_date=date(2026, 4, 10))
    models = tmp_path / "models"
    models.mkdir()
    card = {"version": 1, "trained_as_of": "2026-04-15", "late_after_days": 0}
    (models / "payment-v1.json").write_text(json.dumps(card))
    assert forecast(T, band=False).method == Method.HISTORY


# --- exact money -----------------------------------------------------------------------------


def test_an_amount_times_the_kept_rate_is_rounded_once_half_up_without_float_drift(
    customer: Counterparty,
) -> None:
    # 1.15 × 50 % is 0.575 → 0.58 (half up). SQLite's floats made 1.15 × 100 × 0.5 =
    # 57.4999… → 57 cents.
    _promise(customer, "1.15", date(2026, 4, 6), "active", date(2026, 3, 25))
    _promise(customer, "0.70", date(2026, 4, 7), "active", date(2026, 3, 25))
    assert kept_rate(T, None) == (0.5, False)
    cash = placements(T, method=Method.HISTORY)[0]["RON"][Part.PROMISES]
    assert dict(cash) == {date(2026, 4, 6): 58, date(2026, 4, 7): 35}
    assert all(type(v) is int for v in cash.values())
    (ron,) = forecast(T, method=Method.HISTORY, band=False).currencies
    assert ron.weeks[0].parts[Part.PROMISES] == 93 and ron.weeks[0].total == 93


def test_a_late_curve_spreads_whole_cents_that_add_up_to_the_amount_times_its_share() -> None:
    # Three thirds of 100.00: 33.33 + 33.34 + 33.33 (each week what the running total adds),
    # never 3 × 33.333… shown as 33.33 three times under a total of 100.00.
    spread = fm.spread_late(10000, [1 / 3, 1 / 3, 1 / 3], T)
    assert list(spread.values()) == [3333, 3334, 3333]
    assert sum(spread.values()) == 10000
    # A share of a cent rounds half up once: 0.05 at 50 % in one week is 0.03, not 0.02.
    assert list(fm.spread_late(5, [0.5], T).values()) == [3]


def test_the_money_home_rounds_a_share_once_half_up() -> None:
    from dunwell.money import from_cents, share_of_cents

    assert share_of_cents(115, 0.5) == 58
    assert share_of_cents(1000, 0.35) == 350 and share_of_cents(10, 0.35) == 4
    assert share_of_cents(3, Decimal("0.5")) == 2
    assert from_cents(12345) == Decimal("123.45") and str(from_cents(5)) == "0.05"
