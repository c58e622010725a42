"""A contact's phone imported with its extension ("069 12 34 56 доб. 12") is stored as the
contact form stores it: the main number in E.164 and the extension apart. The import read the
whole cell as one number and dropped the extension ("доб."), or refused the row ("дод.",
"int."), so the collector dialled a switchboard not knowing whom to ask for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dunwell.ledger.importing import ImportRejected, import_file
from dunwell.ledger.models import Company, Contact

Writer = Callable[..., Path]


@pytest.fixture
def moldovan(company: Company, write_csv: Writer) -> Company:
    import_file(
        "counterparties",
        write_csv("cp.csv", "external_id;name;tax_id;country\nC1;Lumina SRL;1008600038413;MD\n"),
    )
    return company


def _phones(external_id: str) -> tuple[str, str, str, str]:
    c = Contact.objects.get(external_id=external_id)
    return (c.phone, c.phone_ext, c.phone_alt, c.phone_alt_ext)


def test_the_extensions_are_read_as_the_form_reads_them(
    moldovan: Company, write_csv: Writer
) -> None:
    body = (
        "external_id,counterparty,name,phone,phone_alt\n"
        "P1,C1,Ana Rusu,069 12 34 56 доб. 12,022 21 34 56 int. 7\n"
        "P2,C1,Ion Popa,069 12 34 56 дод. 13,\n"
        "P3,C1,Maria Cebotari,+373 22 21 34 57,\n"
    )
    assert import_file("contacts", write_csv("p.csv", body)).created == 3
    assert _phones("P1") == ("+37369123456", "12", "+37322213456", "7")
    assert _phones("P2") == ("+37369123456", "13", "", "")
    assert _phones("P3") == ("+37322213457", "", "", "")
    # the same file again changes nothing
    again = import_file("contacts", write_csv("p.csv", body))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # a file without the phones keeps them and their extensions
    names = "external_id,counterparty,name\nP1,C1,Ana Rusu-Popa\n"
    assert import_file("contacts", write_csv("n.csv", names)).updated == 1
    assert _phones("P1") == ("+37369123456", "12", "+37322213456", "7")
    # the number written again without its extension: the extension goes
    plain = "external_id,counterparty,name,phone\nP1,C1,Ana Rusu,069 12 34 56\n"
    assert import_file("contacts", write_csv("q.csv", plain)).updated == 1
    assert _phones("P1") == ("+37369123456", "", "+37322213456", "7")


def test_an_extension_without_a_number_is_refused_on_its_row_and_column(
    moldovan: Company, write_csv: Writer
) -> None:
    body = (
        "external_id,counterparty,name,phone,phone_alt\n"
        "P1,C1,Ana Rusu,069 12 34 56 доб. 12,\n"
        "P2,C1,Ion Popa,069 12 34 57,доб. 12\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file("contacts", write_csv("p.csv", body))
    assert [(e.row, e.column, e.code) for e in caught.value.errors] == [
        (3, "phone_alt", "bad_phone")
    ]
    assert not Contact.objects.exists()
