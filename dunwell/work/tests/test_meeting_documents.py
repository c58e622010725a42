"""What the debtor reads in the meeting protocol and the repayment schedule made from the
negotiation meeting page (DESIGN §1.8, §1.14), and what the page says beside the schedule."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ladder.models import Agreement
from dunwell.ledger.models import Counterparty
from dunwell.legal.models import GeneratedDocument
from dunwell.work import services
from dunwell.work.models import Meeting

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def meeting(frozen: Any, debtor: Counterparty, collector: User) -> Meeting:
    at = datetime(2026, 3, 12, 10, tzinfo=timezone.get_current_timezone())
    values = {"starts_at": at, "place": "Cluj, their office"}
    return services.save_meeting(collector, debtor, values)


@pytest.fixture
def owes_euros(debtor: Counterparty, make_document: Any) -> Counterparty:
    """The debtor of conftest (2,200.00 RON open) also owes 1,032.44 EUR."""
    make_document(debtor, "1032.44", currency="EUR", due_date=date(2026, 2, 20))
    return debtor


def _meeting_fields(**changed: str) -> dict[str, str]:
    fields = {
        "starts_at": "2026-03-12T10:00",
        "duration_minutes": "60",
        "place": "Cluj, their office",
        "status": "held",
        "economic_situation": "",
        "ideal_terms": "",
        "acceptable_terms": "",
        "questions": "",
        "protocol": "",
        "good_relations_until": "",
    }
    return fields | changed


def _docx_text(paper: GeneratedDocument) -> str:
    document = docx.Document(io.BytesIO(paper.docx.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _flat(text: str) -> str:
    """The text with every run of spaces (non-breaking ones too) as one space."""
    return " ".join(text.split())


def _pdf_text(paper: GeneratedDocument) -> str:
    out = subprocess.run(["pdftotext", "-layout", paper.pdf.path, "-"], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return _flat(out)


def _protocol_from_the_page(client: Client, debtor: Counterparty, meeting: Meeting,
                            language: str, **typed: str) -> GeneratedDocument:  # fmt: skip
    """Posts the page's protocol form as the collector sends it: its hidden fields and the
    currency it preselects, with `typed` in its text boxes."""
    page = client.get(reverse("work:meeting", args=[debtor.pk, meeting.pk])).content.decode()
    form = page[page.index('id="protocol-document"') :]
    form = form[: form.index("</form>")]
    fields = {"kind": "protocol", "language": language, "participants": "", "next_steps": ""}
    for name in ("meeting_date", "place", "currency"):
        marker = f'name="{name}" value="'
        if marker in form:
            start = form.index(marker) + len(marker)
            fields[name] = form[start : form.index('"', start)]
    if 'name="currency"' in form and "currency" not in fields:
        select = form[form.index('<select name="currency">') :]
        select = select[: select.index("</select>")]
        chosen = select[: select.index(" selected>")]
        fields["currency"] = chosen[chosen.rindex('value="') + 7 : -1]
    fields["agreed"] = meeting.protocol
    fields.update(typed)
    client.post(reverse("legal:debtor_documents", args=[debtor.pk]), fields)
    return GeneratedDocument.objects.filter(counterparty=debtor, kind="protocol").latest("pk")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "euros", "lei"),
    [
        ("ro", "1.032,44 EUR", "2.200,00 RON"),
        ("ru", "1\u00a0032,44 EUR", "2\u00a0200,00 RON"),
    ],
)
def test_the_protocol_states_the_debt_in_every_currency_the_agreed_one_first(
    client: Client,
    collector: User,
    owes_euros: Counterparty,
    meeting: Meeting,
    language: str,
    euros: str,
    lei: str,
) -> None:
    """A debtor owing euros and lei agrees a schedule in lei: the protocol made from the page
    states both debts, each in its own currency, the lei first, and never a sum of them."""
    client.force_login(collector)
    client.post(
        reverse("work:meeting", args=[owes_euros.pk, meeting.pk]),
        _meeting_fields(
            form="agreement", signed_on="2026-03-12", currency="RON", schedule="2026-04-01 2200"
        ),  # fmt: skip
    )
    assert Agreement.objects.get(counterparty=owes_euros).currency == "RON"
    page = client.get(reverse("work:meeting", args=[owes_euros.pk, meeting.pk])).content.decode()
    assert '<option value="RON" selected>' in page
    paper = _protocol_from_the_page(client, owes_euros, meeting, language)
    euros, lei = _flat(euros), _flat(lei)
    for text in (_flat(_docx_text(paper)), _pdf_text(paper)):
        assert euros in text and lei in text
        assert text.index(lei) < text.index(euros)
        assert "3.232,44" not in text and "3 232,44" not in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "participants", "agreed", "next_steps"),
    [
        ("ro", "Participanți", "S-a convenit", "Pașii următori"),
        ("uk", "Учасники", "Домовилися", "Наступні кроки"),
    ],
)
def test_an_empty_protocol_section_is_left_out_with_its_heading(
    client: Client,
    collector: User,
    debtor: Counterparty,
    meeting: Meeting,
    language: str,
    participants: str,
    agreed: str,
    next_steps: str,
) -> None:
    """Nobody was listed and no next step was written: the protocol prints what was agreed
    under its heading and no 'Participants' or 'Next steps' heading over nothing."""
    meeting.protocol = "Pay 500 by 1 April"
    meeting.save(update_fields=["protocol"])
    client.force_login(collector)
    paper = _protocol_from_the_page(client, debtor, meeting, language)
    for text in (_flat(_docx_text(paper)), _pdf_text(paper).replace("• ", "")):
        assert f"{agreed} Pay 500 by 1 April" in text
        assert participants not in text
        assert next_steps not in text
    full = _protocol_from_the_page(
        client, debtor, meeting, language, participants="Ana Pop", next_steps="Sign"
    )
    text = _flat(_docx_text(full))
    assert f"{participants} Ana Pop" in text and f"{next_steps} Sign" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ro", "Întâlnire între Demo Supply LLC și Customer 1 SRL la 12.03.2026. Datoria"),
        ("ru", "Встреча представителей Demo Supply LLC и Customer 1 SRL 12.03.2026. Задолженность"),
    ],
)
def test_a_meeting_without_a_place_leaves_no_stray_comma(
    client: Client,
    collector: User,
    debtor: Counterparty,
    meeting: Meeting,
    language: str,
    sentence: str,
) -> None:
    meeting.place = ""
    meeting.save(update_fields=["place"])
    client.force_login(collector)
    paper = _protocol_from_the_page(client, debtor, meeting, language)
    for text in (_flat(_docx_text(paper)), _pdf_text(paper)):
        assert sentence in text
        assert ", ." not in text


@pytest.mark.parametrize(
    ("language", "example", "typed", "error"),
    [
        ("ro", "15.04.2026 5.000,00", "01.04.2026 1.500,50", "de exemplu 15.04.2026 5.000,00"),
        (
            "ru",
            "15.04.2026 5\u00a0000,00",
            "01.04.2026 1 500,50",
            "например 15.04.2026 5\u00a0000,00",
        ),
    ],
)
def test_the_schedule_is_written_as_the_language_writes_dates_and_amounts(
    client: Client,
    collector: User,
    debtor: Counterparty,
    meeting: Meeting,
    language: str,
    example: str,
    typed: str,
    error: str,
) -> None:
    """The example under the schedule box and the line the collector types read alike: the
    day as 15.04.2026 and the amount with the language's decimal comma."""
    collector.language = language
    collector.save(update_fields=["language"])
    client.force_login(collector)
    url = reverse("work:meeting", args=[debtor.pk, meeting.pk])
    page = client.get(url).content.decode()
    assert f'placeholder="{example}"' in page
    assert "2026-04-15 5000.00" not in page
    wrong = client.post(url, _meeting_fields(form="agreement", signed_on="2026-03-12",
                                             currency="RON", schedule="1 April 1500"))  # fmt: skip
    assert error in wrong.content.decode()
    client.post(url, _meeting_fields(form="agreement", signed_on="2026-03-12", currency="RON",
                                     schedule=typed))  # fmt: skip
    agreement = Agreement.objects.get(counterparty=debtor)
    assert [(str(i.due_date), str(i.amount)) for i in agreement.instalments.all()] == [
        ("2026-04-01", "1500.50")
    ]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "ro",
            "Acordul de rambursare din 12.03.2026 (RON): relații bune până la 31.07.2026, "
            "conform întâlnirii de negociere (anterior: 30.06.2026).",
        ),
        (
            "uk",
            "Угода про погашення від 12.03.2026 (RON): добрі відносини до 31.07.2026, як "
            "вирішено на переговорах (було: 30.06.2026).",
        ),
    ],
)
def test_a_new_good_relations_date_at_the_meeting_reaches_its_agreement(
    client: Client,
    collector: User,
    debtor: Counterparty,
    meeting: Meeting,
    language: str,
    said: str,
) -> None:
    """The schedule signed at the meeting took its good-relations date; the date moved at the
    meeting later moves on the agreement the ladder watches, and the debtor's timeline says so
    in the reader's language."""
    client.force_login(collector)
    url = reverse("work:meeting", args=[debtor.pk, meeting.pk])
    client.post(url, _meeting_fields(good_relations_until="2026-06-30", form="agreement",
                                     signed_on="2026-03-12", currency="RON",
                                     schedule="2026-04-01 2200"))  # fmt: skip
    agreement = Agreement.objects.get(counterparty=debtor)
    assert str(agreement.good_relations_until) == "2026-06-30"
    client.post(url, _meeting_fields(good_relations_until="2026-07-31", form="meeting"))
    agreement.refresh_from_db()
    assert str(agreement.good_relations_until) == "2026-07-31"
    collector.language = language
    collector.save(update_fields=["language"])
    card = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    assert said in card


@pytest.mark.parametrize(
    ("language", "owed", "warning"),
    [
        (
            "ro",
            "Total de plată: 1.032,44 EUR · 2.200,00 RON",
            "Ratele neachitate (1.500,00 RON) nu corespund datoriei deschise în RON "
            "(2.200,00 RON).",
        ),
        (
            "ru",
            f"Всего к оплате: 1{NBSP}032,44 EUR · 2{NBSP}200,00 RON",
            f"Неоплаченные платежи по графику (1{NBSP}500,00 RON) не совпадают с открытым "
            f"долгом в RON (2{NBSP}200,00 RON).",
        ),
    ],
)
def test_the_page_checks_the_schedule_against_the_open_debt_of_its_currency(
    client: Client,
    collector: User,
    owes_euros: Counterparty,
    meeting: Meeting,
    language: str,
    owed: str,
    warning: str,
) -> None:
    """Beside the schedule the page shows what the debtor owes in each currency, and a schedule
    for part of the lei debt is saved with a warning giving both figures; one for all of it
    is not warned about."""
    owed, warning = _flat(owed), _flat(warning)
    collector.language = language
    collector.save(update_fields=["language"])
    client.force_login(collector)
    url = reverse("work:meeting", args=[owes_euros.pk, meeting.pk])
    assert owed in _flat_html(client.get(url).content.decode())
    client.post(url, _meeting_fields(form="agreement", signed_on="2026-03-12", currency="RON",
                                     schedule="2026-04-01 500\n2026-05-01 1000"))  # fmt: skip
    assert Agreement.objects.filter(counterparty=owes_euros).count() == 1
    assert warning in _flat_html(client.get(url).content.decode())
    Agreement.objects.filter(counterparty=owes_euros).update(status="cancelled")
    client.post(url, _meeting_fields(form="agreement", signed_on="2026-03-12", currency="RON",
                                     schedule="2026-04-01 1200\n2026-05-01 1000"))  # fmt: skip
    page = _flat_html(client.get(url).content.decode())
    assert warning.split("(")[0] not in page


def _flat_html(page: str) -> str:
    """The page's text as read: tags dropped, spaces run together."""
    import re

    return _flat(re.sub(r"<[^>]+>", "", page))
