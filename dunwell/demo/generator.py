"""Synthetic receivables data in the import formats (docs/import-formats.md).

`generate()` writes users, counterparties, contacts, contracts, instalments, documents,
payments, sales deals and the orders of won deals as UTF-8 CSV files with the canonical
headers. The data is meant to look like a real
supplier's ledger: debtors in several countries with valid tax ids, contracts with varied
payment terms and penalty clauses, seasonal sales, and a payment behaviour per debtor (reliable,
slow, chronic late, disputer, partial payer, defaulter) that decides when and how much is paid.
Behaviour is not frozen: payments drift later over the 18 months (a slowing economy), each
debtor drifts at its own pace, and some debtors change behaviour on a day of their history
(docs/metrics.md: a prediction tested on such data is not a toy result). Deals move through the
pipeline's stages; some are won (an order follows), some lost, some stuck on a stage.

Rules the generator keeps:
- deterministic: the same arguments give byte-identical files (one `random.Random` per stream,
  seeded from the seed and the stream's name; no dict/set iteration order, no clock);
- streaming: rows are written debtor by debtor; memory holds one debtor's documents at a time;
- fast: dates are integer ordinals with precomputed ISO strings and working-day tables, amounts
  are integer cents, rows are plain tuples.

No Django import: the benchmarks and the demo call it directly.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from stdnum.iso7064 import mod_11_10
from stdnum.md import idno
from stdnum.ro import cui
from stdnum.ru import inn
from stdnum.ua import edrpou

from dunwell.workdays import WorkCalendar

Progress = Callable[[str, int, int], None]

BEHAVIOURS = ("reliable", "slow", "chronic_late", "disputer", "partial_payer", "defaulter")
# Share of debtors per behaviour (same order as BEHAVIOURS).
BEHAVIOUR_WEIGHTS = (35, 20, 15, 10, 10, 10)

HISTORY_DAYS = 548  # documents are dated over the ~18 months before as_of

FILES = (
    "users",
    "counterparties",
    "contacts",
    "contracts",
    "instalments",
    "documents",
    "payments",
    "deals",
    "orders",
)

# Payments drift later by this many days per year of history, for everybody (a slowing
# economy), on top of each debtor's own drift (normal, this spread in days per year).
DRIFT_DAYS_PER_YEAR = 10.0
DEBTOR_DRIFT_SPREAD = 8.0
# The share of debtors who change behaviour on some day of their history, and what they become.
CHANGE_SHARE = 0.15
CHANGES: dict[str, tuple[str, ...]] = {
    "reliable": ("slow", "chronic_late"),
    "slow": ("reliable", "chronic_late"),
    "chronic_late": ("slow", "reliable"),
    "disputer": ("reliable", "partial_payer"),
    "partial_payer": ("reliable", "chronic_late"),
    "defaulter": ("defaulter",),
}
# The share of chronic late and partial payers whose arrears grow until they stop paying as
# the defaulters do: the old debt of a ledger is mostly theirs, and mostly never comes back.
GOING_BAD: dict[str, float] = {"chronic_late": 0.25, "partial_payer": 0.2}
# The pipeline's open stages in order: (code, usual days, share of deals lost when leaving it).
DEAL_STAGES: tuple[tuple[str, int, float], ...] = (
    ("lead", 14, 0.35),
    ("qualified", 21, 0.25),
    ("proposal", 21, 0.3),
    ("negotiation", 14, 0.2),
)

HEADERS: dict[str, tuple[str, ...]] = {
    "users": ("username", "role", "first_name", "last_name", "supervisor"),
    "counterparties": (
        "external_id",
        "name",
        "tax_id",
        "country",
        "language",
        "time_zone",
        "segment",
        "collector",
        "sales_manager",
        "address",
    ),
    "contacts": (
        "external_id",
        "counterparty",
        "name",
        "position",
        "roles",
        "phone",
        "phone_alt",
        "email",
        "language",
        "notes",
    ),
    "contracts": (
        "external_id",
        "counterparty",
        "number",
        "date",
        "valid_from",
        "valid_to",
        "currency",
        "payment_days",
        "payment_day_kind",
        "payment_from",
        "prepayment_percent",
        "prepayment_days",
        "credit_limit",
        "penalty_rate",
        "penalty_period",
        "penalty_cap_percent",
        "penalty_from_day",
        "pretension_days",
        "claims_days",
        "governing_law",
    ),
    "instalments": ("contract", "due_date", "amount"),
    "documents": (
        "external_id",
        "kind",
        "counterparty",
        "contract",
        "number",
        "date",
        "due_date",
        "amount",
        "currency",
        "accepted",
        "accepted_on",
    ),
    "payments": (
        "external_id",
        "counterparty",
        "contract",
        "document",
        "date",
        "amount",
        "currency",
        "payer",
    ),
    "deals": (
        "external_id",
        "counterparty",
        "name",
        "amount",
        "currency",
        "stage",
        "stage_entered_on",
        "probability",
        "expected_close",
        "payment_days",
        "owner",
    ),
    "orders": (
        "external_id",
        "counterparty",
        "number",
        "date",
        "amount",
        "currency",
        "status",
        "invoiced_amount",
    ),
}


@dataclass(frozen=True)
class Country:
    code: str
    currency: str
    languages: tuple[str, ...]
    time_zones: tuple[str, ...]
    weight: int
    # How many units of the local currency buy what 1 EUR buys (scales invoice amounts).
    scale: float
    legal_forms: tuple[str, ...]
    cities: tuple[str, ...]
    banking_terms: float  # share of contracts counting banking days


COUNTRIES: tuple[Country, ...] = (
    Country(
        "RO",
        "RON",
        ("ro",),
        ("Europe/Bucharest",),
        30,
        5.0,
        ("{} SRL", "{} SA"),
        ("București", "Cluj-Napoca", "Iași", "Timișoara", "Constanța", "Brașov"),
        0.2,
    ),
    Country(
        "MD",
        "MDL",
        ("ro", "ro", "ru"),
        ("Europe/Chisinau",),
        15,
        19.0,
        ("{} SRL", "ÎM {} SRL", "{} SA"),
        ("Chișinău", "Bălți", "Cahul", "Orhei"),
        0.3,
    ),
    Country(
        "RU",
        "RUB",
        ("ru",),
        (
            "Europe/Moscow",
            "Europe/Moscow",
            "Europe/Moscow",
            "Europe/Samara",
            "Asia/Yekaterinburg",
            "Asia/Novosibirsk",
        ),
        20,
        95.0,
        ("ООО «{}»", "АО «{}»", "ПАО «{}»"),
        ("Москва", "Санкт-Петербург", "Казань", "Самара", "Екатеринбург", "Новосибирск"),
        0.6,
    ),
    Country(
        "UA",
        "UAH",
        ("uk",),
        ("Europe/Kyiv",),
        15,
        45.0,
        ("ТОВ «{}»", "ПрАТ «{}»", "ПП «{}»"),
        ("Київ", "Львів", "Одеса", "Дніпро", "Харків"),
        0.5,
    ),
    Country(
        "DE",
        "EUR",
        ("en",),
        ("Europe/Berlin",),
        10,
        1.0,
        ("{} GmbH", "{} AG", "{} KG"),
        ("Berlin", "München", "Hamburg", "Köln", "Leipzig"),
        0.1,
    ),
    Country(
        "PL",
        "EUR",
        ("en",),
        ("Europe/Warsaw",),
        10,
        1.0,
        ("{} sp. z o.o.", "{} S.A."),
        ("Warszawa", "Kraków", "Poznań", "Wrocław", "Gdańsk"),
        0.1,
    ),
)
_COUNTRY_CUM = [sum(c.weight for c in COUNTRIES[: i + 1]) for i in range(len(COUNTRIES))]

_NAME_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # (company name stems, suffix words)
    "RO": (
        ("Agro", "Construct", "Distrib", "Trans", "Med", "Electro", "Tehno", "Prod", "Comex"),
        ("Nord", "Vest", "Carpați", "Dunărea", "Prim", "Expert", "Grup", "Plus", "Trade"),
    ),
    "MD": (
        ("Agro", "Moldo", "Vin", "Trans", "Farm", "Constr", "Lact", "Bio", "Euro"),
        ("Prut", "Nistru", "Codru", "Plus", "Grup", "Service", "Trade", "Nord", "Sud"),
    ),
    "RU": (
        ("Торг", "Строй", "Агро", "Энерго", "Пром", "Транс", "Мед", "Техно", "Снаб"),
        ("Сервис", "Инвест", "Альянс", "Групп", "Волга", "Урал", "Сибирь", "Холдинг", "Плюс"),
    ),
    "UA": (
        ("Агро", "Буд", "Торг", "Енерго", "Пром", "Транс", "Мед", "Техно", "Пост"),
        ("Сервіс", "Інвест", "Альянс", "Груп", "Дніпро", "Карпати", "Поділля", "Плюс", "Трейд"),
    ),
    "DE": (
        ("Nord", "Süd", "Rhein", "Elb", "Berg", "Stahl", "Bau", "Medi", "Agrar"),
        ("handel", "technik", "logistik", "werk", "bau", "versand", "service", "systeme", "tec"),
    ),
    "PL": (
        ("Pol", "Bud", "Agro", "Trans", "Med", "Elektro", "Stal", "Wis", "Tech"),
        ("mex", "pol", "bud", "trans", "ex", "med", "rol", "serwis", "hurt"),
    ),
}

_PEOPLE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "RO": (
        ("Andrei", "Ioana", "Mihai", "Elena", "Alexandru", "Maria", "Cristina", "Vlad", "Ana"),
        ("Popescu", "Ionescu", "Dumitrescu", "Stan", "Georgescu", "Matei", "Radu", "Stoica"),
    ),
    "MD": (
        ("Ion", "Natalia", "Vasile", "Olga", "Sergiu", "Tatiana", "Victor", "Irina", "Dorin"),
        ("Rusu", "Ceban", "Munteanu", "Lungu", "Cojocaru", "Botnaru", "Sârbu", "Țurcanu"),
    ),
    "RU": (
        ("Алексей", "Ольга", "Дмитрий", "Елена", "Сергей", "Наталья", "Андрей", "Ирина"),
        ("Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков"),
    ),
    "UA": (
        ("Олександр", "Оксана", "Андрій", "Наталія", "Сергій", "Ірина", "Богдан", "Олена"),
        ("Шевченко", "Бондаренко", "Коваленко", "Ткаченко", "Кравченко", "Мельник", "Бойко"),
    ),
    "DE": (
        ("Thomas", "Anna", "Michael", "Julia", "Stefan", "Katrin", "Andreas", "Sabine"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner"),
    ),
    "PL": (
        ("Piotr", "Anna", "Tomasz", "Katarzyna", "Marcin", "Agnieszka", "Paweł", "Magdalena"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"),
    ),
}

# Russian and Polish surnames agree with the person: Козлов / Козлова, Kowalski / Kowalska.
_FEMALE_FIRST_NAMES = frozenset(
    ("Ольга", "Елена", "Наталья", "Ирина", "Anna", "Katarzyna", "Agnieszka", "Magdalena")
)


def _full_name(country: str, first: str, last: str) -> str:
    if first in _FEMALE_FIRST_NAMES:
        if country == "RU" and last.endswith(("ов", "ев", "ин")):
            last += "а"
        elif country == "PL" and last.endswith(("ski", "cki")):
            last = last[:-1] + "a"
    return f"{first} {last}"


# What a collector noted about the person who approves payments, in the contact's language.
_PAYMENT_DAYS_NOTE = {
    "ru": "Согласовывает платежи по вторникам и четвергам",
    "uk": "Погоджує платежі щовівторка і щочетверга",
    "ro": "Aprobă plățile marțea și joia",
    "en": "Approves payments on Tuesdays and Thursdays",
}

_POSITIONS: dict[str, dict[str, str]] = {
    "ru": {
        "decides_payments": "Финансовый директор",
        "accountant": "Главный бухгалтер",
        "orders": "Менеджер по закупкам",
        "accepts": "Заведующий складом",
        "signs": "Генеральный директор",
    },
    "uk": {
        "decides_payments": "Фінансовий директор",
        "accountant": "Головний бухгалтер",
        "orders": "Менеджер із закупівель",
        "accepts": "Завідувач складу",
        "signs": "Директор",
    },
    "ro": {
        "decides_payments": "Director financiar",
        "accountant": "Contabil-șef",
        "orders": "Responsabil achiziții",
        "accepts": "Șef depozit",
        "signs": "Administrator",
    },
    "en": {
        "decides_payments": "CFO",
        "accountant": "Accountant",
        "orders": "Purchasing manager",
        "accepts": "Warehouse manager",
        "signs": "Managing director",
    },
}

# Mobile number patterns that libphonenumber accepts: (national prefixes, digits after them).
_PHONES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "RO": ("+40", ("721", "722", "723", "744", "745", "751", "766", "771", "788"), 6),
    "MD": ("+373", ("60", "62", "67", "68", "69", "78", "79"), 6),
    "RU": ("+7", ("903", "905", "915", "916", "925", "926", "985", "912", "913"), 7),
    "UA": ("+380", ("50", "63", "66", "67", "68", "73", "93", "97", "98", "99"), 7),
    "DE": ("+49", ("151", "152", "157", "160", "170", "171", "175", "176"), 8),
    "PL": ("+48", ("501", "502", "600", "601", "661", "691", "721", "791", "881"), 6),
}
_EMAIL_DOMAINS = {
    "RO": "ro",
    "MD": "md",
    "RU": "ru",
    "UA": "com.ua",
    "DE": "de",
    "PL": "pl",
}

_DOC_PREFIX = {
    # kind -> prefix per language family of the country
    "invoice": {"ru": "СЧ", "uk": "РФ", "ro": "FCT", "en": "INV"},
    "shipment": {"ru": "УПД", "uk": "ВН", "ro": "AVZ", "en": "LS"},
    "act": {"ru": "АКТ", "uk": "АКТ", "ro": "PV", "en": "SRV"},
}


def gettext_noop(message: str) -> str:
    """Marks a text for the demo app's catalogue (no Django here: `demo.setup.deal_names`
    translates the marked texts into the company's language)."""
    return message


# What a distributor's sales managers call their deals; {year} and {quarter} are those of the
# supply sold, which starts the month after the deal closes. A list in another language
# (`generate`'s deal_names) has the same length and order.
DEAL_NAMES = (
    gettext_noop("Annual supply contract {year}"),
    gettext_noop("Supply for Q{quarter} {year}"),
    gettext_noop("Refrigerated display cases"),
    gettext_noop("Forklift trucks for the warehouse"),
    gettext_noop("Spare parts for the packaging line"),
    gettext_noop("Forklift maintenance contract"),
    gettext_noop("Warehouse shelving"),
    gettext_noop("Cleaning and hygiene products"),
    gettext_noop("Stretch film and cardboard boxes"),
    gettext_noop("Fit-out of the new store"),
)
_MONTH_SEASON = (0.7, 0.85, 1.05, 1.0, 0.95, 1.0, 0.9, 0.8, 1.1, 1.15, 1.2, 1.3)
_WEEKDAY_SEASON = (1.0, 1.0, 1.0, 1.0, 1.0, 0.12, 0.02)


def _rng(seed: int, stream: str) -> random.Random:
    # A string seed is hashed with SHA-512 by random.seed(version=2): stable across runs.
    return random.Random(f"dunwell:{seed}:{stream}")


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _weighted_index(rng: random.Random, cumulative: list[int] | list[float]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def behaviours(debtors: int, seed: int) -> list[str]:
    """The payment behaviour of each debtor, in counterparty order (CP000001 first). The first
    debtors cycle through every behaviour so that even a tiny data set has each one."""
    rng = _rng(seed, "behaviours")
    cumulative = [sum(BEHAVIOUR_WEIGHTS[: i + 1]) for i in range(len(BEHAVIOURS))]
    result = list(BEHAVIOURS[:debtors])
    result.extend(BEHAVIOURS[_weighted_index(rng, cumulative)] for _ in range(len(result), debtors))
    return result


# --- tax ids -------------------------------------------------------------------------------


def _unique(index: int, digits: int, salt: int) -> str:
    """A digit string unique per index (an affine permutation of 0..10**digits-1)."""
    modulus = 10**digits
    return f"{(index * 7_919_471 + salt) % modulus:0{digits}d}"


def tax_id_for(country: str, index: int) -> str:
    """A tax id valid for the country (check digits computed by python-stdnum), unique per
    index: RU INN (10 digits), UA EDRPOU, RO CUI, MD IDNO, DE and PL VAT numbers."""
    if country == "RU":
        regions = ("77", "78", "50", "16", "63", "66", "54")
        body = regions[index % len(regions)] + _unique(index, 7, 1_234_567)
        return body + inn.calc_company_check_digit(body)
    if country == "UA":
        body = "3" + _unique(index, 6, 345_678)
        return body + edrpou.calc_check_digit(body)
    if country == "RO":
        body = str(1 + index % 4) + _unique(index, 7, 2_345_678)
        return body + cui.calc_check_digit(body)
    if country == "MD":
        body = "100" + _unique(index, 9, 456_789_012)
        return body + idno.calc_check_digit(body)
    if country == "DE":
        body = str(1 + index % 9) + _unique(index, 7, 3_456_789)
        return "DE" + body + mod_11_10.calc_check_digit(body)
    if country == "PL":
        weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
        salt = 0
        while True:
            body = str(5 + index % 4) + _unique(index, 8, 4_567_890 + salt)
            check = sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
            if check < 10:
                return "PL" + body + str(check)
            salt += 1
    raise ValueError(f"no tax id scheme for {country}")


# --- calendars -----------------------------------------------------------------------------


class _Days:
    """ISO strings and working-day arithmetic over a fixed ordinal range."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.iso = [date.fromordinal(o).isoformat() for o in range(first, last + 1)]
        self.last = last
        self._working: dict[str, tuple[list[int], list[int]]] = {}

    def s(self, ordinal: int) -> str:
        offset = ordinal - self.first
        if 0 <= offset < len(self.iso):
            return self.iso[offset]
        return date.fromordinal(ordinal).isoformat()

    def _tables(self, country: str) -> tuple[list[int], list[int]]:
        tables = self._working.get(country)
        if tables is None:
            calendar = WorkCalendar(country)
            working: list[int] = []
            count_upto: list[int] = []  # working days <= ordinal
            for o in range(self.first, self.last + 1):
                if calendar.is_working_day(date.fromordinal(o)):
                    working.append(o)
                count_upto.append(len(working))
            tables = (working, count_upto)
            self._working[country] = tables
        return tables

    def add_banking(self, country: str, ordinal: int, days: int) -> int:
        working, count_upto = self._tables(country)
        target = count_upto[ordinal - self.first] + days - 1
        if target >= len(working):
            return ordinal + days * 7 // 5 + 2
        return working[target]

    def next_working(self, country: str, ordinal: int) -> int:
        if ordinal > self.last:
            return ordinal
        working, count_upto = self._tables(country)
        # count_upto[o] counts working days <= o; the first working day >= o is at that index
        # minus one when o itself is working.
        index = count_upto[ordinal - self.first - 1] if ordinal > self.first else 0
        return working[index] if index < len(working) else ordinal


# --- the generator -------------------------------------------------------------------------


@dataclass
class _Contract:
    external_id: str
    currency: str
    payment_days: int
    banking: bool
    from_acceptance: bool


class _Writer:
    def __init__(self, out: Path, name: str) -> None:
        self.path = out / f"{name}.csv"
        self.handle: IO[str] = self.path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(HEADERS[name])
        self.rows = 0

    def row(self, values: tuple[Any, ...]) -> None:
        self.writer.writerow(values)
        self.rows += 1

    def rows_many(self, rows: list[tuple[Any, ...]]) -> None:
        self.writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        self.handle.close()


def staff_counts(debtors: int) -> tuple[int, int, int]:
    """(supervisors, collectors, sales managers) for a portfolio of `debtors`: about a hundred
    debtors per collector, eight collectors per supervisor."""
    collectors = max(3, math.ceil(debtors / 100))
    sales = max(2, math.ceil(debtors / 150))
    supervisors = max(1, math.ceil(collectors / 8))
    return supervisors, collectors, sales


def _staff(seed: int, debtors: int) -> Iterator[tuple[str, str, str, str, str]]:
    rng = _rng(seed, "users")
    supervisors, collectors, sales = staff_counts(debtors)
    first, last = _PEOPLE["RO"]
    everyone = supervisors + collectors + sales
    # Distinct names while they last (a big portfolio has more staff than name pairs).
    pairs = [(f, surname) for f in first for surname in last]
    rng.shuffle(pairs)
    names = [pairs[i % len(pairs)] for i in range(everyone)]
    n_name = iter(names)
    for n in range(1, supervisors + 1):
        yield (f"supervisor{n}", "supervisor", *next(n_name), "")
    for n in range(1, collectors + 1):
        boss = f"supervisor{(n - 1) // 8 + 1}"
        yield (f"collector{n}", "collector", *next(n_name), boss)
    for n in range(1, sales + 1):
        boss = f"supervisor{(n - 1) % supervisors + 1}"
        yield (f"sales{n}", "sales", *next(n_name), boss)


def _document_counts(rng: random.Random, debtors: int, documents: int) -> list[int]:
    """Spread `documents` over debtors with a heavy tail (a few big customers), exactly."""
    weights = [min(rng.paretovariate(1.3), 60.0) for _ in range(debtors)]
    total = sum(weights)
    raw = [w * documents / total for w in weights]
    counts = [int(r) for r in raw]
    short = documents - sum(counts)
    # Largest remainders first; ties broken by index so the result is deterministic.
    order = sorted(range(debtors), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:short]:
        counts[i] += 1
    return counts


def generate(
    out: Path,
    *,
    debtors: int,
    documents: int,
    seed: int,
    as_of: date,
    progress: Progress | None = None,
    deal_names: Sequence[str] = DEAL_NAMES,
) -> dict[str, Path]:
    """Write the synthetic data set into `out`; return the path of each file by kind
    ("users", "counterparties", "contacts", "contracts", "instalments", "documents",
    "payments", "deals", "orders"). `progress(stage, done, total)` is called now and then.
    `deal_names`: DEAL_NAMES in the language the deals are named in (same order)."""
    if debtors < 1:
        raise ValueError("debtors must be at least 1")
    if documents < 0:
        raise ValueError("documents must not be negative")
    if len(deal_names) != len(DEAL_NAMES):
        raise ValueError(f"deal_names: {len(DEAL_NAMES)} names, as DEAL_NAMES")
    out.mkdir(parents=True, exist_ok=True)
    writers = {name: _Writer(out, name) for name in FILES}
    try:
        for user in _staff(seed, debtors):
            writers["users"].row(user)
        _Generation(writers, debtors, documents, seed, as_of, progress, deal_names).run()
    finally:
        for writer in writers.values():
            writer.close()
    return {name: writer.path for name, writer in writers.items()}


class _Generation:
    def __init__(
        self,
        writers: dict[str, _Writer],
        debtors: int,
        documents: int,
        seed: int,
        as_of: date,
        progress: Progress | None,
        deal_names: Sequence[str] = DEAL_NAMES,
    ) -> None:
        self.w = writers
        self.debtors = debtors
        self.documents = documents
        self.seed = seed
        self.as_of = as_of.toordinal()
        self.progress = progress
        self.deal_names = tuple(deal_names)
        self.start = self.as_of - HISTORY_DAYS
        self.days = _Days(self.start - 1200, self.as_of + 800)
        self.rng_cp = _rng(seed, "counterparties")
        self.rng_doc = _rng(seed, "documents")
        self.rng_pay = _rng(seed, "payments")
        self.rng_drift = _rng(seed, "drift")
        self.rng_deal = _rng(seed, "deals")
        self.rng_schedule = _rng(seed, "schedules")
        self.supervisors, self.collectors, self.sales = staff_counts(debtors)
        # A debtor's people never bear the name of one of our staff: "Ana Stan" answering
        # collector Ana Stan's call reads as a mix-up on the card, the timeline and the KPIs.
        self.staff_names = {(first, last) for _u, _r, first, last, _s in _staff(seed, debtors)}
        self._free_names: dict[str, list[tuple[str, str]]] = {}
        self.firm_names: set[str] = set()  # the debtors' names so far (`firm_name`)
        self.forms_full: set[tuple[str, str]] = set()  # (country, legal form) with none left
        self.firm_numbers: dict[tuple[str, str], int] = {}  # the last number given a name
        self.behaviours = behaviours(debtors, seed)
        # Seasonal weights over the document window, cumulative for bisect sampling.
        cumulative: list[float] = []
        running = 0.0
        for o in range(self.start, self.as_of + 1):
            day = date.fromordinal(o)
            trend = 1.0 + 0.25 * (o - self.start) / HISTORY_DAYS
            running += _MONTH_SEASON[day.month - 1] * _WEEKDAY_SEASON[day.weekday()] * trend
            cumulative.append(running)
        self.season = cumulative
        self.contract_seq = 0
        self.contact_seq = 0
        self.document_seq = 0
        self.payment_seq = 0
        self.deal_seq = 0

    # -- counterparties, contacts, contracts ------------------------------------------------

    def run(self) -> None:
        counts = _document_counts(self.rng_doc, self.debtors, self.documents)
        done_docs = 0
        step = max(1, self.debtors // 50)
        carried = 0  # documents a defaulter got no more, given to the next debtor
        for index in range(self.debtors):
            wanted = counts[index] + carried
            written = self.debtor(index, wanted, last=index == self.debtors - 1)
            carried = wanted - written
            done_docs += written
            if self.progress is not None and (index % step == 0 or index == self.debtors - 1):
                self.progress("documents", done_docs, self.documents)

    def debtor(self, index: int, n_documents: int, *, last: bool = False) -> int:
        """Write one debtor; how many documents it got (fewer than `n_documents` when it stopped
        paying and was shipped no more, unless it is the `last`)."""
        rng = self.rng_cp
        country = COUNTRIES[_weighted_index(rng, _COUNTRY_CUM)]
        behaviour = self.behaviours[index]
        segment_roll = rng.random()
        segment = "key" if segment_roll < 0.1 else "new" if segment_roll < 0.3 else "standard"
        external_id = f"CP{index + 1:06d}"
        stems, suffixes = _NAME_WORDS[country.code]
        # "ООО ТоргСервис", "AgroNord SRL", "Rheinlogistik GmbH": one debtor each (`firm_name`).
        form = rng.choice(country.legal_forms)
        stem, suffix = rng.choice(stems), rng.choice(suffixes)
        name = self.firm_name(country.code, form, stem, suffix)
        language = rng.choice(country.languages)
        time_zone = rng.choice(country.time_zones)
        collector = ""
        if rng.random() > 0.04:  # a few debtors are not assigned yet
            collector = f"collector{rng.randrange(self.collectors) + 1}"
        sales_manager = f"sales{rng.randrange(self.sales) + 1}"
        city = rng.choice(country.cities)
        address = f"{city}, {rng.randrange(1, 180)}"
        self.w["counterparties"].row(
            (
                external_id,
                name,
                tax_id_for(country.code, index),
                country.code,
                language,
                time_zone,
                segment,
                collector,
                sales_manager,
                address,
            )
        )
        self.contacts(external_id, country, language, name)
        # The debtor's active window: new customers started recently; others at any time.
        if segment == "new":
            first_day = self.as_of - rng.randrange(30, 150)
        else:
            first_day = self.start + int(rng.random() ** 2 * HISTORY_DAYS * 0.5)
        contracts = self.contracts(external_id, country, behaviour, first_day)
        n_documents = self.documents_and_payments(
            external_id,
            country,
            language,
            name,
            behaviour,
            contracts,
            first_day,
            n_documents,
            trim=not last,
        )
        self.deals(external_id, country, sales_manager, contracts[0], first_day, n_documents)
        return n_documents

    def firm_name(self, country: str, form: str, stem: str, suffix: str) -> str:
        """A debtor's name no other debtor of the company bears (two 'ProdGrup SRL' made a
        collector searching one find both): the name drawn, else the next free stem and suffix
        of the country in a fixed order (the random stream is the same), else, all of them
        taken in that legal form, the name drawn with a number ('ProdGrup 2 SRL')."""
        stems, suffixes = _NAME_WORDS[country]
        if (country, form) not in self.forms_full:
            count = len(stems) * len(suffixes)
            start = stems.index(stem) * len(suffixes) + suffixes.index(suffix)
            for k in range(count):
                j = (start + k) % count
                name = form.format(stems[j // len(suffixes)] + suffixes[j % len(suffixes)])
                if name not in self.firm_names:
                    self.firm_names.add(name)
                    return name
            self.forms_full.add((country, form))
        base = stem + suffix
        number = self.firm_numbers.get((form, base), 1)
        name = form.format(base)
        while name in self.firm_names:
            number += 1
            name = form.format(f"{base} {number}")
        self.firm_numbers[(form, base)] = number
        self.firm_names.add(name)
        return name

    def contacts(self, counterparty: str, country: Country, language: str, firm: str) -> None:
        rng = self.rng_cp
        firsts, lasts = _PEOPLE[country.code]
        positions = _POSITIONS[language]
        # Most debtors have the person who decides payments on file; some we still must find.
        role_sets: list[tuple[str, ...]] = []
        if rng.random() < 0.85:
            role_sets.append(
                ("decides_payments", "signs") if rng.random() < 0.4 else ("decides_payments",)
            )
        role_sets.append(("accountant",))
        if rng.random() < 0.7:
            role_sets.append(("orders",))
        if rng.random() < 0.5:
            role_sets.append(("accepts",))
        prefix, mobiles, digits = _PHONES[country.code]
        domain = f"{counterparty.lower()}.example.{_EMAIL_DOMAINS[country.code]}"
        for roles in role_sets:
            self.contact_seq += 1
            first, last = rng.choice(firsts), rng.choice(lasts)
            if (first, last) in self.staff_names:
                free = self.free_names(country.code)
                if free:  # none left only when a huge staff took every pair
                    first, last = rng.choice(free)
            number = rng.choice(mobiles) + "".join(str(rng.randrange(10)) for _ in range(digits))
            phone = f"{prefix} {number}"
            if country.code == "RO" and rng.random() < 0.5:
                phone = f"0{number[:3]} {number[3:6]} {number[6:]}"  # national format
            elif country.code == "RU" and rng.random() < 0.5:
                phone = f"8 ({number[:3]}) {number[3:6]}-{number[6:8]}-{number[8:]}"
            phone_alt = ""
            if rng.random() < 0.2:
                alt = rng.choice(mobiles) + "".join(str(rng.randrange(10)) for _ in range(digits))
                phone_alt = f"{prefix}{alt}"
            email = f"{roles[0].split('_')[0]}@{domain}" if rng.random() < 0.8 else ""
            notes = ""
            if roles[0] == "decides_payments" and rng.random() < 0.3:
                notes = _PAYMENT_DAYS_NOTE[language]
            self.w["contacts"].row(
                (
                    f"CT{self.contact_seq:07d}",
                    counterparty,
                    _full_name(country.code, first, last),
                    positions[roles[0]],
                    "|".join(roles),
                    phone,
                    phone_alt,
                    email,
                    language,
                    notes,
                )
            )

    def free_names(self, country: str) -> list[tuple[str, str]]:
        """The (first, last) pairs of the country's people that no staff member bears."""
        if country not in self._free_names:
            firsts, lasts = _PEOPLE[country]
            self._free_names[country] = [
                (f, last) for f in firsts for last in lasts if (f, last) not in self.staff_names
            ]
        return self._free_names[country]

    def contracts(
        self, counterparty: str, country: Country, behaviour: str, first_day: int
    ) -> list[_Contract]:
        rng = self.rng_cp
        result: list[_Contract] = []
        n = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.8 else 3
        for k in range(n):
            self.contract_seq += 1
            external_id = f"K{self.contract_seq:07d}"
            currency = country.currency
            if k > 0 and country.code in ("RO", "MD", "UA") and rng.random() < 0.5:
                currency = "EUR"  # an export/import contract in euro beside the local one
            signed = first_day - rng.randrange(0, 400) + k * 90
            banking = rng.random() < country.banking_terms
            payment_days = rng.choice((0, 7, 10, 14, 15, 20, 30, 30, 30, 45, 60, 90))
            if banking:
                payment_days = rng.choice((5, 10, 15, 20, 30))
            from_acceptance = rng.random() < 0.2
            prepay_percent = ""
            prepay_days = ""
            if rng.random() < 0.1:
                prepay_percent = rng.choice(("30", "50", "100"))
                prepay_days = str(rng.choice((3, 5, 10)))
            per_year = country.code in ("DE", "PL") or rng.random() < 0.2
            if rng.random() < 0.15:
                penalty_rate = penalty_period = cap = ""
                from_day = ""
            elif per_year:
                penalty_rate = rng.choice(("9.0000", "12.0000", "18.0000", "24.0000"))
                penalty_period = "year"
                cap = rng.choice(("", "", "10.00"))
                from_day = "1"
            else:
                penalty_rate = rng.choice(("0.0300", "0.0500", "0.1000", "0.1000", "0.2000"))
                penalty_period = "day"
                cap = rng.choice(("10.00", "10.00", "20.00", "100.00", ""))
                from_day = rng.choice(("1", "1", "1", "6", "11"))
            limit = ""
            if behaviour != "defaulter" or rng.random() < 0.5:
                limit = str(rng.choice((5, 10, 20, 50, 100, 200)) * 1000 * round(country.scale))
            valid_to = ""
            if rng.random() < 0.6:  # fixed-term contracts, extended so far
                valid_to = self.days.s(self.as_of + rng.randrange(30, 700))
            row = (
                external_id,
                counterparty,
                f"{rng.randrange(1, 999)}/{date.fromordinal(signed).year}",
                self.days.s(signed),
                self.days.s(signed),
                valid_to,
                currency,
                payment_days,
                "banking" if banking else "calendar",
                "acceptance" if from_acceptance else "document",
                prepay_percent,
                prepay_days,
                limit,
                penalty_rate,
                penalty_period,
                cap,
                from_day,
                rng.choice((10, 15, 20, 30, 30, 30)),
                rng.choice(("", "5", "10", "14")),
                rng.choice((country.code, country.code, "RO")),
            )
            self.w["contracts"].row(row)
            if rng.random() < 0.05:
                self.schedule_contract(row, country.scale if currency != "EUR" else 1.0)
            result.append(_Contract(external_id, currency, payment_days, banking, from_acceptance))
        return result

    def schedule_contract(self, terms: tuple[Any, ...], scale: float) -> None:
        """A contractual payment schedule (equipment sold on instalments): a contract of its
        own on the terms `terms` (a contract row), signed within the last year, whose monthly
        instalments run on past as_of for many. Nothing is invoiced on it, so the cash
        forecast expects the instalments still to come (amounts in EUR × `scale`)."""
        months = self.rng_cp.randrange(3, 13) + 6
        amount = self.rng_cp.randrange(1000, 20000) * 100 * max(1, round(scale))
        rng = self.rng_schedule
        self.contract_seq += 1
        signed = self.as_of - rng.randrange(20, 330)
        row = list(terms)
        row[0] = f"K{self.contract_seq:07d}"
        row[2] = f"{rng.randrange(1, 999)}-R/{date.fromordinal(signed).year}"
        row[3] = row[4] = self.days.s(signed)
        row[5] = self.days.s(signed + 30 * (months + 1))
        self.w["contracts"].row(tuple(row))
        for m in range(months):
            self.w["instalments"].row((row[0], self.days.s(signed + 30 * (m + 1)), _cents(amount)))

    # -- documents and payments -------------------------------------------------------------

    def documents_and_payments(
        self,
        counterparty: str,
        country: Country,
        language: str,
        payer: str,
        behaviour: str,
        contracts: list[_Contract],
        first_day: int,
        n_documents: int,
        *,
        trim: bool = True,
    ) -> int:
        """Write the debtor's documents and payments; how many documents (`trim`: a debtor who
        stopped paying is shipped no more a few weeks to months later, and gets as many of
        `n_documents` as its seasonal sales until then would have)."""
        if n_documents == 0:
            return 0
        rng = self.rng_doc
        pay = self.rng_pay
        days = self.days
        as_of = self.as_of
        season = self.season
        lo = season[max(0, first_day - self.start) - 1] if first_day > self.start else 0.0
        hi = season[-1]
        # Defaulters stop paying on some day of the history and never pay again; the
        # shipments to them stop a few weeks to months later.
        stop_paying = as_of + 1
        if behaviour == "defaulter" or pay.random() < GOING_BAD.get(behaviour, 0.0):
            # More of them early in the history than late: debtors in trouble go on owing.
            stopped = self.start + 30 + int((HISTORY_DAYS - 75) * pay.random() ** 2)
            stop_paying = max(first_day + 30, stopped)
        # Drift: the debtor's own pace (days per year, on top of everybody's), and for some a
        # day from which documents falling due are paid with another behaviour (a debtor who
        # went bad stops paying on that day).
        drift = self.rng_drift
        per_year = DRIFT_DAYS_PER_YEAR + drift.gauss(0.0, DEBTOR_DRIFT_SPREAD)
        change_day, changed = as_of + 1, behaviour
        if drift.random() < CHANGE_SHARE:
            change_day = self.start + drift.randrange(90, HISTORY_DAYS)
            changed = drift.choice(CHANGES[behaviour])
        if trim and stop_paying <= as_of:
            last_shipment = stop_paying + pay.randrange(20, 75)
            if last_shipment < as_of and season[last_shipment - self.start] > lo:
                cut = season[last_shipment - self.start]
                usual = 2 * self.documents / self.debtors  # they are small customers
                n_documents = max(1, round(min(n_documents, usual) * (cut - lo) / (hi - lo)))
                hi = cut
        scale = country.scale * (3.0 if pay.random() < 0.1 else 1.0)
        median = rng.lognormvariate(7.0, 0.8)  # in EUR-equivalent per document
        if stop_paying <= as_of:
            # Those who stop paying are small customers: the large ones are watched closely.
            scale, median = country.scale, min(median, 1500.0)
        lang = "en" if language not in ("ru", "uk", "ro") else language
        dates = sorted(
            self.start + bisect.bisect_left(season, lo + rng.random() * (hi - lo))
            for _ in range(n_documents)
        )
        doc_rows: list[tuple[Any, ...]] = []
        pay_rows: list[tuple[int, int, str, str, str]] = []
        for doc_date in dates:
            self.document_seq += 1
            doc_id = f"D{self.document_seq:08d}"
            roll = rng.random()
            kind = "invoice" if roll < 0.55 else "shipment" if roll < 0.9 else "act"
            if rng.random() < 0.03:
                contract = None
                currency = country.currency
            else:
                contract = contracts[0] if rng.random() < 0.75 else rng.choice(contracts)
                currency = contract.currency
            factor = scale if currency != "EUR" else 1.0
            amount = max(100, int(median * rng.lognormvariate(0.0, 0.6) * factor * 100))
            accepted = ""
            accepted_on = ""
            base = doc_date
            if contract is not None and contract.from_acceptance:
                acceptance = doc_date + rng.randrange(0, 8)
                base = acceptance
                if acceptance <= as_of:
                    accepted, accepted_on = "1", days.s(acceptance)
            elif kind == "shipment" and rng.random() < 0.7:
                acceptance = doc_date + rng.randrange(0, 4)
                if acceptance <= as_of:
                    accepted, accepted_on = "1", days.s(acceptance)
            if contract is None:
                due = doc_date + 30
            elif contract.banking:
                due = days.add_banking(country.code, base, contract.payment_days)
            else:
                due = base + contract.payment_days
            # Leave some due dates for the importer to compute from the contract's terms.
            due_text = days.s(due)
            if (
                contract is not None
                and not contract.banking
                and not contract.from_acceptance
                and rng.random() < 0.05
            ):
                due_text = ""
            prefix = _DOC_PREFIX[kind][lang]
            doc_rows.append(
                (
                    doc_id,
                    kind,
                    counterparty,
                    contract.external_id if contract else "",
                    f"{prefix}-{self.document_seq}",
                    days.s(doc_date),
                    due_text,
                    _cents(amount),
                    currency,
                    accepted,
                    accepted_on,
                )
            )
            contract_id = contract.external_id if contract else ""
            now = changed if due >= change_day else behaviour
            # Reliable debtors keep their terms however the economy goes.
            shift = round(per_year * (due - self.start) / 365) if now != "reliable" else 0
            for when, paid in self.schedule(now, due, amount, stop_paying):
                when += shift
                # Banks do not book on weekends and holidays; nobody pays before the invoice.
                when = days.next_working(country.code, max(when, doc_date))
                if when > as_of or when >= stop_paying:
                    continue
                pay_rows.append((when, paid, doc_id, contract_id, currency))
        self.w["documents"].rows_many(doc_rows)
        self.write_payments(counterparty, payer, behaviour, pay_rows)
        return n_documents

    def deals(
        self,
        counterparty: str,
        country: Country,
        owner: str,
        contract: _Contract,
        first_day: int,
        n_documents: int,
    ) -> None:
        """The debtor's sales deals: each starts as a lead and moves stage by stage (a stay
        drawn around the stage's usual days, now and then far longer: stuck), lost on the way
        with each stage's share, else won; a won deal's order follows. Deals still open on
        as_of stay on the stage they reached."""
        r = self.rng_deal
        count = min(6, int(r.expovariate(1.0) * (1 + n_documents / 40)))
        days = self.days
        as_of = self.as_of
        factor = country.scale if contract.currency != "EUR" else 1.0
        for _ in range(count):
            self.deal_seq += 1
            deal_id = f"DL{self.deal_seq:07d}"
            created = max(first_day, self.start) + r.randrange(
                0, max(1, as_of - max(first_day, self.start))
            )
            amount = max(10_000, int(r.lognormvariate(8.5, 0.9) * factor * 100))
            day = created
            stage = "lead"
            outcome = ""
            for index, (code, usual, lost_share) in enumerate(DEAL_STAGES):
                stage = code
                stay = int(r.expovariate(1 / usual)) + 1
                if r.random() < 0.12:
                    stay += r.randrange(30, 120)  # forgotten: stuck on the stage
                if day + stay > as_of:
                    break
                day += stay
                if r.random() < lost_share:
                    outcome = "lost"
                    break
                if index == len(DEAL_STAGES) - 1:
                    outcome = "won"
            if outcome:
                stage = outcome
            remaining = sum(u for c, u, _l in DEAL_STAGES[self._stage_index(stage) :])
            expected = day + remaining + r.randrange(-10, 30) if not outcome else day
            probability = ""
            if not outcome and r.random() < 0.3:
                probability = str(r.choice((20, 40, 60, 70, 80, 90)))
            self.w["deals"].row(
                (
                    deal_id,
                    counterparty,
                    self.deal_name(r.randrange(len(self.deal_names)), expected),
                    _cents(amount),
                    contract.currency,
                    stage,
                    days.s(day),
                    probability,
                    days.s(expected),
                    contract.payment_days,
                    owner,
                )
            )
            if outcome == "won":
                invoiced = day + r.randrange(3, 30) <= as_of
                self.w["orders"].row(
                    (
                        f"OR{self.deal_seq:07d}",
                        counterparty,
                        f"ZK-{self.deal_seq}",
                        days.s(day),
                        _cents(amount),
                        contract.currency,
                        "invoiced" if invoiced else "confirmed",
                        _cents(amount) if invoiced else "0.00",
                    )
                )

    def deal_name(self, index: int, close: int) -> str:
        """The deal's name, with the year and the quarter of the supply it sells: from the
        month after its (expected) close."""
        day = date.fromordinal(close + 31)
        return self.deal_names[index].format(year=day.year, quarter=(day.month - 1) // 3 + 1)

    @staticmethod
    def _stage_index(stage: str) -> int:
        for index, (code, _usual, _lost) in enumerate(DEAL_STAGES):
            if code == stage:
                return index
        return len(DEAL_STAGES)

    def schedule(
        self, behaviour: str, due: int, amount: int, stop_paying: int
    ) -> list[tuple[int, int]]:
        """(date, cents) of the payments a debtor of this behaviour makes for one document."""
        r = self.rng_pay
        if behaviour == "reliable":
            return [(due + r.randrange(-7, 4), amount)]
        if behaviour == "slow":
            return [(due + r.randrange(5, 45), amount)]
        if behaviour == "chronic_late":
            if r.random() < 0.1:
                return []  # forgotten invoices pile up in the old buckets
            late = int(r.expovariate(1 / 60)) + 20
            if late > 90 and r.random() < 0.6:
                return []  # let slide this long, most of it never comes back
            return [(due + late, amount)]
        if behaviour == "disputer":
            if r.random() < 0.3:
                disputed = amount * r.randrange(10, 60) // 100
                payments = [(due + r.randrange(15, 70), amount - disputed)]
                if r.random() < 0.3:  # the claim was settled and the rest paid much later
                    payments.append((due + r.randrange(90, 200), disputed))
                return payments
            return [(due + r.randrange(0, 25), amount)]
        if behaviour == "partial_payer":
            parts = r.randrange(2, 5)
            paid = 0
            when = due + r.randrange(0, 20)
            payments = []
            for k in range(parts):
                chunk = amount - paid if k == parts - 1 else amount * r.randrange(20, 45) // 100
                chunk = min(chunk, amount - paid)
                if chunk <= 0:
                    break
                if k == parts - 1 and r.random() < 0.35:
                    break  # the last part never comes
                payments.append((when, chunk))
                paid += chunk
                when += r.randrange(10, 40)
            return payments
        # defaulter: paid slowly until they stopped paying altogether.
        when = due + r.randrange(10, 60)
        return [(when, amount)] if when < stop_paying else []

    def write_payments(
        self,
        counterparty: str,
        payer: str,
        behaviour: str,
        rows: list[tuple[int, int, str, str, str]],
    ) -> None:
        """Turn planned (date, cents, document, contract, currency) into payment rows: some name
        the document, some only the contract, some neither; same-day payments on one contract
        are often one bank transfer; a few overpay."""
        if not rows:
            return
        r = self.rng_pay
        rows.sort(key=lambda row: (row[0], row[2]))
        # Those who leave some documents unpaid say which ones they pay.
        names_document = {"reliable": 0.8, "chronic_late": 0.9, "partial_payer": 0.9}.get(
            behaviour, 0.5
        )
        merged: list[list[Any]] = []
        for when, cents, document, contract, currency in rows:
            roll = r.random()
            if roll < names_document:
                merged.append([when, cents, document, contract, currency])
                continue
            reference = contract if roll < names_document + (1 - names_document) * 0.7 else ""
            last = merged[-1] if merged else None
            if (
                last is not None
                and last[0] == when
                and last[2] == ""
                and last[3] == reference
                and last[4] == currency
            ):
                last[1] += cents  # one transfer paying several documents
            else:
                merged.append([when, cents, "", reference, currency])
        write = self.w["payments"].row
        for when, cents, document, contract, currency in merged:
            if r.random() < 0.02:
                # Overpayment: a rounded-up transfer leaves unallocated credit.
                cents = (cents // 10_000 + 1) * 10_000
            self.payment_seq += 1
            write(
                (
                    f"PM{self.payment_seq:08d}",
                    counterparty,
                    contract,
                    document,
                    self.days.s(when),
                    _cents(cents),
                    currency,
                    payer,
                )
            )


def describe(paths: dict[str, Path]) -> dict[str, int]:
    """Row counts per file (headers excluded)."""
    counts: dict[str, int] = {}
    for name, path in paths.items():
        with path.open(encoding="utf-8") as handle:
            counts[name] = sum(1 for _ in handle) - 1
    return counts
