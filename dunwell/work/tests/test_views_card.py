"""The debtor card's comfort (issue 16, item 4): payment history with the documents each
payment paid, last payment date and average days late; free notes, pinned or not; the
debtor's local time next to the phones; a timeline filter that is remembered."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty, Document, Payment, TimelineEntry
from dunwell.ledger.services import add_payment
from dunwell.work import selectors, services
from dunwell.work.errors import WorkError
from dunwell.work.models import NOTE_MAX_LENGTH, CardPreference, Note

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card(user: User, debtor: Counterparty, query: str = "") -> str:
    response = client_for(user).get(reverse("work:debtor", args=[debtor.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</table>", start)]


def pay(debtor: Counterparty, on: date, amount: str, currency: str = "RON", **kw: Any) -> Any:
    n = Counterparty.objects.get(pk=debtor.pk).payments.count() + 1
    return add_payment(
        debtor.company, debtor, on, Decimal(amount), currency, f"P-{debtor.pk}-{n}", **kw
    )


# --- payment history ---------------------------------------------------------------------


def test_a_debtor_who_never_paid_gets_no_average_over_zero_documents(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    """The help under "Average days late" said "Plain average over 0 documents paid in full"
    (uk "Просте середнє за 0 документами") beside a dash; it comes with a figure only."""
    page = card(collector, debtor)
    assert 'id="days-late-help"' not in page and "0 documents" not in page
    first = Document.objects.get(counterparty=debtor, amount=Decimal("1500.00"))
    pay(debtor, date(2026, 2, 10), "1500.00", document=first)
    assert "Average days late: <strong>6.0</strong> <small>(1 document with a payment)" in card(
        collector, debtor
    )


def test_payment_history_lists_payments_newest_first_with_the_documents_they_paid(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    first = Document.objects.get(counterparty=debtor, amount=Decimal("1500.00"))
    pay(debtor, date(2026, 2, 10), "1000.00", document=first)
    pay(debtor, date(2026, 3, 1), "800.00")
    html = section(card(collector, debtor), "payment-history")
    rows = html.split("<tr>")[2:]
    assert "01.03.2026" in rows[0] and "10.02.2026" in rows[1]
    # the second payment closed the rest of the first invoice, then went to the next one
    assert first.number in rows[0] and "500.00" in rows[0] and "300.00" in rows[0]
    assert first.number in rows[1] and "1,000.00" in rows[1] or "1 000,00" in rows[1]


def test_last_payment_date_and_average_days_late_come_from_paid_documents(
    debtor: Counterparty,
    collector: User,
    make_document: Callable[..., Document],
    frozen: None,
) -> None:
    late = Document.objects.get(counterparty=debtor, amount=Decimal("1500.00"))  # due 04.02
    early = make_document(debtor, "200.00", due_date=date(2026, 3, 5))
    pay(debtor, date(2026, 2, 1), "500.00", document=late)  # part: not its last payment
    pay(debtor, date(2026, 2, 14), "1000.00", document=late)  # its last, 10 days late
    pay(debtor, date(2026, 3, 2), "200.00", document=early)  # paid early: counts as 0
    history = selectors.payment_history(debtor)
    assert history.last_paid_on == date(2026, 3, 2)
    assert history.documents_paid == 2
    assert history.average_days_late == Decimal("5.0")
    html = card(collector, debtor)
    assert re.search(r'id="last-payment">Last payment: <strong>02\.03\.2026', html)
    assert "Average days late: <strong>5.0</strong> <small>(2 documents with payments)" in html
    assert "the date of each document's last payment minus its due date" in html


def test_a_debtor_with_no_payments_shows_dashes(debtor: Counterparty, collector: User) -> None:
    html = card(collector, debtor)
    assert "No payments yet." in html
    assert "Last payment: <strong>—" in html
    history = selectors.payment_history(debtor)
    assert history.average_days_late is None and history.last_paid_on is None


def test_each_payment_keeps_its_own_currency(
    debtor: Counterparty,
    collector: User,
    make_document: Callable[..., Document],
    frozen: None,
) -> None:
    euro = make_document(debtor, "100.00", currency="EUR", due_date=date(2026, 2, 1))
    pay(debtor, date(2026, 2, 20), "100.00", "EUR", document=euro)
    pay(debtor, date(2026, 2, 21), "50.00")
    rows = selectors.payment_history(debtor).rows
    assert [(r.amount.currency, r.amount.amount) for r in rows] == [
        ("RON", Decimal("50.00")),
        ("EUR", Decimal("100.00")),
    ]
    assert [m.currency for _d, m in rows[1].paid] == ["EUR"]
    html = section(card(collector, debtor), "payment-history")
    assert "€" in html or "EUR" in html


def test_payment_history_is_paged_and_a_bad_page_shows_the_first(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    for day in range(1, selectors.PAYMENTS_PER_PAGE + 3):
        pay(debtor, date(2026, 1, day), "1.00")
    first = selectors.payment_history(debtor, "1")
    second = selectors.payment_history(debtor, "2")
    assert len(first.rows) == selectors.PAYMENTS_PER_PAGE and len(second.rows) == 2
    assert second.rows[-1].payment.date == date(2026, 1, 1)
    assert card(collector, debtor, "?payments=2").count("01.01.2026") >= 1
    assert card(collector, debtor, "?payments=zzz").count("22.01.2026") >= 1


def test_the_payment_history_reads_in_russian(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    pay(debtor, date(2026, 2, 14), "1500.00")
    services.add_note(collector, debtor, "Звонить после обеда", pinned=True)
    collector.language = "ru"
    collector.save()
    with translation.override("ru"):
        html = client_for(collector).get(
            reverse("work:debtor", args=[debtor.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        )
    text = html.content.decode()
    assert "История платежей" in text
    assert "Последний платёж" in text
    assert "<strong>10,0</strong> <small>(1 документ с оплатой)</small>" in text
    assert "Простое среднее: дата последней оплаты каждого документа минус срок оплаты" in text
    assert "Закреплено" in text and "Добавить заметку" in text and "Открепить" in text
    assert ">Заметки</a>" in text and ">Платежи</a>" in text


# --- notes --------------------------------------------------------------------------------


def test_a_collector_adds_a_note_and_it_is_on_the_timeline(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    response = client_for(collector).post(
        reverse("work:note_add", args=[debtor.pk]), {"text": "Accountant is on leave until 20th"}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.author == collector and not note.pinned
    entry = TimelineEntry.objects.get(kind="work.note")
    assert entry.data == {"note": note.pk} and entry.actor == collector
    html = card(collector, debtor)
    assert "Accountant is on leave until 20th" in section(html, "timeline-entries")
    assert 'id="pinned-notes"' not in html


def test_a_pinned_note_stands_at_the_top_of_the_card_until_unpinned(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    client = client_for(collector)
    client.post(
        reverse("work:note_add", args=[debtor.pk]), {"text": "Never call before 10", "pinned": "1"}
    )
    note = Note.objects.get()
    html = card(collector, debtor)
    assert html.index('id="pinned-notes"') < html.index('id="open-call"')
    assert "Never call before 10" in html[: html.index('id="open-call"')]
    client.post(reverse("work:note_pin", args=[debtor.pk, note.pk]), {"pinned": "0"})
    assert not Note.objects.get().pinned
    assert 'id="pinned-notes"' not in card(collector, debtor)
    client.post(reverse("work:note_pin", args=[debtor.pk, note.pk]), {"pinned": "1"})
    assert Note.objects.get().pinned


def test_a_too_long_note_is_refused_with_a_clear_error_and_nothing_written(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    text = "x" * (NOTE_MAX_LENGTH + 1)
    response = client_for(collector).post(
        reverse("work:note_add", args=[debtor.pk]), {"text": text}
    )
    assert response.status_code == 400
    assert f"Note: at most {NOTE_MAX_LENGTH} characters (this one has {NOTE_MAX_LENGTH + 1})." in (
        response.content.decode()
    )
    assert text in response.content.decode()  # what was typed is kept
    assert not Note.objects.exists()
    assert not TimelineEntry.objects.filter(kind="work.note").exists()


def test_an_empty_note_is_refused_in_russian(debtor: Counterparty, collector: User) -> None:
    with translation.override("ru"), pytest.raises(WorkError) as error:
        services.add_note(collector, debtor, "   ")
        raise AssertionError("no error")
    with translation.override("ru"):
        assert str(error.value.message) == "Заметка: сначала напишите текст."


def test_only_those_who_see_the_debtor_write_notes(
    debtor: Counterparty,
    collector: User,
    teammate: User,
    outsider: User,
    supervisor: User,
    make_user: Callable[..., User],
) -> None:
    url = reverse("work:note_add", args=[debtor.pk])
    assert client_for(teammate).post(url, {"text": "a"}).status_code == 404
    assert client_for(outsider).post(url, {"text": "b"}).status_code == 404
    assert client_for(collector).post(url, {"text": "c"}).status_code == 302
    assert client_for(supervisor).post(url, {"text": "d"}).status_code == 302
    sales = make_user("sam", Role.SALES)
    debtor.sales_manager = sales
    debtor.save()
    assert client_for(sales).post(url, {"text": "e"}).status_code == 302
    assert sorted(Note.objects.values_list("text", flat=True)) == ["c", "d", "e"]


def test_a_note_is_changed_or_deleted_by_its_author_or_a_manager_only(
    debtor: Counterparty,
    collector: User,
    teammate: User,
    outsider: User,
    supervisor: User,
    make_user: Callable[..., User],
) -> None:
    note = services.add_note(collector, debtor, "Director is Ion")
    edit = reverse("work:note_edit", args=[debtor.pk, note.pk])
    delete = reverse("work:note_delete", args=[debtor.pk, note.pk])
    pin = reverse("work:note_pin", args=[debtor.pk, note.pk])
    sales = make_user("sam", Role.SALES)
    debtor.sales_manager = sales
    debtor.save()
    for other in (teammate, outsider):
        assert client_for(other).post(edit, {"text": "hacked"}).status_code == 404
        assert client_for(other).post(delete).status_code == 404
        assert client_for(other).post(pin, {"pinned": "1"}).status_code == 404
    assert client_for(sales).post(edit, {"text": "hacked"}).status_code == 403
    assert client_for(sales).post(delete).status_code == 403
    assert Note.objects.get().text == "Director is Ion" and not Note.objects.get().pinned
    assert client_for(collector).post(edit, {"text": "Director is Ion Rusu"}).status_code == 302
    assert Note.objects.get().text == "Director is Ion Rusu"
    assert TimelineEntry.objects.get(kind="work.note").summary == "Director is Ion Rusu"
    assert client_for(supervisor).post(delete).status_code == 302
    assert not Note.objects.exists()
    entry = TimelineEntry.objects.get(kind="work.note")
    assert entry.summary == "" and entry.data["deleted_by"] == supervisor.pk
    assert "Note deleted." in section(card(collector, debtor), "timeline-entries")


def test_deleting_a_note_takes_a_second_deliberate_click(
    debtor: Counterparty, collector: User
) -> None:
    collector.language = "ro"
    collector.save()
    note = services.add_note(collector, debtor, "Directorul răspunde doar dimineața")
    html = section(card(collector, debtor), "timeline-entries")
    delete = reverse("work:note_delete", args=[debtor.pk, note.pk])
    form_at = html.index(f'action="{delete}"')
    # The delete form sits folded inside its own <details>: one click on "Ștergeți" only opens it.
    opener = html.rindex("<details", 0, form_at)
    assert "<summary>Ștergeți</summary>" in html[opener:form_at]
    inside = html[form_at : html.index("</details>", form_at)]
    assert "Textul notei nu mai poate fi recuperat." in inside
    assert "Ștergeți nota</button>" in inside


# --- local time next to the phones --------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        ("2026-03-10 09:00:00+02:00", "Europe/Bucharest", "09:00, within working hours"),
        ("2026-03-10 09:00:00+02:00", "Asia/Tokyo", "16:00, within working hours"),
        ("2026-03-10 09:00:00+02:00", "America/New_York", "03:00, outside working hours"),
        ("2026-03-10 18:30:00+02:00", "Europe/Bucharest", "18:30, outside working hours"),
        ("2026-03-14 11:00:00+02:00", "Europe/Bucharest", "11:00, outside working hours"),  # Sat
        ("2026-01-01 11:00:00+02:00", "Europe/Bucharest", "11:00, outside working hours"),  # NY
    ],
)
def test_each_phone_shows_the_debtors_local_time_and_working_hours(
    debtor: Counterparty, collector: User, moment: str, zone: str, expected: str
) -> None:
    debtor.time_zone = zone
    debtor.save()
    with time_machine.travel(moment, tick=False):
        html = card(collector, debtor)
    assert expected in html
    assert html.index("+40721000000") < html.index(expected)


def test_a_company_closed_day_is_outside_working_hours(
    debtor: Counterparty, collector: User
) -> None:
    debtor.company.closed_days.create(day=date(2026, 3, 10), note="Inventory")
    with time_machine.travel("2026-03-10 11:00:00+02:00", tick=False):
        assert "11:00, outside working hours" in card(collector, debtor)


def test_the_local_time_reads_in_russian(debtor: Counterparty, collector: User) -> None:
    collector.language = "ru"
    collector.save()
    with time_machine.travel("2026-03-10 11:00:00+02:00", tick=False):
        html = client_for(collector).get(
            reverse("work:debtor", args=[debtor.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        )
    assert "11:00, рабочее время" in html.content.decode()


def test_an_unknown_time_zone_shows_no_clock(debtor: Counterparty, collector: User) -> None:
    Counterparty.objects.filter(pk=debtor.pk).update(time_zone="Mars/Olympus")
    html = card(collector, debtor)
    assert "working hours" not in html


# --- remembered timeline filter ------------------------------------------------------------


def test_the_timeline_filter_is_remembered_per_user(
    debtor: Counterparty, collector: User, supervisor: User, frozen: None
) -> None:
    services.add_note(collector, debtor, "Only notes please")
    pay(debtor, date(2026, 3, 1), "10.00")
    html = card(collector, debtor, "?timeline=notes")
    assert "Payment received" not in section(html, "timeline-entries")
    # next time, without asking, the card opens with the same filter
    again = section(card(collector, debtor), "timeline-entries")
    assert "Only notes please" in again and "Payment received" not in again
    assert CardPreference.objects.get(user=collector).timeline_filter == "notes"
    # someone else's card is not affected
    assert "Payment received" in section(card(supervisor, debtor), "timeline-entries")
    # "All" is a choice too, and an unknown filter means all
    assert "Payment received" in section(card(collector, debtor, "?timeline="), "timeline-entries")
    assert "Payment received" in section(card(collector, debtor), "timeline-entries")
    card(collector, debtor, "?timeline=payments")
    only = section(card(collector, debtor), "timeline-entries")
    assert "Payment received" in only and "Only notes please" not in only
    card(collector, debtor, "?timeline=nonsense")
    assert CardPreference.objects.get(user=collector).timeline_filter == ""


def test_someone_who_may_not_see_the_debtor_leaves_no_preference(
    debtor: Counterparty, outsider: User
) -> None:
    url = reverse("work:debtor", args=[debtor.pk]) + "?timeline=notes"
    assert client_for(outsider).get(url).status_code == 404
    assert not CardPreference.objects.exists()


def test_many_payments_and_notes_do_not_mean_more_queries(
    debtor: Counterparty,
    collector: User,
    make_document: Callable[..., Document],
    django_assert_max_num_queries: Any,
    frozen: None,
) -> None:
    for n in range(12):
        make_document(debtor, "10.00", due_date=date(2026, 1, 1 + n))
    for day in range(1, 29):
        pay(debtor, date(2026, 2, day), "7.00")
    for n in range(6):
        services.add_note(collector, debtor, f"note {n}", pinned=n % 2 == 0)
    # the card's bound in test_views_worklist (34) plus the notes on the timeline (1)
    client = client_for(collector)
    with django_assert_max_num_queries(35):
        html = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert html.count('class="note-entry"') == 6


def test_a_note_and_its_timeline_entry_are_written_together_or_not_at_all(
    debtor: Counterparty, collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("timeline down")

    monkeypatch.setattr(services, "_timeline", broken)
    with pytest.raises(RuntimeError):
        services.add_note(collector, debtor, "Lost?")
    assert not Note.objects.exists()


def test_the_note_service_refuses_someone_who_does_not_see_the_debtor(
    debtor: Counterparty, outsider: User
) -> None:
    with pytest.raises(WorkError):
        services.add_note(outsider, debtor, "Not mine")
    assert not Note.objects.exists()


def test_a_cancelled_payment_is_listed_but_is_not_the_last_payment(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    pay(debtor, date(2026, 2, 10), "100.00")
    later = pay(debtor, date(2026, 3, 1), "50.00")
    type(later).objects.filter(pk=later.pk).update(cancelled=True)
    assert selectors.payment_history(debtor).last_paid_on == date(2026, 2, 10)
    assert "cancelled in accounting" in section(card(collector, debtor), "payment-history")


# --- open documents ----------------------------------------------------------------------


def test_the_open_documents_table_reads_each_documents_facts(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    frozen: None,
) -> None:
    from dunwell.ladder import services as ladder

    cp = make_counterparty(collector=collector)
    old = make_document(
        cp, "1234.50", due_date=date(2025, 12, 1), accepted=True, accepted_on=date(2025, 11, 3)
    )
    make_document(cp, "70.00", due_date=date(2026, 2, 20), number="A<&>B", currency="EUR")
    make_document(cp, "5.00", due_date=date(2026, 4, 1), kind="act")
    ladder.register_dispute(
        counterparty=cp, reason="quality", amount=Decimal("100"), user=None, documents=[old]
    )

    def rows(language: str) -> list[list[str]]:
        User.objects.filter(pk=collector.pk).update(language=language)
        table = section(card(collector, cp), "open-documents")
        body = table[table.index("<tbody>") :]
        return [
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]

    assert rows("en") == [
        [
            "Invoice INV-1",
            "05.01.2026",
            "01.12.2025",
            "99",
            "1,234.50\xa0RON",
            "accepted 03.11.2025",
            "disputed",
        ],
        [
            "Invoice A&lt;&amp;&gt;B",
            "05.01.2026",
            "20.02.2026",
            "18",
            "70.00\xa0EUR",
            "not confirmed",
            "",
        ],
        [
            "Act of services INV-3",
            "05.01.2026",
            "01.04.2026",
            "—",
            "5.00\xa0RON",
            "not confirmed",
            "",
        ],
    ]
    table = section(card(collector, cp), "open-documents")
    assert '<span class="badge bad">99</span>' in table  # over 60 days
    assert '<span class="badge warn">18</span>' in table
    assert rows("ru") == [
        [
            "Счёт INV-1",
            "05.01.2026",
            "01.12.2025",
            "99",
            "1\xa0234,50\xa0RON",
            "принята 03.11.2025",
            "оспаривается",
        ],
        [
            "Счёт A&lt;&amp;&gt;B",
            "05.01.2026",
            "20.02.2026",
            "18",
            "70,00\xa0EUR",
            "не подтверждена",
            "",
        ],
        [
            "Акт оказанных услуг INV-3",
            "05.01.2026",
            "01.04.2026",
            "—",
            "5,00\xa0RON",
            "не подтверждена",
            "",
        ],
    ]


def test_the_notifications_link_counts_the_readers_unread_ones_only(
    debtor: Counterparty, collector: User, teammate: User
) -> None:
    from django.utils import timezone

    from dunwell.work.models import Notification

    def badge(user: User) -> str | None:
        found = re.search(
            r'id="notifications-link">[^<]*(?:<span class="badge bad">(\d+))?', card(user, debtor)
        )
        assert found is not None
        return found.group(1)

    now = timezone.now()
    for n, (user, read) in enumerate(
        [(collector, None), (collector, None), (collector, now), (teammate, None)]
    ):
        Notification.objects.create(
            recipient=user, kind="other", message=f"m{n}", created_at=now, read_at=read
        )
    assert badge(collector) == "2"
    Notification.objects.filter(recipient=collector).update(read_at=now)
    assert badge(collector) is None


def test_the_timeline_reads_each_entrys_time_author_kind_text_and_links(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils.timezone import localtime

    at = datetime(2026, 3, 9, 16, 5, tzinfo=ZoneInfo("UTC"))
    TimelineEntry.objects.create(
        counterparty=debtor,
        at=at,
        kind="correspondence.sent",
        summary="Letter <sent> & filed",
        data={
            "url": "/letters/7/",
            "attachments": [{"url": "/files/1/", "name": "Act <1>.pdf"}],
        },
    )
    TimelineEntry.objects.create(
        counterparty=debtor,
        at=at.replace(hour=10),
        actor=collector,
        kind="work.call",
        summary="Called the accountant",
        data={"recording_deleted": True},
    )

    def entries(language: str) -> list[list[str]]:
        User.objects.filter(pk=collector.pk).update(language=language)
        html = card(collector, debtor)
        body = html[
            html.index('id="timeline-entries"') : html.index(
                "</table>", html.index('id="timeline-entries"')
            )
        ]
        return [
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        ]

    letter, call = entries("en")[:2]
    # the time in the active time zone, as every time on the page
    assert letter[0] == f"<small>{localtime(at):%d.%m.%Y %H:%M}</small>"
    assert letter[1] == "Dunwell"
    assert letter[3] == (
        'Letter &lt;sent&gt; &amp; filed <a href="/letters/7/">Open</a>'
        ' · <a href="/files/1/">Act &lt;1&gt;.pdf</a>\n'
    )
    assert call[1] == str(collector)
    assert (
        call[3]
        == "Called the accountant <small>(recording deleted after the retention period)</small>\n"
    )
    letter_ru, call_ru = entries("ru")[:2]
    assert '<a href="/letters/7/">Открыть</a>' in letter_ru[3]
    assert "(запись удалена по истечении срока хранения)" in call_ru[3]


def test_a_payment_row_reads_its_documents_and_its_credit_in_russian(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    # 1,500 + 700 open; 2,500 paid: both documents closed, 300 left as credit
    payment = pay(debtor, date(2026, 3, 2), "2500.00")
    Payment.objects.filter(pk=payment.pk).update(number="ПП <7>")
    User.objects.filter(pk=collector.pk).update(language="ru")
    table = section(card(collector, debtor), "payment-history")
    row = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :], re.S)[0]
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[:3] == ["02.03.2026", "ПП &lt;7&gt;", "2\xa0500,00\xa0RON"]
    paid = re.findall(r"<li>(.*?)</li>", row)
    assert [re.sub(r"<[^>]+>", "", li) for li in paid] == [
        "Счёт INV-1 (срок 04.02.2026): 1\xa0500,00\xa0RON",
        "Счёт INV-2 (срок 04.04.2026): 700,00\xa0RON",
        "Не разнесено (аванс): 300,00\xa0RON",
    ]


# --- where the debtor stands on the pressure scale ------------------------------------------


def test_the_current_step_says_when_it_fires_not_its_order_number(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    """The card read "Current step: 70. Stop shipments" (ru "Текущий шаг: 70. Остановить
    отгрузки"): 70 is the step's place in the policy (10, 20 …), which tells a collector
    nothing. It now says when the step fires, as the policies page does."""
    from dunwell.ladder.engine import run

    run(date(2026, 3, 10))
    collector.language = "en"
    collector.save()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section_of(card(collector, debtor))))
    assert "Current step: Stop shipments · 10 days after the due date" in text, text
    collector.language = "ru"
    collector.save()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section_of(card(collector, debtor))))
    assert "Текущий шаг: Остановить отгрузки · 10 дней после срока оплаты" in text, text


def section_of(html: str) -> str:
    start = html.index('id="ladder-state"')
    return html[start : html.index("</article>", start)]
