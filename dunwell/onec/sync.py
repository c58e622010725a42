"""The 1C sync (docs/integrations.md, "1C"): read an infobase's standard OData interface, turn the
records whose DataVersion changed into ledger rows and load them through the file import's
engine (`import_table`), kind by kind in load order, in one transaction.

Rules (the brief's and the docs'):
- folders (`IsFolder`) are never loaded; counterparties and contracts marked for deletion are
  loaded like the others (documents still name them; Dunwell never deletes a debtor);
- a sales document or payment that is unposted or marked for deletion is skipped while the
  ledger has never had it, and sent with cancelled=true once it has;
- a payment becomes one ledger payment per line of its breakdown (`РасшифровкаПлатежа`),
  external id "<Ref_Key>/<LineNumber>"; a line that names a sales document the ledger has
  allocates the payment to it; a line that disappears is cancelled;
- the 1C zero GUID is an empty reference.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from dunwell.accounts.models import User
from dunwell.ledger.importing import ImportRejected, Table, import_table
from dunwell.ledger.models import Company
from dunwell.ledger.taxids import TaxIdError, normalize_tax_id
from dunwell.locks import LockBusy, exclusive
from dunwell.onec.codes import country_alpha2, currency_alpha
from dunwell.onec.messages import Failure, message
from dunwell.onec.models import Connection, RecordVersion, SyncRun
from dunwell.onec.odata import EMPTY_REF, Client, Metadata, ODataError, missing_names, since_filter
from dunwell.onec.presets import LOAD_ORDER, PRESETS, REFERENCE_PREFIX, SALES, Entity, Preset

log = logging.getLogger(__name__)
BATCH = 50_000  # rows per engine call
NO_DATE = "1900-01-01"  # a contract whose date 1C left empty (0001-01-01)
COUNTERPARTY_TYPE = REFERENCE_PREFIX + "Catalog_Контрагенты"
SALES_TYPE = REFERENCE_PREFIX + SALES
MAX_ERRORS_SHOWN = 20

HEADERS = {
    "counterparties": ["external_id", "name", "tax_id", "kpp", "country"],
    "contracts": ["external_id", "counterparty", "number", "date", "currency", "payment_days"],
    "documents": [
        "external_id",
        "kind",
        "counterparty",
        "contract",
        "number",
        "date",
        "amount",
        "currency",
        "cancelled",
    ],
    "payments": [
        "external_id",
        "counterparty",
        "contract",
        "document",
        "date",
        "amount",
        "currency",
        "cancelled",
    ],
}

Progress = Callable[[dict[str, dict[str, int]]], object]


class SyncFailed(Failure):
    """The sync stopped; nothing of it was written. The message is for the user."""


@dataclass
class Known:
    """What the connection read before, per entity set: ref -> RecordVersion."""

    versions: dict[str, dict[str, RecordVersion]] = field(default_factory=dict)

    def of(self, entity_set: str) -> dict[str, RecordVersion]:
        return self.versions.setdefault(entity_set, {})


@dataclass
class Change:
    entity_set: str
    ref: str
    version: str
    loaded: bool
    data: dict[str, Any]


@dataclass
class Batch:
    """Rows for one kind and what they came from (for error messages)."""

    rows: list[list[str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def add(self, cells: list[str], label: str) -> None:
        self.rows.append(cells)
        self.labels.append(label)


def ref_of(value: Any) -> str:
    text = str(value or "")
    return "" if text in {"", EMPTY_REF} else text


def day_of(value: Any) -> str:
    text = str(value or "")[:10]
    return "" if not text or text.startswith("0001-") else text


def money_text(value: Any) -> str:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return str(value)
    return f"{amount.quantize(Decimal('0.01')):f}"


def flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class Sync:
    def __init__(
        self,
        connection: Connection,
        password: str,
        *,
        since: date | None = None,
        user: User | None = None,
        progress: Progress | None = None,
        client: Client | None = None,
    ) -> None:
        self.connection = connection
        self.preset: Preset = PRESETS[connection.preset]
        self.company: Company = connection.company
        self.client = client or Client(connection.url, connection.username, password)
        self.since = since
        self.user = user
        self.progress = progress
        self.stats: dict[str, dict[str, int]] = {}
        self.notes: list[str] = []
        self.known = Known()
        self.changes: list[Change] = []
        self.batches: dict[str, Batch] = {kind: Batch() for kind in HEADERS}
        self.currencies: dict[str, str] = {}
        self.countries: dict[str, str] = {}
        # Contracts and sales documents the ledger will have after this sync, and what a
        # payment line must agree with: {ref: {"currency": .., "counterparty": ..}}.
        self.contracts: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        # УТ 11.5: a settlement object (Catalog_ОбъектыРасчетов) -> the sales document it is.
        self.settlements: dict[str, str] = {}

    # --- reading ---------------------------------------------------------------------------

    def check(self) -> Metadata:
        meta = self.client.metadata()
        problems = missing_names(self.preset, meta)
        if problems:
            raise SyncFailed(
                "unpublished",
                preset=self.preset.name,
                what=[[problem.code, problem.params] for problem in problems],
            )
        return meta

    def _load_known(self) -> None:
        for version in RecordVersion.objects.filter(connection=self.connection).iterator():
            self.known.of(version.entity_set)[version.ref] = version
        for ref, version in self.known.of("Catalog_ДоговорыКонтрагентов").items():
            if version.loaded:
                self.contracts[ref] = version.data
        for ref, version in self.known.of(SALES).items():
            if version.loaded:
                self.documents[ref] = version.data

    def read(self, entity: Entity, meta: Metadata) -> Iterator[dict[str, Any]]:
        published = meta.properties(entity.entity_set) or set()
        where = since_filter(self.since) if entity.dated and self.since else None
        counts = self.stats.setdefault(entity.key, {"read": 0, "changed": 0, "cancelled": 0})
        for page in self.client.pages(entity.entity_set, entity.select(published), where):
            yield from page
            counts["read"] += len(page)
            if self.progress is not None:
                self.progress(self.stats)

    def changed(self, entity: Entity, record: dict[str, Any]) -> tuple[str, RecordVersion | None]:
        """(ref, what was known of it) when its DataVersion changed, else ("", ..)."""
        ref = str(record.get("Ref_Key", ""))
        before = self.known.of(entity.entity_set).get(ref)
        if before is not None and before.version == str(record.get("DataVersion", "")):
            return "", before
        return ref, before

    def remember(
        self, entity: Entity, record: dict[str, Any], *, loaded: bool, data: dict[str, Any]
    ) -> None:
        self.changes.append(
            Change(
                entity.entity_set,
                str(record.get("Ref_Key", "")),
                str(record.get("DataVersion", "")),
                loaded,
                data,
            )
        )

    def count(self, entity: Entity, *, cancelled: bool = False) -> None:
        self.stats[entity.key]["changed"] += 1
        if cancelled:
            self.stats[entity.key]["cancelled"] += 1

    def field(self, entity: Entity, record: dict[str, Any], role: str) -> Any:
        prop = entity.prop(role)
        return record.get(prop.name) if prop is not None else None

    # --- per entity ------------------------------------------------------------------------

    def read_currencies(self, entity: Entity, meta: Metadata) -> None:
        for record in self.read(entity, meta):
            alpha = currency_alpha(str(record.get("Code", "")), str(record.get("Description", "")))
            if alpha:
                self.currencies[str(record.get("Ref_Key"))] = alpha
            ref, _before = self.changed(entity, record)
            if ref:
                self.count(entity)
                self.remember(entity, record, loaded=False, data={"alpha": alpha or ""})

    def read_countries(self, entity: Entity, meta: Metadata) -> None:
        for record in self.read(entity, meta):
            alpha = country_alpha2(str(record.get("Code", "")), str(record.get("КодАльфа2", "")))
            if alpha:
                self.countries[str(record.get("Ref_Key"))] = alpha
            ref, _before = self.changed(entity, record)
            if ref:
                self.count(entity)
                self.remember(entity, record, loaded=False, data={})

    def read_counterparties(self, entity: Entity, meta: Metadata) -> None:
        batch = self.batches["counterparties"]
        for record in self.read(entity, meta):
            ref, _before = self.changed(entity, record)
            if not ref:
                continue
            if flag(self.field(entity, record, "folder")):
                self.remember(entity, record, loaded=False, data={})
                continue
            short = str(self.field(entity, record, "name") or "").strip()
            # The full legal name, as claims and court papers need it; the short one otherwise.
            name = str(self.field(entity, record, "full_name") or "").strip() or short
            country = self.countries.get(ref_of(self.field(entity, record, "country")), "")
            country = country or self.company.country
            label = f"{entity.entity_set} {short} ({ref})"
            tax_id = str(self.field(entity, record, "tax_id") or "").strip()
            try:
                normalize_tax_id(country, tax_id)
            except TaxIdError as exc:
                # Accounting holds tax ids that are not valid (typos, placeholders); one of
                # them must not stop the whole sync: the debtor is loaded without it.
                self.notes.append(
                    message(
                        "tax_id_left_empty",
                        record=label,
                        value=tax_id,
                        why=exc.code,
                        why_params=exc.params,
                    ).kept()
                )
                tax_id = ""
            batch.add(
                [
                    ref,
                    name,
                    tax_id,
                    str(self.field(entity, record, "kpp") or "").strip(),
                    country,
                ],
                label,
            )
            self.count(entity)
            self.remember(entity, record, loaded=True, data={})

    def read_contracts(self, entity: Entity, meta: Metadata) -> None:
        batch = self.batches["contracts"]
        for record in self.read(entity, meta):
            ref, _before = self.changed(entity, record)
            if not ref:
                continue
            owner = ref_of(self.field(entity, record, "owner"))
            if flag(self.field(entity, record, "folder")) or not owner:
                self.remember(entity, record, loaded=False, data={})
                continue
            currency = (
                self.currencies.get(ref_of(self.field(entity, record, "currency")))
                or self.company.currency
            )
            name = str(self.field(entity, record, "name") or "").strip()
            number = str(self.field(entity, record, "number") or "").strip() or name or ref[:8]
            days = self.field(entity, record, "days")
            days_set = self.field(entity, record, "days_set")
            # БП 3.0: the days count only when "payment term set" is ticked (otherwise the
            # infobase's default applies, which the standard interface does not show).
            if entity.prop("days_set") is not None and days_set is not None and not flag(days_set):
                days = None
            batch.add(
                [
                    ref,
                    owner,
                    number[:64],
                    day_of(self.field(entity, record, "date")) or NO_DATE,
                    currency,
                    str(int(str(days))) if days not in (None, "") else "",
                ],
                f"{entity.entity_set} {name or number} ({ref})",
            )
            data = {"currency": currency, "counterparty": owner}
            self.contracts[ref] = data
            self.count(entity)
            self.remember(entity, record, loaded=True, data=data)

    def read_documents(self, entity: Entity, meta: Metadata) -> None:
        batch = self.batches["documents"]
        for record in self.read(entity, meta):
            ref, before = self.changed(entity, record)
            if not ref:
                continue
            loaded = before is not None and before.loaded
            cancelled = flag(self.field(entity, record, "deleted")) or not flag(
                self.field(entity, record, "posted")
            )
            counterparty = ref_of(self.field(entity, record, "counterparty"))
            if (cancelled and not loaded) or not counterparty:
                self.documents.pop(ref, None)
                self.remember(entity, record, loaded=loaded, data=before.data if before else {})
                continue
            contract = ref_of(self.field(entity, record, "contract"))
            terms = self.contracts.get(contract)
            if terms is None or terms.get("counterparty") != counterparty:
                contract = ""  # a contract the ledger does not have, or another debtor's
            currency = self.currencies.get(ref_of(self.field(entity, record, "currency"))) or (
                terms["currency"] if terms else self.company.currency
            )
            number = str(self.field(entity, record, "number") or "").strip()
            day = day_of(self.field(entity, record, "date"))
            batch.add(
                [
                    ref,
                    "shipment",
                    counterparty,
                    contract,
                    number or ref[:8],
                    day,
                    money_text(self.field(entity, record, "amount")),
                    currency,
                    "true" if cancelled else "false",
                ],
                f"{entity.entity_set} {number} {day} ({ref})",
            )
            data = {"currency": currency, "counterparty": counterparty}
            self.documents[ref] = data
            self.count(entity, cancelled=cancelled)
            self.remember(entity, record, loaded=True, data=data)

    def read_settlements(self, entity: Entity, meta: Metadata) -> None:
        for record in self.read(entity, meta):
            if record.get("Объект_Type") == SALES_TYPE and ref_of(record.get("Объект")):
                self.settlements[str(record.get("Ref_Key"))] = str(record.get("Объект"))
            ref, _before = self.changed(entity, record)
            if ref:
                self.count(entity)
                self.remember(entity, record, loaded=False, data={})

    def read_payments(self, entity: Entity, meta: Metadata) -> None:
        batch = self.batches["payments"]
        counterparty_prop = entity.prop("counterparty")
        assert counterparty_prop is not None
        for record in self.read(entity, meta):
            ref, before = self.changed(entity, record)
            if not ref:
                continue
            loaded = before is not None and before.loaded
            counterparty = ref_of(record.get(counterparty_prop.name))
            if counterparty_prop.composite and record.get(f"{counterparty_prop.name}_Type") not in (
                None,
                COUNTERPARTY_TYPE,
            ):
                counterparty = ""  # a payment from an employee or a bank, not a counterparty
            operation = str(self.field(entity, record, "operation") or "")
            cancelled = (
                flag(self.field(entity, record, "deleted"))
                or not flag(self.field(entity, record, "posted"))
                or (bool(entity.operations) and operation not in entity.operations)
                or not counterparty
            )
            previous: dict[str, list[str]] = dict(before.data.get("rows", {})) if before else {}
            if cancelled and not loaded:
                self.remember(entity, record, loaded=False, data={})
                continue
            number = str(self.field(entity, record, "number") or "").strip()
            day = day_of(self.field(entity, record, "date"))
            label = f"{entity.entity_set} {number} {day} ({ref})"
            rows = {} if cancelled else self.payment_rows(entity, record, ref, counterparty, day)
            for external_id, cells in rows.items():
                batch.add([external_id, *cells, "false"], label)
            for external_id, cells in previous.items():
                if external_id not in rows:
                    # Cancelled without the document it named: the ledger's explicit
                    # allocation would still spend a cancelled payment on it.
                    gone = [*cells[:2], "", *cells[3:]]
                    batch.add([external_id, *gone, "true"], label)
            self.count(entity, cancelled=cancelled)
            self.remember(
                entity, record, loaded=bool(rows or previous), data={"rows": rows or previous}
            )

    def payment_rows(
        self, entity: Entity, record: dict[str, Any], ref: str, counterparty: str, day: str
    ) -> dict[str, list[str]]:
        """The ledger payments of one 1C payment: {external id: cells without `cancelled`}.
        One per breakdown line; a payment without lines is one payment of its whole amount."""
        currency = (
            self.currencies.get(ref_of(self.field(entity, record, "currency")))
            or self.company.currency
        )
        header_contract = ref_of(self.field(entity, record, "contract"))
        lines: list[dict[str, Any] | None] = list(record.get(entity.lines) or []) or [None]
        rows: dict[str, list[str]] = {}
        for line in lines:

            def value(role: str, line: dict[str, Any] | None = line) -> Any:
                prop = entity.line_props.get(role)
                return None if line is None or prop is None else line.get(prop.name)

            contract = ref_of(value("contract")) or header_contract
            terms = self.contracts.get(contract)
            if terms is None or terms.get("counterparty") != counterparty:
                contract, terms = "", None
            amount = self.field(entity, record, "amount") if line is None else value("amount")
            row_currency = currency
            settled = value("settled")
            if terms and terms["currency"] != currency and settled not in (None, ""):
                # Paid in one currency against a debt in another: the ledger settles the debt,
                # so the line counts in the contract's currency (СуммаВзаиморасчетов).
                row_currency, amount = terms["currency"], settled
            text = money_text(amount)
            if Decimal(text) == 0:
                continue
            document = self.settled_sale(entity, line) if line is not None else ""
            named = self.documents.get(document)
            if named is None or (named.get("counterparty"), named.get("currency")) != (
                counterparty,
                row_currency,
            ):
                document = ""  # a sale the ledger lacks, or another debtor's or currency's
            external_id = ref if line is None else f"{ref}/{value('line')}"
            rows[external_id] = [counterparty, contract, document, day, text, row_currency]
        return rows

    def settled_sale(self, entity: Entity, line: dict[str, Any]) -> str:
        """The sales document a breakdown line settles, when it names one: directly (БП 3.0
        `Сделка`, УТ 11.4 `Заказ`, with their `_Type`) or through a settlement object (УТ 11.5
        `ОбъектРасчетов_Key`)."""
        direct = entity.line_props.get("document")
        if direct is not None and line.get(f"{direct.name}_Type") == SALES_TYPE:
            found = ref_of(line.get(direct.name))
            if found:
                return found
        through = entity.line_props.get("settlement")
        if through is not None:
            return self.settlements.get(ref_of(line.get(through.name)), "")
        return ""

    # --- applying --------------------------------------------------------------------------

    def apply(self) -> None:
        """Every kind through the import engine and the new DataVersions, in one transaction."""
        with transaction.atomic():
            for kind, batch in self.batches.items():
                for start in range(0, len(batch.rows), BATCH):
                    self._import(kind, batch, start)
            self._save_versions()

    def _import(self, kind: str, batch: Batch, start: int) -> None:
        chunk = batch.rows[start : start + BATCH]
        table = Table(
            HEADERS[kind],
            iter([(start + n + 1, cells) for n, cells in enumerate(chunk)]),
            len(chunk),
        )
        try:
            import_table(
                kind,
                table,
                display_name=f"1C {self.connection.url}",
                company=self.company,
                user=self.user,
            )
        except ImportRejected as rejected:
            rows = [
                [
                    batch.labels[error.row - 1] if 0 < error.row <= len(batch.labels) else kind,
                    error.column,
                    error.code,
                    error.params,
                ]
                for error in rejected.errors[:MAX_ERRORS_SHOWN]
            ]
            more = max(len(rejected.errors) - MAX_ERRORS_SHOWN, 0)
            raise SyncFailed("ledger_rejected", kind=kind, rows=rows, more=more) from None

    def _save_versions(self) -> None:
        new: list[RecordVersion] = []
        updated: list[RecordVersion] = []
        for change in self.changes:
            before = self.known.of(change.entity_set).get(change.ref)
            if before is None:
                new.append(
                    RecordVersion(
                        connection=self.connection,
                        entity_set=change.entity_set,
                        ref=change.ref,
                        version=change.version,
                        loaded=change.loaded,
                        data=change.data,
                    )
                )
            else:
                before.version, before.loaded, before.data = (
                    change.version,
                    change.loaded,
                    change.data,
                )
                updated.append(before)
        RecordVersion.objects.bulk_create(new, batch_size=1000)
        RecordVersion.objects.bulk_update(updated, ["version", "loaded", "data"], batch_size=1000)

    # --- the whole sync --------------------------------------------------------------------

    def run(self) -> dict[str, dict[str, int]]:
        meta = self.check()
        self._load_known()
        readers: dict[str, Callable[[Entity, Metadata], None]] = {
            "currencies": self.read_currencies,
            "countries": self.read_countries,
            "counterparties": self.read_counterparties,
            "contracts": self.read_contracts,
            "documents": self.read_documents,
            "settlements": self.read_settlements,
            "payments": self.read_payments,
        }
        for key in LOAD_ORDER:
            entity = self.preset.entity(key)
            if entity is None or entity.entity_set not in meta.entity_sets:
                continue  # an optional entity set (countries, settlement objects)
            self.stats.setdefault(key, {"read": 0, "changed": 0, "cancelled": 0})
            readers[key](entity, meta)
        self.apply()
        return self.stats


def _entity_order(stats: dict[str, dict[str, int]]) -> Iterable[str]:
    return [key for key in LOAD_ORDER if key in stats]


def run_sync(
    run: SyncRun,
    password: str,
    *,
    progress: Progress | None = None,
    client: Client | None = None,
) -> SyncRun:
    """Run a sync and record it in `run` (its log line). One sync per connection at a time:
    a second one fails at once with "already running". Returns the run, DONE or FAILED."""
    connection = run.connection
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now()
    )

    def report(stats: dict[str, dict[str, int]]) -> None:
        SyncRun.objects.filter(pk=run.pk).update(stats=stats)
        if progress is not None:
            progress(stats)

    sync = Sync(
        connection,
        password,
        since=run.since,
        user=run.user,
        progress=report,
        client=client,
    )
    # The error is kept as a code (messages.py), worded for whoever reads the log.
    status, error = SyncRun.Status.DONE, ""
    try:
        with exclusive(f"onec-sync-{connection.pk}", wait=False):
            sync.run()
    except LockBusy:
        status, error = SyncRun.Status.FAILED, message("already_running").kept()
    except (SyncFailed, ODataError) as exc:
        status, error = SyncRun.Status.FAILED, exc.kept()
    except Exception as exc:  # noqa: BLE001 - the log must say why, the run must end
        log.exception("1C sync %s failed", run.pk)
        status = SyncRun.Status.FAILED
        error = message("stopped", error=str(exc)).kept()
    if status == SyncRun.Status.FAILED:
        # Nothing was written: the counts say what was read, not what changed.
        for counts in sync.stats.values():
            counts["changed"] = counts["cancelled"] = 0
    stats = {key: sync.stats[key] for key in _entity_order(sync.stats)}
    SyncRun.objects.filter(pk=run.pk).update(
        status=status,
        error=error,
        stats=stats,
        notes=sync.notes[:1000] if status == SyncRun.Status.DONE else [],
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run
