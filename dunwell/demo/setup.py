"""The demo company: a Romanian distributor with its staff and a generated ledger.

Everything here is idempotent: the company and users are created once (never overwritten),
the data is generated deterministically (seed 42, as of the given day) and loaded through the
ledger importer, which is idempotent on external ids. Running the demo twice on the same day
therefore changes nothing and creates no duplicate.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from dunwell.accounts.models import Role, User
from dunwell.demo.generator import DEAL_NAMES, generate
from dunwell.ladder.default_policies import translations_of
from dunwell.ledger.models import Company, Segment
from dunwell.ledger.services import save_bank_account

DEMO_SEED = 42
DEMO_COMPANY_CODE = "demo"
# One password for every demo login: this is a local demo, printed on the screen anyway.
DEMO_PASSWORD = "dunwell-demo"  # noqa: S105

# Load order of docs/import-formats.md.
IMPORT_ORDER = (
    "counterparties",
    "contacts",
    "contracts",
    "instalments",
    "documents",
    "payments",
    "deals",
    "orders",
)

# The people beside the generated supervisors, collectors and sales managers.
OFFICE: tuple[tuple[str, str, str, str], ...] = (
    ("admin", Role.ADMIN, "Adrian", "Admin"),
    ("director", Role.DIRECTOR, "Daniela", "Dinu"),
    ("finance", Role.FINANCE, "Florin", "Florea"),
    ("lawyer", Role.LAWYER, "Laura", "Lupu"),
    ("credit", Role.CREDIT_CONTROLLER, "Cristina", "Cazacu"),
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str


def ensure_segments() -> None:
    """The segments the generator uses (a migration creates them; a flushed database may
    have lost them)."""
    for code, name in (("key", "Key customer"), ("standard", "Standard"), ("new", "New customer")):
        Segment.objects.get_or_create(
            code=code, defaults={"name": name, "names": translations_of(name)}
        )


# What the demo's letters print as the creditor's requisites. Made up, in the formats a
# Romanian company has: the trade register's number (J<county>/<number>/<year>) and IBANs
# whose check digits are right (stdnum.iban.calc_check_digits), at banks' real BICs.
DEMO_REQUISITES = {
    "legal_address": "Str. Fabricii nr. 12, 400632 Cluj-Napoca, jud. Cluj",
    "registration_number": "J12/3456/2006",
}
# One account per currency the demo's debtors owe in: lei and euro at a Romanian bank, lei
# moldovenești at a Moldovan one, hryvnias at a Ukrainian one (its national code is an МФО).
# None in roubles: the settings page warns that the rouble documents print the lei account.
DEMO_BANK_ACCOUNTS = (
    {"currency": "RON", "bank_name": "Banca Transilvania",
     "bank_account": "RO39BTRL0130120254170901", "bank_code": "BTRLRO22"},
    {"currency": "EUR", "bank_name": "Banca Transilvania",
     "bank_account": "RO22BTRL0130420254170901", "bank_code": "BTRLRO22"},
    {"currency": "MDL", "bank_name": "Moldova Agroindbank",
     "bank_account": "MD44AG000000022515134711", "bank_code": "AGRNMD2X"},
    {"currency": "UAH", "bank_name": "ПриватБанк",
     "bank_account": "UA303052990000026007015512345", "bank_code": "305299"},
)  # fmt: skip


def ensure_company() -> Company:
    ensure_segments()
    company, _ = Company.objects.get_or_create(
        code=DEMO_COMPANY_CODE,
        defaults={
            "name": "Carpați Distribuție SRL",
            "country": "RO",
            "currency": "RON",
            "tax_id": "18547290",  # a valid CUI
            "time_zone": "Europe/Bucharest",
            "calendar_country": "RO",
            **DEMO_REQUISITES,
        },
    )
    # A demo made before the requisites existed gets them once; once any is filled, it stays.
    if not any(getattr(company, field) for field in DEMO_REQUISITES):
        Company.objects.filter(pk=company.pk).update(**DEMO_REQUISITES)
        company.refresh_from_db()
    # Each currency's account once: one changed on the settings page stays as it was changed.
    have = set(company.bank_accounts.values_list("currency", flat=True))
    for account in DEMO_BANK_ACCOUNTS:
        if account["currency"] not in have:
            save_bank_account(
                company,
                None,
                currency=account["currency"],
                bank_account=account["bank_account"],
                bank_name=account["bank_name"],
                bank_code=account["bank_code"],
            )
    return company


def _ensure_user(
    username: str,
    role: str,
    first: str,
    last: str,
    supervisor: User | None = None,
    extension: str = "",
) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user  # never overwrite: a second run must change nothing
    user = User(
        username=username,
        role=role,
        first_name=first,
        last_name=last,
        supervisor=supervisor,
        extension=extension,
        language="en",
        time_zone="Europe/Bucharest",
        email=f"{username}@demo.dunwell.invalid",
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def ensure_users(users_csv: Path) -> list[Login]:
    """The office (admin, director, finance, lawyer) and every user the generator's users.csv
    names (supervisors first, so that collectors and sales managers can point at them)."""
    logins: list[Login] = []
    for username, role, first, last in OFFICE:
        _ensure_user(username, role, first, last)
        logins.append(Login(username, DEMO_PASSWORD, str(role)))
    with users_csv.open(encoding="utf-8", newline="") as handle:
        staff = list(csv.DictReader(handle))
    staff.sort(key=lambda row: row["role"] != Role.SUPERVISOR)
    # Phone extensions, so that a call sent by curl or the fake AMI server (docs/telephony.md)
    # pops up at a demo collector: collectors 101, 102, …; supervisors 201, ….
    numbers: dict[str, Iterator[int]] = {
        Role.COLLECTOR: iter(range(101, 200)),
        Role.SUPERVISOR: iter(range(201, 300)),
    }
    for row in staff:
        boss = (
            User.objects.filter(username=row["supervisor"]).first() if row["supervisor"] else None
        )
        pool = numbers.get(row["role"])
        extension = str(next(pool, "")) if pool is not None else ""
        _ensure_user(
            row["username"], row["role"], row["first_name"], row["last_name"], boss, extension
        )
        logins.append(Login(row["username"], DEMO_PASSWORD, row["role"]))
    return logins


def deal_names(language: str) -> list[str]:
    """The generator's deal names in `language`: the company's sales managers name their deals
    in the company's language, as every reader then reads them (like the credit rules' notes)."""
    with translation.override(language or "en"):
        return [gettext(name) for name in DEAL_NAMES]


def generate_demo_data(
    out: Path, *, debtors: int, documents: int, as_of: date, language: str = "en"
) -> dict[str, Path]:
    """The demo's data set; its deals named in `language` (the company's)."""
    return generate(
        out,
        debtors=debtors,
        documents=documents,
        seed=DEMO_SEED,
        as_of=as_of,
        deal_names=deal_names(language),
    )


def train_prediction(as_of: date) -> tuple[Path | None, int | None]:
    """The payment prediction, as the worker's weekly and daily jobs make it
    (insight.retrain_prediction, insight.rescore_prediction) run on `as_of`: a model trained on
    the ledger and its promises, then every open document scored, so that the receipts forecast
    and the worklist's "likely late" use it. (The model's path or None when one of this week
    exists or there are too few paid documents; how many documents were scored or None.)"""
    from dunwell.insight.prediction.model import rescore_if_due, retrain_if_due

    return retrain_if_due(as_of), rescore_if_due(as_of)


def load_demo_data(
    company: Company,
    paths: dict[str, Path],
    *,
    user: User | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, tuple[int, int, int]]:
    """Import the generated files in order; (created, updated, unchanged) per kind."""
    from dunwell.ledger.importing import import_file

    outcome: dict[str, tuple[int, int, int]] = {}
    for kind in IMPORT_ORDER:
        last = [-1]

        def progress(done: int, total: int, kind: str = kind, last: list[int] = last) -> None:
            percent = 100 * done // total if total else 100
            if percent // 10 != last[0]:
                last[0] = percent // 10
                say(f"  {kind}: {done:,}/{total:,}")

        result = import_file(kind, paths[kind], company=company, user=user, progress=progress)
        outcome[kind] = (result.created, result.updated, result.unchanged)
        say(
            f"  {kind}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
    return outcome
