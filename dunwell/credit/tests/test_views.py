"""The credit pages: what the reader reads (en, ru), and who may open and do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.credit.models import (
    CreditApprovalRequest,
    CreditCheck,
    CreditLimit,
    CreditRuleSet,
    RuleAcknowledgement,
)
from dunwell.credit.rules import forget_rules
from dunwell.credit.services import check, remind_unacknowledged
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.money import Money
from dunwell.outbox.models import Event
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cp(
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
) -> Counterparty:
    found = make_counterparty(collector=collector, name="Owner Debtor SRL")
    rules()
    limit(found, "1000")
    return found


def post_check(user: User, amount: str = "5000", key: str = "CP00001", lang: str = "en") -> Any:
    user.language = lang
    user.save(update_fields=["language"])
    return client_for(user).post(
        reverse("credit:check"),
        {"counterparty": key, "amount": amount, "currency": "RON", "order": "R-1"},
    )


def test_the_check_page_answers_in_english(cp: Counterparty, collector: User) -> None:
    page = post_check(collector)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Owner Debtor SRL: <strong>needs approval</strong>" in text
    assert "limit 1,000.00\u00a0RON exceeded by 4,000.00\u00a0RON" in text
    assert CreditCheck.objects.get().channel == "page"


def test_the_check_page_answers_in_russian(cp: Counterparty, collector: User) -> None:
    page = post_check(collector, amount="5 000,00", lang="ru")
    text = page.content.decode()
    assert "Owner Debtor SRL: <strong>требует одобрения</strong>" in text
    assert "лимит 1\u00a0000,00\u00a0RON превышен на 4\u00a0000,00\u00a0RON" in text


def test_the_check_page_refuses_a_customer_the_user_does_not_see(
    cp: Counterparty, teammate: User, outsider: User
) -> None:
    for user in (teammate, outsider):
        page = post_check(user)
        assert page.status_code == 422
        assert "No customer with the id or tax id CP00001." in page.content.decode()
    assert not CreditCheck.objects.exists()


def test_the_check_page_names_a_bad_amount(cp: Counterparty, collector: User) -> None:
    page = post_check(collector, amount="abc")
    assert page.status_code == 422
    assert "Enter an amount such as 1234.56." in page.content.decode()


def test_the_panel_shows_exposure_limit_and_breaches_to_who_sees_the_debtor(
    cp: Counterparty,
    collector: User,
    teammate: User,
    outsider: User,
    make_document: Callable[..., Any],
) -> None:
    make_document(cp, "1500.00", due_date=timezone.localdate() + timedelta(days=10))
    url = reverse("credit:panel", args=[cp.pk])
    page = client_for(collector).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1,500.00\u00a0RON" in text
    assert "150% of the limit" in text
    assert "limit 1,000.00\u00a0RON exceeded by 500.00\u00a0RON" in text
    assert "Lift stop-shipments" not in text  # a collector may not
    check_url = reverse("credit:check") + "?counterparty=CP00001"
    assert check_url in text
    form = client_for(collector).get(check_url).content.decode()
    assert 'value="CP00001"' in form
    for other in (teammate, outsider):
        assert client_for(other).get(url).status_code == 404


def test_without_a_limit_the_panel_shows_each_currency_as_it_is(
    make_counterparty: Callable[..., Any], make_document: Callable[..., Any], collector: User
) -> None:
    """No limit, so nothing to convert to: no company-currency total, no missing-rate note."""
    rouble = make_counterparty(collector=collector, name="Рубль ООО", external_id="RUB1")
    make_document(rouble, "539855.45", currency="RUB", due_date=date(2026, 1, 10))
    make_document(rouble, "100.00", currency="EUR", due_date=date(2099, 1, 10))
    text = client_for(collector).get(reverse("credit:panel", args=[rouble.pk])).content.decode()
    assert "539,855.45\u00a0RUB" in text and "100.00\u00a0EUR" in text
    assert "RON" not in text
    assert "No exchange rate" not in text
    assert "no credit limit is set" in text


def test_with_a_limit_the_panel_says_at_which_rates_it_converted(
    cp: Counterparty,
    collector: User,
    make_document: Callable[..., Any],
    fx_rates: Callable[..., None],
) -> None:
    """The limit is in RON, one document in EUR: the panel's figures are RON, and it says so,
    with the day the rate was set (the check names the same day)."""
    fx_rates(on=timezone.localdate() - timedelta(days=3), eur_ron="4.9770")
    make_document(cp, "100.00", currency="EUR", due_date=timezone.localdate() + timedelta(days=9))
    page = client_for(collector).get(reverse("credit:panel", args=[cp.pk])).content.decode()
    assert "497.70\u00a0RON" in page
    set_on = (timezone.localdate() - timedelta(days=3)).strftime("%d.%m.%Y")
    assert "Amounts converted to RON:" in page
    assert '<span class="rate">1&nbsp;EUR = 4.9770&nbsp;RON</span>' in page
    assert f'<span class="rate-day">(rate of {set_on})</span>' in page


@pytest.mark.parametrize(
    ("lang", "panel_says", "check_says"),
    [
        ("ru", "Суммы пересчитаны в RON: 1 EUR = 4,9770 RON (курс на {d})", "по курсу на {d}"),
        ("uk", "Суми перераховано в RON: 1 EUR = 4,9770 RON (курс на {d})", "за курсом на {d}"),
        ("ro", "Sume convertite în RON: 1 EUR = 4,9770 RON (cursul din {d})", "la cursul din {d}"),
    ],
)
def test_the_panel_and_the_check_name_the_same_day_of_the_rate(
    cp: Counterparty,
    collector: User,
    make_document: Callable[..., Any],
    fx_rates: Callable[..., None],
    lang: str,
    panel_says: str,
    check_says: str,
) -> None:
    """The check said 'за курсом на 02.11.2026' (the rate's own day) and the card's panel
    'rates in force on 06.12.2026' (today) for the same rate: both name the day it was set."""
    today = timezone.localdate()
    fx_rates(on=today - timedelta(days=5), eur_ron="4.9770")
    make_document(cp, "100.00", currency="EUR", due_date=today + timedelta(days=9))
    collector.language = lang
    collector.save(update_fields=["language"])
    set_on = (today - timedelta(days=5)).strftime("%d.%m.%Y")
    page = client_for(collector).get(reverse("credit:panel", args=[cp.pk])).content.decode()
    rates = page[page.index('class="credit-rates"') :]
    rates = rates[: rates.index("</p>")]
    text = re.sub(r"<[^>]+>", "", rates).replace("&nbsp;", " ").replace("\u00a0", " ")
    assert panel_says.format(d=set_on) in text
    assert today.strftime("%d.%m.%Y") not in text
    answer = client_for(collector).post(
        reverse("credit:check"), {"counterparty": "CP00001", "amount": "10", "currency": "EUR"}
    )
    assert check_says.format(d=set_on) in answer.content.decode()


def test_the_panel_shows_overdue_long_as_a_part_of_overdue(
    cp: Counterparty, collector: User, make_document: Callable[..., Any]
) -> None:
    """Overdue 300 of which 100 long, total 300: not three lines that seem to add to 400."""
    today = timezone.localdate()
    make_document(cp, "200.00", due_date=today - timedelta(days=5))
    make_document(cp, "100.00", due_date=today - timedelta(days=90))
    collector.language = "ru"
    collector.save(update_fields=["language"])
    page = client_for(collector).get(reverse("credit:panel", args=[cp.pk])).content.decode()
    assert "в т. ч. просрочка более 30 дней</th>" in page
    assert ">долгая просрочка</th>" not in page


def test_a_panel_in_one_currency_names_no_rate(
    cp: Counterparty, collector: User, make_document: Callable[..., Any]
) -> None:
    make_document(cp, "100.00", due_date=timezone.localdate() + timedelta(days=9))
    page = client_for(collector).get(reverse("credit:panel", args=[cp.pk])).content.decode()
    assert "100.00\u00a0RON" in page
    assert "converted" not in page


def test_the_debtor_card_loads_the_panel(cp: Counterparty, collector: User) -> None:
    card = client_for(collector).get(reverse("work:debtor", args=[cp.pk]))
    assert reverse("credit:panel", args=[cp.pk]) in card.content.decode()


def test_the_panel_speaks_the_language_of_the_card_that_loads_it(
    cp: Counterparty, collector: User
) -> None:
    """The card opened with ?lang=ro by an English-speaking collector sends its language with
    the htmx request for the panel, which answers in Romanian; the header alone, outside an
    htmx request, changes nothing."""
    assert collector.language == "en"
    client = client_for(collector)
    card = client.get(reverse("work:debtor", args=[cp.pk]) + "?lang=ro").content.decode()
    assert '"X-Dunwell-Language": "ro"' in card
    url = reverse("credit:panel", args=[cp.pk])
    panel = client.get(url, HTTP_HX_REQUEST="true", HTTP_X_DUNWELL_LANGUAGE="ro")
    assert "Expunere de credit" in panel.content.decode()
    assert panel["Content-Language"] == "ro"
    plain = client.get(url, HTTP_X_DUNWELL_LANGUAGE="ro").content.decode()
    assert "Credit exposure" in plain and "Expunere de credit" not in plain


@pytest.mark.usefixtures("subscriber")
def test_lifting_stop_shipments_needs_the_role_and_a_reason(
    cp: Counterparty, collector: User, controller: User
) -> None:
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    url = reverse("credit:lift_stop", args=[cp.pk])
    assert client_for(collector).post(url, {"reason": "paid"}).status_code == 403
    client_for(controller).post(url, {"reason": ""})
    cp.refresh_from_db()
    assert cp.stop_shipments  # no reason, nothing lifted
    answer = client_for(controller).post(url, {"reason": "paid the overdue invoices"})
    assert answer.status_code == 302
    cp.refresh_from_db()
    assert not cp.stop_shipments
    entry = TimelineEntry.objects.get(counterparty=cp, kind="credit.shipments_resumed")
    assert entry.data["reason"] == "paid the overdue invoices"
    assert entry.actor == controller
    event = Event.objects.get(kind="stop_shipment.changed")
    assert event.data["stop_shipments"] is False


def test_the_approval_page_decides_with_reason_and_expiry(
    cp: Counterparty, collector: User, controller: User, teammate: User
) -> None:
    check(cp, Money(__import__("decimal").Decimal("5000"), "RON"), "R-1", collector)
    request = CreditApprovalRequest.objects.get()
    url = reverse("credit:approval", args=[request.pk])
    assert client_for(teammate).get(url).status_code == 403
    asked = client_for(collector).get(url)  # who asked sees the answer
    assert asked.status_code == 200
    assert "Exposure at the check" in asked.content.decode()
    assert "5,000.00\u00a0RON" in asked.content.decode()
    assert client_for(collector).post(url, {"decision": "approve"}).status_code == 403
    listing = client_for(controller).get(reverse("credit:approvals"))
    assert "Owner Debtor SRL" in listing.content.decode()
    assert client_for(collector).get(reverse("credit:approvals")).status_code == 403
    missing = client_for(controller).post(url, {"decision": "approve", "reason": "ok"})
    assert missing.status_code == 422
    assert "Give the day the approval holds until." in missing.content.decode()
    until = (timezone.localdate() + timedelta(days=5)).isoformat()
    done = client_for(controller).post(
        url, {"decision": "approve", "reason": "prepaid half", "expires_on": until}
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == ("approved", "prepaid half")
    assert Notification.objects.filter(recipient=collector, kind="credit_approval").exists()


def test_the_approval_page_leads_to_the_customers_card(
    cp: Counterparty, collector: User, controller: User
) -> None:
    """The controller deciding an order goes on to the customer's history, limit and stop."""
    check(cp, Money(Decimal("5000"), "RON"), "R-1", collector)
    request = CreditApprovalRequest.objects.get()
    page = client_for(controller).get(reverse("credit:approval", args=[request.pk]))
    card = reverse("work:debtor", args=[cp.pk])
    assert f'<a href="{card}" class="approval-customer">Owner Debtor SRL</a>' in (
        page.content.decode()
    )


def test_the_approval_page_adds_up_to_the_excess_it_names(
    cp: Counterparty,
    collector: User,
    controller: User,
    make_document: Callable[..., Any],
    fx_rates: Callable[..., None],
) -> None:
    """The exposure lines explain "limit 1,000.00 RON exceeded by …": overdue long is shown as
    a part of overdue (not a line to add), and the order in EUR counts at the day's rate."""
    day = date(2026, 3, 20)
    fx_rates(on=day, eur_ron="5.0000")
    make_document(cp, "300.00", due_date=date(2026, 4, 1))  # not due
    make_document(cp, "200.00", due_date=date(2026, 3, 10))  # overdue 10 days
    make_document(cp, "100.00", due_date=date(2026, 1, 10))  # overdue 69 days: long
    check(cp, Money(Decimal("400"), "EUR"), "R-9", collector, on=day)
    request = CreditApprovalRequest.objects.get()
    controller.language = "ru"
    controller.save(update_fields=["language"])
    page = client_for(controller).get(reverse("credit:approval", args=[request.pk]))
    text = page.content.decode()
    nbsp = "\u00a0"
    assert f"лимит 1{nbsp}000,00{nbsp}RON превышен на 1{nbsp}600,00{nbsp}RON" in text
    rows = [
        cell.split("</th>")[0].split(">")[-1].strip()
        + " = "
        + cell.split('<td class="num">')[1].split("</td>")[0].split("<small")[0]
        for cell in text.split('class="data credit-exposure">')[1]
        .split("</table>")[0]
        .split("<tr")[1:]
    ]
    assert rows == [
        f"открыто, срок не наступил = 300,00{nbsp}RON",
        f"просрочено = 300,00{nbsp}RON",
        f"в т. ч. просрочка более 30 дней = 100,00{nbsp}RON",
        f"итого = 600,00{nbsp}RON",
        f"этот заказ (400,00{nbsp}EUR) = 2{nbsp}000,00{nbsp}RON",
        f"итого с этим заказом = 2{nbsp}600,00{nbsp}RON",
    ]
    # the limit beside the total with the order (the line decided on)
    decisive = text.split('<tr class="decisive">')[1].split("</tr>")[0]
    assert f"лимит 1{nbsp}000,00{nbsp}RON превышен на 1{nbsp}600,00{nbsp}RON</small>" in decisive


def test_only_the_director_and_admins_edit_the_rules_as_new_versions(
    cp: Counterparty, director: User, collector: User, make_user: Callable[..., User]
) -> None:
    current = CreditRuleSet.objects.get()
    url = reverse("credit:rule_edit", args=[current.pk])
    sales = make_user("sally", Role.SALES)
    for user in (collector, sales):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(reverse("credit:rule_new"), {}).status_code == 403
    form = client_for(director).get(url)
    assert form.status_code == 200
    data = {
        "effective_from": "2026-04-01",
        "min_relationship_days": "0",
        "history_months": "12",
        "max_days_overdue": "30",
        "no_open_legal_case": "on",
        "broken_promises_days": "60",
        "overdue_beyond_days": "30",
        "default_limit": "50000",
        "limit_currency": "RON",
        "default_term_days": "30",
        "new_customer_days": "90",
        "new_customer_prepayment_percent": "100",
        "breach_action": "deny",
    }
    saved = client_for(director).post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    latest = CreditRuleSet.objects.order_by("-version").first()
    assert latest is not None and latest.version == 2 and latest.breach_action == "deny"
    bad = client_for(director).post(url, {**data, "limit_currency": "XX1"})
    assert bad.status_code == 422
    assert "Not an ISO 4217 currency code" in bad.content.decode()
    # The sales manager is asked to acknowledge the new version.
    assert Notification.objects.filter(recipient=sales).exists()


def test_a_sales_manager_acknowledges_the_rules_and_is_reminded_until_then(
    cp: Counterparty, make_user: Callable[..., User]
) -> None:
    sales = make_user("sally", Role.SALES)
    page = client_for(sales).get(reverse("credit:rules"))
    assert "I have read the credit rules" in page.content.decode()
    check_page = client_for(sales).get(reverse("credit:check")).content.decode()
    assert "you have not acknowledged them yet" in check_page
    assert remind_unacknowledged() == 1
    assert remind_unacknowledged() == 0  # once a day
    rules = CreditRuleSet.objects.get()
    client_for(sales).post(reverse("credit:acknowledge"), {"rule_set": [rules.pk]})
    assert RuleAcknowledgement.objects.filter(user=sales, rule_set=rules).exists()
    page = client_for(sales).get(reverse("credit:rules"))
    assert "I have read the credit rules" not in page.content.decode()
    check_page = client_for(sales).get(reverse("credit:check")).content.decode()
    assert "you have not acknowledged them yet" not in check_page
    Notification.objects.all().delete()
    assert remind_unacknowledged() == 0


def test_the_rules_pdf_is_printed_in_the_readers_language(
    cp: Counterparty, collector: User
) -> None:
    collector.language = "ru"
    collector.save(update_fields=["language"])
    answer = client_for(collector).get(reverse("credit:rules_pdf"))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert "credit-rules-ru.pdf" in answer["Content-Disposition"]


@pytest.mark.parametrize("lang", ["ru", "uk", "ro", "en"])
def test_date_fields_are_filled_in_every_language(
    cp: Counterparty, controller: User, director: User, lang: str
) -> None:
    """An <input type="date"> shows only an ISO value: "05.12.2026" would leave it blank."""
    for user in (controller, director):
        user.language = lang
        user.save(update_fields=["language"])
    today = timezone.localdate().isoformat()
    page = client_for(controller).get(reverse("credit:limit", args=[cp.pk])).content.decode()
    assert f'name="valid_from" value="{today}"' in page
    rule = CreditRuleSet.objects.get()
    edit = client_for(director).get(reverse("credit:rule_edit", args=[rule.pk])).content.decode()
    assert f'name="effective_from" value="{today}"' in edit  # a new version, from today


def test_the_limit_page_says_what_is_in_force_today(
    cp: Counterparty,
    controller: User,
    make_counterparty: Callable[..., Counterparty],
    collector: User,
) -> None:
    page = client_for(controller).get(reverse("credit:limit", args=[cp.pk])).content.decode()
    assert "In force today: 1,000.00\u00a0RON, set from 01.01.2026." in page
    CreditRuleSet.objects.update(default_limit=Decimal("20000"))
    forget_rules()  # an update() sends no signal
    other = make_counterparty(collector=collector, name="No Row SRL", external_id="NR1")
    controller.language = "ru"
    controller.save(update_fields=["language"])
    page = client_for(controller).get(reverse("credit:limit", args=[other.pk])).content.decode()
    assert (
        "Сейчас действует: 20\u00a0000,00\u00a0RON — лимит по умолчанию из кредитных правил "
        "(своего лимита у клиента нет)."
    ) in page
    CreditRuleSet.objects.update(default_limit=None)
    forget_rules()
    page = client_for(controller).get(reverse("credit:limit", args=[other.pk])).content.decode()
    assert "Сегодня лимит не действует: каждый заказ в кредит требует одобрения." in page


def test_setting_a_limit_needs_the_role_and_keeps_the_history(
    cp: Counterparty, collector: User, controller: User
) -> None:
    url = reverse("credit:limit", args=[cp.pk])
    assert client_for(collector).get(url).status_code == 403
    answer = client_for(controller).post(
        url,
        {
            "currency": "RON",
            "total": "2500",
            "orders_shipped": "100",
            "valid_from": "2026-03-01",
            "reason": "good payer",
        },
    )
    assert answer.status_code == 302
    assert CreditLimit.objects.filter(counterparty=cp).count() == 2
    latest = CreditLimit.objects.filter(counterparty=cp).order_by("-id").first()
    assert latest is not None and latest.set_by == controller and latest.orders_shipped == 100
    assert latest.valid_from == date(2026, 3, 1)


def test_the_limit_form_starts_from_the_limit_in_force(
    cp: Counterparty, controller: User, limit: Callable[..., Any]
) -> None:
    """A controller who opens the form to move the review date reads today's amounts in it;
    saved as it stands, the limit stays 2,500 RON (a blank form once saved unlimited credit)."""
    limit(cp, "2500", orders_shipped="100")
    url = reverse("credit:limit", args=[cp.pk])
    page = client_for(controller).get(url).content.decode()
    assert 'name="total" value="2500.00"' in page
    assert 'name="orders_shipped" value="100.00"' in page
    assert 'name="overdue" ' in page and 'name="overdue" value' not in page


@pytest.mark.parametrize(
    ("lang", "error"),
    [
        ("en", "Give the total limit or a limit on one of its parts."),
        ("ro", "Indicați limita totală sau o limită pentru una dintre componentele ei."),
    ],
)
def test_a_limit_without_any_amount_is_refused_at_the_total(
    cp: Counterparty, controller: User, lang: str, error: str
) -> None:
    controller.language = lang
    controller.save(update_fields=["language"])
    answer = client_for(controller).post(
        reverse("credit:limit", args=[cp.pk]),
        {"currency": "RON", "valid_from": "2026-03-01", "review_on": "2026-09-01", "reason": "r"},
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert f'<ul class="errorlist" id="id_total_error"><li>{error}</li></ul>' in page
    assert 'name="review_on" value="2026-09-01"' in page  # what was typed stays
    assert CreditLimit.objects.filter(counterparty=cp).count() == 1  # the 1,000 RON one


@pytest.mark.parametrize("name", ["credit:panel", "credit:limit", "credit:lift_stop"])
def test_the_debtor_pages_refuse_a_teammate_and_an_outsider(
    cp: Counterparty,
    collector: User,
    teammate: User,
    outsider: User,
    director: User,
    name: str,
) -> None:
    url = reverse(name, args=[cp.pk])
    for other in (teammate, outsider):
        assert client_for(other).get(url).status_code in {404, 405}
        assert client_for(other).post(url, {"reason": "x"}).status_code == 404
    owner = client_for(collector)
    expected = {"credit:panel": 200, "credit:limit": 403, "credit:lift_stop": 405}[name]
    assert owner.get(url).status_code == expected
    assert client_for(director).get(url).status_code in {200, 405}


def test_only_sales_managers_acknowledge_rules(cp: Counterparty, collector: User) -> None:
    rules = CreditRuleSet.objects.get()
    answer = client_for(collector).post(reverse("credit:acknowledge"), {"rule_set": [rules.pk]})
    assert answer.status_code == 403
    assert not RuleAcknowledgement.objects.exists()


def test_a_rejected_order_reads_rejected_like_an_approved_one_in_romanian(
    cp: Counterparty, collector: User, controller: User
) -> None:
    """The ledger's and the legal catalogue's 'rejected' (respins: a document, a step) came
    first: the recent decisions read 'aprobată' beside 'respins'."""
    check(cp, Money(__import__("decimal").Decimal("5000"), "RON"), "R-1", collector)
    check(cp, Money(__import__("decimal").Decimal("6000"), "RON"), "R-2", collector)
    first, second = CreditApprovalRequest.objects.order_by("pk")
    until = (timezone.localdate() + timedelta(days=5)).isoformat()
    client = client_for(controller)
    client.post(
        reverse("credit:approval", args=[first.pk]),
        {"decision": "approve", "reason": "avans", "expires_on": until},
    )
    client.post(
        reverse("credit:approval", args=[second.pk]), {"decision": "reject", "reason": "dosar"}
    )
    controller.language = "ro"
    controller.save(update_fields=["language"])
    page = client_for(controller).get(reverse("credit:approvals")).content.decode()
    assert "aprobată (" in page
    assert "respinsă (" in page
    assert "respins (" not in page
    shown = client_for(controller).get(reverse("credit:approval", args=[second.pk]))
    assert '<strong class="approval-status">Respinsă</strong>' in shown.content.decode()


def test_a_sales_manager_reads_who_lifts_a_stop_on_shipments(
    cp: Counterparty, collector: User, controller: User
) -> None:
    """The panel said only 'Shipments stopped': a sales manager did not learn who releases it."""
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    collector.language = "uk"
    collector.save(update_fields=["language"])
    url = reverse("credit:panel", args=[cp.pk])
    text = client_for(collector).get(url).content.decode()
    assert (
        "Кредитний контролер або директор знімає зупинку, коли відвантаження можна відновити."
        in text
    )
    # The controller has the form to lift it instead.
    decider = client_for(controller).get(url).content.decode()
    assert "credit-who-lifts" not in decider
    assert "Lift stop-shipments" in decider


def test_the_check_page_offers_the_companys_currencies(
    collector: User, fx_rates: Callable[..., None]
) -> None:
    """The currency box was empty with nothing to pick: a user typed "лей" or "грн" and was told
    it is not an ISO 4217 code. The company's currency and those of its exchange-rate series
    are offered as one types (a <datalist>); any other code may still be typed."""
    fx_rates(eur_ron="4.97", usd_ron="4.60")
    page = client_for(collector).get(reverse("credit:check")).content.decode()
    box = page[page.index('name="currency"') :]
    box = box[: box.index("</datalist>")]
    assert 'list="id_currency-currencies"' in box
    for code in ("RON", "EUR", "USD"):
        assert f'<option value="{code}">' in box, code


def test_the_check_the_card_links_to_comes_with_the_customers_currency(
    cp: Counterparty, collector: User, make_document: Callable[..., Any]
) -> None:
    """The card's "Check an order" filled in the customer and left the required currency
    empty: the sales manager had to look it up. An order is most likely in the currency the
    customer was last invoiced in."""
    make_document(cp, "100.00", currency="EUR", due_date=date(2026, 1, 10))
    page = client_for(collector).get(reverse("credit:check") + "?counterparty=CP00001")
    assert 'name="currency" value="EUR"' in page.content.decode()
    # A customer not found leaves it to the user.
    page = client_for(collector).get(reverse("credit:check") + "?counterparty=NOPE")
    assert 'name="currency" value=' not in page.content.decode()


@pytest.mark.parametrize(
    ("lang", "allowed", "denied", "waiting"),
    [
        ("ru", "разрешено", "отказано", "требует одобрения"),
        ("uk", "дозволено", "відмовлено", "потребує схвалення"),
        ("ro", "permis", "refuzat", "necesită aprobare"),
        ("en", "allowed", "denied", "needs approval"),
    ],
)
def test_the_checks_verdict_reads_as_a_state(
    cp: Counterparty, collector: User, lang: str, allowed: str, denied: str, waiting: str
) -> None:
    """The verdicts read as commands ('ÎM VinNistru SRL: разрешить', 'Elbversand AG:
    відмовити') beside a state ('требует одобрения'): the check says what the order is."""
    amount = {"en": "500", "ru": "500,00", "uk": "500,00", "ro": "500,00"}[lang]
    assert (
        f"Owner Debtor SRL: <strong>{allowed}</strong>"
        in post_check(collector, amount=amount, lang=lang).content.decode()
    )
    assert (
        f"Owner Debtor SRL: <strong>{waiting}</strong>"
        in post_check(collector, amount="5000", lang=lang).content.decode()
    )
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    assert (
        f"Owner Debtor SRL: <strong>{denied}</strong>"
        in post_check(collector, amount=amount, lang=lang).content.decode()
    )
    # The card's panel names the last check the same way.
    panel = client_for(collector).get(reverse("credit:panel", args=[cp.pk])).content.decode()
    assert f": {denied}</small>" in panel


@pytest.mark.parametrize(
    ("lang", "error", "valid_from"),
    [
        ("en", "A limit is zero or more: 0 means no credit, prepayment only.", "2026-03-01"),
        (
            "ro",
            "Limita este zero sau mai mult: 0 înseamnă fără credit, doar plată în avans.",
            "01.03.2026",
        ),
        (
            "ru",
            "Лимит — ноль или больше: 0 означает, что кредита нет, только предоплата.",
            "01.03.2026",
        ),
    ],
)
def test_a_negative_limit_is_told_zero_or_more_and_a_zero_limit_means_prepayment(
    cp: Counterparty, controller: User, collector: User, lang: str, error: str, valid_from: str
) -> None:
    """A limit of 0 was accepted while -5 was told 'must be greater than zero': 0 is a limit
    (no credit, prepayment only), and the check asks for approval of any order on credit."""
    controller.language = lang
    controller.save(update_fields=["language"])
    url = reverse("credit:limit", args=[cp.pk])
    data = {"currency": "RON", "valid_from": valid_from, "reason": "r"}
    refused = client_for(controller).post(url, {**data, "total": "-5"})
    assert refused.status_code == 422
    assert f'<ul class="errorlist" id="id_total_error"><li>{error}</li></ul>' in (
        refused.content.decode()
    )
    assert client_for(controller).post(url, {**data, "total": "0"}).status_code == 302
    assert CreditLimit.objects.filter(counterparty=cp).latest("id").total == 0
    assert check(cp, Money(Decimal("1"), "RON"), "R-0", collector).decision == "needs_approval"
