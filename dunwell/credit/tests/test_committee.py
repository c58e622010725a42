"""The credit committee's services: requests, agenda, votes, the chair's decision applied as a
committee limit, reviews filed by the worker, the customer's file, the minutes, negotiations."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from docx import Document as open_docx

from dunwell import periodic
from dunwell.accounts.models import Role, User
from dunwell.credit import committee
from dunwell.credit.committee import CommitteeDecision
from dunwell.credit.minutes import blocks, minutes_language, render_docx, render_pdf
from dunwell.credit.models import (
    CommitteeMeeting,
    CreditLimit,
    LimitRequest,
    LimitSource,
    RequestStatus,
)
from dunwell.credit.selectors import customer_file, payment_trend
from dunwell.credit.services import CreditError, check, set_limit
from dunwell.ladder.models import Promise, PromiseStatus
from dunwell.ledger.models import Allocation, Counterparty, Payment, TimelineEntry
from dunwell.money import Money
from dunwell.outbox.models import Event
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 20, 10, 0)), tick=False):
        yield


@pytest.fixture
def cp(make_counterparty: Callable[..., Counterparty], sales: User) -> Counterparty:
    return make_counterparty(sales_manager=sales, name="Committee Customer SRL", tax_id="RO777")


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE, first_name="Fiona", last_name="Finance")


@pytest.fixture
def meeting(controller: User, director: User, member: User) -> CommitteeMeeting:
    return committee.plan_meeting(
        controller, day=TODAY, chair=director, members=[member], place="Room 2"
    )


def file(user: User, cp: Counterparty, **values: Any) -> LimitRequest:
    defaults: dict[str, Any] = {
        "kind": "new_limit",
        "currency": "RON",
        "requested_limit": Decimal("50000"),
        "requested_term_days": 45,
        "justification": "New distributor, big orders in spring.",
    }
    defaults.update(values)
    return committee.file_limit_request(user, cp, **defaults)


def decision(**values: Any) -> CommitteeDecision:
    defaults: dict[str, Any] = {
        "limit": Decimal("40000"),
        "term_days": 30,
        "review_on": date(2026, 9, 20),
        "conditions": "personal guarantee of the owner",
    }
    defaults.update(values)
    return CommitteeDecision(**defaults)


def test_a_sales_manager_files_a_request_on_the_timeline(cp: Counterparty, sales: User) -> None:
    request = file(sales, cp)
    assert request.status == RequestStatus.FILED
    entry = TimelineEntry.objects.get(kind="credit.limit_requested")
    assert entry.counterparty_id == cp.pk


def test_a_request_needs_a_justification_and_a_limit(cp: Counterparty, sales: User) -> None:
    with pytest.raises(CreditError) as error:
        file(sales, cp, justification="  ")
    assert error.value.field == "justification"
    with pytest.raises(CreditError) as error:
        file(sales, cp, requested_limit=None)
    assert error.value.field == "requested_limit"
    assert not LimitRequest.objects.exists()


def test_a_customer_has_one_open_request(cp: Counterparty, sales: User) -> None:
    file(sales, cp)
    with pytest.raises(CreditError, match="already has an open limit request"):
        file(sales, cp)


def test_a_collector_or_a_stranger_may_not_file(
    cp: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    other_sales = make_user("olga", Role.SALES)
    for user in (collector, other_sales):
        with pytest.raises(CreditError):
            file(user, cp)


@pytest.mark.usefixtures("subscriber")
def test_round_trip_votes_decision_limit_event_and_the_new_check_answer(
    cp: Counterparty,
    sales: User,
    director: User,
    member: User,
    meeting: CommitteeMeeting,
    rules: Callable[..., Any],
    limit: Callable[..., Any],
    make_document: Callable[..., Any],
) -> None:
    rules()
    limit(cp, "1000")
    make_document(cp, "3000.00", due_date=TODAY + timedelta(days=10))
    before = check(cp, Money(Decimal("500"), "RON"), "Z-1", sales, on=TODAY)
    assert before.decision == "needs_approval"

    request = file(sales, cp, kind="change_limit")
    assert committee.put_on_agenda(director, meeting, [request.pk]) == 1
    request.refresh_from_db()
    committee.cast_vote(member, request, "approve", "pays on time")
    committee.cast_vote(director, request, "abstain")
    committee.cast_vote(member, request, "reject", "changed my mind")  # replaces the first
    assert [v.vote for v in request.votes.order_by("member__username")] == ["abstain", "reject"]

    applied = committee.decide_limit_request(director, request, decision())
    assert (applied.total, applied.source, applied.term_days) == (
        Decimal("40000.00"),
        LimitSource.COMMITTEE,
        30,
    )
    assert applied.review_on == date(2026, 9, 20)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED
    assert request.applied_limit == applied
    assert TimelineEntry.objects.filter(kind="credit.committee_decided", counterparty=cp).exists()
    # The seller who filed hears of it under the committee's name, not "Approval waiting".
    told = Notification.objects.get(recipient=sales, kind="credit_committee")
    with translation.override("ru"):
        assert told.get_kind_display() == "Кредитный комитет"
    event = Event.objects.get(kind="credit.decided")
    assert event.data["subject"] == "limit_request"
    assert event.data["limit"] == "40000.00"

    after = check(cp, Money(Decimal("500"), "RON"), "Z-2", sales, on=TODAY)
    assert after.decision == "allow"


def test_only_members_vote_and_only_the_chair_decides(
    cp: Counterparty,
    sales: User,
    director: User,
    controller: User,
    meeting: CommitteeMeeting,
) -> None:
    request = file(sales, cp)
    committee.put_on_agenda(controller, meeting, [request.pk])
    request.refresh_from_db()
    with pytest.raises(CreditError, match="Only the members"):
        committee.cast_vote(sales, request, "approve")
    with pytest.raises(CreditError, match="Only the chair"):
        committee.decide_limit_request(controller, request, decision())
    assert not CreditLimit.objects.exists()


def test_the_review_date_is_required_after_the_meeting(
    cp: Counterparty, sales: User, director: User, meeting: CommitteeMeeting
) -> None:
    request = file(sales, cp)
    committee.put_on_agenda(director, meeting, [request.pk])
    request.refresh_from_db()
    with pytest.raises(CreditError) as error:
        committee.decide_limit_request(director, request, decision(review_on=TODAY))
    assert error.value.field == "review_on"
    committee.decide_limit_request(director, request, decision())
    with pytest.raises(CreditError, match="already decided|not on an agenda"):
        committee.decide_limit_request(director, request, decision())
    assert CreditLimit.objects.count() == 1


def test_closing_the_meeting_sends_undecided_items_back(
    cp: Counterparty,
    sales: User,
    director: User,
    meeting: CommitteeMeeting,
    make_counterparty: Callable[..., Counterparty],
) -> None:
    other = make_counterparty(sales_manager=sales)
    first, second = file(sales, cp), file(sales, other)
    committee.put_on_agenda(director, meeting, [first.pk, second.pk])
    first.refresh_from_db()
    committee.decide_limit_request(director, first, decision())
    assert committee.close_meeting(director, meeting) == 1
    second.refresh_from_db()
    assert (second.status, second.meeting) == (RequestStatus.FILED, None)
    with pytest.raises(CreditError, match="closed"):
        committee.put_on_agenda(director, meeting, [second.pk])


def test_the_worker_files_a_review_once_when_the_review_date_comes(
    cp: Counterparty, director: User
) -> None:
    set_limit(
        cp,
        director,
        currency="RON",
        total=Decimal("20000"),
        valid_from=date(2025, 3, 1),
        reason="last year",
        review_on=date(2026, 3, 20),
        term_days=30,
    )
    assert committee.file_due_reviews(date(2026, 3, 19)) == 0
    assert committee.file_due_reviews(TODAY) == 1
    assert committee.file_due_reviews(TODAY) == 0  # idempotent
    review = LimitRequest.objects.get()
    assert (review.kind, review.requested_limit, review.requested_term_days) == (
        "review",
        Decimal("20000.00"),
        30,
    )
    assert review.filed_by is None
    # withdrawn, it does not come back for the same limit
    committee.withdraw_limit_request(director, review)
    assert committee.file_due_reviews(TODAY + timedelta(days=5)) == 0
    assert "credit.file_due_reviews" in periodic.JOBS


def test_no_review_while_another_request_is_open_or_a_later_limit_applies(
    cp: Counterparty, sales: User, director: User
) -> None:
    set_limit(
        cp, director, currency="RON", total=Decimal("1"), valid_from=date(2025, 1, 1),
        reason="old", review_on=date(2026, 1, 1),
    )  # fmt: skip
    file(sales, cp)
    assert committee.file_due_reviews(TODAY) == 0
    LimitRequest.objects.update(status=RequestStatus.WITHDRAWN)
    set_limit(
        cp, director, currency="RON", total=Decimal("2"), valid_from=date(2026, 2, 1),
        reason="newer", review_on=date(2027, 1, 1),
    )  # fmt: skip
    assert committee.file_due_reviews(TODAY) == 0


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


def test_the_trend_compares_the_last_three_months_with_the_three_before(
    cp: Counterparty, make_document: Callable[..., Any]
) -> None:
    # before (Sep 20 – Dec 20): 20 days late; recent (Dec 20 – Mar 20): 5 and 0 (early) days
    old = make_document(cp, "100.00", due_date=date(2025, 11, 1))
    _paid(cp, old, date(2025, 11, 21))
    recent = make_document(cp, "100.00", due_date=date(2026, 2, 1))
    _paid(cp, recent, date(2026, 2, 6))
    early = make_document(cp, "100.00", due_date=date(2026, 3, 10))
    _paid(cp, early, date(2026, 3, 1))
    trend = payment_trend(cp, TODAY)
    assert (trend.recent, trend.before) == (Decimal("2.5"), Decimal("20.0"))
    assert trend.direction == "better"


def test_the_customer_file_counts_promises_and_shows_the_limit_history(
    cp: Counterparty, director: User, limit: Callable[..., Any], rules: Callable[..., Any]
) -> None:
    rules()
    limit(cp, "1000")
    for status in (PromiseStatus.KEPT, PromiseStatus.BROKEN, PromiseStatus.BROKEN):
        Promise.objects.create(
            counterparty=cp,
            amount=Decimal("10"),
            currency="RON",
            promised_date=TODAY,
            recorded_at=timezone.now(),
            status=status,
        )
    facts = customer_file(cp, TODAY)
    assert (facts.promises_kept, facts.promises_broken) == (1, 2)
    assert [row.total for row in facts.limits] == [Decimal("1000.00")]
    assert facts.panel.limit is not None


def test_the_minutes_name_members_votes_and_the_decision_in_the_companys_language(
    cp: Counterparty, sales: User, director: User, member: User, meeting: CommitteeMeeting
) -> None:
    cp.company.country = "RU"
    cp.company.save(update_fields=["country"])
    request = file(sales, cp)
    committee.put_on_agenda(director, meeting, [request.pk])
    request.refresh_from_db()
    committee.cast_vote(member, request, "approve", "good payer")
    committee.decide_limit_request(director, request, decision())
    meeting.refresh_from_db()
    docx = open_docx(io.BytesIO(render_docx(meeting)))
    text = "\n".join(p.text for p in docx.paragraphs)
    cells = " ".join(c.text for t in docx.tables for row in t.rows for c in row.cells)
    assert "ПРОТОКОЛ КРЕДИТНОГО КОМИТЕТА" in text
    assert "Fiona Finance" in text
    assert "Committee Customer SRL" in text
    assert "кредитный лимит 40\u00a0000,00\u00a0RON" in text
    assert "30 дней" in text
    assert "good payer" in cells
    assert render_pdf(meeting).startswith(b"%PDF")
    kinds = [b["kind"] for b in blocks(meeting)]
    assert kinds[0] == "title" and "table" in kinds


def test_the_docx_minutes_write_the_votes_in_the_minutes_language_not_the_readers(
    cp: Counterparty, sales: User, director: User, member: User, meeting: CommitteeMeeting
) -> None:
    """A Russian-speaking member downloads the minutes of a Romanian company: "pentru", not
    "за", in the votes table (the PDF already was right)."""
    request = file(sales, cp)
    committee.put_on_agenda(director, meeting, [request.pk])
    request.refresh_from_db()
    committee.cast_vote(member, request, "approve", "good payer")
    meeting.refresh_from_db()
    assert minutes_language(meeting) == "ro"
    with translation.override("ru"):
        docx = open_docx(io.BytesIO(render_docx(meeting)))
    votes = [[c.text for c in row.cells] for t in docx.tables for row in t.rows]
    assert votes[0] == ["Membru", "Vot", "Comentariu"]
    assert votes[1][1:] == ["pentru", "good payer"]


def test_the_minutes_follow_the_companys_country_and_else_the_chair(
    cp: Counterparty, sales: User, director: User, meeting: CommitteeMeeting
) -> None:
    committee.put_on_agenda(director, meeting, [file(sales, cp).pk])
    meeting.refresh_from_db()
    director.language = "ru"
    director.save(update_fields=["language"])
    assert minutes_language(meeting) == "ro"  # the company is in Romania
    cp.company.country = "DE"
    cp.company.save(update_fields=["country"])
    assert minutes_language(meeting) == "ru"  # no German: the chair's language
    text = "\n".join(p.text for p in open_docx(io.BytesIO(render_docx(meeting))).paragraphs)
    assert "ПРОТОКОЛ КРЕДИТНОГО КОМИТЕТА" in text


def test_a_negotiation_keeps_terms_and_an_audio_recording(
    cp: Counterparty, sales: User, collector: User
) -> None:
    request = file(sales, cp)
    audio = SimpleUploadedFile("call.mp3", b"ID3fake", content_type="audio/mpeg")
    row = committee.record_negotiation(
        sales,
        limit_request=request,
        agreed_term_days=45,
        agreed_schedule="50% on delivery, 50% in 45 days",
        notes="",
        recording=audio,
    )
    assert (row.recording.name or "").endswith(".mp3")
    assert row.counterparty_id == cp.pk
    with pytest.raises(CreditError) as error:
        committee.record_negotiation(
            sales,
            limit_request=request,
            agreed_term_days=None,
            agreed_schedule="",
            notes="x",
            recording=SimpleUploadedFile("evil.exe", b"MZ"),
        )
    assert error.value.field == "recording"
    with pytest.raises(CreditError):
        committee.record_negotiation(
            collector, limit_request=request, agreed_term_days=1, agreed_schedule="", notes="x"
        )


def test_the_worker_looks_for_due_reviews_once_an_hour(
    cp: Counterparty, director: User, django_assert_num_queries: Any
) -> None:
    set_limit(
        cp, director, currency="RON", total=Decimal("1"), valid_from=date(2025, 1, 1),
        reason="old", review_on=date(2026, 1, 1),
    )  # fmt: skip
    committee._last_review_run.clear()
    assert committee.file_due_reviews_periodically() == 1
    with django_assert_num_queries(0):
        assert committee.file_due_reviews_periodically() == 0
    committee._last_review_run.clear()


@pytest.mark.parametrize(
    ("before", "decided", "message"),
    [
        (None, "40000", "Credit limit for Committee Customer SRL set at 40,000.00\u00a0RON"),
        ("50000", "40000", "Credit limit for Committee Customer SRL lowered to 40,000.00\u00a0RON"),
        ("40000", "40000", "Credit limit for Committee Customer SRL kept at 40,000.00\u00a0RON"),
        ("1000", "40000", "Credit limit for Committee Customer SRL raised to 40,000.00\u00a0RON"),
    ],
)
def test_the_seller_reads_what_the_committee_did_to_the_limit(
    cp: Counterparty,
    sales: User,
    director: User,
    meeting: CommitteeMeeting,
    limit: Callable[..., Any],
    before: str | None,
    decided: str,
    message: str,
) -> None:
    if before is not None:
        limit(cp, before)
    request = file(sales, cp)
    committee.put_on_agenda(director, meeting, [request.pk])
    request.refresh_from_db()
    committee.decide_limit_request(director, request, decision(limit=Decimal(decided)))
    told = Notification.objects.get(recipient=sales, kind="credit_committee")
    assert told.texts["en"] == f"{message}, payment term 30 days."
    assert "комитет" not in told.texts["ru"]


RU = "Кредитный лимит для Committee Customer SRL "
UK = "Кредитний ліміт для Committee Customer SRL "


@pytest.mark.parametrize(
    ("before", "language", "message"),
    [
        (None, "ru", RU + "установлен в размере 40\u00a0000,00\u00a0RON, отсрочка 30 дней."),
        ("40000", "ru", RU + "сохранён на уровне 40\u00a0000,00\u00a0RON, отсрочка 30 дней."),
        (None, "uk", UK + "встановлено в розмірі 40\u00a0000,00\u00a0RON, відстрочка 30 днів."),
        ("40000", "uk", UK + "залишено на рівні 40\u00a0000,00\u00a0RON, відстрочка 30 днів."),
    ],
    ids=["ru-set", "ru-kept", "uk-set", "uk-kept"],
)
def test_a_set_or_kept_limit_reads_as_a_credit_controller_says_it(
    cp: Counterparty,
    sales: User,
    director: User,
    meeting: CommitteeMeeting,
    limit: Callable[..., Any],
    before: str | None,
    language: str,
    message: str,
) -> None:
    # "установлен в размере" / "сохранён на уровне", not "установлен: 40 000,00 RON" or
    # "оставлен прежним: ...", a colon where the sentence should go on.
    if before is not None:
        limit(cp, before)
    request = file(sales, cp)
    committee.put_on_agenda(director, meeting, [request.pk])
    request.refresh_from_db()
    committee.decide_limit_request(director, request, decision(limit=Decimal("40000")))
    told = Notification.objects.get(recipient=sales, kind="credit_committee")
    assert told.texts[language] == message
