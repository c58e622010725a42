"""The credit check: each reason with its numbers, each decision, the log, the approval."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.credit.models import (
    ApprovalStatus,
    CreditApprovalRequest,
    CreditCheck,
    CreditRuleSet,
)
from dunwell.credit.reasons import as_messages
from dunwell.credit.services import CreditError, check, decide_approval
from dunwell.credit.tests.conftest import DAY
from dunwell.ladder.models import Promise
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.ledger.services import add_payment
from dunwell.money import Money
from dunwell.outbox.models import Event
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db


def ron(text: str) -> Money:
    return Money(Decimal(text), "RON")


def messages(result: Any) -> dict[str, str]:
    return {r["code"]: r["message"] for r in as_messages(result.check.reasons)}


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty], sales: User) -> Counterparty:
    return make_counterparty(sales_manager=sales)


def test_within_the_limit_and_the_rules_the_answer_is_allow_and_logged(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    rules()
    limit(cp, "500000")
    result = check(cp, ron("1000"), "R-1", sales, on=DAY)
    assert result.decision == "allow"
    assert messages(result)["within_limit"] == (
        "exposure 1,000.00\u00a0RON with this order, limit 500,000.00\u00a0RON"
    )
    logged = CreditCheck.objects.get()
    assert (logged.order_ref, logged.decision, logged.user) == ("R-1", "allow", sales)
    assert not CreditApprovalRequest.objects.exists()


def test_over_the_limit_names_the_limit_and_the_excess(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
    sales: User,
) -> None:
    rules(limit_currency="RUB")
    limit(cp, "500000", currency="RUB")
    make_document(cp, "450000", currency="RUB", due_date=date(2026, 4, 30))
    result = check(cp, Money(Decimal("170000"), "RUB"), "R-2", sales, on=DAY)
    assert result.decision == "needs_approval"
    assert messages(result)["limit_exceeded"] == (
        "limit 500,000.00\u00a0RUB exceeded by 120,000.00\u00a0RUB"
    )
    with translation.override("ru"):
        text = as_messages(result.check.reasons)[0]["message"]
    assert text == "лимит 500\u00a0000,00\u00a0RUB превышен на 120\u00a0000,00\u00a0RUB"


def test_a_component_limit_is_checked_apart_from_the_total(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_order: Any,
    sales: User,
) -> None:
    rules(breach_action="deny")
    limit(cp, "100000", orders_confirmed="1000")
    make_order(cp, "800")
    result = check(cp, ron("300"), "R-3", sales, on=DAY)
    assert result.decision == "deny"
    assert messages(result)["component_limit_exceeded"] == (
        "confirmed orders: limit 1,000.00\u00a0RON exceeded by 100.00\u00a0RON"
    )


def test_an_invoice_overdue_beyond_the_rule_is_named_with_its_days(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
    sales: User,
) -> None:
    rules(max_days_overdue=30)
    limit(cp, "100000")
    make_document(cp, "100", number="РН-114", due_date=DAY - timedelta(days=47))
    make_document(cp, "100", number="РН-200", due_date=DAY - timedelta(days=10))
    result = check(cp, ron("10"), "", sales, on=DAY)
    assert result.decision == "needs_approval"
    assert messages(result)["overdue_too_long"] == (
        "document РН-114 overdue 47 days, rule allows 30 days"
    )
    with translation.override("ru"):
        assert messages(result)["overdue_too_long"] == (
            "документ РН-114 просрочен на 47 дней, правило допускает 30 дней"
        )
    with translation.override("uk"):
        assert messages(result)["overdue_too_long"] == (
            "документ РН-114 прострочено на 47 днів, правило допускає 30 днів"
        )
    with translation.override("ro"):
        assert messages(result)["overdue_too_long"].endswith(", regula permite 30 de zile")


def test_an_invoice_paid_late_in_the_history_window_counts(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
    company: Any,
    sales: User,
) -> None:
    rules(max_days_overdue=30, history_months=6)
    limit(cp, "100000")
    make_document(cp, "100", number="F-9", due_date=date(2026, 1, 1))
    add_payment(company, cp, date(2026, 2, 15), Decimal("100"), "RON", "P-9")
    result = check(cp, ron("10"), "", sales, on=DAY)
    assert messages(result)["paid_late"] == (
        "document F-9 was paid 45 days late on 15.02.2026, rule allows 30 days"
    )
    # The day it was paid reads with "paid", not trailing after the days of delay.
    with translation.override("ru"):
        assert messages(result)["paid_late"] == (
            "документ F-9 оплачен 15.02.2026 с опозданием на 45 дней, правило допускает 30 дней"
        )
    with translation.override("uk"):
        assert messages(result)["paid_late"] == (
            "документ F-9 оплачено 15.02.2026 із запізненням на 45 днів, правило допускає 30 днів"
        )
    with translation.override("ro"):
        assert messages(result)["paid_late"] == (
            "documentul F-9 a fost plătit pe 15.02.2026, cu 45 de zile de întârziere, "
            "regula permite 30 de zile"
        )


def test_stop_shipments_set_by_the_pressure_scale_denies_with_its_day(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    rules()
    limit(cp, "100000")
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    cp.refresh_from_db()
    TimelineEntry.objects.create(
        counterparty=cp,
        at=timezone.make_aware(datetime(2026, 3, 12, 10, 0)),
        kind="ladder.shipments_stopped",
        summary="stopped",
    )
    result = check(cp, ron("10"), "", sales, on=DAY)
    assert result.decision == "deny"
    assert messages(result)["stop_shipments"] == (
        "stop-shipments set on 12.03.2026 by the pressure scale"
    )


def test_an_open_legal_case_and_broken_promises_are_reasons(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    rules(max_broken_promises=1, broken_promises_days=60)
    limit(cp, "100000")
    Counterparty.objects.filter(pk=cp.pk).update(legal=True)
    cp.refresh_from_db()
    for days in (5, 20, 90):
        Promise.objects.create(
            counterparty=cp,
            amount=Decimal("10"),
            currency="RON",
            promised_date=DAY - timedelta(days=days),
            recorded_at=timezone.now(),
            status="broken",
            resolved_at=timezone.make_aware(datetime.combine(DAY - timedelta(days=days), time.min)),
        )
    result = check(cp, ron("10"), "", sales, on=DAY)
    found = messages(result)
    assert found["legal_case_open"] == "legal case open"
    assert found["promises_broken"] == "2 promises broken in 60 days, rule allows 1"
    assert result.decision == "needs_approval"


@pytest.mark.parametrize(
    ("lang", "n", "days", "expected"),
    [
        ("ro", 2, 60, "2 promisiuni încălcate în 60 de zile, regula permite 1"),
        ("ro", 2, 7, "2 promisiuni încălcate în 7 zile, regula permite 1"),
        ("ro", 25, 1, "25 de promisiuni încălcate în 1 zi, regula permite 1"),
        ("ru", 2, 60, "2 обещания нарушены за 60 дней, правило допускает 1"),
        ("uk", 5, 31, "5 обіцянок порушено за 31 день, правило допускає 1"),
    ],
)
def test_the_broken_promises_and_their_days_each_take_their_own_plural(
    lang: str, n: int, days: int, expected: str
) -> None:
    """The credit panel read '2 promisiuni încălcate în 60 zile': the form was chosen by the
    promises, so the days never took Romanian's 'de' from 20 on."""
    reason = {"code": "promises_broken", "params": {"n": n, "days": days, "allowed": 1}}
    with translation.override(lang):
        assert as_messages([reason])[0]["message"] == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "ro",
            [
                "cel mult 30 de zile de întârziere în ultimele 24 de luni",
                "cel mult 2 în 60 de zile",
            ],
        ),
        ("ru", ["не более 30 дней просрочки за последние 24 месяца", "не более 2 за 60 дней"]),
    ],
)
def test_the_rules_windows_take_their_own_plural(lang: str, expected: list[str]) -> None:
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    r = SimpleNamespace(
        default_limit=None,
        default_term_days=30,
        min_relationship_days=90,
        max_days_overdue=30,
        history_months=24,
        no_open_legal_case=False,
        max_broken_promises=2,
        broken_promises_days=60,
        new_customer_prepayment_percent=Decimal("50"),
        new_customer_days=90,
        get_breach_action_display=lambda: "",
        notes="",
    )
    with translation.override(lang):
        page = render_to_string("credit/_rules_table.html", {"r": r})
    for text in expected:
        assert text in page


def test_a_new_customer_is_asked_for_prepayment_and_a_young_one_refused_under_deny_rules(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
    sales: User,
) -> None:
    rules(
        breach_action="deny",
        min_relationship_days=30,
        new_customer_days=90,
        new_customer_prepayment_percent=Decimal("50"),
    )
    limit(cp, "100000")
    make_document(cp, "10", date=DAY - timedelta(days=1), due_date=DAY + timedelta(days=30))
    result = check(cp, ron("10"), "", sales, on=DAY)
    found = messages(result)
    assert found["relationship_too_short"] == "customer for 1 day, the rules ask for 30"
    assert found["prepayment_required"] == "new customer (1 day): 50% prepayment required"
    assert result.decision == "deny"


def test_a_missing_exchange_rate_asks_for_approval_and_says_which(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    rules()
    limit(cp, "100000")
    result = check(cp, Money(Decimal("10"), "USD"), "", sales, on=DAY)
    assert result.decision == "needs_approval"
    assert messages(result)["fx_rate_missing"] == "no exchange rate from USD to RON on 20.03.2026"


def test_no_limit_and_no_rules_need_approval(cp: Counterparty, sales: User) -> None:
    result = check(cp, ron("10"), "", sales, on=DAY)
    assert result.decision == "needs_approval"
    assert set(messages(result)) == {"no_rules", "no_limit"}


@pytest.mark.usefixtures("subscriber")
def test_breach_under_stop_shipment_rules_stops_the_shipments_on_the_timeline(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    rules(breach_action="stop_shipments")
    limit(cp, "100")
    result = check(cp, ron("1000"), "R-9", sales, on=DAY)
    assert result.decision == "deny"
    cp.refresh_from_db()
    assert cp.stop_shipments
    assert TimelineEntry.objects.filter(counterparty=cp, kind="credit.shipments_stopped").exists()
    assert Event.objects.filter(kind="stop_shipment.changed", counterparty_id=cp.pk).exists()


def test_a_zero_amount_is_refused_naming_the_field(cp: Counterparty, sales: User) -> None:
    with pytest.raises(CreditError) as caught:
        check(cp, ron("0"), "", sales, on=DAY)
    assert caught.value.field == "amount"


def test_the_segments_own_rules_win_over_the_default(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    rules(breach_action="needs_approval")
    own = rules(segment=cp.segment, breach_action="deny")
    assert own.version == 1
    limit(cp, "100")
    result = check(cp, ron("1000"), "", sales, on=DAY)
    assert result.check.rule_set == own
    assert result.decision == "deny"
    assert CreditRuleSet.objects.filter(segment=None).get().version == 1


@pytest.mark.usefixtures("subscriber")
def test_approval_round_trip_with_expiry_and_webhook_event(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    controller: User,
    director: User,
) -> None:
    rules()
    limit(cp, "100")
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 20, 9)), tick=False):
        first = check(cp, ron("500"), "R-7", sales, on=DAY)
        assert first.decision == "needs_approval"
        request = CreditApprovalRequest.objects.get()
        assert request.credit_check == first.check
        assert {n.recipient for n in Notification.objects.filter(kind="credit_approval")} == {
            controller,
            director,
        }
        # Asked again while waiting: no second request.
        again = check(cp, ron("500"), "R-7", sales, on=DAY)
        assert again.decision == "needs_approval"
        assert CreditApprovalRequest.objects.count() == 1
        with pytest.raises(CreditError):
            decide_approval(request, sales, approve=True, reason="ok", expires_on=date(2026, 3, 25))
        with pytest.raises(CreditError) as no_reason:
            decide_approval(request, controller, approve=True, reason=" ", expires_on=DAY)
        assert no_reason.value.field == "reason"
        with translation.override("ru"):  # the controller's page speaks Russian
            decide_approval(
                request,
                controller,
                approve=True,
                reason="paid upfront half",
                expires_on=date(2026, 3, 25),
            )
        request.refresh_from_db()
        assert request.status == ApprovalStatus.APPROVED
        told = Notification.objects.get(recipient=sales, key="")
        # the seller reads the decision in their own language, the status included
        assert told.text("ro").endswith(": aprobată.") and told.text("en").endswith(": approved.")
        event = Event.objects.get(kind="credit.decided")
        assert event.data["status"] == "approved"
        assert event.data["expires_on"] == "2026-03-25"
        assert event.data["order"] == "R-7"
        with pytest.raises(CreditError):  # decided once
            decide_approval(request, director, approve=False, reason="no", expires_on=None)
    passed = check(cp, ron("500"), "R-7", sales, on=date(2026, 3, 25))
    assert passed.decision == "allow"
    assert "approved" in messages(passed)
    more = check(cp, ron("900"), "R-7", sales, on=date(2026, 3, 25))
    assert more.decision == "needs_approval"  # more than was approved
    expired = check(cp, ron("500"), "R-7", sales, on=date(2026, 3, 26))
    assert expired.decision == "needs_approval"


def test_a_rejected_order_is_denied_with_the_reason(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    controller: User,
) -> None:
    rules()
    limit(cp, "100")
    check(cp, ron("500"), "R-8", sales, on=DAY)
    decide_approval(
        CreditApprovalRequest.objects.get(),
        controller,
        approve=False,
        reason="too risky",
        expires_on=None,
    )
    result = check(cp, ron("500"), "R-8", sales, on=DAY)
    assert result.decision == "deny"
    assert messages(result)["approval_rejected"] == "rejected by carla: too risky"


def test_a_check_reads_with_a_handful_of_queries(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
    sales: User,
    django_assert_max_num_queries: Any,
) -> None:
    rules(max_days_overdue=30, max_broken_promises=1, min_relationship_days=10)
    limit(cp, "100000")
    for n in range(30):
        make_document(cp, "100", due_date=DAY - timedelta(days=n))
    # rules, rates (2), limit, exposure, the order's approval request, the history's facts in
    # one statement (oldest overdue, late payments, promises, first document) and the log row,
    # which needs no transaction of its own when it is all the check writes. On PostgreSQL the
    # limit, exposure, approval and history go in one round trip: 5 statements.
    with django_assert_max_num_queries(5 if connection.vendor == "postgresql" else 8):
        result = check(cp, ron("10"), "R-1", sales, on=DAY)
    assert result.decision == "allow"


def test_an_open_legal_case_is_named_with_its_stage_and_court_case_in_the_readers_language(
    cp: Counterparty, rules: Callable[..., Any], limit: Callable[..., Any], sales: User
) -> None:
    from dunwell.legal.models import CaseStage, LegalCase

    rules()
    limit(cp, "100000")
    Counterparty.objects.filter(pk=cp.pk).update(legal=True)
    cp.refresh_from_db()
    case = LegalCase.objects.create(
        company=cp.company,
        counterparty=cp,
        stage=CaseStage.NEW,
        document_ids=[],
        currency="RON",
        opened_at=timezone.make_aware(datetime(2026, 2, 20, 10, 0)),
    )
    result = check(cp, ron("10"), "", sales, on=DAY)
    assert result.decision == "needs_approval"
    # Handed to the lawyer is not a lawsuit yet: the reader is told which stage it is.
    assert messages(result)["legal_case_open"] == (
        "legal case open since 20.02.2026, stage: Handed to the lawyer"
    )
    case.stage, case.case_number, case.court = CaseStage.HEARINGS, "3456/3/2026", "Tribunalul Cluj"
    case.save()
    result = check(cp, ron("10"), "", sales, on=DAY)
    assert messages(result)["legal_case_open"] == (
        "legal case open since 20.02.2026, stage: Hearings, court case 3456/3/2026 at "
        "Tribunalul Cluj"
    )
    with translation.override("ru"):
        found = {m["code"]: m["message"] for m in as_messages(result.check.reasons)}
    assert found["legal_case_open"] == (
        "судебное дело открыто с 20.02.2026, этап: Судебные заседания, дело в суде "
        "№ 3456/3/2026, Tribunalul Cluj"
    )
    with translation.override("ro"):
        found = {m["code"]: m["message"] for m in as_messages(result.check.reasons)}
    assert found["legal_case_open"].startswith("dosar juridic deschis din 20.02.2026, etapa: ")


def test_an_order_in_another_currency_says_what_it_counted_as_against_the_limit(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    fx_rates: Callable[..., None],
    sales: User,
) -> None:
    rules()
    limit(cp, "500000")
    fx_rates(on=date(2026, 3, 19), EUR_RON="4.9770")
    result = check(cp, Money(Decimal("5000"), "EUR"), "R-EUR", sales, on=DAY)
    assert result.decision == "allow"
    found = messages(result)
    # The limit is in RON, the order in EUR: the reader sees what 5,000 EUR counted as.
    assert found["order_converted"] == (
        "this order of 5,000.00\u00a0EUR counted as 24,885.00\u00a0RON at the exchange rate "
        "of 19.03.2026"
    )
    assert found["within_limit"] == (
        "exposure 24,885.00\u00a0RON with this order, limit 500,000.00\u00a0RON"
    )
    with translation.override("uk"):
        shown = {m["code"]: m["message"] for m in as_messages(result.check.reasons)}
    assert shown["order_converted"] == (
        "замовлення на 5\u00a0000,00\u00a0EUR враховано як 24\u00a0885,00\u00a0RON за курсом "
        "на 19.03.2026"
    )
    # An order in the limit's own currency needs no such line.
    assert "order_converted" not in messages(check(cp, ron("10"), "", sales, on=DAY))


@pytest.mark.parametrize(
    ("language", "badge"),
    [
        ("ru", "Кредитное одобрение"),
        ("uk", "Кредитне схвалення"),
        ("ro", "Aprobare de credit"),
    ],
)
def test_the_notifications_page_labels_a_credit_approval_in_the_credit_words(
    cp: Counterparty,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    sales: User,
    director: User,
    language: str,
    badge: str,
) -> None:
    # A ladder step is "утвердить"/"затвердити"; an order on credit is "одобрить"/"схвалити",
    # as the credit pages say: its notice does not read "Ждёт утверждения".
    rules()
    limit(cp, "100")
    check(cp, ron("500"), "R-7", sales, on=DAY)
    director.language = language
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    page = client.get(reverse("work:notifications")).content.decode()
    assert f'<span class="badge">{badge}</span>' in page
    assert "Ждёт утверждения" not in page and "Чекає затвердження" not in page
