"""The worklist's rows, built in Python (work/rows.py): what the collector reads in each cell,
escaped, translated and formatted as the template did, and the dial button in both forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Contact, Counterparty
from dunwell.work import selectors
from dunwell.work.selectors import RowMark

pytestmark = pytest.mark.usefixtures("frozen")


def _task(cp: Counterparty, user: User, title: str, due_at: Any) -> Task:
    return ladder.create_manual_task(
        counterparty=cp, assignee=user, action="call", due_at=due_at, title=title, user=None
    )


def _rows(client: Client) -> list[str]:
    html = client.get(reverse("work:worklist")).content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr data-href.*?</tr>", body, re.S)


@pytest.fixture
def marked() -> Iterator[None]:
    """A row mark whose text and tooltip need escaping, for every debtor on the page."""

    def marks(debtors: list[Any], today: date) -> dict[int, list[RowMark]]:
        return {d.pk: [RowMark("limit <exceeded>", "bad", 'over "A" & B')] for d in debtors}

    selectors.ROW_MARKS.append(marks)
    try:
        yield
    finally:
        selectors.ROW_MARKS.remove(marks)


@pytest.fixture
def client(collector: User) -> Client:
    client = Client()
    client.force_login(collector)
    return client


def test_each_cell_reads_as_before_and_everything_is_escaped(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Any],
    collector: User,
    client: Client,
    marked: None,
) -> None:
    cp = make_counterparty(collector=collector, name="<b>Bold</b> & Co")
    make_document(cp, "1234.50", due_date=date(2026, 2, 4))
    Contact.objects.create(counterparty=cp, name="Ana", phone="+40 721 000 000")
    late = _task(cp, collector, "Yesterday's <call>", timezone.now() - timedelta(days=1))
    waiting = _task(cp, collector, "Waiting", timezone.now() + timedelta(hours=3))
    Task.objects.filter(pk=waiting.pk).update(status=TaskStatus.AWAITING_APPROVAL)
    rows = _rows(client)
    assert len(rows) == 2
    first = next(r for r in rows if f'data-task="{late.pk}"' in r)
    # the debtor's name, the task's title and the mark are text, never markup
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in first and "<b>Bold" not in first
    assert "Yesterday&#x27;s &lt;call&gt;" in first
    assert (
        '<span class="badge bad" title="over &quot;A&quot; &amp; B">limit &lt;exceeded&gt;</span>'
        in first
    )
    # a task late from yesterday shows its day in a red badge, in the user's format
    assert '<span class="badge bad">09.03.2026</span>' in first
    assert '<span class="money">1,234.50\xa0RON</span>' in first
    assert "amount +15, days overdue +5, task late +2" in first  # why it ranks here
    assert f'href="{reverse("work:debtor", args=[cp.pk])}"' in first
    assert 'href="tel:+40 721 000 000"' in first  # no exchange connected: a tel: link
    assert "Standard · RO" in first
    second = next(r for r in rows if f'data-task="{waiting.pk}"' in r)
    assert '<span class="badge warn">awaiting approval</span>' in second
    assert "<td>10:00 <span" in second  # due today: the hour, in the user's time zone (UTC)


def test_the_rows_speak_the_users_language(
    make_counterparty: Callable[..., Counterparty], collector: User, client: Client
) -> None:
    collector.language = "ru"
    collector.save(update_fields=["language"])
    cp = make_counterparty(collector=collector)
    waiting = _task(cp, collector, "Waiting", timezone.now())
    Task.objects.filter(pk=waiting.pk).update(status=TaskStatus.AWAITING_APPROVAL)
    [row] = _rows(client)
    assert "ожидает утверждения" in row
    assert "Звонок" in row  # the action's label


def test_with_an_exchange_connected_the_row_dials_through_it(
    make_counterparty: Callable[..., Counterparty], collector: User, client: Client
) -> None:
    cp = make_counterparty(collector=collector)
    contact = Contact.objects.create(counterparty=cp, name="Ana", phone="+40721000000")
    _task(cp, collector, "Ring", timezone.now())
    with override_settings(DUNWELL_PBX="asterisk", DUNWELL_AMI_URL="tcp://127.0.0.1:1"):
        [row] = _rows(client)
    action = reverse("telephony:dial", args=[contact.pk])
    assert f'<form method="post" action="{action}" class="inline dial">' in row
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">', row)
    assert f'data-testid="dial-{contact.pk}"' in row and "Call through the office phone" in row


@pytest.mark.parametrize("language", ["en", "ru", "uk", "ro"])
def test_numbers_read_as_djangos_localize_gives_them(language: str) -> None:
    from decimal import Decimal

    from django.utils import formats, translation

    from dunwell.work.rows import integer_text

    values: list[int | Decimal] = [
        0,
        7,
        -12,
        999,
        1000,
        12345,
        1234567,
        -7654321,
        Decimal("1234.5"),
        Decimal("-0.25"),
    ]
    with translation.override(language):
        text = integer_text()
        assert [text(v) for v in values] == [formats.localize(v) for v in values]
