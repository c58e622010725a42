"""The committee's pages: what each reader reads, and who may open and do what (the owner —
the sales manager who filed —, a teammate, an outsider, the chair, a member)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from dunwell.accounts.models import Role, User
from dunwell.credit import committee
from dunwell.credit.models import CommitteeMeeting, CreditLimit, LimitRequest, Negotiation
from dunwell.ledger.models import Allocation, Counterparty, Payment

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty], sales: User) -> Counterparty:
    return make_counterparty(sales_manager=sales, name="Owner Customer SRL")


@pytest.fixture
def sales_teammate(make_user: Callable[..., User]) -> User:
    return make_user("tina", Role.SALES)


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE)


@pytest.fixture
def meeting(director: User, member: User) -> CommitteeMeeting:
    return committee.plan_meeting(director, day=date(2026, 3, 20), chair=director, members=[member])


@pytest.fixture
def request_(cp: Counterparty, sales: User, director: User, meeting: CommitteeMeeting) -> Any:
    filed = committee.file_limit_request(
        sales,
        cp,
        kind="new_limit",
        currency="RON",
        requested_limit=Decimal("9000"),
        requested_term_days=30,
        justification="Seasonal orders",
    )
    committee.put_on_agenda(director, meeting, [filed.pk])
    filed.refresh_from_db()
    return filed


def test_a_sales_manager_files_a_request_from_the_form(cp: Counterparty, sales: User) -> None:
    client = client_for(sales)
    url = reverse("credit:request_new") + f"?counterparty={cp.pk}"
    assert "Ask the credit committee: Owner Customer SRL" in client.get(url).content.decode()
    page = client.post(
        url,
        {
            "counterparty_id": cp.pk,
            "kind": "new_limit",
            "requested_limit": "12000.00",
            "currency": "ron",
            "requested_term_days": "45",
            "justification": "Opens two shops",
        },
        follow=True,
    )
    filed = LimitRequest.objects.get()
    assert (filed.requested_limit, filed.currency) == (Decimal("12000.00"), "RON")
    assert "The request is filed for the credit committee." in page.content.decode()


def test_the_form_names_the_missing_justification(cp: Counterparty, sales: User) -> None:
    page = client_for(sales).post(
        reverse("credit:request_new") + f"?counterparty={cp.pk}",
        {"kind": "new_limit", "requested_limit": "100", "currency": "RON", "justification": ""},
    )
    assert page.status_code == 422
    assert "This field is required." in page.content.decode()
    assert not LimitRequest.objects.exists()


def test_filing_for_a_customer_one_does_not_see_is_refused(
    cp: Counterparty, sales_teammate: User, collector: User
) -> None:
    url = reverse("credit:request_new") + f"?counterparty={cp.pk}"
    assert client_for(sales_teammate).get(url).status_code == 404
    cp.collector = collector
    cp.save(update_fields=["collector"])
    assert client_for(collector).get(url).status_code == 403


def test_the_request_page_shows_the_customers_file_to_the_owner_only(
    request_: Any, sales: User, sales_teammate: User, outsider: User, member: User
) -> None:
    url = reverse("credit:request", args=[request_.pk])
    text = client_for(sales).get(url).content.decode()
    assert "The customer&#x27;s file" in text or "The customer's file" in text
    assert "Average days late" in text and "Limit history" in text
    assert client_for(member).get(url).status_code == 200  # sits on the meeting
    for user in (sales_teammate, outsider):
        assert client_for(user).get(url).status_code == 404


def _paid(cp: Counterparty, doc: Any, on: date) -> None:
    payment = Payment.objects.create(
        company=cp.company,
        counterparty=cp,
        external_id=f"P-{doc.pk}",
        date=on,
        amount=doc.amount,
        currency=doc.currency,
        unallocated=0,
    )
    Allocation.objects.create(
        payment=payment, document=doc, counterparty=cp, amount=doc.amount, paid_on=on
    )
    type(doc).objects.filter(pk=doc.pk).update(open_amount=0)


@time_machine.travel("2026-03-20 12:00", tick=False)
@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        (
            "ro",
            "<strong>plătește mai prost</strong> (întârziere medie, zile: 25,0 în ultimele "
            "3 luni, 2,5 în cele 3 dinainte)",
        ),
        (
            "ru",
            "<strong>платит хуже</strong> (средняя просрочка, дней: 25,0 за последние 3 месяца, "
            "2,5 за 3 предыдущих)",
        ),
        (
            "uk",
            "<strong>платить гірше</strong> (середнє прострочення, днів: 25,0 за останні "
            "3 місяці, 2,5 за 3 попередні)",
        ),
    ],
)
def test_the_trend_gives_the_average_days_late_under_a_days_heading(
    request_: Any,
    cp: Counterparty,
    sales: User,
    make_document: Callable[..., Any],
    language: str,
    phrase: str,
) -> None:
    # A fractional average takes no day word of its own ("2,5 zile", "2,5 дня" are each right
    # only for some numbers): it stands under "days" as the "Average days late" line does.
    for due, paid in (
        (date(2025, 11, 1), date(2025, 11, 6)),  # the 3 months before: 5 and 0 days late
        (date(2025, 12, 10), date(2025, 12, 1)),
        (date(2026, 1, 10), date(2026, 2, 4)),  # the last 3 months: 25 days late
    ):
        _paid(cp, make_document(cp, "100.00", due_date=due), paid)
    sales.language = language
    sales.save(update_fields=["language"])
    page = client_for(sales).get(reverse("credit:request", args=[request_.pk])).content.decode()
    assert phrase in page
    assert "zile întârziere" not in page and "дн. просрочки" not in page


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("ro", ["Nescadent", "1–30 de zile", "61–90 de zile", "91–180 de zile", "180+ de zile"]),
        ("ru", ["Срок не наступил", "1–30 дней", "61–90 дней", "91–180 дней", "180+ дней"]),
    ],
)
def test_the_customers_aging_names_its_buckets_as_the_debtor_card_does(
    request_: Any, sales: User, language: str, headings: list[str]
) -> None:
    sales.language = language
    sales.save(update_fields=["language"])
    page = client_for(sales).get(reverse("credit:request", args=[request_.pk])).content.decode()
    for heading in headings:
        assert f'<th class="num">{heading}</th>' in page


def test_the_request_links_its_meeting_only_for_those_who_may_open_it(
    request_: Any, meeting: CommitteeMeeting, sales: User, member: User
) -> None:
    url = reverse("credit:request", args=[request_.pk])
    meeting_url = reverse("credit:meeting", args=[meeting.pk])
    owner = client_for(sales).get(url).content.decode()
    assert "meeting of " + date_format(meeting.day, "SHORT_DATE_FORMAT") in owner
    assert meeting_url not in owner  # the seller may not open the meeting: no dead link
    assert client_for(sales).get(meeting_url).status_code == 404
    assert f'href="{meeting_url}"' in client_for(member).get(url).content.decode()


def test_a_member_votes_and_an_outsider_cannot(
    request_: Any, member: User, sales_teammate: User
) -> None:
    url = reverse("credit:request_vote", args=[request_.pk])
    client_for(sales_teammate).post(url, {"vote": "approve"})
    assert not request_.votes.exists()
    page = client_for(member).post(url, {"vote": "approve", "comment": "ok"}, follow=True)
    assert "Your vote is recorded." in page.content.decode()
    assert request_.votes.get().vote == "approve"


def test_the_chair_decides_and_the_owner_cannot(
    request_: Any, director: User, sales: User, member: User
) -> None:
    url = reverse("credit:request_decide", args=[request_.pk])
    data = {"limit": "8000", "term_days": "30", "review_on": "2027-03-20", "conditions": ""}
    for user in (sales, member):
        page = client_for(user).post(url, data, follow=True)
        assert "Only the chair of the meeting decides." in page.content.decode()
    assert not CreditLimit.objects.exists()
    page = client_for(director).post(url, data, follow=True)
    assert "Decided: the new limit applies." in page.content.decode()
    assert CreditLimit.objects.get().source == "committee"


def test_a_decision_without_a_review_date_names_the_field(request_: Any, director: User) -> None:
    page = client_for(director).post(
        reverse("credit:request_decide", args=[request_.pk]),
        {"limit": "8000", "term_days": "30"},
        follow=True,
    )
    assert "Review on: This field is required." in page.content.decode()


def test_the_meeting_page_and_minutes_for_members_only(
    request_: Any, meeting: CommitteeMeeting, member: User, sales: User, outsider: User
) -> None:
    page = client_for(member).get(reverse("credit:meeting", args=[meeting.pk]))
    assert "Owner Customer SRL" in page.content.decode()
    pdf = client_for(member).get(reverse("credit:minutes", args=[meeting.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    docx = client_for(member).get(reverse("credit:minutes", args=[meeting.pk, "docx"]))
    assert docx.content.startswith(b"PK")
    for user in (sales, outsider):
        assert client_for(user).get(reverse("credit:meeting", args=[meeting.pk])).status_code == 404
        url = reverse("credit:minutes", args=[meeting.pk, "pdf"])
        assert client_for(user).get(url).status_code == 404


def test_a_controller_plans_a_meeting_and_fills_its_agenda(
    cp: Counterparty, sales: User, controller: User, member: User
) -> None:
    filed = committee.file_limit_request(
        sales, cp, kind="change_term", currency="RON", requested_limit=None,
        requested_term_days=60, justification="Longer term",
    )  # fmt: skip
    client = client_for(controller)
    client.post(
        reverse("credit:meeting_new"),
        {"day": "2026-04-01", "chair": controller.pk, "members": [member.pk]},
    )
    meeting = CommitteeMeeting.objects.get()
    page = client.post(
        reverse("credit:meeting_agenda", args=[meeting.pk]), {"request": [filed.pk]}, follow=True
    )
    assert "1 request put on the agenda." in page.content.decode()
    assert LimitRequest.objects.get().status == "on_agenda"


def test_a_sales_manager_may_not_plan_a_meeting(sales: User) -> None:
    assert client_for(sales).get(reverse("credit:meeting_new")).status_code == 403


def test_the_committee_page_lists_waiting_requests_for_controllers_only(
    cp: Counterparty, sales: User, controller: User, collector: User
) -> None:
    committee.file_limit_request(
        sales, cp, kind="new_limit", currency="RON", requested_limit=Decimal(1),
        requested_term_days=None, justification="x",
    )  # fmt: skip
    text = client_for(controller).get(reverse("credit:committee")).content.decode()
    assert "Requests waiting for an agenda" in text and "Owner Customer SRL" in text
    mine = client_for(sales).get(reverse("credit:committee")).content.decode()
    assert "Requests waiting for an agenda" not in mine and "Owner Customer SRL" in mine
    assert client_for(collector).get(reverse("credit:committee")).status_code == 403


def test_the_recording_plays_for_who_sees_the_request_only(
    request_: Any, sales: User, sales_teammate: User, outsider: User
) -> None:
    client_for(sales).post(
        reverse("credit:request_negotiation", args=[request_.pk]),
        {
            "agreed_term_days": "30",
            "notes": "agreed on the phone",
            "recording": SimpleUploadedFile("talk.mp3", b"ID3audio", content_type="audio/mpeg"),
        },
    )
    row = Negotiation.objects.get()
    url = reverse("credit:negotiation_recording", args=[row.pk])
    played = client_for(sales).get(url)
    assert played["Content-Type"] == "audio/mpeg"
    assert b"".join(played.streaming_content) == b"ID3audio"  # type: ignore[attr-defined]
    page = client_for(sales).get(reverse("credit:request", args=[request_.pk])).content.decode()
    assert f'<audio controls preload="none" src="{url}"' in page
    for user in (sales_teammate, outsider):
        assert client_for(user).get(url).status_code == 404


def test_a_teammate_cannot_record_a_negotiation(request_: Any, sales_teammate: User) -> None:
    response = client_for(sales_teammate).post(
        reverse("credit:request_negotiation", args=[request_.pk]), {"notes": "x"}
    )
    assert response.status_code == 404
    assert not Negotiation.objects.exists()


def test_the_customer_picker_answers_only_visible_customers(
    cp: Counterparty, sales: User, sales_teammate: User
) -> None:
    url = reverse("credit:customers") + "?q=owner cust"
    found = client_for(sales).get(url).json()["results"]
    assert [r["name"] for r in found] == ["Owner Customer SRL"]
    assert client_for(sales_teammate).get(url).json()["results"] == []
    assert Client().get(url).status_code == 302


def test_the_seller_who_asked_records_the_negotiation_of_an_order_over_the_limit(
    cp: Counterparty, sales: User, sales_teammate: User, rules: Any, limit: Any
) -> None:
    from dunwell.credit.services import check
    from dunwell.money import Money

    rules()
    limit(cp, "100")
    asked = check(cp, Money(Decimal("5000"), "RON"), "ZK-9", sales)
    approval = asked.check.approval_request
    url = reverse("credit:approval_negotiation", args=[approval.pk])
    assert client_for(sales_teammate).post(url, {"notes": "x"}).status_code == 404
    page = client_for(sales).post(
        url, {"agreed_term_days": "60", "agreed_schedule": "3 instalments"}, follow=True
    )
    text = page.content.decode()
    assert "The negotiation is recorded." in text
    assert "3 instalments" in text
    assert Negotiation.objects.get().approval_request == approval


def test_the_owner_withdraws_and_the_chair_takes_an_item_off_the_agenda(
    request_: Any, sales: User, sales_teammate: User, director: User, meeting: CommitteeMeeting
) -> None:
    client_for(director).post(reverse("credit:request_take_off", args=[request_.pk]))
    request_.refresh_from_db()
    assert (request_.status, request_.meeting) == ("filed", None)
    client_for(sales_teammate).post(reverse("credit:request_withdraw", args=[request_.pk]))
    request_.refresh_from_db()
    assert request_.status == "filed"
    page = client_for(sales).post(
        reverse("credit:request_withdraw", args=[request_.pk]), follow=True
    )
    assert "The request is withdrawn." in page.content.decode()
    request_.refresh_from_db()
    assert request_.status == "withdrawn"


def test_the_panel_offers_the_committee_to_the_seller_and_shows_its_last_decision(
    request_: Any, cp: Counterparty, sales: User, director: User, member: User
) -> None:
    url = reverse("credit:panel", args=[cp.pk])
    assert "Ask the committee" in client_for(sales).get(url).content.decode()
    committee.decide_limit_request(
        director,
        request_,
        committee.CommitteeDecision(
            limit=Decimal("7000"), term_days=21, review_on=date(2027, 3, 20)
        ),
    )
    seller = client_for(sales).get(url).content.decode()
    assert "7,000.00" in seller and "21 days" in seller
    assert reverse("credit:minutes", args=[request_.meeting_id, "pdf"]) not in seller
    chair = client_for(director).get(url).content.decode()
    assert reverse("credit:minutes", args=[request_.meeting_id, "pdf"]) in chair


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("ru", "Кредитный комитет 20.03.2026, запрос на лимит №{n}: plata la 30 de zile"),
        ("uk", "Кредитний комітет 20.03.2026, запит на ліміт №{n}: plata la 30 de zile"),
        (
            "ro",
            "Comitetul de credit din 20.03.2026, cererea de limită nr. {n}: plata la 30 de zile",
        ),
    ],
)
def test_the_limit_history_names_the_committee_in_the_readers_language(
    request_: Any, director: User, sales: User, language: str, reason: str
) -> None:
    # The limit's reason was stored as an English sentence ("Credit committee of 20.03.2026,
    # request #1: ...") and read so in every language; the chair's conditions stay as typed.
    committee.decide_limit_request(
        director,
        request_,
        committee.CommitteeDecision(
            limit=Decimal("7000"),
            term_days=30,
            review_on=date(2027, 3, 20),
            conditions="plata la 30 de zile",
        ),
    )
    sales.language = language
    sales.save(update_fields=["language"])
    page = client_for(sales).get(reverse("credit:request", args=[request_.pk])).content.decode()
    assert f">{reason.format(n=request_.pk)}</td>" in page
    assert "Credit committee of" not in page
    director.language = language
    director.save(update_fields=["language"])
    limit_page = client_for(director).get(reverse("credit:limit", args=[request_.counterparty_id]))
    assert f"<td>{reason.format(n=request_.pk)}</td>" in limit_page.content.decode()


def test_a_limit_the_committee_set_before_reads_in_the_readers_language(
    cp: Counterparty, sales: User, director: User
) -> None:
    # Rows stored before keep their English reason and are worded on display; a reason a
    # person typed that looks the same is left as it is.
    CreditLimit.objects.create(
        counterparty=cp, currency="RON", total=Decimal("5000"), valid_from=date(2026, 1, 5),
        source="committee", reason="Credit committee of 22.11.2025, request #4: cash first",
        set_at=timezone.now(),
    )  # fmt: skip
    CreditLimit.objects.create(
        counterparty=cp, currency="RON", total=Decimal("6000"), valid_from=date(2026, 2, 5),
        source="manual", reason="Credit committee of 22.11.2025, request #4",
        set_at=timezone.now(),
    )  # fmt: skip
    director.language = "ro"
    director.save(update_fields=["language"])
    page = client_for(director).get(reverse("credit:limit", args=[cp.pk])).content.decode()
    assert (
        "<td>Comitetul de credit din 22.11.2025, cererea de limită nr. 4: cash first</td>" in page
    )
    assert "<td>Credit committee of 22.11.2025, request #4</td>" in page


@pytest.mark.parametrize(
    ("language", "badge", "text"),
    [
        (
            "ru",
            "Кредитный комитет",
            "Кредитный лимит для Owner Customer SRL повышен до 7\u00a0000,00\u00a0RON, "
            "отсрочка 21 день.",
        ),
        (
            "uk",
            "Кредитний комітет",
            "Кредитний ліміт для Owner Customer SRL підвищено до 7\u00a0000,00\u00a0RON, "
            "відстрочка 21 день.",
        ),
        (
            "ro",
            "Comitetul de credit",
            "Limita de credit pentru Owner Customer SRL a fost majorată la 7.000,00\u00a0RON, "
            "termen de plată 21 de zile.",
        ),
    ],
)
def test_the_sellers_notice_says_what_the_committee_decided(
    request_: Any,
    cp: Counterparty,
    director: User,
    sales: User,
    language: str,
    badge: str,
    text: str,
) -> None:
    # The notice's label says "Credit committee": its message no longer repeats it ("Кредитный
    # комитет | Кредитный комитет принял решение о лимите ..."), it says what was decided.
    from dunwell.credit.services import set_limit

    set_limit(cp, director, currency="RON", total=Decimal("5000"), valid_from=date(2026, 1, 1),
              reason="contract")  # fmt: skip
    committee.decide_limit_request(
        director,
        request_,
        committee.CommitteeDecision(
            limit=Decimal("7000"), term_days=21, review_on=date(2027, 3, 20)
        ),
    )
    sales.language = language
    sales.save(update_fields=["language"])
    page = client_for(sales).get(reverse("work:notifications")).content.decode()
    assert f'<span class="badge">{badge}</span>' in page
    assert f">{text}</a>" in page
    assert page.count(badge) == 1


@pytest.mark.parametrize(
    ("language", "lift", "reason", "lifted"),
    [
        ("ro", "Reia livrările", "De ce se pot relua livrările", "Livrările se pot relua."),
        (
            "ru",
            "Снять стоп-отгрузку",
            "Почему отгрузки можно возобновить",
            "Отгрузки можно возобновить.",
        ),
    ],
)
def test_the_request_page_lets_the_credit_controller_lift_the_stop(
    request_: Any,
    cp: Counterparty,
    controller: User,
    sales: User,
    language: str,
    lift: str,
    reason: str,
    lifted: str,
) -> None:
    """The request page told the credit controller that 'a credit controller or the director
    lifts the stop' and gave no form: the controller has the card's form there; the sales
    manager who filed still reads who lifts it."""
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    controller.language = language
    controller.save(update_fields=["language"])
    url = reverse("credit:request", args=[request_.pk])
    client = client_for(controller)
    page = client.get(url).content.decode()
    assert "credit-who-lifts" not in page
    assert lift in page and reason in page
    form = page[page.index('class="credit-lift"') :]
    assert f'name="back" value="{url}"' in form[: form.index("</form>")]
    # Lifting it there comes back to the request, which now says there is no stop.
    done = client.post(
        reverse("credit:lift_stop", args=[cp.pk]),
        {"reason": "paid in full", "back": url},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == url
    assert lifted in done.content.decode()
    assert not Counterparty.objects.get(pk=cp.pk).stop_shipments
    # A page elsewhere is not where the form goes back to.
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    away = client.post(
        reverse("credit:lift_stop", args=[cp.pk]), {"reason": "x", "back": "https://evil.example/"}
    )
    assert away["Location"] == reverse("work:debtor", args=[cp.pk])
    Counterparty.objects.filter(pk=cp.pk).update(stop_shipments=True)
    sales.language = language
    sales.save(update_fields=["language"])
    seller = client_for(sales).get(url).content.decode()
    assert "credit-who-lifts" in seller and 'class="credit-lift"' not in seller


@time_machine.travel("2026-12-06 12:00", tick=False)
@pytest.mark.parametrize(
    ("language", "figure"),
    [
        ("ru", "<dd>136,0 <small>(1 документ с оплатой)</small></dd>"),
        ("uk", "<dd>136,0 <small>(1 документ з оплатою)</small></dd>"),
        ("en", "<dd>136.0 <small>(1 document with a payment)</small></dd>"),
    ],
)
def test_the_average_days_late_counts_a_document_paid_in_part(
    request_: Any,
    cp: Counterparty,
    sales: User,
    make_document: Callable[..., Any],
    language: str,
    figure: str,
) -> None:
    """ООО «ТоргПлюс»'s only payment paid most of УПД-14 136 days late: the file listed it
    ('paid 09.02.2026, 136 days late') and read '—' for the average, which counted only
    documents paid in full."""
    doc = make_document(cp, "1000.00", due_date=date(2025, 9, 26))
    payment = Payment.objects.create(
        company=cp.company,
        counterparty=cp,
        external_id="P-part",
        date=date(2026, 2, 9),
        amount=Decimal("800.00"),
        currency=doc.currency,
        unallocated=0,
    )
    Allocation.objects.create(
        payment=payment, document=doc, counterparty=cp, amount=Decimal("800.00"),
        paid_on=date(2026, 2, 9),
    )  # fmt: skip
    type(doc).objects.filter(pk=doc.pk).update(open_amount=Decimal("200.00"))
    sales.language = language
    sales.save(update_fields=["language"])
    page = client_for(sales).get(reverse("credit:request", args=[request_.pk])).content.decode()
    box = page[page.index('class="facts customer-file-payments"') :]
    assert figure in box[: box.index("</dl>")]
