"""`dunwell metrics`: the KPIs as JSON and as a table, grouped, restricted to a user."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty, Document, Payment


@pytest.fixture
def ledger(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    pay: Callable[..., Payment],
    collector: User,
) -> None:
    """The worked example of docs/metrics.md."""
    cp = make_counterparty(collector=collector)
    a = make_document(cp, "1000.00", date=date(2026, 1, 10), due_date=date(2026, 2, 9))
    make_document(cp, "600.00", date=date(2026, 2, 15), due_date=date(2026, 3, 17))
    make_document(cp, "900.00", date=date(2026, 3, 20), due_date=date(2026, 4, 19))
    pay(a, "400.00", date(2026, 3, 5))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("metrics", *args, stdout=out)
    return out.getvalue()


def as_json(*args: str) -> Any:
    return json.loads(run("--as-of", "2026-03-31", "--format", "json", *args))


def test_json_gives_every_kpi_of_the_worked_example(ledger: None) -> None:
    data = as_json()
    assert data["as_of"] == "2026-03-31" and data["by"] is None
    assert data["horizons"] == [30, 90, 180, 365]
    assert len(data["ends"]) == 12
    [series] = data["series"]
    assert series["currency"] == "RON"
    kpis = series["kpis"]
    assert kpis["receivables"] == "2100.00"
    assert kpis["current"] == "900.00"
    assert (kpis["dso"], kpis["simple_dso"], kpis["best_dso"], kpis["add"], kpis["cei"]) == (
        "77.6",
        "75.6",
        "32.4",
        "43.2",
        "25.0",
    )
    assert kpis["buckets"]["d1_30"] == "600.00"
    roll = {(r["from"], r["to"]): r["rates"][-1] for r in series["roll_rates"]}
    assert roll[("current", "d1_30")] == "100.0"
    assert roll[("d1_30", "d31_60")] == "60.0"
    recovery = {r["bucket"]: r["within"] for r in series["recovery"]}
    assert recovery["d1_30"]["30"] == {
        "share": "40.0",
        "amount": "1000.00",
        "paid": "400.00",
        "documents": 1,
    }
    assert recovery["current"]["90"]["share"] is None
    [collector] = data["collectors"]["rows"]
    assert collector["collector"] == "colin"
    assert collector["money"]["RON"]["collected"] == "400.00"


def test_grouping_by_collector_and_restricting_to_a_user(
    ledger: None,
    teammate: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    other = make_counterparty(collector=teammate)
    make_document(other, "300.00", date=date(2026, 3, 2), due_date=date(2026, 4, 1))
    rows = {s["label"]: s["kpis"]["receivables"] for s in as_json("--by", "collector")["series"]}
    assert rows == {"colin": "2100.00", "tanya": "300.00"}
    [mine] = as_json("--user", "tanya")["series"]
    assert mine["kpis"]["receivables"] == "300.00"


def test_the_table_names_the_figures(ledger: None) -> None:
    text = run("--as-of", "2026-03-31")
    assert "Collection KPIs as of 2026-03-31" in text
    assert "Best possible DSO" in text
    assert "Not yet due → 1–30" in text
    assert "2,100.00" in text


def test_bad_arguments_are_named(ledger: None) -> None:
    with pytest.raises(CommandError, match="--user"):
        run("--user", "nobody")
    with pytest.raises(CommandError, match="--buckets"):
        run("--buckets", "60,30")
    with pytest.raises(CommandError, match="not a date"):
        run("--as-of", "2026-02-30")


# --- the key figures over a period, beside the one before -------------------------------------


def test_the_key_figures_of_the_month_and_the_one_before_are_in_the_json(ledger: None) -> None:
    data = as_json()
    assert data["period"] == {"kind": "month", "from": "2026-03-01", "to": "2026-03-31"}
    assert data["previous_period"] == {"kind": "month", "from": "2026-02-01", "to": "2026-02-28"}
    [figures] = data["key_figures"]
    assert figures["currency"] == "RON"
    # March: 2,100.00 held on 31.03, 900.00 of it not yet due; 900.00 sold in March.
    assert figures["period"]["receivables"] == "2100.00"
    assert figures["period"]["current"] == "900.00"
    assert figures["period"]["sales"] == "900.00"
    # February: 1,000 + 600 held on 28.02 (the payment came on 05.03), 600 sold.
    assert figures["previous_period"]["receivables"] == "1600.00"
    assert figures["previous_period"]["sales"] == "600.00"


def test_a_quarter_and_a_range_of_days_are_taken_with_their_previous_periods(
    ledger: None,
) -> None:
    quarter = as_json("--period", "quarter")
    assert quarter["period"] == {"kind": "quarter", "from": "2026-01-01", "to": "2026-03-31"}
    assert quarter["previous_period"]["from"] == "2025-10-01"
    [figures] = quarter["key_figures"]
    # The quarter sold all three invoices and opened with nothing.
    assert figures["period"]["sales"] == "2500.00"
    assert figures["period"]["opening"] == "0.00"
    assert quarter["collectors"]["from"] == "2026-01-01"
    days = as_json("--from", "2026-02-15")
    assert days["period"] == {"kind": "custom", "from": "2026-02-15", "to": "2026-03-31"}
    assert days["previous_period"] == {
        "kind": "custom",
        "from": "2026-01-01",
        "to": "2026-02-14",
    }
    [figures] = days["key_figures"]
    assert figures["period"]["sales"] == "1500.00"  # 600 on 15.02 and 900 on 20.03
    assert figures["period"]["opening"] == "1000.00"


def test_the_table_names_both_periods_and_a_start_after_the_end_is_refused(ledger: None) -> None:
    table = run("--as-of", "2026-03-31", "--period", "year")
    assert "Collection KPIs, 1 January – 31 March 2026" in table
    assert "Previous period: 1 January – 31 March 2025" in table
    assert "2,100.00" in table
    with pytest.raises(CommandError, match="--from: 2026-04-02 is after the as-of day 2026-03-31"):
        run("--as-of", "2026-03-31", "--from", "2026-04-02")
