"""Mass mailings: selection, preview, no-address and opt-out counts, approval queues once,
progress, and the `dunwell mailing` commands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.letters import services
from dunwell.letters.models import Mailing
from dunwell.mail.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(
    frozen: Any, debtor: Any, make_counterparty: Any, make_document: Any, collector: Any
) -> dict[str, Any]:
    """Four debtors of the team: Fabrica Nord (decider with an email), one whose only contact
    opted out, one without any contact, one not yet overdue."""
    opted = make_counterparty(collector=collector, name="Opt Out SRL", language="en")
    make_document(opted, "900.00", due_date=date(2026, 1, 10))
    Contact.objects.create(
        counterparty=opted, name="No Mail", email="no@opt.example", email_opt_out=True
    )
    bare = make_counterparty(collector=collector, name="Bare SRL")
    make_document(bare, "50.00", due_date=date(2026, 3, 1))
    fresh = make_counterparty(collector=collector, name="Fresh SRL")
    make_document(fresh, "10.00", due_date=date(2026, 4, 1))
    Contact.objects.create(counterparty=fresh, name="F", email="f@fresh.example")
    return {"nord": debtor, "opted": opted, "bare": bare, "fresh": fresh}


def test_the_mailing_covers_overdue_debtors_and_counts_those_without_an_address(
    book: Any, supervisor: Any
) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    assert (mailing.debtors, mailing.without_address) == (3, 2)
    reasons = dict(mailing.rows.values_list("counterparty__name", "reason"))
    assert reasons == {"Fabrica Nord SRL": "", "Opt Out SRL": "opted_out", "Bare SRL": "no_contact"}
    assert not OutgoingMessage.objects.exists()  # nothing before approval


def test_the_minimum_amount_applies_to_the_chosen_currency_only(book: Any, supervisor: Any) -> None:
    ron = services.create_mailing(
        supervisor, services.Selection(currency="RON", min_amount=Decimal("800"))
    )
    assert set(ron.rows.values_list("counterparty__name", flat=True)) == {
        "Fabrica Nord SRL",
        "Opt Out SRL",
    }
    eur = services.create_mailing(
        supervisor, services.Selection(currency="EUR", min_amount=Decimal("800"))
    )
    assert eur.debtors == 0  # Fabrica Nord owes 300 EUR: RON never counts towards it
    with pytest.raises(services.LetterError):
        services.create_mailing(supervisor, services.Selection(min_amount=Decimal("1")))


def test_preview_renders_personal_messages(book: Any, supervisor: Any) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    [(row, _situation, draft)] = services.preview(mailing)
    assert row.email == "ana@nord.example"
    assert draft.subject == "Memento de plată: Fabrica Nord SRL"
    assert "F-101" in draft.body and "F-EU-7" in draft.body


def test_approving_twice_queues_once_one_message_per_debtor(book: Any, supervisor: Any) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    assert services.approve_mailing(supervisor, mailing) == 1
    assert services.approve_mailing(supervisor, mailing) == 0
    message = OutgoingMessage.objects.get()
    assert (message.key, message.to_email, message.state) == (
        f"mailing:{mailing.pk}:{book['nord'].pk}",
        "ana@nord.example",
        "queued",
    )
    assert "F-101" in message.body_text and "F-EU-7" in message.body_text  # all its invoices
    assert message.message_id.startswith("<") and message.message_id.endswith(">")
    assert (
        TimelineEntry.objects.filter(counterparty=book["nord"], kind="letters.mailing").count() == 1
    )
    assert services.progress(mailing) == {
        "queued": 1,
        "sending": 0,
        "sent": 0,
        "failed": 0,
        "gave_up": 0,
        "cancelled": 0,
        "total": 1,
        "left": 1,
    }


def test_a_collector_cannot_prepare_or_approve(book: Any, collector: Any, supervisor: Any) -> None:
    with pytest.raises(services.LetterError):
        services.create_mailing(collector, services.Selection())
    mailing = services.create_mailing(supervisor, services.Selection())
    with pytest.raises(services.LetterError):
        services.approve_mailing(collector, mailing)
    assert not OutgoingMessage.objects.exists()


class TestPages:
    def test_supervisor_prepares_previews_approves_and_watches_progress(
        self, client: Any, book: Any, supervisor: Any
    ) -> None:
        client.force_login(supervisor)
        created = client.post(
            reverse("letters:mailings"), {"kind": "friendly", "min_days_overdue": "1"}
        )
        assert created.status_code == 302
        mailing = Mailing.objects.get()
        page = client.get(reverse("letters:mailing", args=[mailing.pk])).content.decode()
        assert "3 debtors selected" in page and "2 without a usable address" in page
        assert "Opt Out SRL" in page and "asked not to receive emails" in page
        assert "Memento de plată: Fabrica Nord SRL" in page
        assert client.post(reverse("letters:mailing_approve", args=[mailing.pk])).status_code == 302
        client.post(reverse("letters:mailing_approve", args=[mailing.pk]))
        assert OutgoingMessage.objects.count() == 1
        progress = client.get(
            reverse("letters:mailing_progress", args=[mailing.pk]) + "?format=json"
        )
        assert progress.json() == {
            "state": "approved",
            "queued": 1,
            "sending": 0,
            "sent": 0,
            "failed": 0,
            "gave_up": 0,
            "cancelled": 0,
            "total": 1,
            "left": 1,
        }
        bar = client.get(reverse("letters:mailing_progress", args=[mailing.pk])).content.decode()
        assert "0 of 1 sent · queued: 1" in bar

    @pytest.mark.parametrize(
        ("language", "options"),
        [
            ("ro", ["1–30 de zile", "61–90 de zile", "180+ de zile"]),
            ("ru", ["1–30 дней", "61–90 дней", "180+ дней"]),
            ("uk", ["1–30 днів", "61–90 днів", "180+ днів"]),
        ],
    )
    def test_the_bucket_choices_count_days_in_the_readers_language(
        self, client: Any, supervisor: Any, language: str, options: list[str]
    ) -> None:
        # The choices are made when the form's module is imported: each page still names them
        # in its reader's language, the day word agreeing with the bucket's last number.
        supervisor.language = language
        supervisor.save(update_fields=["language"])
        client.force_login(supervisor)
        page = client.get(reverse("letters:mailings")).content.decode()
        # The company's buckets: the default edges 30, 60, 90, 180.
        for value, option in zip(["1-30", "61-90", "180+"], options, strict=True):
            assert f'<option value="{value}">{option}</option>' in page

    def test_the_buckets_are_the_companys_and_a_fixed_one_of_before_still_selects(
        self, client: Any, book: Any, supervisor: Any, director: Any
    ) -> None:
        from dunwell.insight.models import save_company_edges

        save_company_edges((15, 45), director)  # 1–15, 16–45, 45+ (the aging page's save)
        client.force_login(supervisor)
        page = client.get(reverse("letters:mailings")).content.decode()
        for value, option in (("1-15", "1–15 days"), ("16-45", "16–45 days"), ("45+", "45+ days")):
            assert f'<option value="{value}">{option}</option>' in page
        assert 'value="31-60"' not in page and 'value="90+"' not in page
        post = {"kind": "friendly", "min_days_overdue": "1", "bucket": "16-45"}
        assert client.post(reverse("letters:mailings"), post).status_code == 302
        mailing = Mailing.objects.get()
        assert (mailing.filters["min_days_overdue"], mailing.filters["max_days_overdue"]) == (
            16,
            45,
        )
        # Fabrica Nord's RON invoice is 34 days overdue; Opt Out (59) and Bare (9) are not in.
        assert set(mailing.rows.values_list("counterparty__name", flat=True)) == {
            "Fabrica Nord SRL"
        }
        # A page opened before the change posts a fixed bucket: it selects those days still.
        post["bucket"] = "31-60"
        assert client.post(reverse("letters:mailings"), post).status_code == 302
        old = Mailing.objects.latest("pk")
        assert (old.filters["min_days_overdue"], old.filters["max_days_overdue"]) == (31, 60)

    def test_collectors_get_403(
        self, client: Any, book: Any, collector: Any, supervisor: Any
    ) -> None:
        mailing = services.create_mailing(supervisor, services.Selection())
        client.force_login(collector)
        assert client.get(reverse("letters:mailings")).status_code == 403
        assert client.post(reverse("letters:mailing_approve", args=[mailing.pk])).status_code == 403
        assert not OutgoingMessage.objects.exists()

    def test_another_supervisor_does_not_see_the_mailing(
        self, client: Any, book: Any, supervisor: Any, make_user: Any
    ) -> None:
        mailing = services.create_mailing(supervisor, services.Selection())
        client.force_login(make_user("other-boss", "supervisor"))
        assert client.get(reverse("letters:mailing", args=[mailing.pk])).status_code == 404
        assert client.post(reverse("letters:mailing_approve", args=[mailing.pk])).status_code == 404


class TestCommands:
    def test_create_prints_the_id_the_debtors_and_those_without_an_address(
        self, book: Any, director: Any
    ) -> None:
        out = StringIO()
        call_command("mailing", "create", "--min-days-overdue", "20", stdout=out)
        mailing = Mailing.objects.get()
        text = out.getvalue()
        assert f"mailing {mailing.pk}\n" in text
        assert "debtors: 2\n" in text  # Bare SRL is only 9 days overdue
        assert "without an address: 1\n" in text
        assert "no address: CP" in text and "Opt Out SRL (opted_out)" in text
        assert mailing.created_by == director

    def test_create_by_collector_and_wording(
        self, book: Any, director: Any, collector: Any
    ) -> None:
        out = StringIO()
        call_command(
            "mailing",
            "create",
            "--collector",
            collector.username,
            "--wording",
            "firm",
            "--segment",
            "standard",
            stdout=out,
        )
        mailing = Mailing.objects.get()
        assert (mailing.kind, mailing.debtors) == ("firm", 3)

    def test_approve_queues_once(self, book: Any, supervisor: Any) -> None:
        mailing = services.create_mailing(supervisor, services.Selection())
        out = StringIO()
        call_command("mailing", "approve", str(mailing.pk), "--by", supervisor.username, stdout=out)
        call_command("mailing", "approve", str(mailing.pk), "--by", supervisor.username, stdout=out)
        assert f"mailing {mailing.pk} approved: 1 messages queued" in out.getvalue()
        assert "already approved: nothing queued" in out.getvalue()
        assert OutgoingMessage.objects.count() == 1

    def test_approve_refuses_a_collector(self, book: Any, supervisor: Any, collector: Any) -> None:
        mailing = services.create_mailing(supervisor, services.Selection())
        with pytest.raises(CommandError):
            call_command("mailing", "approve", str(mailing.pk), "--by", collector.username)


def test_the_debtor_list_prepares_a_mailing_to_the_ticked_debtors_only(
    book: Any, supervisor: Any, collector: Any, make_counterparty: Any, make_document: Any
) -> None:
    """The list's bulk action: ticked, overdue and visible debtors only; nothing is sent."""
    from django.test import Client

    elsewhere = make_counterparty(name="Not Yours SRL")  # no collector of this team
    make_document(elsewhere, "70.00", due_date=date(2026, 1, 10))
    ticked = [book["nord"].pk, book["fresh"].pk, elsewhere.pk]
    client = Client()
    client.force_login(supervisor)
    response = client.post(
        reverse("letters:mailing_from_list"),
        {"ids": [str(i) for i in ticked], "back": "sort=name"},
        follow=True,
    )
    mailing = Mailing.objects.get()
    assert list(mailing.rows.values_list("counterparty__name", flat=True)) == ["Fabrica Nord SRL"]
    assert mailing.filters["counterparty_ids"] == sorted(ticked)
    text = response.content.decode()
    assert "Mailing prepared for 1 debtor: check the letters, then approve it." in text
    assert "2 selected debtors have nothing overdue or are not yours and are left out." in text
    assert not OutgoingMessage.objects.exists()

    collector_client = Client()
    collector_client.force_login(collector)
    refused = collector_client.post(reverse("letters:mailing_from_list"), {"ids": ticked})
    assert refused.status_code == 403
    assert Mailing.objects.count() == 1
