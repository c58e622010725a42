"""The credit committee round trip in Debian's Chromium, at a laptop's width in English and a
phone's in Russian: a sales manager files a request, a credit controller plans the meeting and
puts it on the agenda, the members vote, the chair decides, the minutes PDF is downloaded and
read, the card shows the new limit, and a credit check now gives the new answer."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.credit.models import CreditLimit, CreditRuleSet, LimitRequest
from dunwell.credit.services import set_limit
from dunwell.interest.fx import forget_rates
from dunwell.ledger.models import Counterparty

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"

TEXTS = {
    "en": {
        "filed": "The request is filed for the credit committee.",
        "voted": "Your vote is recorded.",
        "decided": "Decided: the new limit applies.",
        "minutes": "MINUTES OF THE CREDIT COMMITTEE",
        "decision": "Decision: credit limit 40,000.00",
        "allow": "allowed",
    },
    "ru": {
        "filed": "Запрос подан в кредитный комитет.",
        "voted": "Ваш голос учтён.",
        "decided": "Решено: новый лимит действует.",
        "minutes": "ПРОТОКОЛ КРЕДИТНОГО КОМИТЕТА",
        "decision": "Решение: кредитный лимит 40 000,00",
        "allow": "разрешено",
    },
}


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def no_sideways_scroll(page: Any) -> None:
    wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"{page.url} is {wide}px wide in a {inner}px window"


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (390, "ru")])
def test_request_agenda_votes_decision_minutes_card_and_check(
    installation_data: None,
    chromium: Any,
    sign_in: Callable[..., Any],
    live_server: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    make_user: Callable[..., User],
    tmp_path: Path,
    width: int,
    language: str,
) -> None:
    texts = TEXTS[language]
    SHOTS.mkdir(parents=True, exist_ok=True)
    forget_rates()
    today = timezone.localdate()
    sales = make_user("sam", Role.SALES)
    chair = make_user("diana", Role.DIRECTOR)
    controller = make_user("carla", Role.CREDIT_CONTROLLER)
    member = make_user("fiona", Role.FINANCE, first_name="Fiona", last_name="Finance")
    cp = make_counterparty(sales_manager=sales, name="Round Trip SRL", tax_id="RO4242")
    # The minutes are in the company's language: a Russian company for the Russian round,
    # a company whose language the product lacks (so the chair's, English) for the other.
    cp.company.country = {"en": "GB", "ru": "RU"}[language]
    cp.company.save(update_fields=["country"])
    CreditRuleSet.objects.create(
        version=1, effective_from=today - timedelta(days=400), limit_currency="RON",
        created_at=timezone.now(),
    )  # fmt: skip
    set_limit(
        cp, controller, currency="RON", total=Decimal("1000"),
        valid_from=today - timedelta(days=30), reason="first limit",
    )  # fmt: skip
    make_document(cp, "3000.00", due_date=today + timedelta(days=20))
    url = live_server.url

    def check_order(page: Any) -> str:
        page.goto(f"{url}/credit/check/")
        page.fill("input[name=counterparty]", cp.external_id)
        page.fill("input[name=amount]", "500")
        page.fill("input[name=currency]", "RON")
        submit(page, "form.stack button")
        return page.locator("#credit-answer h2").inner_text()

    # 1. The sales manager files the request (the check said: needs approval).
    seller = sign_in(chromium, sales, width=width, language=language)
    assert texts["allow"] not in check_order(seller)
    seller.goto(f"{url}/credit/committee/requests/new/?counterparty={cp.pk}")
    seller.select_option("select[name=kind]", "change_limit")
    seller.fill("input[name=requested_limit]", "50000")
    seller.fill("input[name=requested_term_days]", "45")
    seller.fill("textarea[name=justification]", "Two new shops, orders double in spring")
    submit(seller, "form.stack button")
    assert texts["filed"] in seller.content()
    request = LimitRequest.objects.get()

    # 2. The controller plans the meeting, chaired by the director, and fills the agenda.
    desk = sign_in(chromium, controller, width=width, language=language)
    desk.goto(f"{url}/credit/committee/meetings/new/")
    desk.fill("input[name=day]", today.isoformat())
    desk.fill("input[name=place]", "Board room")
    desk.select_option("select[name=chair]", str(chair.pk))
    desk.check(f"input[name=members][value='{member.pk}']")
    submit(desk, "form.stack button")
    desk.check(f"input[name=request][value='{request.pk}']")
    submit(desk, "form.agenda-add button")
    assert "Round Trip SRL" in desk.locator("table.committee-agenda").inner_text()

    # 3. A member and the chair vote; the chair decides.
    voter = sign_in(chromium, member, width=width, language=language)
    voter.goto(f"{url}/credit/committee/requests/{request.pk}/")
    voter.check("form.committee-vote input[value=approve]")
    voter.fill("form.committee-vote textarea[name=comment]", "pays on time")
    submit(voter, "form.committee-vote button")
    assert texts["voted"] in voter.content()
    head = sign_in(chromium, chair, width=width, language=language)
    head.goto(f"{url}/credit/committee/requests/{request.pk}/")
    head.check("form.committee-vote input[value=abstain]")
    submit(head, "form.committee-vote button")
    head.fill("form.committee-decide input[name=limit]", "40000")
    head.fill("form.committee-decide input[name=term_days]", "30")
    head.fill(
        "form.committee-decide input[name=review_on]", (today + timedelta(days=180)).isoformat()
    )
    head.fill("form.committee-decide textarea[name=conditions]", "owner's guarantee")
    no_sideways_scroll(head)
    head.screenshot(
        path=str(SHOTS / f"credit-committee-request-{width}-{language}.png"), full_page=True
    )
    submit(head, "form.committee-decide button")
    assert texts["decided"] in head.content()
    no_sideways_scroll(head)
    head.screenshot(
        path=str(SHOTS / f"credit-committee-meeting-{width}-{language}.png"), full_page=True
    )
    row = CreditLimit.objects.filter(source="committee").get()
    assert row.total == Decimal("40000.00")

    # 4. The minutes PDF, downloaded and read.
    with head.expect_download() as download:
        head.click("a.minutes-pdf")
    pdf = tmp_path / "minutes.pdf"
    download.value.save_as(str(pdf))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert texts["minutes"] in flat
    assert "Round Trip SRL" in flat and "Fiona Finance" in flat and "pays on time" in flat
    assert texts["decision"] in flat

    # 5. The card shows the committee's limit; 6. the same check now allows the order.
    seller.goto(f"{url}/work/debtors/{cp.pk}/")
    seller.wait_for_selector("#credit-panel .committee-last")
    panel = seller.locator("#credit-panel").inner_text().replace("\u00a0", " ")
    assert "40 000,00" in panel if language == "ru" else "40,000.00" in panel
    seller.locator("#credit-panel").screenshot(
        path=str(SHOTS / f"credit-committee-panel-{width}-{language}.png")
    )
    forget_rates()
    assert texts["allow"] in check_order(seller)
