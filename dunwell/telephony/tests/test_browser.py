"""Screen pop in a real browser: the collector's page is open, a call rings at their extension
(as a webhook or the AMI listener would record it) and the page shows a banner with the caller's
call card; an unknown number offers the search with "new contact"."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.accounts.models import User
from dunwell.ledger.models import Contact
from dunwell.telephony import views
from dunwell.telephony.models import Direction
from dunwell.telephony.services import CallEvent, record_event

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("installation_data"),
]


@pytest.fixture
def chromium_page(chromium: Any) -> Any:
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(10000)
    return page


def ring(call_id: str, number: str) -> None:
    record_event(CallEvent(provider="zadarma", provider_call_id=call_id, kind="ringing",
                           at=datetime.now(UTC), direction=Direction.INBOUND,
                           external_number=number, extension="101"))  # fmt: skip


def test_a_ringing_call_pops_the_debtors_card_in_the_collectors_open_page(
    chromium_page: Any, live_server: Any, make_counterparty: Any, collector: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "STREAM_SECONDS", 3)  # streams end soon; the page reconnects
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector, name="Fabrica Nord SRL")
    Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")

    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", collector.username)
    page.fill("input[name=password]", "pw-" + collector.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")
    page.wait_for_timeout(700)  # the stream is open

    ring("b-1", "+40721234567")
    banner = page.locator(".screen-pop.known")
    banner.wait_for(timeout=3000)
    assert "Incoming call from Fabrica Nord SRL (+40 721 234 567)" in banner.inner_text()
    href = banner.locator("a").get_attribute("href")
    assert href is not None and href.startswith(f"/work/debtors/{debtor.pk}/call/")

    ring("b-2", "+40219999999")
    unknown = page.locator(".screen-pop.unknown")
    unknown.wait_for(timeout=3000)
    assert "unknown number +40 21 999 9999" in unknown.inner_text()
    page.goto(live_server.url + unknown.locator("a").get_attribute("href"))
    # The new contact's number as people write it (the call's number is what is saved).
    assert page.input_value("#phone") == "+40 21 999 9999"
    assert page.locator("#new-contact").is_visible()
    page.goto("about:blank")  # close the stream; its server thread ends within STREAM_SECONDS
    page.wait_for_timeout(3500)


def test_the_live_panel_follows_the_call_without_reloading_or_polling(
    chromium_page: Any, live_server: Any, make_counterparty: Any, collector: User, monkeypatch: Any
) -> None:
    from dunwell.telephony.models import Call

    monkeypatch.setattr(views, "STREAM_SECONDS", 3)  # its thread ends soon after the test

    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector, name="Fabrica Sud SRL")
    contact = Contact.objects.create(counterparty=debtor, name="Ion", phone="+40721234568")
    call = Call.objects.create(provider="zadarma", provider_call_id="live-b", extension="101",
                               direction=Direction.OUTBOUND, external_number=contact.phone,
                               contact=contact, counterparty=debtor, agent=collector,
                               started_at=datetime.now(UTC))  # fmt: skip

    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", collector.username)
    page.fill("input[name=password]", "pw-" + collector.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/state/" in r.url else None)
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/call/?call={call.pk}")
    panel = page.locator("#live-call .live-call")
    panel.wait_for()
    assert panel.get_attribute("data-state") == "ringing"
    page.wait_for_timeout(700)  # the stream is open

    record_event(CallEvent(provider="zadarma", provider_call_id="live-b", kind="answered",
                           at=datetime.now(UTC), extension="101"))  # fmt: skip
    page.wait_for_selector('#live-call .live-call[data-state="answered"]', timeout=3000)
    record_event(CallEvent(provider="zadarma", provider_call_id="live-b", kind="ended",
                           at=datetime.now(UTC), duration=42))  # fmt: skip
    page.wait_for_selector('#live-call .live-call[data-state="ended"]', timeout=3000)
    assert "42 seconds" in panel.inner_text()
    assert page.get_by_text("The call has ended: record its outcome below.").is_visible()
    page.wait_for_timeout(2500)  # what the old panel did: ask every 2 s
    assert len(asked) <= 1  # the panel's first load only; the rest came over the stream
    page.screenshot(path=str(SCREENSHOTS / "telephony-live-panel.png"), full_page=False)
    page.goto("about:blank")  # close the stream; its server thread ends within STREAM_SECONDS
    page.wait_for_timeout(3500)


def test_while_the_stream_is_down_the_live_panel_asks_for_itself_slowly(
    chromium_page: Any,
    live_server: Any,
    make_counterparty: Any,
    collector: User,
    monkeypatch: Any,
) -> None:
    from dunwell.telephony.models import Call
    from dunwell.telephony.templatetags import telephony as tags

    monkeypatch.setattr(tags, "FALLBACK_POLL_MS", 500)  # 10 s in production
    monkeypatch.setattr(views, "STREAM_SECONDS", 3)
    debtor = make_counterparty(collector=collector, name="Fabrica Est SRL")
    contact = Contact.objects.create(counterparty=debtor, name="Ion", phone="+40721234569")
    call = Call.objects.create(provider="zadarma", provider_call_id="live-c", extension="101",
                               direction=Direction.OUTBOUND, external_number=contact.phone,
                               contact=contact, counterparty=debtor, agent=collector,
                               started_at=datetime.now(UTC))  # fmt: skip

    page = chromium_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", collector.username)
    page.fill("input[name=password]", "pw-" + collector.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/**")
    page.route("**/telephony/pops/**", lambda route: route.abort())  # the stream cannot open
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/state/" in r.url else None)
    page.goto(f"{live_server.url}/work/debtors/{debtor.pk}/call/?call={call.pk}")
    page.locator('#live-call .live-call[data-state="ringing"]').wait_for()

    record_event(CallEvent(provider="zadarma", provider_call_id="live-c", kind="answered",
                           at=datetime.now(UTC), extension="101"))  # fmt: skip
    page.wait_for_selector('#live-call .live-call[data-state="answered"]', timeout=5000)
    assert len(asked) >= 2  # the first load, then the fallback
    page.goto("about:blank")
    page.wait_for_timeout(1000)
