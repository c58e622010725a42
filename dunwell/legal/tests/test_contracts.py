"""Each document is claimed under its own contract: the penalty clause or the governing law's
statutory rule, the pretension period; disputed documents stay out of the claim; the case's
deadline is the period the letter states."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from docx import Document as open_docx

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder
from dunwell.ledger.models import Contract, Counterparty, Document
from dunwell.legal import selectors, services
from dunwell.legal.models import LegalCase

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)


def docx_text(blob: bytes) -> str:
    doc = open_docx(io.BytesIO(blob))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def two_contracts(
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
) -> dict[str, Any]:
    """A Russian debtor: contract A has a 0.03 %/day penalty and a 15-day pretension period;
    contract B has no penalty clause (Russian law: art. 395) and the default 30 days. One of
    B's invoices is disputed."""
    cp = make_counterparty(name="ООО Север", country="RU", language="en", collector=collector)
    a = make_contract(cp, number="A-7", date=date(2025, 6, 1), currency="RUB",
                      penalty_rate=Decimal("0.03"), pretension_days=15)  # fmt: skip
    b = make_contract(cp, number="B-9", date=date(2025, 9, 1), currency="RUB",
                      governing_law="RU", pretension_days=30)  # fmt: skip
    docs = {
        "a1": make_document(cp, "1000.00", number="A-INV-1", contract=a, currency="RUB",
                            date=date(2026, 1, 10), due_date=date(2026, 2, 9)),
        "b1": make_document(cp, "2000.00", number="B-INV-1", contract=b, currency="RUB",
                            date=date(2026, 1, 20), due_date=date(2026, 2, 19)),
        "b2": make_document(cp, "500.00", number="B-INV-2", contract=b, currency="RUB",
                            date=date(2026, 1, 25), due_date=date(2026, 2, 24)),
    }  # fmt: skip
    ladder.register_dispute(
        counterparty=cp,
        reason="quality",
        amount=Decimal("500.00"),
        user=collector,
        documents=[docs["b2"]],
    )
    return {"cp": cp, "a": a, "b": b, **docs}


def test_two_contracts_give_two_blocks_with_their_own_rules_and_periods(
    two_contracts: dict[str, Any], lawyer: User, fake_calculator: Any
) -> None:
    cp = two_contracts["cp"]
    paper = services.generate_document(cp, "pretension", lawyer, language="en", today=TODAY)
    groups = paper.data["raw"]["groups"]
    assert [(g["contract"], g["currency"]) for g in groups] == [
        (two_contracts["a"].pk, "RUB"),
        (two_contracts["b"].pk, "RUB"),
    ]
    a, b = groups
    assert (a["rule"], a["options"], a["deadline_days"]) == (
        "contract",
        {"rate_per_day": "0.0300"},
        15,
    )
    assert (b["rule"], b["options"], b["deadline_days"]) == ("ru-395", {}, 30)
    # the disputed invoice is not claimed, and is listed as excluded
    assert a["principal"] == "1000.00" and b["principal"] == "2000.00"
    assert b["excluded"] == ["Invoice No. B-INV-2 of 25.01.2026"]
    # one claim total per currency: principal and each block's own interest
    interest = Decimal(a["interest"]) + Decimal(b["interest"])
    assert paper.data["raw"]["totals"] == {"RUB": str(Decimal("3000.00") + interest)}
    # the letter states the shortest period, and says why
    assert paper.data["raw"]["deadline_days"] == 15 and paper.data["raw"]["periods_differ"]
    text = docx_text(paper.docx.read())
    assert "Contract No. A-7 of 01.06.2025, in RUB" in text
    assert "Contract No. B-9 of 01.09.2025, in RUB" in text
    assert "Contract penalty up to 15.04.2026" in text
    assert "Interest under art. 395 of the Civil Code of the Russian Federation up to" in text
    assert "Excluded from this claim while they are disputed:" in text
    assert "Invoice No. B-INV-2 of 25.01.2026" in text
    assert "within 15 days of this letter, by 30.04.2026" in text
    assert "the shortest, 15 days, applies" in text
    pdf = " ".join(
        subprocess.run(["pdftotext", "-layout", paper.pdf.path, "-"], check=True,
                       capture_output=True, text=True).stdout.split()
    )  # fmt: skip
    for label in ("Contract No. A-7 of 01.06.2025, in RUB",
                  "Contract No. B-9 of 01.09.2025, in RUB",
                  "Excluded from this claim while they are disputed:", "B-INV-2",
                  "within 15 days of this letter"):  # fmt: skip
        assert label in pdf
    # the appendix: one calculation block per contract
    appendix = pdf[pdf.index("Appendix to the pretension") :]
    assert "Contract penalty" in appendix and "art. 395" in appendix
    assert "B-INV-2" not in appendix


def test_the_case_deadline_is_the_period_the_letter_states(
    two_contracts: dict[str, Any], lawyer: User, director: User, fake_calculator: Any
) -> None:
    cp = two_contracts["cp"]
    case = services.open_case(cp, director, lawyer=lawyer)
    paper = services.generate_document(cp, "pretension", lawyer, today=TODAY, pdf=False)
    assert paper.case == case
    case = services.record_pretension_sent(case, lawyer, sent_on=TODAY, channel="post")
    assert case.response_due == TODAY + timedelta(days=paper.data["raw"]["deadline_days"])
    assert case.response_due == date(2026, 4, 30)
    step = case.steps.get(kind="pretension_sent")
    assert step.data["days"] == 15
    assert "shortest period of the contracts" in step.summary


def test_without_a_letter_the_case_takes_the_shortest_period_of_its_documents(
    two_contracts: dict[str, Any], lawyer: User, director: User
) -> None:
    cp = two_contracts["cp"]
    case = services.open_case(cp, director, lawyer=lawyer, document_ids=[two_contracts["b1"].pk])
    case = services.record_pretension_sent(case, lawyer, sent_on=TODAY, channel="post")
    assert case.response_due == TODAY + timedelta(days=30)  # B only: no shorter period


def test_a_contract_with_documents_in_two_currencies_gives_a_block_per_currency(
    two_contracts: dict[str, Any],
    make_document: Callable[..., Document],
    lawyer: User,
    fake_calculator: Any,
) -> None:
    cp = two_contracts["cp"]
    make_document(cp, "300.00", number="A-EUR-1", contract=two_contracts["a"], currency="EUR",
                  date=date(2026, 1, 12), due_date=date(2026, 2, 11))  # fmt: skip
    paper = services.generate_document(cp, "pretension", lawyer, today=TODAY, pdf=False)
    raw = paper.data["raw"]
    assert [(g["contract"], g["currency"]) for g in raw["groups"]] == [
        (two_contracts["a"].pk, "EUR"),
        (two_contracts["a"].pk, "RUB"),
        (two_contracts["b"].pk, "RUB"),
    ]
    assert set(raw["totals"]) == {"EUR", "RUB"}
    eur = raw["groups"][0]
    assert Decimal(raw["totals"]["EUR"]) == Decimal("300.00") + Decimal(eur["interest"])
    text = docx_text(paper.docx.read())
    assert "Total claim: " in text and " EUR (" in text and " RUB (" in text


def test_documents_without_a_contract_follow_the_debtors_country(
    two_contracts: dict[str, Any], make_document: Callable[..., Document], fake_calculator: Any
) -> None:
    cp = two_contracts["cp"]
    make_document(cp, "100.00", number="LOOSE-1", currency="RUB", due_date=date(2026, 3, 1))
    groups = selectors.claim_groups(cp, TODAY)
    loose = groups[-1]
    assert loose.contract is None and loose.rule == "ru-395"
    assert loose.pretension_days == selectors.DEFAULT_PRETENSION_DAYS


def test_a_resolved_dispute_is_claimed_again(
    two_contracts: dict[str, Any], collector: User, fake_calculator: Any
) -> None:
    cp = two_contracts["cp"]
    for dispute in cp.disputes.all():
        ladder.resolve_dispute(dispute, user=collector, resolution="credit note refused")
    groups = selectors.claim_groups(cp, TODAY)
    assert groups[1].excluded == [] and groups[1].principal == Decimal("2500.00")


def test_contract_facts_for_the_call_card_are_per_contract(
    two_contracts: dict[str, Any],
) -> None:
    facts = selectors.contract_facts(two_contracts["cp"], today=TODAY)
    assert [(f["contract_number"], f["currency"]) for f in facts] == [
        ("A-7", "RUB"),
        ("B-9", "RUB"),
    ]
    a, b = facts
    assert (a["rule"], a["pretension_days"], a["overdue"]) == ("contract", 15, Decimal("1000"))
    assert (b["rule"], b["pretension_days"]) == ("ru-395", 30)
    assert (b["overdue"], b["disputed"]) == (Decimal("2000.00"), Decimal("500.00"))
    assert a["summary"] == (
        "Contract A-7 of 01.06.2025: payment within 30 days; penalty 0.03% per day; "
        "pretension period 15 days"
    )
    assert b["summary"].startswith("Contract B-9 of 01.09.2025: payment within 30 days; no "
                                   "penalty clause: Interest under art. 395")  # fmt: skip


def test_contract_facts_use_the_plural_of_the_language(two_contracts: dict[str, Any]) -> None:
    from django.utils import translation

    Contract.objects.filter(pk=two_contracts["a"].pk).update(payment_days=21, pretension_days=1)
    with translation.override("ru"):
        facts = selectors.contract_facts(two_contracts["cp"], today=TODAY)
    assert "оплата в течение 21 дня" in facts[0]["summary"]
    assert "срок претензии 1 день" in facts[0]["summary"]
    assert not LegalCase.objects.exists()


def test_the_call_card_says_each_contracts_own_terms(
    two_contracts: dict[str, Any], collector: User
) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[two_contracts["cp"].pk])).content.decode()
    assert "Contract A-7 of 01.06.2025: payment within 30 days; penalty 0.03% per day; " \
           "pretension period 15 days" in page  # fmt: skip
    assert "Contract B-9 of 01.09.2025: payment within 30 days; no penalty clause: Interest " \
           "under art. 395" in page  # fmt: skip


def test_the_calculator_shows_a_block_per_contract_and_the_disputed_invoice_apart(
    two_contracts: dict[str, Any], collector: User, fake_calculator: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(collector)
    page = client.get(
        reverse("legal:calculator"), {"counterparty": two_contracts["cp"].pk, "to": "2026-04-15"}
    ).content.decode()
    assert page.count('class="calc-block"') == 2
    assert "Contract No. A-7 of 01.06.2025, in RUB" in page
    assert "Contract No. B-9 of 01.09.2025, in RUB" in page
    assert "Invoice No. B-INV-2 of 25.01.2026: 500.00\u00a0RUB — excluded (disputed)" in page


def test_a_schedule_names_a_contract_only_when_the_debt_has_one(
    two_contracts: dict[str, Any], debtor: Counterparty, lawyer: User
) -> None:
    instalments = [(date(2026, 5, 1), Decimal("100.00"))]
    several = services.generate_document(two_contracts["cp"], "schedule", lawyer, language="en",
                                         today=TODAY, pdf=False, instalments=instalments,
                                         currency="RUB")  # fmt: skip
    assert "The debt arises under contract" not in docx_text(several.docx.read())
    one = services.generate_document(debtor, "schedule", lawyer, language="en", today=TODAY,
                                     pdf=False, instalments=instalments)  # fmt: skip
    contract = debtor.contracts.get()
    assert f"The debt arises under contract No. {contract.number}" in docx_text(one.docx.read())


def test_a_partly_disputed_invoice_is_claimed_for_the_undisputed_part(
    two_contracts: dict[str, Any], collector: User, lawyer: User, fake_calculator: Any
) -> None:
    cp = two_contracts["cp"]
    ladder.register_dispute(counterparty=cp, reason="quality", amount=Decimal("200.00"),
                            user=collector, documents=[two_contracts["b1"]])  # fmt: skip
    b = selectors.claim_groups(cp, TODAY)[1]
    assert [(i.label, i.open) for i in b.items] == [
        ("Invoice No. B-INV-1 of 20.01.2026", Decimal("1800.00"))
    ]
    assert [(i.label, i.open) for i in b.excluded] == [
        ("Invoice No. B-INV-1 of 20.01.2026", Decimal("200.00")),
        ("Invoice No. B-INV-2 of 25.01.2026", Decimal("500.00")),
    ]
    facts = selectors.contract_facts(cp, today=TODAY)
    assert (facts[1]["overdue"], facts[1]["disputed"]) == (Decimal("1800.00"), Decimal("700.00"))
    paper = services.generate_document(cp, "pretension", lawyer, today=TODAY, pdf=False)
    assert paper.data["raw"]["groups"][1]["principal"] == "1800.00"


def test_a_dispute_naming_no_document_is_held_out_of_the_claim_as_the_ladder_holds_it(
    two_contracts: dict[str, Any], collector: User, lawyer: User, fake_calculator: Any
) -> None:
    """A dispute over part of the debt with no document named: the ladder and the letters hold
    it out of the oldest documents first; the pretension claimed it in full."""
    cp = two_contracts["cp"]
    ladder.register_dispute(counterparty=cp, reason="quality", amount=Decimal("300.00"),
                            currency="RUB", user=collector)  # fmt: skip
    a = selectors.claim_groups(cp, TODAY)[0]
    assert [(i.label, i.open) for i in a.items] == [
        ("Invoice No. A-INV-1 of 10.01.2026", Decimal("700.00"))
    ]
    assert [(i.label, i.open) for i in a.excluded] == [
        ("Invoice No. A-INV-1 of 10.01.2026", Decimal("300.00"))
    ]
    paper = services.generate_document(cp, "pretension", lawyer, today=TODAY, pdf=False)
    assert paper.data["raw"]["groups"][0]["principal"] == "700.00"
