"""The paper-letter register: pages per role, scans, the legal deadline from a delivery date,
the registered-mail export."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dunwell.accounts.models import Role
from dunwell.correspondence.models import Direction, PaperLetter
from dunwell.correspondence.services import register_letter
from dunwell.ledger.models import TimelineEntry
from dunwell.legal.models import CaseStage
from dunwell.legal.services import open_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def debtor(make_counterparty, collector, make_document):
    cp = make_counterparty(
        name="Letter Buyer SRL", collector=collector, address="Str. Lunga 5, Cluj-Napoca"
    )
    make_document(cp, "500.00")
    return cp


@pytest.fixture
def case(debtor, director):
    return open_case(debtor, director)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def letter(debtor, **extra):
    fields = {
        "company": debtor.company,
        "counterparty": debtor,
        "direction": Direction.OUTGOING,
        "on": date(2026, 3, 2),
        "party": "Letter Buyer SRL, director",
        "subject": "Pretension",
        "by": None,
    }
    fields.update(extra)
    return register_letter(**fields)


def form_data(**extra):
    data = {
        "direction": "in",
        "date": "2026-03-02",
        "their_number": "17/2026",
        "party": "Letter Buyer SRL",
        "subject": "Reply to our pretension",
        "legal_case": "",
        "tracking_number": "",
        "delivered_on": "",
    }
    data.update(extra)
    return data


def test_the_collector_registers_an_incoming_letter_with_its_scan(debtor, collector):
    url = reverse("correspondence:letter_new", args=[debtor.pk])
    data = form_data(scan=SimpleUploadedFile("reply.pdf", PDF, "application/pdf"))
    response = login(collector).post(url, data)
    assert response.status_code == 302
    saved = PaperLetter.objects.get()
    assert (saved.our_number, saved.direction, saved.their_number) == (
        "IN-2026-0001",
        "in",
        "17/2026",
    )
    assert saved.scan.read() == PDF
    assert saved.registered_by == collector
    assert TimelineEntry.objects.filter(
        counterparty=debtor, kind="correspondence.letter_registered"
    ).exists()
    scan = login(collector).get(reverse("correspondence:scan", args=[saved.pk]))
    assert scan.status_code == 200 and scan.getvalue() == PDF
    page = login(collector).get(reverse("correspondence:debtor", args=[debtor.pk]))
    assert "IN-2026-0001" in page.content.decode()


def test_a_jpeg_scan_is_accepted(debtor, collector):
    url = reverse("correspondence:letter_new", args=[debtor.pk])
    data = form_data(scan=SimpleUploadedFile("reply.jpg", JPEG, "image/jpeg"))
    assert login(collector).post(url, data).status_code == 302
    assert str(PaperLetter.objects.get().scan.name).endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("scan.png", PNG, "A scan must be a PDF or a JPEG image."),
        ("scan.pdf", JPEG, "does not match its content"),
        ("scan.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_scan_that_is_not_a_pdf_or_a_jpeg_is_refused(debtor, collector, name, content, error):
    url = reverse("correspondence:letter_new", args=[debtor.pk])
    data = form_data(scan=SimpleUploadedFile(name, content, "application/pdf"))
    response = login(collector).post(url, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not PaperLetter.objects.exists()


def test_a_missing_subject_is_named(debtor, collector):
    url = reverse("correspondence:letter_new", args=[debtor.pk])
    response = login(collector).post(url, form_data(subject=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not PaperLetter.objects.exists()


def test_teammate_and_outsider_reach_none_of_the_debtors_letters(debtor, teammate, outsider):
    saved = letter(debtor)
    for user in (teammate, outsider):
        client = login(user)
        for url in (
            reverse("correspondence:letter_new", args=[debtor.pk]),
            reverse("correspondence:letter", args=[saved.pk]),
            reverse("correspondence:scan", args=[saved.pk]),
            reverse("correspondence:debtor", args=[debtor.pk]),
        ):
            assert client.get(url).status_code == 404
            assert client.post(url, form_data()).status_code == 404
        listing = client.get(reverse("correspondence:letters")).content.decode()
        assert saved.our_number not in listing
    assert PaperLetter.objects.count() == 1


def test_the_list_filters_by_direction_and_text(debtor, collector, supervisor):
    letter(debtor, subject="Pretension about INV-1")
    letter(debtor, direction=Direction.INCOMING, subject="Their answer")
    client = login(supervisor)
    page = client.get(reverse("correspondence:letters"), {"direction": "in"}).content.decode()
    assert "Their answer" in page and "Pretension about INV-1" not in page
    page = client.get(reverse("correspondence:letters"), {"q": "INV-1"}).content.decode()
    assert "Their answer" not in page and "Pretension about INV-1" in page


def test_the_debtor_card_links_to_its_correspondence(debtor, collector):
    page = login(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert reverse("correspondence:debtor", args=[debtor.pk]) in page


def test_a_delivered_pretension_sets_the_cases_response_deadline(debtor, director, case):
    saved = letter(debtor, legal_case_id=case.pk, tracking_number="RR123456789RO")
    url = reverse("correspondence:letter", args=[saved.pk])
    data = form_data(
        date="2026-03-02",
        party="Letter Buyer SRL",
        subject="Pretension",
        legal_case=str(case.pk),
        tracking_number="RR123456789RO",
        delivered_on="2026-03-10",
    )
    data.pop("direction")
    response = login(director).post(url, data)
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    # The period counts from delivery, not from the letter's date (docs/mail.md).
    assert case.pretension_sent_on == date(2026, 3, 10)
    assert case.response_due == date(2026, 4, 9)
    assert case.stage == CaseStage.AWAITING_RESPONSE
    saved.refresh_from_db()
    assert saved.delivered_on == date(2026, 3, 10)


def test_registering_a_delivered_pretension_at_once_sets_the_deadline(debtor, director, case):
    letter(debtor, legal_case_id=case.pk, delivered_on=date(2026, 3, 5), by=director)
    case.refresh_from_db()
    # 30 days end on Saturday 04.04.2026: the period runs to Monday (docs/legal.md)
    assert case.response_due == date(2026, 4, 6)


def test_a_pretension_already_recorded_on_the_case_is_left_as_it_was(debtor, director, case):
    from dunwell.legal.services import record_pretension_sent

    record_pretension_sent(case, director, sent_on=date(2026, 3, 1), channel="post")
    letter(debtor, legal_case_id=case.pk, delivered_on=date(2026, 3, 5), by=director)
    case.refresh_from_db()
    assert case.response_due == date(2026, 3, 31)


def test_a_collector_cannot_record_a_pretensions_delivery_and_nothing_changes(
    debtor, collector, case
):
    saved = letter(debtor, legal_case_id=case.pk)
    data = form_data(legal_case=str(case.pk), subject="Pretension", delivered_on="2026-03-10")
    data.pop("direction")
    response = login(collector).post(reverse("correspondence:letter", args=[saved.pk]), data)
    assert response.status_code == 200
    assert "Only lawyers, finance and the director" in response.content.decode()
    saved.refresh_from_db()
    case.refresh_from_db()
    assert saved.delivered_on is None and case.response_due is None


def test_a_legal_case_of_another_debtor_is_refused(debtor, make_counterparty, director):
    stranger = make_counterparty(name="Stranger SRL")
    other_case = open_case(stranger, director)
    from dunwell.correspondence.services import CorrespondenceError

    with pytest.raises(CorrespondenceError):
        letter(debtor, legal_case_id=other_case.pk)


def test_the_registered_mail_export_lists_outgoing_letters_with_a_tracking_number(
    debtor, collector, outsider
):
    letter(debtor, tracking_number="RR000000001RO", on=date(2026, 3, 3))
    letter(debtor, tracking_number="RR000000002RO", on=date(2026, 3, 2))
    letter(debtor, subject="Ordinary letter")  # no tracking number
    letter(debtor, direction=Direction.INCOMING, tracking_number="RR999RO")
    response = login(collector).get(reverse("correspondence:registered_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Number", "Date", "Addressee", "Address", "Tracking number")
    assert [(r[0], r[4]) for r in rows[1:]] == [
        ("OUT-2026-0002", "RR000000002RO"),
        ("OUT-2026-0001", "RR000000001RO"),
    ]
    assert rows[1][2] == "Letter Buyer SRL, director"
    assert rows[1][3] == "Str. Lunga 5, Cluj-Napoca"
    assert rows[1][1].date() == date(2026, 3, 2)
    empty = login(outsider).get(reverse("correspondence:registered_export"))
    assert len(list(load_workbook(BytesIO(empty.content)).active.iter_rows())) == 1


def test_the_export_speaks_the_users_language(debtor, make_user):
    finance = make_user("fiona", Role.FINANCE, language="ru")
    letter(debtor, tracking_number="RR1RO")
    client = login(finance)
    client.cookies["django_language"] = "ru"
    response = client.get(reverse("correspondence:registered_export"), HTTP_ACCEPT_LANGUAGE="ru")
    header = next(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[0] == "Номер"
