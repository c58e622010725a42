"""The received-email pages: the triage (supervisors, finance, director, admin), a message,
its attachments and its assignment, per role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role
from dunwell.correspondence.inbound import store_message
from dunwell.correspondence.models import InboundMessage, InboundState, KnownAddress, Mailbox
from dunwell.correspondence.tests.mime import PDF, mail
from dunwell.ledger.models import Contact, TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def debtor(make_counterparty, collector):
    cp = make_counterparty(name="Inbox Buyer SRL", collector=collector, tax_id="18547290")
    Contact.objects.create(counterparty=cp, name="Ion", email="ion@inbox-buyer.ro")
    return cp


@pytest.fixture
def place():
    return Mailbox.objects.create(address="imap://c@127.0.0.1:143/INBOX", uidvalidity=7)


def deliver(place, uid, **fields) -> InboundMessage:
    store_message(place, 7, uid, mail(**fields))
    return InboundMessage.objects.get(uid=uid)


@pytest.fixture
def matched(place, debtor):
    return deliver(
        place,
        1,
        sender="ion@inbox-buyer.ro",
        subject="Payment plan",
        text="Can we pay in two parts?",
        attachments=(("plan.pdf", PDF, "application/pdf"),),
    )


@pytest.fixture
def stray(place):
    return deliver(place, 2, sender="someone@yahoo.com", subject="Who am I", text="Guess.")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_supervisors_see_the_triage(matched, stray, supervisor):
    page = login(supervisor).get(reverse("correspondence:inbox")).content.decode()
    assert "Who am I" in page and "Payment plan" not in page
    page = login(supervisor).get(reverse("correspondence:inbox"), {"show": "all"}).content.decode()
    assert "Who am I" in page and "Payment plan" in page


def test_a_collector_sees_the_mail_of_their_debtors_and_never_the_triage(
    matched, stray, collector, teammate, outsider
):
    page = login(collector).get(reverse("correspondence:inbox")).content.decode()
    assert "Payment plan" in page and "Who am I" not in page
    triage = login(collector).get(reverse("correspondence:inbox"), {"show": "triage"})
    assert "Who am I" not in triage.content.decode()
    for user in (teammate, outsider):
        listing = login(user).get(reverse("correspondence:inbox"), {"show": "all"})
        text = listing.content.decode()
        assert "Payment plan" not in text and "Inbox Buyer SRL" not in text


def test_the_owner_reads_the_message_and_its_attachment_others_get_404(
    matched, collector, teammate, outsider
):
    attachment = matched.attachments.get()
    urls = {
        "message": reverse("correspondence:message", args=[matched.pk]),
        "attachment": reverse("correspondence:attachment", args=[attachment.pk]),
        "raw": reverse("correspondence:raw", args=[matched.pk]),
    }
    owner = login(collector)
    page = owner.get(urls["message"]).content.decode()
    assert "Can we pay in two parts?" in page and "plan.pdf" in page
    assert "Assign to a debtor" not in page
    download = owner.get(urls["attachment"])
    assert download.getvalue() == PDF
    assert b"Payment plan" in owner.get(urls["raw"]).getvalue()
    for user in (teammate, outsider):
        for url in urls.values():
            assert login(user).get(url).status_code == 404


def test_the_timeline_links_to_the_message_and_its_attachment(matched, collector, debtor):
    page = login(collector).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert "Email received" in page
    assert reverse("correspondence:message", args=[matched.pk]) in page
    assert reverse("correspondence:attachment", args=[matched.attachments.get().pk]) in page


def test_a_supervisor_finds_a_debtor_by_tax_id_and_assigns_the_email(stray, supervisor, debtor):
    client = login(supervisor)
    url = reverse("correspondence:message", args=[stray.pk])
    page = client.get(url, {"q": "18547290"}).content.decode()
    assert "Inbox Buyer SRL" in page
    response = client.post(
        reverse("correspondence:assign", args=[stray.pk]), {"counterparty": debtor.pk}
    )
    assert response.status_code == 302
    stray.refresh_from_db()
    assert (stray.state, stray.counterparty) == (InboundState.MATCHED, debtor)
    assert KnownAddress.objects.filter(email="someone@yahoo.com", counterparty=debtor).exists()
    assert TimelineEntry.objects.filter(
        counterparty=debtor, kind="correspondence.email_received", actor=supervisor
    ).exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.DIRECTOR, Role.ADMIN])
def test_finance_director_and_admin_triage_too(stray, make_user, role):
    user = make_user(f"user-{role}", role)
    page = login(user).get(reverse("correspondence:inbox")).content.decode()
    assert "Who am I" in page


def test_a_collector_cannot_assign_a_triage_email(stray, collector, debtor):
    response = login(collector).post(
        reverse("correspondence:assign", args=[stray.pk]), {"counterparty": debtor.pk}
    )
    assert response.status_code == 404
    stray.refresh_from_db()
    assert stray.state == InboundState.TRIAGE
    assert not KnownAddress.objects.exists()


def test_a_lawyer_sees_mail_of_legal_debtors_only(matched, make_user, debtor):
    lawyer = make_user("lena", Role.LAWYER)
    url = reverse("correspondence:message", args=[matched.pk])
    assert login(lawyer).get(url).status_code == 404
    debtor.legal = True
    debtor.save()
    assert login(lawyer).get(url).status_code == 200


def test_the_menu_shows_correspondence(collector):
    page = login(collector).get(reverse("correspondence:inbox")).content.decode()
    assert reverse("correspondence:letters") in page


def test_pages_and_the_timeline_speak_the_users_language(matched, make_user, debtor):
    director = make_user("dima", Role.DIRECTOR, language="ru")
    client = login(director)
    inbox = client.get(reverse("correspondence:inbox"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Входящие письма" in inbox.content.decode()
    card = client.get(reverse("work:debtor", args=[debtor.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    text = card.content.decode()
    assert "Получено письмо" in text and "От ion@inbox-buyer.ro: Payment plan" in text
    assert "Корреспонденция" in text


def test_the_timeline_filter_shows_only_the_correspondence(matched, collector, debtor):
    TimelineEntry.objects.create(
        counterparty=debtor, at=matched.received_at, kind="work.call", summary="A call was made"
    )
    url = reverse("work:debtor", args=[debtor.pk])
    page = login(collector).get(url, {"timeline": "correspondence"}).content.decode()
    assert "Payment plan" in page and "A call was made" not in page


@pytest.mark.parametrize(("language", "label"), [("ro", "Către"), ("uk", "Кому")])
def test_a_message_names_its_recipient_as_to_whom(matched, make_user, language, label):
    director = make_user(f"d-{language}", Role.DIRECTOR, language=language)
    page = login(director).get(reverse("correspondence:message", args=[matched.pk]))
    assert f"<dt>{label}</dt>" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "sender", "received"), [("ro", "De la", "Primit"), ("uk", "Від", "Отримано")]
)
def test_a_mail_reads_who_sent_it_and_when_it_arrived_not_a_date_range_or_cash(
    matched, make_user, language, sender, received
):
    director = make_user(f"e-{language}", Role.DIRECTOR, language=language)
    client = login(director)
    page = client.get(reverse("correspondence:message", args=[matched.pk])).content.decode()
    assert f"<dt>{sender}</dt>" in page and f"<dt>{received}</dt>" in page
    inbox = client.get(reverse("correspondence:inbox")).content.decode()
    assert f"<th>{received}</th><th>{sender}</th>" in inbox
