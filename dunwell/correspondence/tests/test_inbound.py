"""Incoming mail against a real IMAP server (dovecot, started by conftest.py): messages are
delivered with IMAP APPEND and read by the same code the worker runs."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from dunwell.correspondence import inbound
from dunwell.correspondence.models import (
    InboundMessage,
    InboundState,
    KnownAddress,
    Mailbox,
    MatchedBy,
)
from dunwell.correspondence.services import CorrespondenceError, assign_message
from dunwell.correspondence.tests.mime import PDF, dsn, mail, nonstandard_bounce
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.mail.models import MessageState
from dunwell.mail.services import queue_message
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def debtor(make_counterparty, collector):
    cp = make_counterparty(name="Buyer One SRL", collector=collector, tax_id="18547290")
    Contact.objects.create(counterparty=cp, name="Ion Pop", email="ion.pop@buyer-one.ro")
    return cp


@pytest.fixture
def other(make_counterparty, teammate):
    cp = make_counterparty(name="Second Buyer SRL", collector=teammate)
    Contact.objects.create(counterparty=cp, name="Ana", email="ana@second-buyer.ro")
    return cp


def poll():
    return inbound.poll_all()


def only(**filters) -> InboundMessage:
    return InboundMessage.objects.get(**filters)


def test_a_reply_to_our_email_lands_on_its_debtor_with_its_attachment(imap, debtor, collector):
    ours = queue_message(
        company=debtor.company,
        subject="Overdue invoices",
        text="Please pay.",
        to="ion.pop@buyer-one.ro",
        counterparty=debtor,
    )
    imap.append(
        mail(
            sender="Ion Pop <ion.private@gmail.com>",
            subject="Re: Overdue invoices",
            text="We will pay on Friday. The signed act is attached.",
            in_reply_to=ours.message_id,
            attachments=(("act.pdf", PDF, "application/pdf"),),
        )
    )
    result = poll()
    assert (result.fetched, result.matched, result.triage) == (1, 1, 0)
    message = only(from_email="ion.private@gmail.com")
    assert message.counterparty == debtor
    assert message.matched_by == MatchedBy.THREAD
    assert message.reply_to == ours
    assert message.text.startswith("We will pay on Friday")
    assert b"Subject: Re: Overdue invoices" in message.raw.read()
    [attachment] = message.attachments.all()
    assert (attachment.filename, attachment.file.read()) == ("act.pdf", PDF)
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="correspondence.email_received")
    assert entry.data["url"] == f"/correspondence/inbox/{message.pk}/"
    assert entry.data["attachments"][0]["name"] == "act.pdf"
    assert "We will pay on Friday" in entry.data["excerpt"]
    note = Notification.objects.get(recipient=collector, kind=Notification.Kind.MAIL_RECEIVED)
    assert "Buyer One SRL" in note.message and "Re: Overdue invoices" in note.message


def test_mail_from_a_known_contact_matches_by_address(imap, debtor, other):
    imap.append(mail(sender="ion.pop@buyer-one.ro", subject="Question", text="Which invoice?"))
    poll()
    message = only(from_email="ion.pop@buyer-one.ro")
    assert (message.counterparty, message.matched_by) == (debtor, MatchedBy.ADDRESS)


def test_a_colleague_at_the_contacts_domain_matches_by_domain(imap, debtor, other):
    imap.append(mail(sender="director@buyer-one.ro", subject="Hello", text="Call me."))
    poll()
    message = only(from_email="director@buyer-one.ro")
    assert (message.counterparty, message.matched_by) == (debtor, MatchedBy.DOMAIN)


def test_a_public_mail_domain_says_nothing(imap, make_counterparty):
    cp = make_counterparty(name="Gmail User SRL")
    Contact.objects.create(counterparty=cp, name="Owner", email="owner@gmail.com")
    imap.append(mail(sender="stranger@gmail.com", subject="Offer", text="Buy our stuff."))
    poll()
    message = only(from_email="stranger@gmail.com")
    assert message.state == InboundState.TRIAGE and message.counterparty is None


def test_only_an_invoice_number_in_the_body_is_enough(imap, debtor, other, make_document):
    make_document(other, number="FV-2026/0042")
    imap.append(
        mail(
            sender="accounts@unknown-firm.md",
            subject="Payment",
            text="We paid invoice FV-2026/0042 yesterday.",
        )
    )
    poll()
    message = only(from_email="accounts@unknown-firm.md")
    assert (message.counterparty, message.matched_by) == (other, MatchedBy.INVOICE)


def test_a_valid_tax_id_in_the_subject_matches_and_an_invalid_one_does_not(imap, debtor):
    imap.append(mail(sender="a@firm-a.md", subject="CUI RO18547290", text="Hello"))
    imap.append(mail(sender="b@firm-b.md", subject="CUI RO18547291", text="Hello"))
    poll()
    assert only(from_email="a@firm-a.md").matched_by == MatchedBy.TAX_ID
    assert only(from_email="a@firm-a.md").counterparty == debtor
    assert only(from_email="b@firm-b.md").state == InboundState.TRIAGE


def test_several_candidate_debtors_go_to_triage_with_the_candidates(imap, debtor, other):
    Contact.objects.create(counterparty=other, name="Shared", email="office@holding.ro")
    Contact.objects.create(counterparty=debtor, name="Shared", email="office@holding.ro")
    imap.append(mail(sender="office@holding.ro", subject="Both", text="About both."))
    poll()
    message = only(from_email="office@holding.ro")
    assert message.state == InboundState.TRIAGE
    assert sorted(message.candidates) == sorted([debtor.pk, other.pk])


def test_unmatched_mail_goes_to_triage_and_assigning_teaches_the_address(
    imap, debtor, supervisor, collector
):
    imap.append(mail(sender="new.accountant@yahoo.com", subject="Hi", text="I am new here."))
    poll()
    message = only(from_email="new.accountant@yahoo.com")
    assert message.state == InboundState.TRIAGE
    assert not TimelineEntry.objects.filter(kind="correspondence.email_received").exists()

    assign_message(message, debtor, supervisor)
    message.refresh_from_db()
    assert (message.counterparty, message.matched_by) == (debtor, MatchedBy.ASSIGNED)
    assert message.assigned_by == supervisor
    assert KnownAddress.objects.get(email="new.accountant@yahoo.com").counterparty == debtor
    assert TimelineEntry.objects.filter(
        counterparty=debtor, kind="correspondence.email_received", actor=supervisor
    ).exists()

    imap.append(mail(sender="New.Accountant@yahoo.com", subject="Again", text="Hello again."))
    poll()
    again = only(subject="Again")
    assert (again.counterparty, again.matched_by) == (debtor, MatchedBy.LEARNED)


def test_a_collector_cannot_assign_and_an_email_is_not_assigned_twice_to_one_debtor(
    imap, debtor, collector, supervisor
):
    imap.append(mail(sender="x@yahoo.com", subject="Hi", text="?"))
    poll()
    message = only(from_email="x@yahoo.com")
    with pytest.raises(CorrespondenceError):
        assign_message(message, debtor, collector)
    assign_message(message, debtor, supervisor)
    with pytest.raises(CorrespondenceError):
        assign_message(message, debtor, supervisor)
    assert TimelineEntry.objects.filter(kind="correspondence.email_received").count() == 1


def test_an_email_placed_on_the_wrong_debtor_is_moved_and_both_timelines_say_so(
    imap, debtor, other, supervisor, teammate
):
    imap.append(mail(sender="boss@buyer-one.ro", subject="About Second Buyer", text="..."))
    poll()
    message = only(from_email="boss@buyer-one.ro")
    assert (message.counterparty, message.matched_by) == (debtor, MatchedBy.DOMAIN)
    assign_message(message, other, supervisor)
    message.refresh_from_db()
    assert (message.counterparty, message.matched_by) == (other, MatchedBy.ASSIGNED)
    moved = TimelineEntry.objects.get(counterparty=debtor, kind="correspondence.email_moved")
    assert moved.data["to_debtor"] == "Second Buyer SRL"
    assert TimelineEntry.objects.filter(
        counterparty=other, kind="correspondence.email_received"
    ).exists()
    assert Notification.objects.filter(
        recipient=teammate, kind=Notification.Kind.MAIL_RECEIVED
    ).exists()
    imap.append(mail(sender="boss@buyer-one.ro", subject="Next", text="..."))
    poll()
    assert only(subject="Next").counterparty == other  # the learned address beats the domain


def test_a_bounce_cannot_be_assigned(imap, debtor, supervisor):
    ours = queue_message(
        company=debtor.company,
        subject="S",
        text="T",
        to="ion.pop@buyer-one.ro",
        counterparty=debtor,
    )
    imap.append(dsn(ours.message_id, "ion.pop@buyer-one.ro"))
    poll()
    with pytest.raises(CorrespondenceError):
        assign_message(only(state=InboundState.BOUNCE), debtor, supervisor)


def test_a_dsn_bounce_gives_our_message_up_and_flags_the_address(imap, debtor, collector):
    ours = queue_message(
        company=debtor.company,
        subject="Overdue invoices",
        text="Please pay.",
        to="ion.pop@buyer-one.ro",
        counterparty=debtor,
    )
    imap.append(dsn(ours.message_id, "ion.pop@buyer-one.ro"))
    result = poll()
    assert (result.bounces, result.triage, result.matched) == (1, 0, 0)
    ours.refresh_from_db()
    assert ours.state == MessageState.GAVE_UP
    assert "5.1.1" in ours.last_error
    contact = Contact.objects.get(email="ion.pop@buyer-one.ro")
    assert contact.email_bad_at is not None
    bounce = only(state=InboundState.BOUNCE)
    assert bounce.reply_to == ours and bounce.counterparty == debtor
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="correspondence.bounce")
    assert entry.data["to"] == "ion.pop@buyer-one.ro"
    note = Notification.objects.get(recipient=collector, kind=Notification.Kind.EMAIL_REFUSED)
    assert "ion.pop@buyer-one.ro (Buyer One SRL) was not delivered" in note.message


def test_a_non_standard_bounce_with_the_original_attached_counts_too(imap, debtor):
    ours = queue_message(
        company=debtor.company,
        subject="Overdue invoices",
        text="Please pay.",
        to="ion.pop@buyer-one.ro",
        counterparty=debtor,
    )
    imap.append(nonstandard_bounce(ours.message_id, "ion.pop@buyer-one.ro"))
    poll()
    ours.refresh_from_db()
    assert ours.state == MessageState.GAVE_UP
    assert not InboundMessage.objects.filter(state=InboundState.TRIAGE).exists()


def test_a_delayed_notice_is_not_a_failure(imap, debtor):
    ours = queue_message(
        company=debtor.company,
        subject="Overdue invoices",
        text="Please pay.",
        to="ion.pop@buyer-one.ro",
        counterparty=debtor,
    )
    imap.append(dsn(ours.message_id, "ion.pop@buyer-one.ro", status="4.4.1", action="delayed"))
    poll()
    ours.refresh_from_db()
    assert ours.state == MessageState.QUEUED
    assert Contact.objects.get(email="ion.pop@buyer-one.ro").email_bad_at is None


def test_a_second_poll_reads_nothing_twice(imap, debtor):
    for n in range(3):
        imap.append(mail(sender="ion.pop@buyer-one.ro", subject=f"Mail {n}", text="..."))
    assert poll().fetched == 3
    again = poll()
    assert (again.fetched, again.skipped) == (0, 0)
    imap.append(mail(sender="ion.pop@buyer-one.ro", subject="Mail 3", text="..."))
    assert poll().fetched == 1
    assert InboundMessage.objects.count() == 4
    assert Mailbox.objects.get().last_uid == max(
        InboundMessage.objects.values_list("uid", flat=True)
    )
    assert TimelineEntry.objects.filter(kind="correspondence.email_received").count() == 4


def test_a_changed_uidvalidity_reads_again_and_stores_nothing_twice(imap, debtor):
    for n in range(2):
        imap.append(mail(sender="ion.pop@buyer-one.ro", subject=f"Mail {n}", text="..."))
    poll()
    Mailbox.objects.update(uidvalidity=1)  # as if the server had renumbered the folder
    result = poll()
    assert (result.fetched, result.skipped) == (0, 2)
    assert InboundMessage.objects.count() == 2
    assert Mailbox.objects.get().uidvalidity != 1


def test_a_wrong_password_is_reported_and_stops_nothing_else(imap, debtor):
    from dunwell.correspondence.imap_urls import parse_imap_url

    bad = parse_imap_url(imap.url.replace(imap.password, "wrong"))
    good = parse_imap_url(imap.url)
    imap.append(mail(sender="ion.pop@buyer-one.ro", subject="Fine", text="..."))
    result = inbound.poll_all([bad, good])
    assert len(result.errors) == 1 and result.fetched == 1


def test_the_fetch_command_polls_once_and_prints_a_summary(imap, debtor, capsys):
    imap.append(mail(sender="ion.pop@buyer-one.ro", subject="Cmd", text="..."))
    call_command("mail", "fetch")
    out = capsys.readouterr().out
    assert "1 new message(s), 1 on a debtor, 0 to triage" in out


def test_the_worker_job_is_registered(imap):
    from dunwell import periodic

    assert periodic.JOBS["correspondence.fetch_mail"] is inbound.poll_configured


def test_dates_are_aware(imap, debtor):
    imap.append(mail(sender="ion.pop@buyer-one.ro", subject="Dated", text="..."))
    poll()
    sent = only(subject="Dated").sent_at
    assert sent is not None and sent.utcoffset() is not None
    assert sent.date() == date(2026, 5, 28)


def test_the_worker_reads_the_mailbox_within_one_round(imap, debtor):
    from dunwell import periodic

    imap.append(mail(sender="ion.pop@buyer-one.ro", subject="Via the worker", text="..."))
    errors: list[str] = []
    periodic.run_all(errors.append)
    assert not errors
    assert only(subject="Via the worker").counterparty == debtor


def test_without_a_mailbox_the_worker_does_nothing_and_the_command_says_why(settings):
    from django.core.management.base import CommandError

    settings.DUNWELL_IMAP_URL = ""
    assert inbound.poll_configured() is None
    with pytest.raises(CommandError, match="DUNWELL_IMAP_URL"):
        call_command("mail", "fetch")


def test_a_bad_imap_address_stops_the_start_naming_the_setting():
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "DUNWELL_DEBUG": "1",
        "DUNWELL_IMAP_URL": "pop3://u:s3cret@mail.example.com/INBOX",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import dunwell.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "DUNWELL_IMAP_URL" in run.stderr and "s3cret" not in run.stderr


def test_a_poll_broken_off_half_way_resumes_where_it_stopped(imap, debtor, monkeypatch):
    for n in range(3):
        imap.append(mail(sender="ion.pop@buyer-one.ro", subject=f"Part {n}", text="..."))
    real = inbound._raw_from_fetch
    calls = {"n": 0}

    def drop_after_one(fetched):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionResetError("connection lost")
        return real(fetched)

    monkeypatch.setattr(inbound, "_raw_from_fetch", drop_after_one)
    broken = poll()
    assert broken.fetched == 1 and "connection lost" in broken.errors[0]
    assert "connection lost" in Mailbox.objects.get().last_error
    monkeypatch.setattr(inbound, "_raw_from_fetch", real)
    resumed = poll()
    assert (resumed.fetched, resumed.skipped, resumed.errors) == (2, 0, [])
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == [
        "Part 0",
        "Part 1",
        "Part 2",
    ]
    assert Mailbox.objects.get().last_error == ""
