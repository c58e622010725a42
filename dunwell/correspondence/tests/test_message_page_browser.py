"""An email opened from the inbox, in headless Chromium (ru and ro, 1366 and 390 px): "Reply"
and "Download the message (.eml)" stood side by side with no gap, the button's edge on the
link's first letter, and the text sat in its grey box touching the box's edges (and ran past
the page's right edge in one line at 1366 px). Now the two are a gap apart and the text has
room inside its box and wraps in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import SCREENSHOTS
from dunwell.correspondence.inbound import store_message
from dunwell.correspondence.models import InboundMessage, Mailbox
from dunwell.correspondence.tests.mime import mail
from dunwell.ledger.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LONG_LINE = (
    "Nu suntem de acord cu factura nr. FCT-27 din 22.04.2026: o parte din marfă a ajuns "
    "deteriorată, iar la recepție am întocmit un proces-verbal de constatare, semnat și de "
    "șoferul dumneavoastră; până atunci nu putem achita această factură."
)


@pytest.fixture
def message(settings: Any, tmp_path: Path, make_counterparty: Any, collector: Any) -> int:
    settings.MEDIA_ROOT = str(tmp_path)
    debtor = make_counterparty(name="EuroPrut SA", collector=collector)
    Contact.objects.create(counterparty=debtor, name="Vasile", email="vasile@europrut.md")
    place = Mailbox.objects.create(address="imap://c@127.0.0.1:143/INBOX", uidvalidity=7)
    raw = mail(
        sender="Vasile <vasile@europrut.md>",
        subject="Contestație factura nr. FCT-27",
        text=f"Bună ziua,\n\n{LONG_LINE}\n\nCu stimă,\nVasile",
    )
    store_message(place, 7, 1, raw)
    return InboundMessage.objects.get().pk


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["ru", "ro"])
def test_the_email_page_sets_its_buttons_and_text_apart(
    installation_data: None,
    live_server: Any,
    message: int,
    collector: Any,
    chromium: Any,
    sign_in: Any,
    language: str,
    width: int,
) -> None:
    page = sign_in(chromium, collector, width=width, language=language)
    page.goto(f"{live_server.url}/correspondence/inbox/{message}/")
    reply = page.locator("#reply").bounding_box()
    download = page.locator("#download").bounding_box()
    assert reply is not None and download is not None
    # On one row, a visible gap apart (the old page: the width of a space, 4 px).
    assert abs(reply["y"] + reply["height"] / 2 - (download["y"] + download["height"] / 2)) < 4
    gap = download["x"] - (reply["x"] + reply["width"])
    assert gap >= 12, gap
    text = page.locator("pre.mail-text")
    padding = text.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.paddingTop, s.paddingRight, s.paddingBottom, s.paddingLeft].map(parseFloat) }"
    )
    assert min(padding) >= 8, padding  # the old page: 0 on every side
    # The words start inside the box, not on its edge, and no line runs out of it.
    box = text.bounding_box()
    first = text.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " const b = r.getClientRects()[0]; return [b.left, b.top] }"
    )
    assert first[0] - box["x"] >= 8 and first[1] - box["y"] >= 8, (first, box)
    assert text.evaluate("el => el.scrollWidth <= el.clientWidth"), "the text runs out of its box"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENSHOTS / f"email-page-{language}-{width}.png"), full_page=True)
