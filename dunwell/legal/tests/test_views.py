"""Every legal page with the owner collector, a teammate, an outsider and a lawyer."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.legal import services
from dunwell.legal.models import CaseStage, GeneratedDocument, LegalCase

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(debtor: Counterparty, director: Any, lawyer: Any) -> LegalCase:
    """An open case: the debtor is on the legal track, so lawyers see it."""
    case = services.open_case(debtor, director, lawyer=lawyer)
    return services.record_pretension_sent(
        case, director, sent_on=date(2026, 4, 16), channel="post",
        proof=ContentFile(b"receipt", name="receipt.pdf"),
    )  # fmt: skip


@pytest.fixture
def paper(debtor: Counterparty, collector: Any) -> GeneratedDocument:
    return services.generate_document(debtor, "statement", collector, today=date(2026, 4, 15))


@pytest.mark.parametrize(
    ("who", "status"), [("collector", 200), ("teammate", 404), ("outsider", 404), ("lawyer", 200)]
)
def test_case_page(request: Any, case: LegalCase, who: str, status: int) -> None:
    response = client_for(request.getfixturevalue(who)).get(reverse("legal:case", args=[case.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Șantierul Nord SRL" in response.content.decode()


def test_the_case_page_lists_the_documents_the_case_covers(case: LegalCase, lawyer: Any) -> None:
    """The case names its documents in its own row (legal/0009): the page lists them by due
    date, and a document deleted since is not read back."""
    numbers = sorted(case.documents.values_list("due_date", "number"))
    assert [n for _d, n in numbers] == ["INV-1", "INV-2"]

    def covered() -> list[str]:
        page = client_for(lawyer).get(reverse("legal:case", args=[case.pk])).content.decode()
        section = page.split("Documents covered", 1)[1].split("</ul>", 1)[0]
        return sorted((n for _d, n in numbers if n in section), key=section.index)

    assert covered() == ["INV-1", "INV-2"]
    case.counterparty.documents.filter(number="INV-1").delete()
    case.refresh_from_db()
    assert len(case.document_ids) == 2, "the id stays in the row"
    assert covered() == ["INV-2"]


@pytest.mark.parametrize(
    ("who", "status"), [("collector", 200), ("teammate", 404), ("outsider", 404), ("lawyer", 200)]
)
def test_proof_of_delivery_download(request: Any, case: LegalCase, who: str, status: int) -> None:
    response = client_for(request.getfixturevalue(who)).get(reverse("legal:proof", args=[case.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "listed"),
    [("collector", True), ("teammate", False), ("outsider", False), ("lawyer", True),
     ("director", True)],
)  # fmt: skip
def test_case_list_shows_only_visible_cases(
    request: Any, case: LegalCase, who: str, listed: bool
) -> None:
    response = client_for(request.getfixturevalue(who)).get(reverse("legal:cases"))
    assert response.status_code == 200
    assert ("Șantierul Nord SRL" in response.content.decode()) is listed


def test_lawyer_does_not_see_debtors_off_the_legal_track(debtor: Counterparty, lawyer: Any) -> None:
    client = client_for(lawyer)
    url = reverse("legal:debtor_documents", args=[debtor.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("collector", 403), ("teammate", 404), ("outsider", 404), ("lawyer", 302)],
)
def test_case_actions_are_for_legal_staff(
    request: Any, case: LegalCase, who: str, status: int
) -> None:
    url = reverse("legal:case_action", args=[case.pk, "hearing"])
    response = client_for(request.getfixturevalue(who)).post(url, {"at": "2026-06-03T09:30"})
    assert response.status_code == status
    assert case.deadlines.filter(kind="hearing").exists() is (status == 302)


def test_case_action_refused_by_the_gate_shows_the_reason(case: LegalCase, lawyer: Any) -> None:
    url = reverse("legal:case_action", args=[case.pk, "write_off"])
    response = client_for(lawyer).post(url, {"closed_on": "2026-09-01"}, follow=True)
    assert "approval" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == CaseStage.AWAITING_RESPONSE


@pytest.mark.parametrize(("who", "status"), [("lawyer", 403), ("outsider", 404), ("director", 302)])
def test_only_the_director_decides_approvals(
    request: Any, case: LegalCase, lawyer: Any, who: str, status: int
) -> None:
    approval = services.request_approval(case, "write_off", lawyer)
    url = reverse("legal:decide", args=[approval.pk])
    response = client_for(request.getfixturevalue(who)).post(url, {"approve": "yes"})
    assert response.status_code == status
    approval.refresh_from_db()
    assert (approval.status == "approved") is (status == 302)


@pytest.mark.parametrize(
    ("who", "status"), [("collector", 200), ("teammate", 404), ("outsider", 404)]
)
def test_debtor_documents_panel(request: Any, debtor: Counterparty, paper: Any, who: str,
                                status: int) -> None:  # fmt: skip
    url = reverse("legal:debtor_documents", args=[debtor.pk])
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == status
    if status == 200:
        assert paper.number in response.content.decode()


def test_languages_are_offered_in_their_own_names(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    """As the language pickers everywhere else do: a Romanian reader finds "English", not
    "Engleză" beside "Русский"."""
    for user in (collector, supervisor):
        user.language = "ro"
        user.save(update_fields=["language"])
    pages = [
        client_for(collector).get(reverse("legal:debtor_documents", args=[debtor.pk])),
        client_for(supervisor).get(reverse("work:scripts")),
    ]
    for page in pages:
        text = page.content.decode()
        for name in ("English", "Русский", "Українська", "Română"):
            assert f">{name}<" in text
        assert "Engleză" not in text


@pytest.mark.parametrize(
    ("who", "status"), [("collector", 302), ("teammate", 404), ("outsider", 404)]
)
def test_generate_from_the_documents_panel(
    request: Any, debtor: Counterparty, who: str, status: int
) -> None:
    url = reverse("legal:debtor_documents", args=[debtor.pk])
    response = client_for(request.getfixturevalue(who)).post(
        url, {"kind": "reconciliation", "language": "uk", "start": "2026-01-01",
              "end": "2026-03-31"},
    )  # fmt: skip
    assert response.status_code == status
    made = GeneratedDocument.objects.filter(counterparty=debtor, kind="reconciliation")
    assert made.exists() is (status == 302)
    if status == 302:
        assert made.get().language == "uk"


def test_generate_with_a_bad_period_explains(debtor: Counterparty, collector: Any) -> None:
    url = reverse("legal:debtor_documents", args=[debtor.pk])
    response = client_for(collector).post(
        url, {"kind": "reconciliation", "language": "en", "start": "2026-03-01",
              "end": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("collector", 200), ("teammate", 404), ("outsider", 404)],
)
def test_document_download(request: Any, paper: GeneratedDocument, who: str, status: int) -> None:
    client = client_for(request.getfixturevalue(who))
    for fmt in ("docx", "pdf"):
        response = client.get(reverse("legal:download", args=[paper.pk, fmt]))
        assert response.status_code == status
        if status == 200:
            body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
            assert body.startswith(b"PK" if fmt == "docx" else b"%PDF")


@pytest.mark.parametrize(
    ("who", "status"), [("collector", 403), ("teammate", 404), ("director", 302)]
)
def test_open_case_from_the_panel(
    request: Any, debtor: Counterparty, who: str, status: int
) -> None:
    url = reverse("legal:open_case", args=[debtor.pk])
    response = client_for(request.getfixturevalue(who)).post(url)
    assert response.status_code == status
    assert LegalCase.objects.filter(counterparty=debtor).exists() is (status == 302)


@pytest.mark.parametrize(("who", "sees"), [("collector", True), ("teammate", False),
                                           ("outsider", False)])  # fmt: skip
def test_calculator_for_a_debtor(request: Any, debtor: Counterparty, who: str, sees: bool) -> None:
    client = client_for(request.getfixturevalue(who))
    query: dict[str, Any] = {"counterparty": debtor.pk, "to": "2026-04-15"}
    response = client.get(reverse("legal:calculator"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert ('id="calc-total"' in page) is sees
    if sees:
        assert "155.92" in page and "107.52" in page
    post = client.post(reverse("legal:calculator"), {**query, "format": "pdf"})
    made = GeneratedDocument.objects.filter(counterparty=debtor, kind="pretension")
    assert made.exists() is sees
    if sees:
        assert post.status_code == 302
        assert post["Location"] == reverse("legal:download", args=[made.get().pk, "pdf"])


def test_calculator_by_hand_with_a_rule(outsider: Any) -> None:
    response = client_for(outsider).get(
        reverse("legal:calculator"),
        {"debt": "1000", "due": "2026-01-31", "to": "2026-02-10", "rule": "contract",
         "rate_per_day": "0.1", "payments": "2026-02-05 500"},
    )  # fmt: skip
    page = response.content.decode()
    # 1000 x 0.1% x 5 days + 500 x 0.1% x 5 days
    assert "7.50" in page


def test_calculator_refuses_bad_payment_lines(outsider: Any) -> None:
    response = client_for(outsider).get(
        reverse("legal:calculator"),
        {"debt": "1000", "due": "2026-01-31", "to": "2026-02-10", "rule": "contract",
         "payments": "yesterday lots"},
    )  # fmt: skip
    assert "line 1" in response.content.decode()


def test_pages_need_a_login(case: LegalCase) -> None:
    for url in (reverse("legal:cases"), reverse("legal:calculator"),
                reverse("legal:case", args=[case.pk])):  # fmt: skip
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_calculator_offers_only_the_chosen_debtors_open_documents(
    debtor: Counterparty, make_counterparty: Any, make_document: Any, collector: Any
) -> None:
    other = make_counterparty(name="Other SRL", collector=collector)
    make_document(other, "10.00", number="OTHER-1")
    page = client_for(collector).get(
        reverse("legal:calculator"), {"counterparty": str(debtor.pk), "to": "2026-04-15"}
    )
    options = page.content.decode()
    assert "INV-2" in options and "OTHER-1" not in options
    assert "Penalty" in options  # components carry their names, not codes


def test_pretension_from_the_calculator_keeps_its_inputs(
    debtor: Counterparty, collector: Any
) -> None:
    client_for(collector).post(
        reverse("legal:calculator"),
        {"counterparty": str(debtor.pk), "to": "2026-04-15", "format": "docx"},
    )
    paper = GeneratedDocument.objects.get(kind="pretension")
    assert paper.inputs == {"as_of": "2026-04-15", "document_ids": None, "rule": "",
                            "options": {}}  # fmt: skip
    # the letter recomputes from the ledger: the same figures as the calculator showed
    assert paper.data["raw"]["interest"] == "155.92"
    assert paper.data["raw"]["claim_total"] == "3256.42"


def test_the_case_writes_its_claim_as_money_and_asks_amounts_in_its_currency(
    case: LegalCase, lawyer: Any
) -> None:
    services.file_lawsuit(
        case, lawyer, court="Tribunalul Cluj", case_number="123/2026",
        filed_on=date(2026, 5, 20), principal=Decimal("1234567.89"),
        interest=Decimal("45678.10"), state_fee=Decimal("2500"),
    )  # fmt: skip
    services.record_judgment(case, lawyer, judgment_on=date(2026, 9, 1), amount=Decimal("1280246"))
    page = client_for(lawyer).get(reverse("legal:case", args=[case.pk])).content.decode()
    assert case.currency == "RON"
    assert '<td class="num">1,234,567.89\u00a0RON</td>' in page
    assert '<td class="num">45,678.10\u00a0RON</td>' in page
    assert "01.09.2026: 1,280,246.00\u00a0RON." in page
    assert "Principal claimed, RON" in page and "Amount awarded, RON" in page


def test_namesake_debtors_are_told_apart_in_the_case_list(
    make_counterparty: Any, director: Any, lawyer: Any
) -> None:
    bucharest = make_counterparty(name="MedNord SA", tax_id="203997572", address="București, 1")
    constanta = make_counterparty(name="MedNord SA", tax_id="315403881", address="Constanța, 9")
    single = make_counterparty(name="Unic SRL", tax_id="111", address="Iași, 3")
    for debtor in (bucharest, constanta, single):
        services.open_case(debtor, director, lawyer=lawyer)
    page = client_for(lawyer).get(reverse("legal:cases")).content.decode()
    assert "MedNord SA (203997572, București)</a>" in page
    assert "MedNord SA (315403881, Constanța)</a>" in page
    assert "Unic SRL</a>" in page  # a name nobody else bears stays as it is


def test_cases_with_the_nearest_deadline_come_first(
    case: LegalCase, make_counterparty: Any, director: Any
) -> None:
    quiet = make_counterparty(name="Quiet SRL")
    services.open_case(quiet, director)  # no deadline yet
    page = client_for(director).get(reverse("legal:cases")).content.decode()
    assert page.index("Șantierul Nord SRL") < page.index("Quiet SRL")


def test_a_done_deadline_is_no_longer_the_next_one(case: LegalCase, director: Any) -> None:
    from dunwell.ladder.models import Task
    from dunwell.ladder.services import complete_task

    url = reverse("legal:cases")
    deadline = case.deadlines.get()
    shown = date_format(timezone.localtime(deadline.due_at), "SHORT_DATETIME_FORMAT")
    assert shown in client_for(director).get(url).content.decode()
    assert deadline.task_id is not None
    task = Task.objects.get(pk=deadline.task_id)
    complete_task(task, user=director, result="no answer; filing")
    assert shown not in client_for(director).get(url).content.decode()


def test_a_statement_in_the_debtors_other_currency_can_be_made(
    debtor: Counterparty, collector: User, make_document: Any
) -> None:
    """A debtor owing lei and euro: the statement was always made in lei, so the euro invoice
    reached the debtor on no statement at all. The panel offers the currency, main one first
    (the lei: 432.44 EUR is worth less than the 3,100.50 RON owed)."""
    make_document(
        debtor, "432.44", number="EU-1", currency="EUR",
        date=date(2026, 3, 1), due_date=date(2026, 3, 31),
    )  # fmt: skip
    client = client_for(collector)
    url = reverse("legal:debtor_documents", args=[debtor.pk])
    page = client.get(url).content.decode()
    assert '<select name="currency"><option value="RON">RON</option><option value="EUR">' in page
    response = client.post(
        url, {"kind": "statement", "language": "ro", "as_of": "2026-04-15", "currency": "EUR"}
    )
    assert response.status_code == 302
    paper = GeneratedDocument.objects.get(counterparty=debtor, kind="statement")
    assert paper.data["currency"] == "EUR"
    assert [row["label"] for row in paper.data["rows"]] == ["Factură nr. EU-1 din 01.03.2026"]
    assert paper.data["total"] == "432,44"


def test_a_generated_paper_names_its_language_not_its_code(
    debtor: Counterparty, paper: GeneratedDocument, collector: User
) -> None:
    collector.language = "ro"
    collector.save(update_fields=["language"])
    GeneratedDocument.objects.filter(pk=paper.pk).update(language="uk")
    page = client_for(collector).get(reverse("legal:debtor_documents", args=[debtor.pk]))
    row = page.content.decode().split(paper.number)[1].split("</tr>")[0]
    assert "<td>Українська</td>" in row and "<td>uk</td>" not in row


def test_the_papers_are_named_in_romanian_as_their_titles_read(
    debtor: Counterparty, collector: User
) -> None:
    """The pressure scale's catalogue, loaded first, words the same English differently
    ("Pretenție (somație)", "Avertisment final"); the paper kinds keep the legal wording."""
    collector.language = "ro"
    collector.save(update_fields=["language"])
    page = client_for(collector).get(reverse("legal:debtor_documents", args=[debtor.pk]))
    text = page.content.decode()
    assert "<summary>Notificare de plată (somație)</summary>" in text
    assert "<summary>Ultim avertisment</summary>" in text
    assert "Pretenție (somație)" not in text and "Avertisment final" not in text


def _link_texts(page: str, href: str) -> list[str]:
    """The words of each link of the page that opens `href` (a query string allowed)."""
    pattern = rf'<a href="{re.escape(href)}(?:\?[^"]*)?"[^>]*>([^<]*)</a>'
    return [html.unescape(text).strip() for text in re.findall(pattern, page)]


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("ru", "Неустойка и проценты"),
        ("uk", "Пеня та відсотки"),
        ("ro", "Penalități și dobânzi"),
    ],
)
def test_the_calculator_is_named_alike_in_the_menu_its_heading_and_the_case_page(
    case: LegalCase, lawyer: User, language: str, name: str
) -> None:
    """The page computes the contractual penalty and the statutory interest: the menu read
    "Калькулятор процентов" above the heading "Неустойка и проценты"."""
    User.objects.filter(pk=lawyer.pk).update(language=language)
    client = client_for(lawyer)
    url = reverse("legal:calculator")
    page = client.get(url).content.decode()
    heading = re.search(r"<h1>([^<]*)</h1>", page)
    assert heading is not None and heading.group(1) == name
    assert _link_texts(page, url) == [name]  # the main menu's entry
    assert f"<title>{name} · Dunwell</title>" in page
    case_page = client.get(reverse("legal:case", args=[case.pk])).content.decode()
    assert name in _link_texts(case_page, url)


def test_the_calculator_keeps_its_english_name(case: LegalCase, lawyer: User) -> None:
    User.objects.filter(pk=lawyer.pk).update(language="en")
    page = client_for(lawyer).get(reverse("legal:calculator")).content.decode()
    assert _link_texts(page, reverse("legal:calculator")) == ["Interest calculator"]
    assert "<h1>Penalty and statutory interest</h1>" in page
