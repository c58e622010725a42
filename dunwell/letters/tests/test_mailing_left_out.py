"""Who a mailing leaves out by default: debtors in the legal track (an open case), debtors the
ladder pauses (a grace, a repayment agreement, promises and disputes holding every overdue
document), and the mailing page counts them in the reader's language."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dunwell.ladder.models import Agreement, Dispute, Promise
from dunwell.ledger.models import Contact
from dunwell.legal.models import LegalCase
from dunwell.letters import services
from dunwell.mail.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(
    frozen: Any, debtor: Any, make_counterparty: Any, make_document: Any, collector: Any
) -> dict[str, Any]:
    """Fabrica Nord (written to), БудТрейд in court, one whose promise covers all it owes,
    one whose dispute covers only part of it (written to), one whose case is closed."""

    def owing(name: str, *amounts: str) -> Any:
        cp = make_counterparty(collector=collector, name=name, language="ru")
        docs = [make_document(cp, a, due_date=date(2026, 2, 1)) for a in amounts]
        Contact.objects.create(counterparty=cp, name="Бухгалтер", email=f"{cp.pk}@cp.example")
        return cp, docs

    court, court_docs = owing("ПрАТ «БудТрейд»", "5000.00")
    LegalCase.objects.create(
        company=court.company,
        counterparty=court,
        stage="lawsuit_filed",
        document_ids=[d.pk for d in court_docs],
        currency="RON",
        opened_at=timezone.now() - timedelta(days=30),
    )
    closed, closed_docs = owing("Closed Case SRL", "100.00")
    LegalCase.objects.create(
        company=closed.company,
        counterparty=closed,
        stage="closed",
        document_ids=[d.pk for d in closed_docs],
        currency="RON",
        opened_at=timezone.now() - timedelta(days=90),
    )
    promised, _docs = owing("Promised SRL", "400.00", "200.00")
    Promise.objects.create(
        counterparty=promised,
        amount=Decimal("600.00"),
        currency="RON",
        promised_date=date(2026, 3, 20),
        recorded_at=timezone.now(),
    )
    disputed, disputed_docs = owing("Disputed SRL", "400.00", "200.00")
    dispute = Dispute.objects.create(
        counterparty=disputed,
        reason="quality",
        amount=Decimal("200.00"),
        currency="RON",
        registered_at=timezone.now(),
    )
    dispute.documents.set([disputed_docs[1]])
    return {"nord": debtor, "court": court, "promised": promised, "disputed": disputed}


def test_debtors_in_court_or_paused_are_left_out_and_counted(book: Any, supervisor: Any) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    reasons = dict(mailing.rows.values_list("counterparty__name", "reason"))
    assert reasons["ПрАТ «БудТрейд»"] == "legal"
    assert reasons["Promised SRL"] == "paused"
    assert reasons["Disputed SRL"] == "" and reasons["Closed Case SRL"] == ""
    assert mailing.without_address == 0
    assert services.approve_mailing(supervisor, mailing) == 3
    written = set(OutgoingMessage.objects.values_list("counterparty__name", flat=True))
    assert written == {"Fabrica Nord SRL", "Disputed SRL", "Closed Case SRL"}


def test_a_case_opened_after_the_mailing_was_prepared_still_leaves_the_debtor_out(
    book: Any, supervisor: Any
) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    LegalCase.objects.create(
        company=book["nord"].company,
        counterparty=book["nord"],
        document_ids=[],
        currency="RON",
        opened_at=timezone.now(),
    )
    services.approve_mailing(supervisor, mailing)
    assert not OutgoingMessage.objects.filter(counterparty=book["nord"]).exists()
    assert mailing.rows.get(counterparty=book["nord"]).reason == "legal"


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "1 debtor is in the legal track: left out.",
                "1 debtor has its debt paused by a grace, a repayment agreement, a promise or a "
                "dispute: left out.",
            ],
        ),
        (
            "ru",
            [
                "1 должник на юридической стадии: исключён из рассылки.",
                "1 должник на паузе (отсрочка, соглашение о погашении, обещание оплаты или спор): "
                "исключён из рассылки.",
            ],
        ),
    ],
)
def test_the_mailing_page_says_who_is_left_out_and_why(
    client: Any, book: Any, supervisor: Any, language: str, lines: list[str]
) -> None:
    mailing = services.create_mailing(supervisor, services.Selection())
    supervisor.language = language
    supervisor.save(update_fields=["language"])
    client.force_login(supervisor)
    page = client.get(reverse("letters:mailing", args=[mailing.pk])).content.decode()
    for line in lines:
        assert line in page
    assert "БудТрейд" not in page.split('id="without-address"')[1]


def test_an_agreement_pauses_only_the_debt_of_its_currency(
    book: Any, supervisor: Any, collector: Any
) -> None:
    # Fabrica Nord owes RON and EUR: a schedule of the RON debt leaves the EUR one to write
    # about; a schedule of both leaves it out.
    Agreement.objects.create(
        counterparty=book["nord"], signed_on=date(2026, 3, 1), total=Decimal("1500"), currency="RON"
    )
    first = services.create_mailing(supervisor, services.Selection())
    assert first.rows.get(counterparty=book["nord"]).reason == ""
    Agreement.objects.create(
        counterparty=book["nord"], signed_on=date(2026, 3, 1), total=Decimal("300"), currency="EUR"
    )
    second = services.create_mailing(supervisor, services.Selection())
    assert second.rows.get(counterparty=book["nord"]).reason == "paused"
