"""Sample import files: one XLSX per kind for a first-time user to fill in (the Import page's
"Download a sample XLSX").

The first sheet's header row is the kind's canonical headers, taken from importing/kinds.py
(the home of each kind's fields), required ones in bold with a comment; two example rows that
load as they are, in the load order (the counterparties of the contacts, documents and payments
samples are the ones of the counterparties sample). The second sheet lists each column:
required or not, its format and its meaning in the reader's language (docs/import-formats.md).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dunwell.accounts.models import Role, User
from dunwell.ledger.importing.engine import ROLES
from dunwell.ledger.importing.folder import LOAD_ORDER as FOLDER_ORDER
from dunwell.ledger.importing.kinds import KINDS, Field, Kind
from dunwell.ledger.models import Company, ImportKind

# The order files load in: each kind names rows of the kinds before it.
LOAD_ORDER = FOLDER_ORDER  # the order `dunwell import DIR` loads a folder in
# A row needs one of these to name its counterparty (both may be given).
EITHER = ("counterparty", "counterparty_tax_id")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What each column holds, from docs/import-formats.md's tables: by kind first, then by name.
MEANINGS: dict[tuple[str, str], Promise] = {
    ("users", "username"): gettext_lazy("login; ' Ana' and 'ana' are one user"),
    # The codes are filled in from Role (meaning()).
    ("users", "role"): gettext_lazy(
        "the role's code (%(codes)s) or its name as the application shows it"
    ),
    ("users", "first_name"): gettext_lazy("the user's first name"),
    ("users", "last_name"): gettext_lazy("the user's last name"),
    ("users", "email"): gettext_lazy("email address, checked"),
    ("users", "supervisor"): gettext_lazy(
        "username of the supervisor: an existing user or one of the same file"
    ),
    ("users", "extension"): gettext_lazy(
        "the user's phone extension on the company's PBX (digits)"
    ),
    ("counterparties", "external_id"): gettext_lazy(
        "id in the accounting system; without the column, rows are found by tax id or name"
    ),
    ("counterparties", "name"): gettext_lazy("legal name"),
    ("counterparties", "language"): gettext_lazy("en, ru, uk or ro (default: from the country)"),
    ("contacts", "external_id"): gettext_lazy("the contact's id in the accounting system"),
    ("contacts", "counterparty"): gettext_lazy("the counterparty's external id"),
    ("contacts", "name"): gettext_lazy("the contact person's name"),
    ("contacts", "language"): gettext_lazy("the contact's language: en, ru, uk or ro"),
    ("contracts", "number"): gettext_lazy("contract number"),
    ("contracts", "date"): gettext_lazy("contract date"),
    ("contracts", "payment_days"): gettext_lazy("payment term in days (default 0)"),
    ("instalments", "contract"): gettext_lazy(
        "the contract's external id; the file replaces the whole schedule of each contract it names"
    ),
    ("instalments", "due_date"): gettext_lazy("the day the instalment is due"),
    ("instalments", "amount"): gettext_lazy("the instalment's amount"),
    ("documents", "number"): gettext_lazy("document number"),
    ("documents", "date"): gettext_lazy("document date"),
    ("documents", "amount"): gettext_lazy("the document's amount, not negative"),
    ("documents", "cancelled"): gettext_lazy(
        "cancelled in accounting: kept for the record, owes nothing"
    ),
    ("payments", "number"): gettext_lazy("the bank document's number (payment order)"),
    ("payments", "date"): gettext_lazy("payment date"),
    ("payments", "amount"): gettext_lazy("amount paid, greater than zero"),
    ("payments", "cancelled"): gettext_lazy(
        "cancelled in accounting: kept for the record, pays nothing"
    ),
    ("orders", "external_id"): gettext_lazy("the order's id in the ERP, unique per company"),
    ("orders", "number"): gettext_lazy("order number"),
    ("orders", "date"): gettext_lazy("order date"),
    ("orders", "amount"): gettext_lazy("the order's amount, not negative"),
    ("deals", "external_id"): gettext_lazy("the deal's id in the CRM, unique per company"),
    ("deals", "name"): gettext_lazy("what is being sold"),
    ("deals", "amount"): gettext_lazy("the deal's amount, not negative"),
    ("deals", "payment_days"): gettext_lazy("payment terms after the close, days (default 0)"),
}
MEANINGS_BY_NAME: dict[str, Promise] = {
    "external_id": gettext_lazy(
        "id in the accounting system; without the column, rows are found by counterparty, "
        "number and date"
    ),
    "company": gettext_lazy("our company's code; may stay empty when there is one company"),
    "counterparty": gettext_lazy(
        "the counterparty's external id (or its tax id; in a file without ids also its name)"
    ),
    "counterparty_tax_id": gettext_lazy("the counterparty's tax id (1C's ИНН)"),
    "contract": gettext_lazy("the contract's external id"),
    "currency": gettext_lazy(
        "ISO 4217 code (also руб., 643); empty: the contract's, else the company's currency"
    ),
    "tax_id": gettext_lazy(
        "tax id, checked for the country: RU INN, UA EDRPOU, RO CUI, MD IDNO, EU VAT"
    ),
    "kpp": gettext_lazy("Russian KPP (branches that share an INN)"),
    "country": gettext_lazy(
        "ISO 3166 code (RU, UA, RO, MD, DE, …); without the column: our company's"
    ),
    "time_zone": gettext_lazy("IANA name, e.g. Europe/Bucharest (default: from the country)"),
    "segment": gettext_lazy("segment code: key, standard, new, … (default standard)"),
    "collector": gettext_lazy("username of the responsible collector"),
    "sales_manager": gettext_lazy("username of the responsible sales manager"),
    "address": gettext_lazy("the counterparty's postal address"),
    "position": gettext_lazy("job title"),
    "roles": gettext_lazy("what the person does for us"),
    "phone": gettext_lazy("phone number, written as usual; stored in international form"),
    "phone_alt": gettext_lazy("another phone number"),
    "email": gettext_lazy("the contact's email address"),
    "notes": gettext_lazy("notes"),
    "valid_from": gettext_lazy("the first day the contract is valid"),
    "valid_to": gettext_lazy("the last day the contract is valid"),
    "payment_day_kind": gettext_lazy("the payment term counts calendar (default) or banking days"),
    "payment_from": gettext_lazy(
        "the term runs from the document (default) or from its acceptance"
    ),
    # xgettext:no-python-format
    "prepayment_percent": gettext_lazy("prepayment, % of the amount"),
    "prepayment_days": gettext_lazy("days to pay the prepayment"),
    "credit_limit": gettext_lazy("credit limit in the contract's currency"),
    "penalty_rate": gettext_lazy("penalty, % per penalty_period"),
    "penalty_period": gettext_lazy("the period of the penalty rate: day (default) or year"),
    "penalty_cap_percent": gettext_lazy("penalty cap, % of the debt"),
    "penalty_from_day": gettext_lazy(
        "the penalty runs from this day after the due date (default 1)"
    ),
    "pretension_days": gettext_lazy("pre-trial claim period, days (default 30)"),
    "claims_days": gettext_lazy("acceptance / claims period, days"),
    "governing_law": gettext_lazy("governing law: ISO country code"),
    "kind": gettext_lazy("invoice (default), shipment or act"),
    "due_date": gettext_lazy(
        "due date; empty: computed from the contract's payment terms (the document date "
        "without a contract)"
    ),
    "accepted": gettext_lazy("accepted by the customer"),
    "accepted_on": gettext_lazy("acceptance date"),
    "document": gettext_lazy("the external id of the document the payer named (paid first)"),
    "payer": gettext_lazy("the payer's name as on the bank statement"),
    "status": gettext_lazy(
        "confirmed (default), shipped (not yet invoiced), invoiced or cancelled"
    ),
    "invoiced_amount": gettext_lazy("invoiced so far, from 0 to the amount (default 0)"),
    "stage": gettext_lazy(
        "the stage's code in the pipeline: lead, qualified, proposal, negotiation, won, lost"
    ),
    "stage_entered_on": gettext_lazy("the day the deal entered its stage"),
    "probability": gettext_lazy("0–100 %; empty: the stage's usual probability"),
    "expected_close": gettext_lazy("the day the deal is expected to be won"),
    "owner": gettext_lazy("username of the sales manager who owns the deal"),
}


def meaning(kind: str, name: str) -> str:
    text = MEANINGS.get((kind, name)) or MEANINGS_BY_NAME.get(name)
    if text is None:
        return ""
    if (kind, name) == ("users", "role"):
        return str(text) % {"codes": ", ".join(Role.values)}
    return str(text)


def column_format(f: Field) -> str:
    """How a column's cells are written (what the importer reads)."""
    if f.type == "date":
        return _("date: 2025-12-31, 31.12.2025 or 31/12/2025")
    if f.type == "money":
        return _("amount: 1234.56, 1 234,56 or 1.234,56")
    if f.type == "decimal":
        return _("number: 0.1 or 0,1")
    if f.type == "int":
        return _("whole number")
    if f.type == "bool":
        return _("yes or no: 1/0, yes/no, true/false, да/нет, так/ні, da/nu")
    if f.type == "roles":
        return _("a list separated by commas: %(values)s") % {"values": ", ".join(ROLES)}
    if f.choices:
        return _("one of: %(values)s") % {"values": ", ".join(f.choices)}
    return _("text")


def required_text(kind: Kind, f: Field) -> str:
    if f.required:
        return _("required")
    if f.name in EITHER and set(EITHER) <= set(kind.field_names):
        return _("one of counterparty and counterparty_tax_id")
    return _("optional")


def required_columns(kind: Kind) -> list[tuple[str, ...]]:
    """The columns a file of `kind` must carry, each with its alternatives (a counterparty by
    its id or by its tax id), as the Import page lists them."""
    either = set(EITHER) <= set(kind.field_names)
    names: list[tuple[str, ...]] = []
    for f in kind.fields:
        if either and f.name == EITHER[0]:
            names.append(EITHER)
        elif f.required:
            names.append((f.name,))
    return names


@dataclass(frozen=True)
class GuideEntry:
    """One kind on the Import page: what a file of it must carry and its sample."""

    kind: str
    label: str
    required: list[tuple[str, ...]]
    sample_url: str


def import_guide(*, may_import_users: bool) -> list[GuideEntry]:
    """The kinds in load order, each with its required columns and its sample's address."""
    return [
        GuideEntry(
            name,
            str(ImportKind(name).label),
            required_columns(KINDS[name]),
            reverse("ledger:import_sample", kwargs={"import_kind": name}),
        )
        for name in LOAD_ORDER
        if may_import_users or name != ImportKind.USERS
    ]


@dataclass(frozen=True)
class Customer:
    name: str
    tax_id: str
    kpp: str
    address: str
    phone: str
    contact: str
    position: str
    email: str
    payer: str
    deal: str


@dataclass(frozen=True)
class Place:
    """Example people and customers of one country, for a company of that country."""

    country: str
    language: str
    time_zone: str
    customers: tuple[Customer, Customer]
    # (username, first name, last name) of a supervisor and of a collector
    staff: tuple[tuple[str, str, str], tuple[str, str, str]]


# The tax ids are made up with valid check digits (python-stdnum), not real companies'.
PLACES = {
    "RO": Place(
        "RO",
        "ro",
        "Europe/Bucharest",
        (
            Customer(
                "Agroserv Nord SRL",
                "31459268",
                "",
                "Str. Fabricii 12, Cluj-Napoca",
                "+40 264 412 305",
                "Maria Ionescu",
                "Contabil-șef",
                "maria.ionescu@agroserv.example",
                "AGROSERV NORD SRL",
                "Livrare anuală de piese de schimb",
            ),
            Customer(
                "Construct Trans SA",
                "42718350",
                "",
                "Bd. Iuliu Maniu 7, București",
                "+40 744 518 203",
                "Radu Stan",
                "Director financiar",
                "radu.stan@constructtrans.example",
                "CONSTRUCT TRANS SA",
                "Contract de întreținere a utilajelor",
            ),
        ),
        (("elena.marin", "Elena", "Marin"), ("andrei.popa", "Andrei", "Popa")),
    ),
    "MD": Place(
        "MD",
        "ro",
        "Europe/Chisinau",
        (
            Customer(
                "Vinprod Sud SRL",
                "1003600017567",
                "",
                "Str. Ismail 44, Chișinău",
                "+373 22 245 718",
                "Ion Rusu",
                "Contabil-șef",
                "ion.rusu@vinprod.example",
                "VINPROD SUD SRL",
                "Livrare anuală de ambalaje",
            ),
            Customer(
                "Agrotehnica Nord SA",
                "1017600042139",
                "",
                "Str. Independenței 3, Bălți",
                "+373 69 124 583",
                "Natalia Ceban",
                "Director financiar",
                "natalia.ceban@agrotehnica.example",
                "AGROTEHNICA NORD SA",
                "Întreținerea utilajelor agricole",
            ),
        ),
        (("elena.munteanu", "Elena", "Munteanu"), ("victor.lungu", "Victor", "Lungu")),
    ),
    "RU": Place(
        "RU",
        "ru",
        "Europe/Moscow",
        (
            Customer(
                "ООО «Северный ветер»",
                "7724158362",
                "772401001",
                "Москва, ул. Кантемировская, д. 12",
                "+7 495 123-45-67",
                "Ирина Смирнова",
                "Главный бухгалтер",
                "smirnova@sevveter.example",
                'ООО "СЕВЕРНЫЙ ВЕТЕР"',
                "Годовая поставка запчастей",
            ),
            Customer(
                "АО «Балтстрой»",
                "7812034951",
                "781201001",
                "Санкт-Петербург, Невский пр., д. 80",
                "+7 916 245-18-30",
                "Олег Кузнецов",
                "Финансовый директор",
                "kuznetsov@baltstroy.example",
                'АО "БАЛТСТРОЙ"',
                "Обслуживание оборудования",
            ),
        ),
        (("elena.orlova", "Елена", "Орлова"), ("pavel.sokolov", "Павел", "Соколов")),
    ),
    "UA": Place(
        "UA",
        "uk",
        "Europe/Kyiv",
        (
            Customer(
                "ТОВ «Агросвіт»",
                "41372585",
                "",
                "Київ, вул. Хрещатик, 22",
                "+380 44 235 1847",
                "Оксана Бондар",
                "Головний бухгалтер",
                "bondar@agrosvit.example",
                'ТОВ "АГРОСВІТ"',
                "Річне постачання запчастин",
            ),
            Customer(
                "ПрАТ «Будмаш»",
                "39205167",
                "",
                "Львів, вул. Городоцька, 105",
                "+380 67 412 5530",
                "Андрій Коваль",
                "Фінансовий директор",
                "koval@budmash.example",
                'ПрАТ "БУДМАШ"',
                "Обслуговування обладнання",
            ),
        ),
        (("olena.shevchenko", "Олена", "Шевченко"), ("taras.melnyk", "Тарас", "Мельник")),
    ),
}


def _username(role: str) -> str:
    """An active user of `role` of this installation, for the examples that name one."""
    user = (
        User.objects.filter(Q(role=role), is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
        .first()
    )
    return user or ""


def example_rows(kind: str, company: Company | None, today: date) -> list[dict[str, Any]]:
    """Two rows of `kind` that load after the samples of the kinds before it."""
    place = PLACES.get(company.country.upper() if company else "", PLACES["RO"])
    currency = company.currency if company else ""
    code = company.code if company else ""
    first, second = place.customers
    boss, collector = place.staff
    year = today.year
    # Ids start with EX- so that a sample loaded as it is cannot update a real row.
    cps = ("EX-CP-1001", "EX-CP-1002")
    contracts = (f"EX-K-{year - 1}-017", f"EX-K-{year}-003")
    docs = (f"INV-{year}-0412", f"INV-{year}-0437")
    seller = _username(Role.SALES)
    # Named collector: one of ours, else the one of the users sample (loaded first).
    in_charge = _username(Role.COLLECTOR) or collector[0]
    start = date(year - 1, 1, 15)
    rows: dict[str, list[dict[str, Any]]] = {
        "users": [
            {
                "username": boss[0],
                "role": Role.SUPERVISOR.value,
                "first_name": boss[1],
                "last_name": boss[2],
                "email": f"{boss[0]}@ourcompany.example",
                "extension": "201",
            },
            {
                "username": collector[0],
                "role": Role.COLLECTOR.value,
                "first_name": collector[1],
                "last_name": collector[2],
                "email": f"{collector[0]}@ourcompany.example",
                "supervisor": boss[0],
                "extension": "214",
            },
        ],
        "counterparties": [
            {
                "external_id": cps[i],
                "name": c.name,
                "tax_id": c.tax_id,
                "kpp": c.kpp,
                "country": place.country,
                "language": place.language,
                "time_zone": place.time_zone,
                "segment": ("key", "standard")[i],
                "collector": in_charge,
                "sales_manager": seller,
                "address": c.address,
                "company": code,
            }
            for i, c in enumerate(place.customers)
        ],
        "contacts": [
            {
                "external_id": f"EX-CT-{i + 1:04d}",
                "counterparty": cps[i],
                "name": c.contact,
                "position": c.position,
                "roles": ("accountant, decides_payments", "decides_payments, signs")[i],
                "phone": c.phone,
                "email": c.email,
                "language": place.language,
                "company": code,
            }
            for i, c in enumerate(place.customers)
        ],
        "contracts": [
            {
                "external_id": contracts[0],
                "counterparty": cps[0],
                "number": f"17/{year - 1}",
                "date": start,
                "valid_from": start,
                "valid_to": date(year + 1, 12, 31),
                "currency": currency,
                "payment_days": 30,
                "payment_day_kind": "calendar",
                "payment_from": "document",
                "credit_limit": Decimal("50000.00"),
                "penalty_rate": Decimal("0.1"),
                "penalty_period": "day",
                "penalty_cap_percent": Decimal("10"),
                "penalty_from_day": 1,
                "pretension_days": 30,
                "governing_law": place.country,
                "company": code,
            },
            {
                "external_id": contracts[1],
                "counterparty_tax_id": second.tax_id,
                "number": f"3/{year}",
                "date": date(year, 1, 10),
                "currency": currency,
                "payment_days": 15,
                "payment_day_kind": "banking",
                "payment_from": "document",
                "prepayment_percent": Decimal("30"),
                "prepayment_days": 5,
                "penalty_rate": Decimal("0.05"),
                "penalty_period": "day",
                "pretension_days": 15,
                "claims_days": 10,
                "governing_law": place.country,
                "company": code,
            },
        ],
        "instalments": [
            {
                "contract": contracts[1],
                "due_date": today + timedelta(days=30),
                "amount": Decimal("6000.00"),
                "company": code,
            },
            {
                "contract": contracts[1],
                "due_date": today + timedelta(days=60),
                "amount": Decimal("6000.00"),
                "company": code,
            },
        ],
        "documents": [
            {
                "external_id": f"EX-{docs[0]}",
                "kind": "invoice",
                "counterparty": cps[0],
                "contract": contracts[0],
                "number": docs[0],
                "date": today - timedelta(days=45),
                "amount": Decimal("12480.50"),
                "currency": currency,
                "accepted": True,
                "accepted_on": today - timedelta(days=43),
                "cancelled": False,
                "company": code,
            },
            {
                "external_id": f"EX-{docs[1]}",
                "kind": "act",
                "counterparty_tax_id": second.tax_id,
                "contract": contracts[1],
                "number": docs[1],
                "date": today - timedelta(days=20),
                "due_date": today - timedelta(days=5),
                "amount": Decimal("8350.00"),
                "currency": currency,
                "accepted": False,
                "cancelled": False,
                "company": code,
            },
        ],
        "payments": [
            {
                "external_id": f"EX-PAY-{year}-0098",
                "counterparty": cps[0],
                "contract": contracts[0],
                "document": f"EX-{docs[0]}",
                "number": "98",
                "date": today - timedelta(days=10),
                "amount": Decimal("5000.00"),
                "currency": currency,
                "payer": first.payer,
                "cancelled": False,
                "company": code,
            },
            {
                "external_id": f"EX-PAY-{year}-0104",
                "counterparty_tax_id": second.tax_id,
                "number": "104",
                "date": today - timedelta(days=3),
                "amount": Decimal("2500.00"),
                "currency": currency,
                "payer": second.payer,
                "cancelled": False,
                "company": code,
            },
        ],
        "orders": [
            {
                "external_id": f"EX-SO-{year}-0211",
                "counterparty": cps[0],
                "contract": contracts[0],
                "number": f"SO-{year}-0211",
                "date": today - timedelta(days=4),
                "amount": Decimal("7200.00"),
                "currency": currency,
                "status": "shipped",
                "invoiced_amount": Decimal("0.00"),
                "company": code,
            },
            {
                "external_id": f"EX-SO-{year}-0215",
                "counterparty_tax_id": second.tax_id,
                "number": f"SO-{year}-0215",
                "date": today - timedelta(days=2),
                "amount": Decimal("15000.00"),
                "currency": currency,
                "status": "confirmed",
                "invoiced_amount": Decimal("5000.00"),
                "company": code,
            },
        ],
        "deals": [
            {
                "external_id": f"EX-D-{year}-031",
                "counterparty": cps[0],
                "name": first.deal,
                "amount": Decimal("40000.00"),
                "currency": currency,
                "stage": "proposal",
                "stage_entered_on": today - timedelta(days=7),
                "expected_close": today + timedelta(days=30),
                "payment_days": 30,
                "owner": seller,
                "company": code,
            },
            {
                "external_id": f"EX-D-{year}-034",
                "counterparty_tax_id": second.tax_id,
                "name": second.deal,
                "amount": Decimal("18500.00"),
                "currency": currency,
                "stage": "negotiation",
                "stage_entered_on": today - timedelta(days=3),
                "probability": 80,
                "expected_close": today + timedelta(days=14),
                "payment_days": 15,
                "owner": seller,
                "company": code,
            },
        ],
    }
    return rows[kind]


REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def sample_workbook(kind_name: str, company: Company | None, today: date | None = None) -> bytes:
    """The sample XLSX of `kind_name`, its second sheet in the active language."""
    kind = KINDS[kind_name]
    rows = example_rows(kind_name, company, today or timezone.localdate())
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.name
    sheet.append(kind.field_names)
    for row in rows:
        sheet.append([row.get(name) for name in kind.field_names])
    for index, f in enumerate(kind.fields, start=1):
        cell = sheet.cell(row=1, column=index)
        need = required_text(kind, f)
        marked = f.required or f.name in EITHER and need != _("optional")
        cell.font = Font(bold=marked)
        cell.fill = REQUIRED_FILL if marked else HEADER_FILL
        if marked:
            cell.comment = Comment(
                f"{capital(need)}.\n{meaning(kind.name, f.name)}", "Dunwell", width=300, height=110
            )
        for data in sheet.iter_cols(min_col=index, max_col=index, min_row=2):
            for value in data:
                if f.type == "date":
                    value.number_format = "yyyy-mm-dd"
                elif f.type == "money":
                    value.number_format = "0.00"
        width = max(len(f.name), *(len(str(r.get(f.name) or "")) for r in rows)) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 12), 40)
    sheet.freeze_panes = "A2"

    columns = book.create_sheet(_("Columns"))
    # What the file is and how to use it above the table (no wrapping: the text runs on).
    columns.append([str(ImportKind(kind.name).label)])
    columns["A1"].font = Font(bold=True, size=13)
    columns.append(
        [
            _(
                "The first sheet is the file to import: keep its first row (the headers) as it "
                "is and replace the two example rows with yours. Required columns are in bold."
            )
        ]
    )
    columns.append(
        [_("Load the files in this order: %(order)s.") % {"order": " → ".join(LOAD_ORDER)}]
    )
    columns.append([])
    columns.append([_("Column"), _("Required"), _("Format"), _("Meaning")])
    top = columns.max_row
    for cell in columns[top]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for f in kind.fields:
        need = required_text(kind, f)
        columns.append([f.name, need, column_format(f), meaning(kind.name, f.name)])
        if need != _("optional"):
            for cell in columns[columns.max_row][:2]:
                cell.font = Font(bold=True)
        for cell in columns[columns.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 30, 44, 80), strict=True):
        columns.column_dimensions[letter].width = width
    columns.freeze_panes = f"A{top + 1}"

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
