"""The pretension's payment details print on one page: a letter whose documents filled the
first page down to them printed 'Платёжные реквизиты', the recipient and the account at the
foot of page 1 and the bank and its SWIFT code at the top of page 2 (ПАО «ТехноСервис»'s
pretension in the demo), and the debtor copying the details read half of them. Read from the
PDF (pdftotext), page by page, as the debtor reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from dunwell.ledger.models import Counterparty, Document
from dunwell.legal.services import generate_document
from dunwell.legal.tests.test_documents import TODAY, pdf_text
from dunwell.legal.tests.test_payment_details import with_requisites

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BLOCK = [
    "Платёжные реквизиты",
    "Получатель:",
    "Расчётный счёт: RO39 BTRL 0130 1202 5417 0901",
    "Банк: Banca Transilvania",
    "SWIFT (BIC): BTRLRO22",
]


def pages_of(text: str, lines: list[str]) -> dict[str, int]:
    """The page (1, 2, …) each of `lines` is printed on."""
    found = {}
    for number, page in enumerate(text.split("\f"), start=1):
        flat = " ".join(page.split())
        for line in lines:
            if line in flat and line not in found:
                found[line] = number
    return found


# 3 to 7 and 26 to 29 more documents split the details on the old code
@pytest.mark.parametrize("more", [3, 5, 7, 27])
def test_the_payment_details_are_not_split_across_pages(
    debtor: Counterparty, lawyer: Any, make_document: Callable[..., Document], more: int
) -> None:
    with_requisites(debtor.company)
    contract = Document.objects.filter(counterparty=debtor).values_list("contract", flat=True)[0]
    for n in range(more):
        make_document(
            debtor, "250.00", number=f"INV-{100 + n}", contract_id=contract,
            date=date(2026, 1, 5) + timedelta(days=n), due_date=date(2026, 2, 4),
        )  # fmt: skip
    paper = generate_document(debtor, "pretension", lawyer, language="ru", today=TODAY)
    found = pages_of(pdf_text(Path(paper.pdf.path)), BLOCK)
    assert set(found) == set(BLOCK), found
    assert len(set(found.values())) == 1, found
